/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Input sniffing and exporter runs for pfscript --format and pfcollapse
 * (export.h).  A pipe cannot be rewound, so the bytes read to look at it
 * are handed on through a pipe of our own, with a thread copying the rest.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <pf/pf.h>
#include "export.h"
#include "tool.h"

#define SNIFF_SIZE 4096

int tool_flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warn("standard output: write error: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

int tool_format(const char *name)
{
	static const char *const names[] = {
		[0] = "perf", [PF_EXPORT_FOLDED] = "folded", [PF_EXPORT_PPROF] = "pprof",
		[PF_EXPORT_GECKO] = "gecko",
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

/* The first bytes, decompressed when they are gzip's. */
static int is_perfdata(const unsigned char *p, size_t n)
{
	unsigned char out[8];
	z_stream z;

	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		memset(&z, 0, sizeof z);
		if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
			return 0;
		z.next_in = (unsigned char *)(uintptr_t)p;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = sizeof out;
		inflate(&z, Z_SYNC_FLUSH);
		n = sizeof out - z.avail_out;
		inflateEnd(&z);
		p = out;
	}
	return n >= 8 && memcmp(p, "PERFILE2", 8) == 0;
}

struct relay {
	int in, out;
	unsigned char *head;
	size_t n;
};

/* Copy the sniffed bytes, then the rest of the input, into the pipe.  A
   reader that stops early closes its end: EPIPE ends the copy quietly. */
static void *relay_main(void *arg)
{
	struct relay *r = arg;
	char buf[1 << 16];
	ssize_t k;
	size_t off = 0;
	sigset_t pipe_sig;

	/* EPIPE instead of SIGPIPE for this thread's writes. */
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
	while (off < r->n && (k = write(r->out, r->head + off, r->n - off)) > 0)
		off += (size_t)k;
	/* Pipe to pipe without copying through user space when it can. */
	while (off == r->n && (k = splice(r->in, NULL, r->out, NULL, 1 << 20, SPLICE_F_MOVE)) > 0)
		;
	if (off == r->n && k == 0)
		goto done;
	while (off == r->n && (k = read(r->in, buf, sizeof buf)) > 0) {
		for (ssize_t w = 0, d; w < k; w += d)
			if ((d = write(r->out, buf + w, (size_t)(k - w))) <= 0)
				goto done;
	}
done:
	close(r->out);
	close(r->in);
	free(r->head);
	free(r);
	return NULL;
}

int tool_open_sniffed(const char *path, int *is_data)
{
	int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *head;
	struct stat st;
	size_t n = 0;
	ssize_t k;
	off_t start;

	if (fd < 0) {
		warn("%s: %s", path, strerror(errno));
		return -1;
	}
	/* Standard input may be a file read from part way. */
	start = lseek(fd, 0, SEEK_CUR);
	if (!(head = malloc(SNIFF_SIZE)))
		die("out of memory");
	/* Enough for the magic, decompressed or not; fewer at the end. */
	while (n < SNIFF_SIZE && (k = read(fd, head + n, SNIFF_SIZE - n)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			warn("%s: %s", path, strerror(errno));
			free(head);
			close(fd);
			return -1;
		}
		n += (size_t)k;
		if (n >= 8 && !(head[0] == 0x1f && head[1] == 0x8b))
			break;
		if (n >= 512)
			break;
	}
	*is_data = is_perfdata(head, n);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && start >= 0 &&
	    lseek(fd, start, SEEK_SET) == start) {
		free(head);
		return fd;
	}
	int p[2];
	pthread_t t;
	struct relay *r = malloc(sizeof *r);

	if (!r || pipe2(p, O_CLOEXEC) < 0)
		die("%s: %s", path, strerror(errno));
	*r = (struct relay){ fd, p[1], head, n };
	if ((errno = pthread_create(&t, NULL, relay_main, r)) != 0)
		die("%s: %s", path, strerror(errno));
	pthread_detach(t);
	return p[0];
}

int tool_export_read(pf_export *x, const struct pf_scriptprint_opts *so, int fd,
		     const char *path)
{
	uint64_t before, chunks_before, lost, chunks;

	before = pf_export_lost(x, &chunks_before);
	if ((fd < 0 ? pf_export_read(x, so)
		    : pf_export_read_fd(x, so, fd, strcmp(path, "-") == 0 ? "<stdin>" : path)) < 0) {
		warn("%s", pf_errmsg());
		return -1;
	}
	lost = pf_export_lost(x, &chunks) - before;
	if (chunks > chunks_before)
		warn("%s: the kernel lost %llu samples in %llu chunks (record with a larger -m or a lower rate)",
		     path, (unsigned long long)lost, (unsigned long long)(chunks - chunks_before));
	return 0;
}

int tool_script_export(const struct pf_scriptprint_opts *o, int format)
{
	static char outbuf[1 << 16];
	struct pf_export_opts eo;
	const char *kept;
	pf_export *x;
	int rc = 0;

	if (o->fields_set || o->fields_add || o->fields_del ||
	    (o->flags & (PF_SCRIPTPRINT_SHOW_MMAP | PF_SCRIPTPRINT_HEADER | PF_SCRIPTPRINT_FAULTS |
			 PF_SCRIPTPRINT_SHOW_TASK | PF_SCRIPTPRINT_SHOW_SWITCH | PF_SCRIPTPRINT_NS |
			 PF_SCRIPTPRINT_RELTIME | PF_SCRIPTPRINT_DELTATIME)))
		usage_error("--fields, --show-*-events, --header, --faults and the time formats go "
			    "with --format=perf only");
	if (o->time || o->cpus || o->symbols)
		usage_error("--time, --cpu and --symbols go with --format=perf only");
	if (format != PF_EXPORT_FOLDED && isatty(1))
		die("refusing to write %s to a terminal: redirect standard output",
		    format == PF_EXPORT_PPROF ? "compressed pprof" : "Gecko JSON");
	pf_export_opts_init(&eo);
	eo.format = (enum pf_export_format)format;
	if (!(x = pf_export_new(&eo)))
		die_lib();
	if (tool_export_read(x, o, -1, o->input) < 0)
		rc = 1;
	if (rc == 0) {
		if ((kept = pf_export_kept_event(x)))
			fprintf(stderr, "Filtering for events of type: %s\n", kept);
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
		if (pf_export_write(x, stdout) < 0) {
			warn("standard output: %s", pf_errmsg());
			rc = 1;
		} else if (tool_flush_stdout() < 0) {
			rc = 1;
		}
	}
	pf_export_free(x);
	return rc;
}

/* One folded file into F with exact integer counts. */
static int read_folded(pf_fold *f, const char *path)
{
	pf_lines *r = pf_lines_open(path);
	const char *line;
	size_t len, stack_len;
	double c1, c2;
	int rc = 0;

	if (!r) {
		warn("%s", pf_errmsg());
		return -1;
	}
	while (rc == 0 && (line = pf_lines_next(r, &len))) {
		const char *p, *end = line + len;
		uint64_t count = 0;

		while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == line)
			continue;
		if (pf_folded_split(line, len, &stack_len, &c1, &c2) != 1) {
			warn("%s: line %llu: not a folded stack line (\"frame;frame count\")",
			     pf_lines_name(r), (unsigned long long)pf_lines_lineno(r));
			rc = -1;
			break;
		}
		for (p = end; p > line && p[-1] >= '0' && p[-1] <= '9'; p--)
			;
		if (p == end || (p > line && p[-1] == '.')) {
			warn("%s: line %llu: pprof counts are whole numbers",
			     pf_lines_name(r), (unsigned long long)pf_lines_lineno(r));
			rc = -1;
			break;
		}
		for (; p < end; p++) {
			if (count > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
				warn("%s: line %llu: count does not fit in 64 bits",
				     pf_lines_name(r), (unsigned long long)pf_lines_lineno(r));
				rc = -1;
				break;
			}
			count = count * 10 + (uint64_t)(*p - '0');
		}
		if (rc == 0 && pf_fold_add(f, line, stack_len, count) < 0) {
			warn("%s: line %llu: %s", pf_lines_name(r),
			     (unsigned long long)pf_lines_lineno(r), pf_errmsg());
			rc = -1;
		}
	}
	if (rc == 0 && pf_lines_failed(r)) {
		warn("%s", pf_errmsg());
		rc = -1;
	}
	pf_lines_close(r);
	return rc;
}

int tool_folded_pprof(char **paths, int n, const char *type)
{
	pf_fold *f = pf_fold_new();
	int rc = 0;

	if (!f)
		die_lib();
	if (isatty(1))
		die("refusing to write compressed pprof to a terminal: redirect standard output");
	for (int i = 0; i < (n ? n : 1) && rc == 0; i++)
		rc = read_folded(f, n ? paths[i] : "-");
	if (rc == 0 && pf_export_fold_pprof(f, type, NULL, 0, stdout) < 0) {
		warn("standard output: %s", pf_errmsg());
		rc = -1;
	} else if (rc == 0 && tool_flush_stdout() < 0) {
		rc = -1;
	}
	pf_fold_free(f);
	return rc < 0 ? 1 : 0;
}
