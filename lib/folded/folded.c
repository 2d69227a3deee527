/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Folded-stack reader and store.  Lines are split the way flamegraph.pl's
 * regular expression /^(.*)\s+?(\d+(?:\.\d*)?)$/ splits them, so that the
 * same input gives the same frames; frame names are interned in an
 * open-addressing hash table and each line keeps only frame ids, its
 * counts and the few bytes after its last frame that its sort order needs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "util/hash-int.h"
#include "folded/folded-int.h"


static int is_blank(unsigned char c)
{
	/* perl's \s: space, \t, \n, \v, \f, \r */
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Length of a count token \d+(\.\d*)? at P, or 0 when it is not one. */
static size_t count_token(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	if (i == 0)
		return 0;
	if (i < n && p[i] == '.') {
		i++;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	}
	return i == n ? n : 0;
}

/* The last count of LINE[0..len): the token after the last blank.  Sets
   *start to where the token begins; the stack ends one byte before.  Only
   the digits and the dot of a count are looked at, so a stack costs
   nothing here however long it is. */
static int last_count(const char *line, size_t len, size_t *start)
{
	size_t i = len;

	while (i > 0 && ((line[i - 1] >= '0' && line[i - 1] <= '9') || line[i - 1] == '.'))
		i--;
	if (i == 0 || i == len || !is_blank((unsigned char)line[i - 1]) ||
	    !count_token(line + i, len - i))
		return 0;
	*start = i;
	return 1;
}

struct split {
	size_t stack_len;
	size_t c1, c1_len, c2, c2_len;
	int n;
};

static int split_line(const char *line, size_t len, struct split *s)
{
	size_t a, b;

	if (!last_count(line, len, &a))
		return 0;
	s->n = 1;
	s->c1 = a;
	s->c1_len = len - a;
	s->stack_len = a - 1;
	/* A stack that itself ends in a count: differential input. */
	if (last_count(line, a - 1, &b)) {
		s->n = 2;
		s->c2 = s->c1;
		s->c2_len = s->c1_len;
		s->c1 = b;
		s->c1_len = a - 1 - b;
		s->stack_len = b - 1;
	}
	return s->n;
}

int folded_key(const char *line, size_t len, size_t *key_len, struct fcount *count,
	       int *frac, int *diff)
{
	size_t i, a, b;
	int k;

	for (i = 0; i < len && is_blank((unsigned char)line[i]); i++)
		;
	if (i == len)
		return 0;
	if (!last_count(line, len, &a))
		return -1;
	if ((k = folded_count(line + a, len - a, count)) < 0)
		return -2;
	*frac = k;
	*key_len = a - 1;
	*diff = last_count(line, a - 1, &b);
	return 1;
}

PF_EXPORT int pf_folded_split(const char *line, size_t len, size_t *stack_len,
			      double *c1, double *c2)
{
	struct split s;
	struct fcount a, b;

	if (!split_line(line, len, &s))
		return 0;
	*stack_len = s.stack_len;
	folded_count(line + s.c1, s.c1_len, &a);
	*c1 = a.v;
	*c2 = a.v;
	if (s.n == 2) {
		folded_count(line + s.c2, s.c2_len, &b);
		*c2 = b.v;
	}
	return s.n;
}

PF_EXPORT pf_folded *pf_folded_new(unsigned flags)
{
	pf_folded *f = mem_zalloc(sizeof *f);

	if (!f)
		return NULL;
	if (table_init(&f->name_table, sizeof(struct name_entry), 512) < 0) {
		free(f);
		return NULL;
	}
	f->flags = flags;
	return f;
}

PF_EXPORT void pf_folded_free(pf_folded *f)
{
	if (!f)
		return;
	free(f->names);
	free(f->name_off);
	free(f->name_len);
	table_release(&f->name_table);
	free(f->ids);
	free(f->lines);
	free(f->tails);
	free(f->first_bad);
	free(f->scratch);
	free(f->rscratch);
	free(f->fields);
	free(f->prev);
	free(f->prev_end);
	free(f->prev_ids);
	free(f);
}

/* The three per-name arrays share one capacity. */
static int grow_names(pf_folded *f)
{
	size_t cap = f->nnames_cap ? f->nnames_cap * 2 : 256;
	size_t *off = mem_realloc(f->name_off, cap * sizeof *off);
	uint32_t *len;

	if (!off)
		return -1;
	f->name_off = off;
	if (!(len = mem_realloc(f->name_len, cap * sizeof *len)))
		return -1;
	f->name_len = len;
	f->nnames_cap = cap;
	return 0;
}

uint32_t folded_intern(pf_folded *f, const char *name, size_t len)
{
	uint64_t h = table_hash(pf_hash(name, len));
	struct name_entry *e;
	uint32_t id;

	TABLE_PROBE(&f->name_table, h, e)
		if (e->h.hash == h && f->name_len[e->id] == len &&
		    memcmp(f->names + f->name_off[e->id], name, len) == 0)
			return e->id;
	if (f->nnames >= UINT32_MAX - 1 || len > UINT32_MAX) {
		error_set("too many or too long frame names");
		return UINT32_MAX;
	}
	if (f->nnames == f->nnames_cap && grow_names(f) < 0)
		return UINT32_MAX;
	if (GROW(f->names, f->names_cap, f->names_len + len + 1) < 0)
		return UINT32_MAX;
	switch (table_reserve(&f->name_table)) {
	case -1:
		return UINT32_MAX;
	case 1:
		TABLE_PROBE(&f->name_table, h, e)
			;
	}
	id = (uint32_t)f->nnames++;
	f->name_off[id] = f->names_len;
	f->name_len[id] = (uint32_t)len;
	memcpy(f->names + f->names_len, name, len);
	f->names[f->names_len + len] = '\0';
	f->names_len += len + 1;
	e->h.hash = h;
	e->id = id;
	table_filled(&f->name_table);
	f->st.names = f->nnames;
	return id;
}

static char *scratch(pf_folded *f, size_t n)
{
	if (GROW(f->scratch, f->scratch_cap, n) < 0)
		return NULL;
	return f->scratch;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* s/0x[0-9a-fA-F]+/0x.../g over the stack; the counts are copied as is. */
static const char *strip_hex(pf_folded *f, const char *line, size_t *len,
			     size_t stack_len)
{
	char *out = scratch(f, *len * 2 + 8);
	size_t i = 0, o = 0;

	if (!out)
		return NULL;
	while (i < stack_len) {
		if (i + 2 < stack_len && line[i] == '0' && line[i + 1] == 'x' &&
		    is_hex(line[i + 2])) {
			for (i += 2; i < stack_len && is_hex(line[i]); i++)
				;
			memcpy(out + o, "0x...", 5);
			o += 5;
		} else {
			out[o++] = line[i++];
		}
	}
	memcpy(out + o, line + stack_len, *len - stack_len);
	o += *len - stack_len;
	*len = o;
	return out;
}

/* Fields of STACK split on ';' with trailing empty ones dropped, as perl's
   split does: pairs of (start, end) offsets in f->fields. */
static int split_fields(pf_folded *f, const char *stack, size_t len, size_t *n)
{
	size_t i, start = 0, k = 0, keep = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && stack[i] != ';')
			continue;
		if (GROW(f->fields, f->fields_cap, k * 2 + 2) < 0)
			return -1;
		f->fields[k * 2] = (uint32_t)start;
		f->fields[k * 2 + 1] = (uint32_t)i;
		k++;
		if (i > start)
			keep = k;
		start = i + 1;
	}
	*n = keep;
	return 0;
}

