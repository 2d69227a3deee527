/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tracepoints: their ids and formats from tracefs, and the TRACING_DATA
 * blob perf needs to decode their raw fields (perf's
 * util/trace-event-info.c writes it, util/trace-event-read.c reads it):
 *   "\x17\x08\x44tracing" "0.6\0", endianness, sizeof(long), page size,
 *   "header_page\0" u64 size + text, "header_event\0" u64 size + text,
 *   u32 ftrace formats (0 here), u32 systems { name\0, u32 n, { u64 size,
 *   format text } }, u32 kallsyms size (0), u32 printk size (0),
 *   u64 saved cmdlines size (0).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "util/pf-int.h"
#include "util/buf.h"
#include "record/capture-int.h"

/* 1: DIR/events is there; 0: not; -1: there but not ours to read. */
static int has_events(const char *dir)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof path, "%s/events", dir);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return access(path, R_OK | X_OK) == 0 ? 1 : -1;
	return errno == EACCES ? -1 : 0;
}

const char *tracefs_dir(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct stat st;

	for (size_t i = 0; i < 2; i++) {
		int rc = has_events(dirs[i]);

		if (rc > 0)
			return dirs[i];
		/* Mounted, but with a mode that keeps this user out (perf
		   says the same: no permission, remount with mode 755). */
		if (rc < 0) {
			unsigned mode = stat(dirs[i], &st) == 0 ? st.st_mode & 07777 : 0;

			error_set("%s: permission denied: tracefs is mounted with mode %04o, which "
				  "keeps other users out: remount it readable with "
				  "'mount -o remount,mode=755 %s' (or run as root)", dirs[i], mode, dirs[i]);
			errno = EACCES;
			return NULL;
		}
	}
	/* Like perf, mount tracefs where it belongs when we may. */
	if (mount("nodev", dirs[0], "tracefs", 0, NULL) == 0 && has_events(dirs[0]) > 0)
		return dirs[0];
	error_set("tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
	errno = ENOENT;
	return NULL;
}

/* The whole of a small tracefs file, NUL-terminated; NULL on failure
   (errno set). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	struct buf b = { 0 };
	size_t r;

	if (!f)
		return NULL;
	do {
		if (buf_reserve(&b, 4097) < 0) {
			buf_release(&b);
			fclose(f);
			errno = ENOMEM;
			return NULL;
		}
		r = fread(b.p + b.len, 1, b.cap - b.len - 1, f);
		b.len += r;
	} while (r > 0);
	fclose(f);
	b.p[b.len] = 0;
	*len = b.len;
	return b.p;
}

long tracepoint_id(const char *sys, const char *name)
{
	const char *dir = tracefs_dir();
	char path[512], *text;
	size_t len;
	long id;

	if (!dir)
		return -1;
	snprintf(path, sizeof path, "%s/events/%s/%s/id", dir, sys, name);
	text = slurp(path, &len);
	if (!text && errno == EACCES) {
		error_set("%s: permission denied: tracefs keeps this user out: remount it readable "
			  "with 'mount -o remount,mode=755 %s' (or run as root)", path, dir);
		return -1;
	}
	if (!text) {
		error_set("%s:%s: no such tracepoint (see %s/available_events)", sys, name, dir);
		errno = ENOENT;
		return -1;
	}
	text[len < 1 ? 0 : len - 1] = 0;
	id = strtol(text, NULL, 10);
	free(text);
	return id;
}

int tracepoint_field(const char *sys, const char *event, const char *name,
		     unsigned *offset, unsigned *size)
{
	const char *dir = tracefs_dir();
	char path[512], want[160], *text, *at;
	size_t len;

	if (!dir)
		return -1;
	snprintf(path, sizeof path, "%s/events/%s/%s/format", dir, sys, event);
	if (!(text = slurp(path, &len))) {
		error_set_errno(errno, "%s", path);
		return -1;
	}
	/* "\tfield:long prev_state;\toffset:24;\tsize:8;\tsigned:1;" */
	snprintf(want, sizeof want, " %s;", name);
	at = strstr(text, want);
	if (!at || sscanf(at + strlen(want), " offset:%u; size:%u;", offset, size) != 2) {
		error_set("%s: no field %s", path, name);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static int put_file(struct buf *b, const char *path, const char *tag)
{
	size_t len;
	char *text = slurp(path, &len);
	uint64_t n;

	if (!text) {
		error_set_errno(errno, "%s", path);
		return -1;
	}
	n = len;
	int rc = (tag ? buf_add(b, tag, strlen(tag) + 1) : 0) | buf_add(b, &n, 8) |
		buf_add(b, text, len);
	free(text);
	return rc;
}

void *tracing_data_build(char *const *names, size_t n, size_t *size)
{
	const char *dir = tracefs_dir();
	struct buf b = { 0 };
	int rc = 0;
	char path[512];
	unsigned char c;
	uint32_t u32;
	uint64_t u64 = 0;

	if (!dir)
		return NULL;
	rc |= buf_add(&b, "\x17\x08\x44tracing", 10);
	rc |= buf_add(&b, "0.6", 4);
	c = 0;  /* little endian; perf reads this byte as "file is big endian" */
	{
		uint16_t probe = 1;
		c = *(unsigned char *)&probe == 0;
	}
	rc |= buf_add(&b, &c, 1);
	c = sizeof(long);
	rc |= buf_add(&b, &c, 1);
	u32 = sysconf(_SC_PAGESIZE);
	rc |= buf_add(&b, &u32, 4);
	snprintf(path, sizeof path, "%s/events/header_page", dir);
	if (put_file(&b, path, "header_page") != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/events/header_event", dir);
	if (put_file(&b, path, "header_event") != 0)
		goto fail;
	u32 = 0;        /* no ftrace formats */
	rc |= buf_add(&b, &u32, 4);
	/* One system per tracepoint keeps this simple; perf merges them when
	   it reads. */
	u32 = n;
	rc |= buf_add(&b, &u32, 4);
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(names[i], ':');
		char sys[128];
		size_t sl = colon ? (size_t)(colon - names[i]) : 0;

		if (!colon || sl >= sizeof sys)
			continue;
		memcpy(sys, names[i], sl);
		sys[sl] = 0;
		rc |= buf_add(&b, sys, sl + 1);
		u32 = 1;
		rc |= buf_add(&b, &u32, 4);
		snprintf(path, sizeof path, "%s/events/%s/%s/format", dir, sys, colon + 1);
		if (put_file(&b, path, NULL) != 0)
			goto fail;
	}
	u32 = 0;
	rc |= buf_add(&b, &u32, 4);       /* kallsyms */
	rc |= buf_add(&b, &u32, 4);       /* ftrace_printk */
	rc |= buf_add(&b, &u64, 8);       /* saved cmdlines */
	if (rc) {
		error_set("out of memory");
		goto fail;
	}
	*size = b.len;
	return b.p;
fail:
	buf_release(&b);
	return NULL;
}
