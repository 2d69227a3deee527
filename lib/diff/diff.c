/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pfdiff's core.  Both files go into one folded store, so their frames
 * share ids; the lines are then sorted by stack text and runs of equal
 * stacks summed per file, which gives the union sorted by stack -- the
 * order that makes the output deterministic, where difffolded.pl prints in
 * hash order.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "folded/folded-int.h"
#include "util/numfmt.h"

struct stack {
	uint32_t line;		/* a line with this stack */
	double before, after;
};

struct pf_diff {
	pf_folded *f;
	size_t nbefore;		/* lines 0..nbefore-1 came from BEFORE */
	struct stack *stacks;
	size_t nstacks;
	double total1, total2;
};

static int cmp_key(const void *a, const void *b, void *ctx)
{
	const pf_folded *f = ctx;
	const struct fline *lines = folded_lines(f);
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = folded_cmp(f, &lines[x], &lines[y], FOLDED_KEY);

	return c ? c : (x > y) - (x < y);
}

/* Read PATH into F; every line must be a two-column folded stack. */
static int load_file(pf_folded *f, const char *path)
{
	size_t first = pf_folded_count(f), i, n3 = 0;
	const char *bad;

	if (pf_folded_read(f, path) < 0)
		return -1;
	if (pf_folded_skipped(f, &bad)) {
		error_set("%s: not a folded stack line (\"frame;frame count\")", bad);
		return -1;
	}
	for (i = first; i < pf_folded_count(f); i++)
		n3 += folded_lines(f)[i].ncounts == 2;
	if (n3 && n3 == pf_folded_count(f) - first) {
		error_set("%s:%llu: differential input (\"stack before after\"); "
			  "pfdiff compares two-column folded files",
			  strcmp(path, "-") == 0 ? "<stdin>" : path,
			  (unsigned long long)f->first_lineno);
		return -1;
	}
	return 0;
}

static int merge(pf_diff *d)
{
	size_t n = pf_folded_count(d->f), i;
	const struct fline *lines = folded_lines(d->f);
	uint32_t *order = mem_alloc((n ? n : 1) * sizeof *order);

	d->stacks = mem_alloc((n ? n : 1) * sizeof *d->stacks);
	if (!order || !d->stacks) {
		free(order);
		return -1;
	}
	if (folded_sorted(d->f, 0, d->nbefore, FOLDED_KEY) &&
	    folded_sorted(d->f, d->nbefore, n, FOLDED_KEY)) {
		/* both sorted already, as folded files usually are: merge */
		size_t a = 0, b = d->nbefore, k = 0;

		while (a < d->nbefore || b < n) {
			if (b == n || (a < d->nbefore &&
				       folded_cmp(d->f, &lines[a], &lines[b], FOLDED_KEY) <= 0))
				order[k++] = (uint32_t)a++;
			else
				order[k++] = (uint32_t)b++;
		}
	} else {
		for (i = 0; i < n; i++)
			order[i] = (uint32_t)i;
		qsort_r(order, n, sizeof *order, cmp_key, d->f);
	}
	for (i = 0; i < n; i++) {
		const struct fline *l = &lines[order[i]];
		struct stack *s;

		if (d->nstacks == 0 ||
		    folded_cmp(d->f, &lines[d->stacks[d->nstacks - 1].line], l, FOLDED_KEY) != 0) {
			s = &d->stacks[d->nstacks++];
			s->line = order[i];
			s->before = s->after = 0;
		}
		s = &d->stacks[d->nstacks - 1];
		if (order[i] < d->nbefore) {
			s->before += l->c2;
			d->total1 += l->c2;
		} else {
			s->after += l->c2;
			d->total2 += l->c2;
		}
	}
	free(order);
	return 0;
}

