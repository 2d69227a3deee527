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

/* Point A's fields into the attribute text S (modified in place). */
static int parse_attrs(char *s, struct frame_attrs *a, const char *path, uint64_t lineno)
{
	char *field, *next, *eq;

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
		if (strcmp(field, "title") == 0)
			a->title = eq + 1;
		else if (strcmp(field, "id") == 0)
			a->id = eq + 1;
		else if (strcmp(field, "class") == 0)
			a->class_name = eq + 1;
		else if (strcmp(field, "g_extra") == 0)
			a->g_extra = eq + 1;
		else if (strcmp(field, "href") == 0)
			a->href = eq + 1;
		else if (strcmp(field, "target") == 0)
			a->target = eq + 1;
		else if (strcmp(field, "a_extra") == 0)
			a->a_extra = eq + 1;
		/* other names mean nothing to flamegraph.pl either */
	}
	return 0;
}

static int add_line(struct name_attrs *na, const char *line, size_t len, const char *path,
		    uint64_t lineno)
{
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
	struct name_attrs *na = calloc(1, sizeof *na);
	pf_lines *r;
	char *line;
	size_t len;

	if (!na) {
		error_set("out of memory");
		return NULL;
	}
	if (strmap_init(&na->index) < 0) {
		free(na);
		return NULL;
	}
	if (!(r = pf_lines_open(path)))
		goto fail;
	while ((line = pf_lines_next(r, &len)))
		if (add_line(na, line, len, path, pf_lines_lineno(r)) < 0)
			break;
	if (line || pf_lines_failed(r)) {
		folded_close_quietly(r);	/* keeps the message of the failure */
		goto fail;
	}
	if (pf_lines_close(r) < 0)
		goto fail;
	return na;
fail:
	name_attrs_free(na);
	return NULL;
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
