/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JIT symbols from /tmp/perf-PID.map, the file V8/node (--perf-basic-prof),
 * the JVM agents and others write: one "START SIZE NAME" line per function,
 * START and SIZE in hex with or without 0x, NAME running to the line end.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"
#include "symbols/symtab-int.h"

int perfmap_parse(struct symtab *t, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, f)) > 0) {
		char *p = line, *end;
		unsigned long long start, size;

		if (line[len - 1] == '\n')
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

int perfmap_load(struct symtab *t, const char *path)
{
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		error_set_errno(errno, "%s", path);
		return -1;
	}
	r = perfmap_parse(t, f);
	fclose(f);
	return r;
}
