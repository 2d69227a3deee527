/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Merging folded stacks into frames, the way flamegraph.pl's flow() does:
 * lines sorted as text, each compared with the one before; frames it does
 * not share are closed and new ones opened at the running count.  Frames
 * too narrow to draw are dropped the moment they close, together with
 * everything opened after them (their descendants), so memory follows the
 * frames drawn, not the frames in the input.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "folded/folded-int.h"
#include "flame/flame-int.h"

PF_EXPORT void pf_flame_opts_init(pf_flame_opts *o)
{
	memset(o, 0, sizeof *o);
	o->size = sizeof *o;
	o->width = 1200;
	o->frame_height = 16;
	o->minwidth = 0.1;
	o->fonttype = "Verdana";
	o->fontsize = 12;
	o->fontwidth = 0.59;
	o->countname = "samples";
	o->nametype = "Function:";
	o->colors = "hot";
	o->factor = 1;
	o->search_color = "rgb(230,0,230)";
}

static int bg_ok(const char *bg)
{
	size_t i;

	if (strcmp(bg, "yellow") == 0 || strcmp(bg, "blue") == 0 ||
	    strcmp(bg, "green") == 0 || strcmp(bg, "grey") == 0)
		return 1;
	if (strlen(bg) != 7 || bg[0] != '#')
		return 0;
	for (i = 1; i < 7; i++)
		if (!strchr("0123456789abcdefABCDEF", bg[i]))
			return 0;
	return 1;
}

/* The caller's options, as this version of the library knows them. */
static int opts_get(pf_flame_opts *o, const pf_flame_opts *caller)
{
	pf_flame_opts_init(o);
	return opts_copy(o, sizeof *o, caller, "pf_flame_opts");
}

static int check(const pf_flame_opts *o)
{
	if (!palette_known(o->colors)) {
		error_set("unknown palette '%s'", o->colors);
		return -1;
	}
	if (o->bgcolors && !bg_ok(o->bgcolors)) {
		error_set("unknown background '%s' (yellow, blue, green, grey or #rrggbb)",
			  o->bgcolors);
		return -1;
	}
	if (o->notes && strpbrk(o->notes, "<>")) {
		error_set("notes must not contain '<' or '>'");
		return -1;
	}
	if (strstr(o->notes ? o->notes : "", "--")) {
		error_set("notes must not contain '--' (they go in an XML comment)");
		return -1;
	}
	if (o->width <= 20 || o->frame_height <= 0 || !(o->fontsize > 0) ||
	    !(o->fontwidth > 0) || !(o->minwidth >= 0) || !(o->factor > 0)) {
		error_set("width, height, font size, font width and factor must be positive");
		return -1;
	}
	return 0;
}

/* perl keys a frame by "name;depth;etime", so the end time it later uses
   went through "%.15g"; do the same to get the same widths. */
static double round15(double v)
{
	char buf[40];

	if (v == floor(v) && fabs(v) < 1e15)
		return v;
	snprintf(buf, sizeof buf, "%.15g", v);
	return strtod(buf, NULL);
}

static int cmp_lines(const void *a, const void *b, void *ctx)
{
	const pf_folded *f = ctx;
	const struct fline *lines = folded_lines(f);
	const struct fline *x = &lines[*(const uint32_t *)a];
	const struct fline *y = &lines[*(const uint32_t *)b];
	int c = folded_cmp(f, x, y);

	/* equal text: keep input order, as perl's mergesort does */
	if (c == 0)
		c = x < y ? -1 : x > y;
	return c;
}

struct flow {
	pf_flame *g;
	uint32_t *open;		/* frame index per open depth */
	size_t open_cap;
	uint32_t *last, *cur;	/* frame names of the previous and this line */
	size_t nlast, ncur, names_cap;
	int started;
	double minw;
	uint64_t ti;		/* the time in exact integer counts */
};

static int push_frame(struct flow *w, uint32_t name, uint32_t depth, double t,
		      int has_delta, double delta)
{
	pf_flame *g = w->g;
	struct frame *fr;

	if (g->nframes == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 4096;
		struct frame *p = mem_realloc(g->frames, cap * sizeof *p);

		if (!p)
			return -1;
		g->frames = p;
		g->cap = cap;
	}
	if (depth >= w->open_cap) {
		size_t cap = w->open_cap ? w->open_cap * 2 : 256;
		uint32_t *p = mem_realloc(w->open, cap * sizeof *p);

		if (!p)
			return -1;
		w->open = p;
		w->open_cap = cap;
	}
	if (g->nframes >= UINT32_MAX) {
		error_set("too many frames");
		return -1;
	}
	w->open[depth] = (uint32_t)g->nframes;
	fr = &g->frames[g->nframes++];
	fr->name = name;
	fr->depth = depth;
	fr->stime = t;
	fr->etime = t;
	fr->count = w->ti;	/* the start, until closed */
	fr->has_delta = has_delta;
	fr->delta = has_delta ? delta : 0;
	return 0;
}

