/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JIT symbols from /tmp/perf-PID.map, the file V8/node (--perf-basic-prof),
 * the JVM agents and others write: one "START SIZE NAME" line per function,
 * START and SIZE in hex with or without 0x, NAME running to the line end.
 * The file is untrusted: a FIFO, another user's file or a line of a
 * gigabyte is refused or skipped, never waited on or read whole.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "symbols/files-int.h"
#include "symbols/symtab-int.h"

/* A longer line is no JIT symbol: the file is no perf map.  It is not
   read on (a line of a gigabyte, or no newline at all). */
#define MAX_LINE 65536

int perfmap_parse(struct symtab *t, FILE *f)
{
	char *line = malloc(MAX_LINE);

	if (!line) {
		error_set("out of memory");
		return -1;
	}
	for (size_t lineno = 1; fgets(line, MAX_LINE, f); lineno++) {
		size_t len = strlen(line);
		char *p = line, *end;
		unsigned long long start, size;

		if (len == MAX_LINE - 1 && line[len - 1] != '\n') {
			error_set("line %zu: longer than %d bytes: not a perf map",
				  lineno, MAX_LINE - 1);
			free(line);
			symtab_free(t);
			return -1;
		}
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		start = strtoull(p, &end, 16);
		if (end == p || *end != ' ')
			continue;
		p = end + 1;
		size = strtoull(p, &end, 16);
		if (end == p || *end != ' ')
			continue;
		if (symtab_add(t, start, size, end + 1, STB_GLOBAL, NULL) < 0) {
			free(line);
			return -1;
		}
	}
	free(line);
	symtab_finish(t, 0);
	return 0;
}

/* Any local user can write /tmp/perf-PID.map before the process does:
   only its owner's (this user's, as perf checks) or root's is believed. */
int perfmap_load(struct symtab *t, const char *path)
{
	struct stat st;
	int fd = file_open_regular(path, 0, &st);
	FILE *f;
	int r;

	if (fd < 0)
		return -1;
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		error_set("%s: owned by another user (uid %u): not trusted",
			  path, (unsigned)st.st_uid);
		close(fd);
		return -1;
	}
	if (!(f = fdopen(fd, "r"))) {
		error_set_errno(errno, "%s", path);
		close(fd);
		return -1;
	}
	r = perfmap_parse(t, f);
	fclose(f);
	if (r < 0) {
		char why[256];

		snprintf(why, sizeof why, "%s", pf_errmsg());
		error_set("%s: %s", path, why);
	}
	return r;
}
