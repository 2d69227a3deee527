/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The text summary of a profile (pfflame --text): the hottest functions by
 * self count (where the samples landed) and by total count (stacks that
 * pass through the function, each counted once even when it recurses).
 * Differential input is summarised by its last column, as it is drawn.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "flame/flame-int.h"

struct row {
	uint32_t id;
	double self, total;
};

static int cmp_name(uint32_t a, uint32_t b, const pf_folded *f)
{
	size_t la, lb;
	const char *x = pf_folded_name(f, a, &la), *y = pf_folded_name(f, b, &lb);
	int c = memcmp(x, y, la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

static int by_self(const void *a, const void *b, void *ctx)
{
	const struct row *x = a, *y = b;

	if (x->self != y->self)
		return x->self < y->self ? 1 : -1;
	return cmp_name(x->id, y->id, ctx);
}

static int by_total(const void *a, const void *b, void *ctx)
{
	const struct row *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return cmp_name(x->id, y->id, ctx);
}

static int width_of(double v)
{
	char buf[80];

	commify(buf, sizeof buf, v);
	return (int)strlen(buf);
}

static void table(FILE *out, const pf_folded *f, struct row *rows, size_t n,
		  double total, const char *what, const char *countname)
{
	int ws = 4, wt = 5;
	size_t i;
	char a[80], b[80];

	for (i = 0; i < n; i++) {
		if (width_of(rows[i].self) > ws)
			ws = width_of(rows[i].self);
		if (width_of(rows[i].total) > wt)
			wt = width_of(rows[i].total);
	}
	fprintf(out, "Top %zu functions by %s %s:\n", n, what, countname);
	fprintf(out, "  %*s  %7s  %*s  %7s  %s\n", ws, "self", "self%", wt, "total", "total%",
		"function");
	for (i = 0; i < n; i++) {
		size_t len;
		const char *name = pf_folded_name(f, rows[i].id, &len);

		commify(a, sizeof a, rows[i].self);
		commify(b, sizeof b, rows[i].total);
		fprintf(out, "  %*s  %6.2f%%  %*s  %6.2f%%  ", ws, a, 100 * rows[i].self / total,
			wt, b, 100 * rows[i].total / total);
		fwrite(name, 1, len, out);
		fputc('\n', out);
	}
}

PF_EXPORT int pf_flame_write_text(const pf_folded *f, FILE *out, size_t top,
				  const char *countname)
{
	size_t nn = pf_folded_names(f), nl = pf_folded_count(f), i, j, k;
	struct row *rows = calloc(nn ? nn : 1, sizeof *rows);
	uint32_t *stamp = calloc(nn ? nn : 1, sizeof *stamp);
	double total = pf_folded_total(f);
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
		size_t n;
		double c1, c2;
		const uint32_t *ids = pf_folded_line(f, i, &n, &c1, &c2);

		if (n == 0)
			continue;
		rows[ids[n - 1]].self += c2;
		for (j = 0; j < n; j++) {
			if (stamp[ids[j]] == i + 1)
				continue;	/* recursion: once per stack */
			stamp[ids[j]] = (uint32_t)(i + 1);
			rows[ids[j]].total += c2;
		}
	}
	free(stamp);
	k = top < nn ? top : nn;
	commify(buf, sizeof buf, total);
	fprintf(out, "Total: %s %s in %zu stacks, %zu functions\n\n", buf, countname, nl, nn);
	if (total > 0) {
		qsort_r(rows, nn, sizeof *rows, by_self, (void *)f);
		table(out, f, rows, k, total, "self", countname);
		fputc('\n', out);
		qsort_r(rows, nn, sizeof *rows, by_total, (void *)f);
		table(out, f, rows, k, total, "total", countname);
	}
	free(rows);
	if (fflush(out) != 0 || ferror(out)) {
		error_set_errno(errno, "write failed");
		return -1;
	}
	return 0;
}