/* Close open frames at depths > KEEP at time T. */
static void close_to(struct flow *w, size_t from, size_t keep, double t)
{
	pf_flame *g = w->g;
	double et = round15(t);
	size_t d;

	for (d = from + 1; d-- > keep;) {
		uint32_t i = w->open[d];
		struct frame *fr = &g->frames[i];

		if (et - fr->stime < w->minw) {
			g->nframes = i;	/* it and its descendants */
		} else {
			fr->etime = et;
			fr->count = w->ti - fr->count;
		}
	}
}

/* flamegraph.pl --colors=chain rewrites each stack before merging it:
 *   @parts = split ";--;", $stack; $stack = shift(@parts) . ";--;";
 *   $stack .= join ";--;", map { s/;/_[w];/g; "$_\_[w]" } @parts;
 * marking wakers (after a "--" separator) with "_[w]" -- and appending a
 * "--" frame to stacks that have no separator.  Done literally on the
 * text, so the frames come out exactly as its split makes them. */
struct sbuf {
	char *p;
	size_t n, cap;
};

static int sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *p = mem_realloc(b->p, cap);

		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

static int chain_rewrite(struct flow *w, pf_folded *f, const struct fline *l)
{
	struct sbuf in = { 0 }, out = { 0 };
	size_t i, nparts = 0, start = 0, end = 0, pos;
	int rc = -1;

	for (i = 0; i < w->ncur; i++) {
		size_t len;
		const char *s = pf_folded_name(f, w->cur[i], &len);

		if ((i && sb_add(&in, ";", 1) < 0) || sb_add(&in, s, len) < 0)
			goto out;
	}
	if (sb_add(&in, folded_tail(f, l), l->stack_tail) < 0)
		goto out;
	/* split on ";--;" left to right; trailing empty parts are dropped */
	for (pos = 0;;) {
		const char *m = in.n - pos >= 4 ? memmem(in.p + pos, in.n - pos, ";--;", 4) : NULL;
		size_t stop = m ? (size_t)(m - in.p) : in.n;

		if (stop > pos)
			end = stop;	/* end of the last non-empty part */
		if (!m)
			break;
		pos = stop + 4;
	}
	for (pos = 0; pos <= end; nparts++) {
		const char *m = end - pos >= 4 ? memmem(in.p + pos, end - pos, ";--;", 4) : NULL;
		size_t stop = m ? (size_t)(m - in.p) : end;

		if (nparts == 0) {
			if (sb_add(&out, in.p, stop) < 0 || sb_add(&out, ";--;", 4) < 0)
				goto out;
		} else {
			if (nparts > 1 && sb_add(&out, ";--;", 4) < 0)
				goto out;
			for (i = pos; i < stop; i++)
				if ((in.p[i] == ';' ? sb_add(&out, "_[w];", 5) : sb_add(&out, in.p + i, 1)) < 0)
					goto out;
			if (sb_add(&out, "_[w]", 4) < 0)
				goto out;
		}
		if (!m)
			break;
		pos = stop + 4;
	}
	/* split ";" with trailing empty fields dropped */
	w->ncur = 0;
	while (out.n && out.p[out.n - 1] == ';')
		out.n--;
	for (start = 0, i = 0; out.n && i <= out.n; i++) {
		uint32_t id;

		if (i < out.n && out.p[i] != ';')
			continue;
		if (w->ncur == w->names_cap) {
			size_t cap = w->names_cap * 2 + 16;
			uint32_t *a = mem_realloc(w->cur, cap * sizeof *a);
			uint32_t *b = a ? mem_realloc(w->last, cap * sizeof *b) : NULL;

			if (a)
				w->cur = a;
			if (!b)
				goto out;
			w->last = b;
			w->names_cap = cap;
		}
		id = folded_intern(f, out.p + start, i - start);
		if (id == UINT32_MAX)
			goto out;
		w->cur[w->ncur++] = id;
		start = i + 1;
	}
	rc = 0;
out:
	free(in.p);
	free(out.p);
	return rc;
}