/* "c;b;a 1 2" from "a;b;c 1 2", the way flamegraph.pl --reverse rewrites
   a line before sorting. */
static const char *reverse_line(pf_folded *f, const char *line, size_t *len,
				const struct split *s)
{
	size_t n, i, o = 0;
	char *out;

	if (split_fields(f, line, s->stack_len, &n) < 0 ||
	    GROW(f->rscratch, f->rscratch_cap, *len + 4) < 0)
		return NULL;
	out = f->rscratch;
	for (i = n; i-- > 0;) {
		size_t a = f->fields[i * 2], b = f->fields[i * 2 + 1];

		memcpy(out + o, line + a, b - a);
		o += b - a;
		if (i > 0)
			out[o++] = ';';
	}
	out[o++] = ' ';
	memcpy(out + o, line + s->c1, s->c1_len);
	o += s->c1_len;
	if (s->n == 2) {
		out[o++] = ' ';
		memcpy(out + o, line + s->c2, s->c2_len);
		o += s->c2_len;
	}
	*len = o;
	return out;
}

static int skip_line(pf_folded *f, const char *name, uint64_t lineno)
{
	if (f->st.skipped++ == 0) {
		size_t n = strlen(name) + 32;

		f->first_bad = mem_alloc(n);
		if (!f->first_bad)
			return -1;
		snprintf(f->first_bad, n, "%s:%llu", name, (unsigned long long)lineno);
		f->st.first_skipped = f->first_bad;
	}
	return 0;
}

