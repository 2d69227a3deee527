/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pfdiff --report: where the change is.  First the functions whose own
 * (self) counts changed most -- the leaf frames, where the samples land --
 * then the functions by inclusive count and the whole stacks.  A share is
 * a part of all growth (the sum of the stacks' increases), or for rows
 * that shrank of all shrinkage, so that it means the same whatever the
 * totals do.  Names come from other machines' recordings: they are
 * written with control characters escaped.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "diff/diff-int.h"

/* One row: a function, or a stack. */
struct row {
	const char *name;
	size_t len;
	struct fcount before, after;
	size_t stamp;		/* the last stack that counted it, plus one */
};

struct rows {
	struct row *v;
	size_t n, cap;
	struct strmap ids;	/* name -> index in v */
};

/* The row of NAME, added on first sight; NULL when out of memory. */
static struct row *row_of(struct rows *r, const char *name, size_t len)
{
	struct strmap_entry *e = strmap_find(&r->ids, name, len);

	if (e)
		return &r->v[e->value];
	if (GROW(r->v, r->cap, r->n + 1) < 0 || strmap_put(&r->ids, name, len, r->n) < 0)
		return NULL;
	r->v[r->n] = (struct row){ name, len, { 0, 0 }, { 0, 0 }, 0 };
	return &r->v[r->n++];
}

/* The change of R, exactly: 128 bits hold any difference of two counts. */
static __int128 change(const struct row *r)
{
	return (__int128)r->after.n - (__int128)r->before.n;
}

static int by_growth(const void *a, const void *b, void *decimal)
{
	const struct row *x = a, *y = b;
	int c;

	if (*(const int *)decimal) {
		double dx = x->after.v - x->before.v, dy = y->after.v - y->before.v;

		c = dx != dy ? (dx < dy ? 1 : -1) : 0;
	} else {
		__int128 dx = change(x), dy = change(y);

		c = dx != dy ? (dx < dy ? 1 : -1) : 0;
	}
	if (c)
		return c;
	c = memcmp(x->name, y->name, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int grew(const struct row *r, int decimal)
{
	return decimal ? r->after.v > r->before.v : r->after.n > r->before.n;
}

static int shrank(const struct row *r, int decimal)
{
	return decimal ? r->after.v < r->before.v : r->after.n < r->before.n;
}

/* "+1,234" or "-5": the change of R. */
static void delta_text(char *buf, size_t size, const struct row *r, int decimal)
{
	struct fcount d;
	int up = grew(r, decimal);

	if (!up && !shrank(r, decimal)) {
		snprintf(buf, size, "0");
		return;
	}
	d.n = up ? r->after.n - r->before.n : r->before.n - r->after.n;
	d.v = up ? r->after.v - r->before.v : r->before.v - r->after.v;
	buf[0] = up ? '+' : '-';
	fcount_format(buf + 1, size - 1, &d, decimal, FCOUNT_COMMAS);
}

static int width(const struct fcount *c, int decimal)
{
	char buf[96];

	fcount_format(buf, sizeof buf, c, decimal, FCOUNT_COMMAS);
	return (int)strlen(buf);
}

/* Rows FROM, FROM + STEP, ... (COUNT of them) under TITLE. */
static void table(FILE *out, const struct pf_diff_stats *st, const char *title,
		  const struct row *rows, long from, long count, int step, const char *what)
{
	int wb = 6, wa = 5, wd = 5, decimal = st->decimal;
	long i, k;
	char b[96], a[96], dl[96];

	fprintf(out, "%s:\n", title);
	if (count == 0) {
		fputs("  (none)\n", out);
		return;
	}
	for (i = from, k = 0; k < count; i += step, k++) {
		delta_text(dl, sizeof dl, &rows[i], decimal);
		if (width(&rows[i].before, decimal) > wb)
			wb = width(&rows[i].before, decimal);
		if (width(&rows[i].after, decimal) > wa)
			wa = width(&rows[i].after, decimal);
		if ((int)strlen(dl) > wd)
			wd = (int)strlen(dl);
	}
	fprintf(out, "  %*s  %*s  %*s  %7s  %s\n", wb, "before", wa, "after", wd, "delta",
		"share", what);
	for (i = from, k = 0; k < count; i += step, k++) {
		const struct row *r = &rows[i];
		double d = r->after.v - r->before.v;
		double all = d > 0 ? st->growth_value : st->shrinkage_value;

		fcount_format(b, sizeof b, &r->before, decimal, FCOUNT_COMMAS);
		fcount_format(a, sizeof a, &r->after, decimal, FCOUNT_COMMAS);
		delta_text(dl, sizeof dl, r, decimal);
		fprintf(out, "  %*s  %*s  %*s  %6.2f%%  ", wb, b, wa, a, wd, dl,
			all > 0 ? 100 * (d > 0 ? d : -d) / all : 0.0);
		folded_put_text(out, r->name, r->len);
		fputc('\n', out);
	}
}

/* Sort ROWS by change and print the TOP that grew and the TOP that shrank. */
static void ranked(FILE *out, const struct pf_diff_stats *st, struct row *rows, size_t n,
		   size_t top, const char *what, const char *column)
{
	size_t up = 0, down = 0;
	char title[128];
	int decimal = st->decimal;

	if (n)          /* ROWS may be NULL then, which qsort_r may not get */
		qsort_r(rows, n, sizeof *rows, by_growth, &decimal);
	while (up < n && up < top && grew(&rows[up], decimal))
		up++;
	while (down < n && down < top && shrank(&rows[n - 1 - down], decimal))
		down++;
	snprintf(title, sizeof title, "%s that grew most", what);
	table(out, st, title, rows, 0, (long)up, 1, column);
	fputc('\n', out);
	snprintf(title, sizeof title, "%s that shrank most", what);
	table(out, st, title, rows, (long)n - 1, (long)down, -1, column);
}

/* Add stack E's counts to R. */
static void count_in(struct row *r, const struct dstack *e)
{
	/* sums of a column stay within its total, which fits */
	fcount_add(&r->before, &e->before);
	fcount_add(&r->after, &e->after);
}

/* The self and inclusive rows of every function. */
static int functions(const pf_diff *d, struct rows *self, struct rows *incl)
{
	size_t i;

	for (i = 0; i < d->st.stacks; i++) {
		const struct dstack *e = d->order[i];
		const char *p = e->key, *end = e->key + e->len, *semi;
		struct row *r;

		/* perl's split drops empty fields at the end only */
		while (end > p && end[-1] == ';')
			end--;
		if (end == p)
			continue;
		for (; p <= end; p = semi + 1) {
			semi = memchr(p, ';', (size_t)(end - p));
			if (!semi)
				semi = end;
			if (!(r = row_of(incl, p, (size_t)(semi - p))))
				return -1;
			if (r->stamp != i + 1) {	/* recursion: once per stack */
				r->stamp = i + 1;
				count_in(r, e);
			}
			if (semi == end) {
				if (!(r = row_of(self, p, (size_t)(semi - p))))
					return -1;
				count_in(r, e);
			}
		}
	}
	return 0;
}

PF_EXPORT int pf_diff_report(const pf_diff *d, FILE *out, size_t top)
{
	const struct pf_diff_stats *st = &d->st;
	struct rows self = { 0 }, incl = { 0 };
	struct row *stacks = mem_alloc((st->stacks ? st->stacks : 1) * sizeof *stacks);
	struct row total = { "", 0, { st->total_before, st->total_before_value },
			     { st->total_after, st->total_after_value }, 0 };
	struct fcount g = { st->growth, st->growth_value }, s = { st->shrinkage, st->shrinkage_value };
	char b[96], a[96], dl[96], gt[96], stt[96];
	size_t i;
	int rc = -1, decimal = st->decimal;

	if (!stacks || strmap_init(&self.ids) < 0 || strmap_init(&incl.ids) < 0 ||
	    functions(d, &self, &incl) < 0)
		goto out;
	for (i = 0; i < st->stacks; i++)
		stacks[i] = (struct row){ d->order[i]->key, d->order[i]->len,
					  d->order[i]->before, d->order[i]->after, 0 };
	fcount_format(b, sizeof b, &total.before, decimal, FCOUNT_COMMAS);
	fcount_format(a, sizeof a, &total.after, decimal, FCOUNT_COMMAS);
	fcount_format(gt, sizeof gt, &g, decimal, FCOUNT_COMMAS);
	fcount_format(stt, sizeof stt, &s, decimal, FCOUNT_COMMAS);
	delta_text(dl, sizeof dl, &total, decimal);
	fprintf(out, "Total: before %s, after %s, change %s", b, a, dl);
	if (total.before.v > 0)
		fprintf(out, " (%+.2f%%)", 100 * (total.after.v - total.before.v) / total.before.v);
	fprintf(out, "; %zu stacks\n", st->stacks);
	fprintf(out, "All growth +%s, all shrinkage -%s: a share is a part of all growth,\n"
		"or of all shrinkage for what shrank\n\n", gt, stt);
	ranked(out, st, self.v, self.n, top, "Functions by self count", "function");
	fputc('\n', out);
	ranked(out, st, incl.v, incl.n, top, "Functions by inclusive count", "function");
	fputc('\n', out);
	ranked(out, st, stacks, st->stacks, top, "Stacks", "stack");
	rc = 0;
	if (fflush(out) != 0 || ferror(out)) {
		error_set_errno(errno, "write failed");
		rc = -1;
	}
out:
	if (rc < 0 && !stacks)
		error_set("out of memory");
	free(stacks);
	free(self.v);
	free(incl.v);
	strmap_release(&self.ids);
	strmap_release(&incl.ids);
	return rc;
}
