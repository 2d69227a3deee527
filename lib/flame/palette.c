/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * flamegraph.pl's consistent palette (--cp): a file of "name->colour"
 * lines that keeps a function's colour from one graph to the next.  New
 * names get their palette colour and are added; the file is rewritten
 * sorted by name, as flamegraph.pl writes it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "util/table.h"
#include "folded/folded-int.h"
#include "flame/flame-int.h"

struct entry {
	char *name;
	size_t len;
	char *colour;
};

struct palette_map {
	struct entry *e;
	size_t n, cap;
	struct strmap index;	/* name -> index into e */
};

const char *palette_map_get(struct palette_map *pm, const char *name, size_t len)
{
	const struct strmap_entry *s = strmap_find(&pm->index, name, len);

	return s ? pm->e[s->value].colour : NULL;
}

int palette_map_put(struct palette_map *pm, const char *name, size_t len, const char *colour)
{
	const struct strmap_entry *s = strmap_find(&pm->index, name, len);
	struct entry *e;

	if (s) {
		e = &pm->e[s->value];
		free(e->colour);
		return (e->colour = strdup(colour)) ? 0 : (error_set("out of memory"), -1);
	}
	if (GROW(pm->e, pm->cap, pm->n + 1) < 0)
		return -1;
	e = &pm->e[pm->n];
	e->name = malloc(len + 1);
	e->colour = strdup(colour);
	if (!e->name || !e->colour) {
		free(e->name);
		free(e->colour);
		error_set("out of memory");
		return -1;
	}
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->len = len;
	if (strmap_put(&pm->index, e->name, len, pm->n) < 0) {
		free(e->name);
		free(e->colour);
		return -1;
	}
	pm->n++;
	return 0;
}

/* "name->rgb(...)" */
static int load_line(void *pm, char *line, size_t len, const char *name, uint64_t lineno)
{
	char *arrow = strstr(line, "->");
	char *end;

	(void)len, (void)name, (void)lineno;
	if (!arrow)
		return 0;
	/* perl's split("->") keeps the field between the first two */
	end = strstr(arrow + 2, "->");
	if (end)
		*end = '\0';
	return palette_map_put(pm, line, (size_t)(arrow - line), arrow + 2);
}

struct palette_map *palette_map_load(const char *path)
{
	struct palette_map *pm = mem_zalloc(sizeof *pm);

	if (!pm)
		return NULL;
	if (strmap_init(&pm->index) < 0) {
		free(pm);
		return NULL;
	}
	if (access(path, F_OK) != 0)
		return pm;	/* a first run creates it */
	if (folded_each_line(path, load_line, pm) < 0)
		goto fail;
	return pm;
fail:
	palette_map_free(pm);
	return NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

int palette_map_save(struct palette_map *pm, const char *path)
{
	FILE *out;
	size_t i;

	/* sorting breaks the index; the map is not used after this */
	qsort(pm->e, pm->n, sizeof *pm->e, cmp_entry);
	out = fopen(path, "w");
	if (!out) {
		error_set_errno(errno, "%s", path);
		return -1;
	}
	for (i = 0; i < pm->n; i++) {
		fwrite(pm->e[i].name, 1, pm->e[i].len, out);
		fprintf(out, "->%s\n", pm->e[i].colour);
	}
	if (fclose(out) != 0) {
		error_set_errno(errno, "%s", path);
		return -1;
	}
	return 0;
}

void palette_map_free(struct palette_map *pm)
{
	size_t i;

	if (!pm)
		return;
	for (i = 0; i < pm->n; i++) {
		free(pm->e[i].name);
		free(pm->e[i].colour);
	}
	free(pm->e);
	strmap_release(&pm->index);
	free(pm);
}
