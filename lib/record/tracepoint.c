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
#include "perfdata/write-int.h"

static int has_events(const char *dir)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof path, "%s/events", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *tracefs_dir(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	for (size_t i = 0; i < 2; i++)
		if (has_events(dirs[i]))
			return dirs[i];
	/* Like perf, mount tracefs where it belongs when we may. */
	if (mount("nodev", dirs[0], "tracefs", 0, NULL) == 0 && has_events(dirs[0]))
		return dirs[0];
	error_set("tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
	errno = ENOENT;
	return NULL;
}

/* The whole of a small tracefs file; NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *p = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			char *q = realloc(p, cap = cap ? cap * 2 : 8192);
			if (!q) {
				free(p);
				fclose(f);
				return NULL;
			}
			p = q;
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return p;
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

struct blob {
	unsigned char *p;
	size_t len, cap;
	int oom;
};

static void put(struct blob *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		while (cap < b->len + len)
			cap *= 2;
		unsigned char *q = realloc(b->p, cap);
		if (!q) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static int put_file(struct blob *b, const char *path, const char *tag)
{
	size_t len;
	char *text = slurp(path, &len);
	uint64_t n;

	if (!text) {
		error_set_errno(errno, "%s", path);
		return -1;
	}
	if (tag)
		put(b, tag, strlen(tag) + 1);
	n = len;
	put(b, &n, 8);
	put(b, text, len);
	free(text);
	return 0;
}

void *tracing_data_build(char *const *names, size_t n, size_t *size)
{
	const char *dir = tracefs_dir();
	struct blob b = { 0 };
	char path[512];
	unsigned char c;
	uint32_t u32;
	uint64_t u64 = 0;

	if (!dir)
		return NULL;
	put(&b, "\x17\x08\x44tracing", 10);
	put(&b, "0.6", 4);
	c = 0;  /* little endian; perf reads this byte as "file is big endian" */
	{
		uint16_t probe = 1;
		c = *(unsigned char *)&probe == 0;
	}
	put(&b, &c, 1);
	c = sizeof(long);
	put(&b, &c, 1);
	u32 = sysconf(_SC_PAGESIZE);
	put(&b, &u32, 4);
	snprintf(path, sizeof path, "%s/events/header_page", dir);
	if (put_file(&b, path, "header_page") != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/events/header_event", dir);
	if (put_file(&b, path, "header_event") != 0)
		goto fail;
	u32 = 0;        /* no ftrace formats */
	put(&b, &u32, 4);
	/* One system per tracepoint keeps this simple; perf merges them when
	   it reads. */
	u32 = n;
	put(&b, &u32, 4);
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(names[i], ':');
		char sys[128];
		size_t sl = colon ? (size_t)(colon - names[i]) : 0;

		if (!colon || sl >= sizeof sys)
			continue;
		memcpy(sys, names[i], sl);
		sys[sl] = 0;
		put(&b, sys, sl + 1);
		u32 = 1;
		put(&b, &u32, 4);
		snprintf(path, sizeof path, "%s/events/%s/%s/format", dir, sys, colon + 1);
		if (put_file(&b, path, NULL) != 0)
			goto fail;
	}
	u32 = 0;
	put(&b, &u32, 4);       /* kallsyms */
	put(&b, &u32, 4);       /* ftrace_printk */
	put(&b, &u64, 8);       /* saved cmdlines */
	if (b.oom) {
		error_set("out of memory");
		goto fail;
	}
	*size = b.len;
	return b.p;
fail:
	free(b.p);
	return NULL;
}