PF_EXPORT pf_diff *pf_diff_load(const char *before, const char *after, unsigned flags)
{
	pf_diff *d = calloc(1, sizeof *d);
	size_t i;

	if (!d) {
		error_set("out of memory");
		return NULL;
	}
	d->f = pf_folded_new(flags & PF_DIFF_STRIPHEX ? PF_FOLDED_STRIPHEX : 0);
	if (!d->f || load_file(d->f, before) < 0)
		goto fail;
	d->nbefore = pf_folded_count(d->f);
	if (load_file(d->f, after) < 0)
		goto fail;
	if (pf_folded_count(d->f) > UINT32_MAX) {
		error_set("too many stacks");
		goto fail;
	}
	if (merge(d) < 0)
		goto fail;
	if ((flags & PF_DIFF_NORMALIZE) && d->total1 != d->total2 && d->total1 > 0) {
		double t = 0;

		/* difffolded.pl: int($c1 * $total2 / $total1) */
		for (i = 0; i < d->nstacks; i++) {
			d->stacks[i].before = trunc(d->stacks[i].before * d->total2 / d->total1);
			t += d->stacks[i].before;
		}
		d->total1 = t;
	}
	return d;
fail:
	pf_diff_free(d);
	return NULL;
}

PF_EXPORT double pf_diff_total_before(const pf_diff *d)
{
	return d->total1;
}

PF_EXPORT double pf_diff_total_after(const pf_diff *d)
{
	return d->total2;
}

PF_EXPORT size_t pf_diff_stacks(const pf_diff *d)
{
	return d->nstacks;
}

/* A count as perl prints it: integers in full, others with 15 digits. */
void diff_put_count(FILE *out, double v)
{
	char buf[64];

	if (v == floor(v) && fabs(v) < 9e15) {
		/* the common case, without printf's floating-point path */
		long long x = (long long)v;
		unsigned long long u = x < 0 ? -(unsigned long long)x : (unsigned long long)x;
		char *p = buf + sizeof buf;

		do
			*--p = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (x < 0)
			*--p = '-';
		fwrite_unlocked(p, 1, (size_t)(buf + sizeof buf - p), out);
	} else {
		perl_num(buf, sizeof buf, v);
		fputs(buf, out);
	}
}

static void put_stack(const pf_diff *d, FILE *out, uint32_t line)
{
	const struct fline *l = &folded_lines(d->f)[line];
	const uint32_t *ids = folded_ids(d->f) + l->frames;
	size_t i, len;

	for (i = 0; i < l->nframes; i++) {
		const char *s = pf_folded_name(d->f, ids[i], &len);

		if (i)
			putc_unlocked(';', out);
		fwrite_unlocked(s, 1, len, out);
	}
	fwrite_unlocked(folded_tail(d->f, l), 1, folded_tail_len(l, FOLDED_KEY), out);
}

PF_EXPORT int pf_diff_write(const pf_diff *d, FILE *out)
{
	size_t i;

	for (i = 0; i < d->nstacks; i++) {
		put_stack(d, out, d->stacks[i].line);
		putc_unlocked(' ', out);
		diff_put_count(out, d->stacks[i].before);
		putc_unlocked(' ', out);
		diff_put_count(out, d->stacks[i].after);
		putc_unlocked('\n', out);
	}
	if (fflush(out) != 0 || ferror(out)) {
		error_set_errno(errno, "write failed");
		return -1;
	}
	return 0;
}

PF_EXPORT void pf_diff_free(pf_diff *d)
{
	if (!d)
		return;
	pf_folded_free(d->f);
	free(d->stacks);
	free(d);
}

/* One row of the report: a stack (by line) or a function (by name id). */
struct row {
	uint32_t key;
	double before, after;
};

static int by_growth(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	double dx = x->after - x->before, dy = y->after - y->before;

	if (dx != dy)
		return dx < dy ? 1 : -1;
	return (x->key > y->key) - (x->key < y->key);
}

static void signed_count(char *buf, size_t size, double v)
{
	char tmp[80];

	commify(tmp, sizeof tmp, v);
	snprintf(buf, size, "%s%s", v > 0 ? "+" : "", tmp);
}

static int cwidth(double v, int sign)
{
	char buf[96];

	if (sign)
		signed_count(buf, sizeof buf, v);
	else
		commify(buf, sizeof buf, v);
	return (int)strlen(buf);
}