/* Length of the common prefix of A and B (N bytes at most). */
static size_t common_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;
	uint64_t x, y;

	while (i + 8 <= n) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			break;
		i += 8;
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* Intern the frames of STACK and append their ids to f->ids; *N is the
   number kept (trailing empty fields dropped) and *END where the last kept
   one ends.  Folded files are usually sorted, so a line tends to share
   most of its frames with the one before: those ids are reused instead of
   hashing the names again. */
static int frame_ids(pf_folded *f, const char *stack, size_t len, size_t *n, size_t *end)
{
	size_t reuse = 0, k, start, keep = 0, shared;
	uint32_t *ids;

	shared = common_prefix(stack, f->prev, len < f->prev_len ? len : f->prev_len);
	while (reuse < f->prev_n && f->prev_end[reuse] < shared)
		reuse++;
	/* at most one field per byte, plus one */
	if (GROW(f->ids, f->ids_cap, f->nids + len + 1) < 0 ||
	    GROW(f->prev_end, f->prev_end_cap, len + 1) < 0 ||
	    GROW(f->prev, f->prev_cap, len + 1) < 0)
		return -1;
	ids = f->ids + f->nids;
	if (reuse)	/* prev_ids is NULL before the first line */
		memcpy(ids, f->prev_ids, reuse * sizeof *ids);
	for (k = 0; k < reuse; k++)
		if (f->prev_end[k] > (k ? f->prev_end[k - 1] + 1 : 0))
			keep = k + 1;
	start = reuse ? f->prev_end[reuse - 1] + 1 : 0;
	for (k = reuse; start <= len; k++) {
		const char *semi = memchr(stack + start, ';', len - start);
		size_t stop = semi ? (size_t)(semi - stack) : len;
		uint32_t id = folded_intern(f, stack + start, stop - start);

		if (id == UINT32_MAX)
			return -1;
		ids[k] = id;
		f->prev_end[k] = stop;
		if (stop > start)
			keep = k + 1;
		start = stop + 1;
	}
	/* remember this line for the next one */
	if (GROW(f->prev_ids, f->prev_ids_cap, k) < 0)
		return -1;
	memcpy(f->prev_ids, ids, k * sizeof *ids);
	memcpy(f->prev, stack, len);
	f->prev_len = len;
	f->prev_n = k;
	*n = keep;
	*end = keep ? f->prev_end[keep - 1] : 0;
	f->nids += keep;
	return 0;
}

