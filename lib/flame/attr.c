/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * flamegraph.pl's --nameattr: extra attributes for the frames of chosen
 * functions (a class to style them, a link to their source or docs, a
 * title of their own), read from lines of
 *
 *     function<TAB>name=value<TAB>name=value...
 *
 * A later line for the same function replaces the earlier one, as in
 * flamegraph.pl.  Unlike flamegraph.pl, a line it would misread (no tab,
 * an attribute without "=") is an error naming the line.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "util/table.h"
#include "folded/folded-int.h"
#include "flame/flame-int.h"

struct entry {
	char *name;		/* the function, then its values, in one block */
	size_t len;
	struct frame_attrs a;
};

struct name_attrs {
	struct entry *e;
	size_t n, cap;
	struct strmap index;	/* function -> index into e */
};

static const struct {
	const char *name;
	size_t offset;
} names[] = {
	{ "title", offsetof(struct frame_attrs, title) },
	{ "id", offsetof(struct frame_attrs, id) },
	{ "class", offsetof(struct frame_attrs, class_name) },
	{ "g_extra", offsetof(struct frame_attrs, g_extra) },
	{ "href", offsetof(struct frame_attrs, href) },
	{ "target", offsetof(struct frame_attrs, target) },
	{ "a_extra", offsetof(struct frame_attrs, a_extra) },
};

/* Point A's fields into the attribute text S (modified in place). */
static int parse_attrs(char *s, struct frame_attrs *a, const char *path, uint64_t lineno)
{
	char *field, *next, *eq;
	size_t k;

	memset(a, 0, sizeof *a);
	for (field = s; field; field = next) {
		next = strchr(field, '\t');
		if (next)
			*next++ = '\0';
		if (!*field)
			continue;
		eq = strchr(field, '=');
		if (!eq) {
			error_set("%s:%llu: attribute \"%s\" has no \"=value\"", path,
				  (unsigned long long)lineno, field);
			return -1;
		}
		*eq = '\0';
		/* other names mean nothing to flamegraph.pl either */
		for (k = 0; k < sizeof names / sizeof *names; k++)
			if (strcmp(field, names[k].name) == 0)
				*(const char **)(void *)((char *)a + names[k].offset) = eq + 1;
	}
	return 0;
}

static int add_line(void *arg, char *line, size_t len, const char *path, uint64_t lineno)
{
	struct name_attrs *na = arg;
	const char *tab = memchr(line, '\t', len);
	const struct strmap_entry *known;
	size_t name_len;
	struct entry e;

	if (!tab) {
		error_set("%s:%llu: expected \"function<TAB>name=value...\"", path,
			  (unsigned long long)lineno);
		return -1;
	}
	name_len = (size_t)(tab - line);
	if (memchr(line, '\0', len)) {
		error_set("%s:%llu: NUL byte in line", path, (unsigned long long)lineno);
		return -1;
	}
	if (!(e.name = mem_alloc(len + 1)))
		return -1;
	memcpy(e.name, line, len);
	e.name[len] = '\0';
	e.name[name_len] = '\0';
	e.len = name_len;
	if (parse_attrs(e.name + name_len + 1, &e.a, path, lineno) < 0) {
		free(e.name);
		return -1;
	}
	known = strmap_find(&na->index, e.name, e.len);
	if (known) {
		/* The index keeps the name's address: give it the new one. */
		size_t i = known->value;

		if (strmap_put(&na->index, e.name, e.len, i) < 0) {
			free(e.name);
			return -1;
		}
		free(na->e[i].name);
		na->e[i] = e;
		return 0;
	}
	if (GROW(na->e, na->cap, na->n + 1) < 0 ||
	    strmap_put(&na->index, e.name, e.len, na->n) < 0) {
		free(e.name);
		return -1;
	}
	na->e[na->n++] = e;
	return 0;
}

struct name_attrs *name_attrs_load(const char *path)
{
	struct name_attrs *na = mem_zalloc(sizeof *na);

	if (!na)
		return NULL;
	if (strmap_init(&na->index) < 0) {
		free(na);
		return NULL;
	}
	if (folded_each_line(path, add_line, na) < 0) {
		name_attrs_free(na);
		return NULL;
	}
	return na;
}

const struct frame_attrs *name_attrs_get(const struct name_attrs *na, const char *name,
					 size_t len)
{
	const struct strmap_entry *known = strmap_find(&na->index, name, len);

	return known ? &na->e[known->value].a : NULL;
}

void name_attrs_free(struct name_attrs *na)
{
	size_t i;

	if (!na)
		return;
	for (i = 0; i < na->n; i++)
		free(na->e[i].name);
	free(na->e);
	strmap_release(&na->index);
	free(na);
}