static int flow_line(struct flow *w, pf_folded *f, const struct fline *l, double *t)
{
	const uint32_t *ids = folded_ids(f) + l->frames;
	size_t same = 0, d, n = l->nframes;
	double delta = l->c2.v - l->c1.v;
	uint32_t *tmp;

	if (n > w->names_cap) {
		size_t cap = n * 2;
		uint32_t *a = mem_realloc(w->last, cap * sizeof *a);
		uint32_t *b = a ? mem_realloc(w->cur, cap * sizeof *b) : NULL;

		if (a)
			w->last = a;
		if (!b)
			return -1;
		w->cur = b;
		w->names_cap = cap;
	}
	if (n)	/* an empty stack: w->cur may still be NULL */
		memcpy(w->cur, ids, n * sizeof *ids);
	w->ncur = n;
	if (strcmp(w->g->o.colors, "chain") == 0 && chain_rewrite(w, f, l) < 0)
		return -1;
	n = w->ncur;
	if (l->ncounts == 2 && fabs(delta) > w->g->maxdelta)
		w->g->maxdelta = fabs(delta);
	/* depth 0 is the root, the same for every line */
	if (w->started) {
		same = 1;
		while (same <= w->nlast && same <= n && w->last[same - 1] == w->cur[same - 1])
			same++;
		close_to(w, w->nlast, same, *t);
	}
	for (d = same; d <= n; d++)
		if (push_frame(w, d ? w->cur[d - 1] : ROOT_NAME, (uint32_t)d, *t,
			       l->ncounts == 2, d == n ? delta : 0) < 0)
			return -1;
	tmp = w->last;
	w->last = w->cur;
	w->cur = tmp;
	w->nlast = n;
	w->started = 1;
	*t += l->c2.v;
	w->ti += l->c2.n;
	return 0;
}

/* The order flamegraph.pl merges lines in: sorted as text, or as read. */
static uint32_t *line_order(pf_folded *f, int flamechart)
{
	size_t n = pf_folded_stats(f)->lines, i;
	uint32_t *order = mem_alloc((n ? n : 1) * sizeof *order);

	if (!order)
		return NULL;
	for (i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	if (!flamechart && !folded_sorted(f, 0, n)) {
		qsort_r(order, n, sizeof *order, cmp_lines, f);
	}
	return order;
}

static int merge(pf_flame *g, pf_folded *f, const uint32_t *order)
{
	const struct fline *lines = folded_lines(f);
	size_t n = pf_folded_stats(f)->lines, i;
	struct flow w = { .g = g };
	double widthpertime, t = 0;
	int rc = 0;

	widthpertime = (g->o.width - 2 * 10) / g->timemax;
	if (g->o.minwidth_pct)
		w.minw = g->timemax * g->o.minwidth / 100;
	else
		w.minw = g->o.minwidth / widthpertime;
	for (i = 0; i < n && rc == 0; i++)
		rc = flow_line(&w, f, &lines[order[i]], &t);
	if (rc == 0 && w.started)
		close_to(&w, w.nlast, 0, t);
	free(w.open);
	free(w.last);
	free(w.cur);
	return rc;
}

PF_EXPORT int pf_flame_opts_check(const pf_flame_opts *caller)
{
	pf_flame_opts o;

	return opts_get(&o, caller) < 0 ? -1 : check(&o);
}

PF_EXPORT pf_flame *pf_flame_build(pf_folded *f, const pf_flame_opts *caller)
{
	pf_flame_opts opts, *o = &opts;
	pf_flame *g;
	uint32_t *order;
	size_t i, n = pf_folded_stats(f)->lines;

	if (opts_get(o, caller) < 0 || check(o) < 0)
		return NULL;
	if (n > UINT32_MAX) {
		error_set("too many stacks");
		return NULL;
	}
	g = mem_zalloc(sizeof *g);
	if (!g)
		return NULL;
	g->f = f;
	g->o = *o;
	g->maxdelta = 1;
	order = line_order(f, o->flamechart);
	if (!order) {
		free(g);
		return NULL;
	}
	/* the total in merge order, so fractional sums round as perl's do */
	for (i = 0; i < n; i++)
		g->time += folded_lines(f)[order[i]].c2.v;
	g->count = pf_folded_stats(f)->total;
	g->decimal = pf_folded_stats(f)->decimal;
	if (!(g->time > 0)) {
		error_set("no stack counts found");
		goto fail;
	}
	g->timemax = o->total >= g->time ? o->total : g->time;
	if (merge(g, f, order) < 0)
		goto fail;
	for (i = 0; i < g->nframes; i++)
		if (g->frames[i].depth > g->depthmax)
			g->depthmax = g->frames[i].depth;
	free(order);
	return g;
fail:
	free(order);
	pf_flame_free(g);
	return NULL;
}

PF_EXPORT size_t pf_flame_frames(const pf_flame *g)
{
	return g->nframes;
}

PF_EXPORT double pf_flame_total(const pf_flame *g)
{
	return g->timemax;
}

PF_EXPORT void pf_flame_free(pf_flame *g)
{
	if (!g)
		return;
	free(g->frames);
	free(g);
}