PF_EXPORT int pf_folded_add_line(pf_folded *f, const char *line, size_t len,
				 const char *name, uint64_t lineno)
{
	struct split s;
	struct fline *l;
	struct fcount c1, c2;
	size_t i, n, end = 0;
	int frac, frac2 = 0;

	for (i = 0; i < len && is_blank((unsigned char)line[i]); i++)
		;
	if (i == len)
		return 0;	/* blank lines are not worth a warning */
	if (!split_line(line, len, &s))
		return skip_line(f, name, lineno) < 0 ? -1 : 0;
	if ((frac = folded_count(line + s.c1, s.c1_len, &c1)) < 0 ||
	    (frac2 = s.n == 2 ? folded_count(line + s.c2, s.c2_len, &c2) : 0) < 0) {
		error_set("%s:%llu: count does not fit in 64 bits", name,
			  (unsigned long long)lineno);
		return -1;
	}
	if (s.n == 1)
		c2 = c1;
	if (fcount_add(&f->total, &c2) < 0 || fcount_add(&f->total1, &c1) < 0) {
		error_set("%s:%llu: counts add up to more than 64 bits", name,
			  (unsigned long long)lineno);
		return -1;
	}
	if ((f->flags & PF_FOLDED_STRIPHEX) &&
	    (!(line = strip_hex(f, line, &len, s.stack_len)) || !split_line(line, len, &s)))
		return -1;
	if ((f->flags & PF_FOLDED_REVERSE) &&
	    (!(line = reverse_line(f, line, &len, &s)) || !split_line(line, len, &s)))
		return -1;
	if (frame_ids(f, line, s.stack_len, &n, &end) < 0 ||
	    GROW(f->lines, f->lines_cap, f->nlines + 1) < 0)
		return -1;
	if (len - end > UINT32_MAX ||
	    GROW(f->tails, f->tails_cap, f->tails_len + (len - end)) < 0)
		return -1;
	l = &f->lines[f->nlines++];
	l->frames = f->nids - n;
	l->nframes = (uint32_t)n;
	l->tail = f->tails_len;
	l->tail_len = (uint32_t)(len - end);
	l->stack_tail = (uint32_t)(s.stack_len - end);
	l->ncounts = (uint32_t)s.n;
	l->c1 = c1;
	l->c2 = c2;
	memcpy(f->tails + f->tails_len, line + end, len - end);
	f->tails_len += len - end;
	f->st.diff |= s.n == 2;
	f->st.decimal |= frac | frac2;
	f->st.lines = f->nlines;
	f->st.names = f->nnames;
	f->st.total = f->total.n;
	f->st.total_first = f->total1.n;
	f->st.total_value = f->total.v;
	f->st.total_first_value = f->total1.v;
	return 1;
}

void folded_close_quietly(pf_lines *r)
{
	char saved[512];

	snprintf(saved, sizeof saved, "%s", pf_errmsg());
	pf_lines_close(r);
	error_set("%s", saved);
}

int folded_each_line(const char *path, folded_line_fn fn, void *arg)
{
	pf_lines *r = pf_lines_open(path);
	char *line;
	size_t len;
	int rc = 0;

	if (!r)
		return -1;
	while ((line = pf_lines_next(r, &len)))
		if ((rc = fn(arg, line, len, pf_lines_name(r), pf_lines_lineno(r))) < 0)
			break;
	if (rc == 0 && pf_lines_failed(r))
		rc = -1;
	if (rc < 0)
		folded_close_quietly(r);	/* keep the message of the failure */
	else if (pf_lines_close(r) < 0)
		rc = -1;
	return rc;
}

static int read_one(void *f, char *line, size_t len, const char *name, uint64_t lineno)
{
	return pf_folded_add_line(f, line, len, name, lineno) < 0 ? -1 : 0;
}

PF_EXPORT int pf_folded_read(pf_folded *f, const char *path)
{
	return folded_each_line(path, read_one, f);
}

PF_EXPORT const struct pf_folded_stats *pf_folded_stats(const pf_folded *f)
{
	return &f->st;
}

PF_EXPORT const uint32_t *pf_folded_line(const pf_folded *f, size_t i,
					 size_t *nframes, double *c1, double *c2)
{
	const struct fline *l = &f->lines[i];

	*nframes = l->nframes;
	if (c1)
		*c1 = l->c1.v;
	if (c2)
		*c2 = l->c2.v;
	return f->ids + l->frames;
}

PF_EXPORT const char *pf_folded_name(const pf_folded *f, uint32_t id, size_t *len)
{
	if (len)
		*len = f->name_len[id];
	return f->names + f->name_off[id];
}

const struct fline *folded_lines(const pf_folded *f)
{
	return f->lines;
}

const uint32_t *folded_ids(const pf_folded *f)
{
	return f->ids;
}

const char *folded_tail(const pf_folded *f, const struct fline *l)
{
	return f->tails + l->tail;
}