/* Print rows FROM..TO (exclusive), walking by STEP (1 or -1). */
static void table(const pf_diff *d, FILE *out, const char *title, const struct row *rows,
		  long from, long count, int step, int stacks)
{
	double change = d->total2 - d->total1;
	int wb = 6, wa = 5, wd = 5;
	long i, k;
	char b[96], a[96], dl[96];

	fprintf(out, "%s:\n", title);
	if (count == 0) {
		fputs("  (none)\n", out);
		return;
	}
	for (i = from, k = 0; k < count; i += step, k++) {
		if (cwidth(rows[i].before, 0) > wb)
			wb = cwidth(rows[i].before, 0);
		if (cwidth(rows[i].after, 0) > wa)
			wa = cwidth(rows[i].after, 0);
		if (cwidth(rows[i].after - rows[i].before, 1) > wd)
			wd = cwidth(rows[i].after - rows[i].before, 1);
	}
	fprintf(out, "  %*s  %*s  %*s  %8s  %s\n", wb, "before", wa, "after", wd, "delta",
		"share", stacks ? "stack" : "function");
	for (i = from, k = 0; k < count; i += step, k++) {
		double delta = rows[i].after - rows[i].before;

		commify(b, sizeof b, rows[i].before);
		commify(a, sizeof a, rows[i].after);
		signed_count(dl, sizeof dl, delta);
		fprintf(out, "  %*s  %*s  %*s  ", wb, b, wa, a, wd, dl);
		if (change != 0)
			fprintf(out, "%7.2f%%  ", 100 * delta / change);
		else
			fprintf(out, "%8s  ", "-");
		if (stacks) {
			put_stack(d, out, rows[i].key);
		} else {
			size_t len;
			const char *name = pf_folded_name(d->f, rows[i].key, &len);

			fwrite(name, 1, len, out);
		}
		fputc('\n', out);
	}
}

/* Sort ROWS by growth and print the TOP that grew and the TOP that shrank. */
static void ranked(const pf_diff *d, FILE *out, struct row *rows, size_t n, size_t top,
		   const char *what, int stacks)
{
	size_t grew = 0, shrank = 0;
	char title[128];

	qsort(rows, n, sizeof *rows, by_growth);
	while (grew < n && grew < top && rows[grew].after > rows[grew].before)
		grew++;
	while (shrank < n && shrank < top &&
	       rows[n - 1 - shrank].after < rows[n - 1 - shrank].before)
		shrank++;
	snprintf(title, sizeof title, "%s that grew most", what);
	table(d, out, title, rows, 0, (long)grew, 1, stacks);
	fputc('\n', out);
	snprintf(title, sizeof title, "%s that shrank most", what);
	table(d, out, title, rows, (long)n - 1, (long)shrank, -1, stacks);
}

PF_EXPORT int pf_diff_report(const pf_diff *d, FILE *out, size_t top)
{
	size_t nn = pf_folded_names(d->f), i, j;
	struct row *rows = mem_alloc((d->nstacks + nn + 1) * sizeof *rows);
	struct row *funcs = rows ? rows + d->nstacks : NULL;
	uint32_t *stamp = calloc(nn + 1, sizeof *stamp);
	double change = d->total2 - d->total1;
	char b[96], a[96], dl[96];

	if (!rows || !stamp) {
		free(rows);
		free(stamp);
		error_set("out of memory");
		return -1;
	}
	for (i = 0; i < nn; i++)
		funcs[i] = (struct row){ (uint32_t)i, 0, 0 };
	for (i = 0; i < d->nstacks; i++) {
		const struct stack *s = &d->stacks[i];
		const struct fline *l = &folded_lines(d->f)[s->line];
		const uint32_t *ids = folded_ids(d->f) + l->frames;

		rows[i] = (struct row){ s->line, s->before, s->after };
		for (j = 0; j < l->nframes; j++) {
			if (stamp[ids[j]] == i + 1)
				continue;	/* recursion: once per stack */
			stamp[ids[j]] = (uint32_t)(i + 1);
			funcs[ids[j]].before += s->before;
			funcs[ids[j]].after += s->after;
		}
	}
	free(stamp);
	commify(b, sizeof b, d->total1);
	commify(a, sizeof a, d->total2);
	signed_count(dl, sizeof dl, change);
	fprintf(out, "Total: before %s, after %s, change %s", b, a, dl);
	if (d->total1 > 0)
		fprintf(out, " (%+.2f%%)", 100 * change / d->total1);
	fprintf(out, "; %zu stacks, share = part of the total change\n\n", d->nstacks);
	ranked(d, out, rows, d->nstacks, top, "Stacks", 1);
	fputc('\n', out);
	ranked(d, out, funcs, nn, top, "Functions (inclusive)", 0);
	free(rows);
	if (fflush(out) != 0 || ferror(out)) {
		error_set_errno(errno, "write failed");
		return -1;
	}
	return 0;
}
