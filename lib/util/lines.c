/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Line reader.  zlib's gz* layer reads gzip and plain data alike (it checks
 * the magic bytes itself) and continues across concatenated gzip members.
 * Lines are found with memchr in one large buffer and handed out in place,
 * so the common case copies nothing and allocates nothing per line.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <pf/pf.h>
#include "util/pf-int.h"

#define READ_CHUNK ((size_t)1 << 20)

struct pf_lines {
	gzFile gz;
	char *name;
	char *buf;
	size_t cap;		/* bytes allocated for buf */
	size_t start;		/* first unread byte */
	size_t end;		/* end of valid data */
	size_t max_len;
	uint64_t lineno;
	int eof;
	int failed;
};

PF_EXPORT pf_lines *pf_lines_fdopen(int fd, const char *name)
{
	pf_lines *r = calloc(1, sizeof *r);

	if (!r || !(r->name = strdup(name))) {
		error_set("out of memory");
		free(r);
		close(fd);
		return NULL;
	}
	r->cap = READ_CHUNK * 2;
	r->buf = malloc(r->cap);
	r->gz = r->buf ? gzdopen(fd, "rb") : NULL;
	if (!r->gz) {
		error_set("%s: out of memory", name);
		free(r->buf);
		free(r->name);
		free(r);
		close(fd);
		return NULL;
	}
	gzbuffer(r->gz, 256 * 1024);
	r->max_len = PF_LINES_MAX_DEFAULT;
	return r;
}

PF_EXPORT pf_lines *pf_lines_open(const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0) {
		fd = dup(STDIN_FILENO);
		if (fd < 0) {
			error_set_errno(errno, "<stdin>");
			return NULL;
		}
		return pf_lines_fdopen(fd, "<stdin>");
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_set_errno(errno, "%s", path);
		return NULL;
	}
	return pf_lines_fdopen(fd, path);
}

PF_EXPORT void pf_lines_set_max(pf_lines *r, size_t max_len)
{
	if (max_len)
		r->max_len = max_len;
}

static int fail(pf_lines *r)
{
	r->failed = 1;
	return -1;
}

/* Make room and read more data; 0 at end of input, -1 on error. */
static int fill(pf_lines *r)
{
	size_t pending = r->end - r->start;
	int n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, pending);
		r->start = 0;
		r->end = pending;
	}
	/* Keep one byte for the terminating NUL of a last unterminated line. */
	if (r->cap - r->end < READ_CHUNK + 1) {
		size_t cap = r->cap * 2;
		char *buf;

		if (pending > r->max_len) {
			error_set("%s: line %llu: longer than %zu bytes", r->name,
				  (unsigned long long)r->lineno + 1, r->max_len);
			return fail(r);
		}
		buf = realloc(r->buf, cap);
		if (!buf) {
			error_set("%s: line %llu: out of memory", r->name,
				  (unsigned long long)r->lineno + 1);
			return fail(r);
		}
		r->buf = buf;
		r->cap = cap;
	}
	n = gzread(r->gz, r->buf + r->end, (unsigned)(r->cap - r->end - 1));
	if (n < 0) {
		int zerr;
		const char *msg = gzerror(r->gz, &zerr);

		if (zerr == Z_ERRNO)
			error_set_errno(errno, "%s: line %llu", r->name,
					(unsigned long long)r->lineno + 1);
		else
			error_set("%s: line %llu: %s", r->name,
				  (unsigned long long)r->lineno + 1,
				  zerr == Z_BUF_ERROR ? "truncated gzip data" : msg);
		return fail(r);
	}
	if (n == 0) {
		int zerr;

		/* zlib reports a gzip stream cut short only through gzerror():
		   gzread() itself just returns what it could decompress. */
		gzerror(r->gz, &zerr);
		if (zerr == Z_BUF_ERROR) {
			error_set("%s: line %llu: truncated gzip data", r->name,
				  (unsigned long long)r->lineno + 1);
			return fail(r);
		}
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}

PF_EXPORT char *pf_lines_next(pf_lines *r, size_t *len)
{
	size_t scanned = 0;

	if (r->failed)
		return NULL;
	for (;;) {
		char *line = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = memchr(line + scanned, '\n', avail - scanned);

		if (nl) {
			size_t n = (size_t)(nl - line);

			if (unlikely(n > r->max_len))
				goto overlong;
			r->start += n + 1;
			if (n > 0 && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			r->lineno++;
			*len = n;
			return line;
		}
		scanned = avail;
		if (r->eof) {
			if (avail == 0)
				return NULL;
			if (unlikely(avail > r->max_len))
				goto overlong;
			/* Last line without a newline: fill() kept a spare byte. */
			r->start = r->end;
			if (line[avail - 1] == '\r')
				avail--;
			line[avail] = '\0';
			r->lineno++;
			*len = avail;
			return line;
		}
		if (fill(r) < 0)
			return NULL;
	}
overlong:
	error_set("%s: line %llu: longer than %zu bytes", r->name,
		  (unsigned long long)r->lineno + 1, r->max_len);
	fail(r);
	return NULL;
}

PF_EXPORT int pf_lines_failed(const pf_lines *r)
{
	return r->failed;
}

PF_EXPORT uint64_t pf_lines_lineno(const pf_lines *r)
{
	return r->lineno;
}

PF_EXPORT const char *pf_lines_name(const pf_lines *r)
{
	return r->name;
}

PF_EXPORT int pf_lines_close(pf_lines *r)
{
	int rc = 0;

	if (!r)
		return 0;
	if (gzclose_r(r->gz) != Z_OK) {
		/* After a failed read keep its message, which says where. */
		if (!r->failed)
			error_set("%s: close failed", r->name);
		rc = -1;
	}
	free(r->buf);
	free(r->name);
	free(r);
	return rc;
}
