/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The text summary of a profile (pfflame --text): the hottest functions by
 * self count (where the samples landed) and by total count (stacks that
 * pass through the function, each counted once even when it recurses).
 * Differential input is summarised by its last column, as it is drawn.
 * Counts are exact integers unless the input had fractions; names are
 * written with control characters escaped (folded_put_text()).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "folded/folded-int.h"
#include "flame/flame-int.h"

struct row {
	uint32_t id;
	struct fcount self, total;
};

/* Larger first; the integers decide unless the profile is decimal. */
static int cmp_count(const struct fcount *x, const struct fcount *y, int decimal)
{
	if (decimal)
		return x->v != y->v ? (x->v < y->v ? 1 : -1) : 0;
	return x->n != y->n ? (x->n < y->n ? 1 : -1) : 0;
}

struct sort_ctx {
	const pf_folded *f;
	int decimal, by_total;
};

static int by_count(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *ctx = arg;
	const struct row *x = a, *y = b;
	int c = ctx->by_total ? cmp_count(&x->total, &y->total, ctx->decimal)
			      : cmp_count(&x->self, &y->self, ctx->decimal);
	size_t la, lb;
	const char *p, *q;

	if (c)
		return c;
	p = pf_folded_name(ctx->f, x->id, &la);
	q = pf_folded_name(ctx->f, y->id, &lb);
	c = memcmp(p, q, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

static int width_of(const struct fcount *c, int decimal)
{
	char buf[80];

	fcount_format(buf, sizeof buf, c, decimal, FCOUNT_COMMAS);
	return (int)strlen(buf);
}

static void table(FILE *out, const pf_folded *f, struct row *rows, size_t n,
		  const char *what, const char *countname)
{
	const struct pf_folded_stats *st = pf_folded_stats(f);
	double total = st->total_value;
	int ws = 4, wt = 5, dec = st->decimal;
	size_t i;
	char a[80], b[80];

	for (i = 0; i < n; i++) {
		if (width_of(&rows[i].self, dec) > ws)
			ws = width_of(&rows[i].self, dec);
		if (width_of(&rows[i].total, dec) > wt)
			wt = width_of(&rows[i].total, dec);
	}
	fprintf(out, "Top %zu functions by %s ", n, what);
	folded_put_text(out, countname, strlen(countname));
	fputs(":\n", out);
	fprintf(out, "  %*s  %7s  %*s  %7s  %s\n", ws, "self", "self%", wt, "total", "total%",
		"function");
	for (i = 0; i < n; i++) {
		size_t len;
		const char *name = pf_folded_name(f, rows[i].id, &len);

		fcount_format(a, sizeof a, &rows[i].self, dec, FCOUNT_COMMAS);
		fcount_format(b, sizeof b, &rows[i].total, dec, FCOUNT_COMMAS);
		fprintf(out, "  %*s  %6.2f%%  %*s  %6.2f%%  ", ws, a, 100 * rows[i].self.v / total,
			wt, b, 100 * rows[i].total.v / total);
		folded_put_text(out, name, len);
		fputc('\n', out);
	}
}

PF_EXPORT int pf_flame_write_text(const pf_folded *f, FILE *out, size_t top,
				  const char *countname)
{
	const struct pf_folded_stats *st = pf_folded_stats(f);
	size_t nn = st->names, nl = st->lines, i, j, k;
	struct row *rows = calloc(nn ? nn : 1, sizeof *rows);
	uint32_t *stamp = calloc(nn ? nn : 1, sizeof *stamp);
	struct sort_ctx ctx = { f, st->decimal, 0 };
	struct fcount total = { st->total, st->total_value };
	char buf[80];

	if (!rows || !stamp) {
		free(rows);
		free(stamp);
		error_set("out of memory");
		return -1;
	}
	for (i = 0; i < nn; i++)
		rows[i].id = (uint32_t)i;
	for (i = 0; i < nl; i++) {
		const struct fline *l = &folded_lines(f)[i];
		const uint32_t *ids = folded_ids(f) + l->frames;
		size_t n = l->nframes;

		if (n == 0)
			continue;
		/* sums of a column fit: pf_folded_add_line() checked them */
		fcount_add(&rows[ids[n - 1]].self, &l->c2);
		for (j = 0; j < n; j++) {
			if (stamp[ids[j]] == i + 1)
				continue;	/* recursion: once per stack */
			stamp[ids[j]] = (uint32_t)(i + 1);
			fcount_add(&rows[ids[j]].total, &l->c2);
		}
	}
	free(stamp);
	k = top < nn ? top : nn;
	fcount_format(buf, sizeof buf, &total, st->decimal, FCOUNT_COMMAS);
	fprintf(out, "Total: %s ", buf);
	folded_put_text(out, countname, strlen(countname));
	fprintf(out, " in %zu stacks, %zu functions\n\n", nl, nn);
	if (total.v > 0) {
		qsort_r(rows, nn, sizeof *rows, by_count, &ctx);
		table(out, f, rows, k, "self", countname);
		fputc('\n', out);
		ctx.by_total = 1;
		qsort_r(rows, nn, sizeof *rows, by_count, &ctx);
		table(out, f, rows, k, "total", countname);
	}
	free(rows);
	if (fflush(out) != 0 || ferror(out)) {
		error_set_errno(errno, "write failed");
		return -1;
	}
	return 0;
}
