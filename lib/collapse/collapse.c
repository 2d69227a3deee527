/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The collapser: a small state machine over perf-script lines.  An event
 * line opens a sample, frame lines (leaf first) are tidied and prepended to
 * the sample's stack, and a blank line, the next event line or the end of
 * the input closes it and adds it to the fold table.  The stack is built
 * from the end of one buffer towards its start, so prepending a frame is a
 * memcpy and the finished "comm;root;...;leaf" needs no reversal.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "collapse/collapse-int.h"
#include "util/hash-int.h"
#include "symbols/addr2line-int.h"

struct pf_collapse {
	struct pf_collapse_opts opt;
	pf_fold *fold;
	struct srcline *srcline;	/* with inline_frames */
	struct framecache *cache;
	char *filter;			/* event kept; NULL until known */
	int defaulted;			/* filter taken from the first event */
	int dropped_other;		/* samples of other events dropped */
	int active;			/* inside a sample that is kept */
	int java;			/* the sample's name starts with "java" */
	int header_frame;		/* the stack holds the header's frame */
	uint64_t period;
	struct buf name;		/* "comm", "comm-PID/TID" */
	struct buf frame;		/* one line's frames, root first */
	char *stack;			/* frames occupy stack[start, cap) */
	size_t start, cap;
};

PF_EXPORT void pf_collapse_opts_init(struct pf_collapse_opts *o)
{
	memset(o, 0, sizeof *o);
	o->size = sizeof *o;
}

PF_EXPORT pf_collapse *pf_collapse_new(const struct pf_collapse_opts *opt)
{
	pf_collapse *c = calloc(1, sizeof *c);

	if (!c)
		goto oom;
	pf_collapse_opts_init(&c->opt);
	if (opt && opts_copy(&c->opt, sizeof c->opt, opt, "pf_collapse_new") < 0) {
		pf_collapse_free(c);
		return NULL;
	}
	if (c->opt.event_filter && !(c->filter = strdup(c->opt.event_filter)))
		goto oom;
	c->opt.event_filter = NULL;
	c->cap = c->start = 64 * 1024;
	c->fold = pf_fold_new();
	c->stack = malloc(c->cap);
	c->cache = fc_new();
	if (!c->fold || !c->stack || !c->cache)
		goto oom;
	if (c->opt.inline_frames && !(c->srcline = srcline_new(c->opt.context)))
		goto oom;
	return c;
oom:
	pf_collapse_free(c);
	error_set("out of memory");
	return NULL;
}

/* Prepend LEN bytes (and a ';' unless the stack is empty). */
static int prepend(pf_collapse *c, const char *s, size_t len)
{
	size_t need = len + 1;

	if (unlikely(c->start < need)) {
		size_t used = c->cap - c->start, cap = c->cap * 2;
		char *p;

		while (cap - used < need)
			cap *= 2;
		p = malloc(cap);
		if (!p)
			return -1;
		memcpy(p + cap - used, c->stack + c->start, used);
		free(c->stack);
		c->stack = p;
		c->start = cap - used;
		c->cap = cap;
	}
	if (c->start < c->cap)
		c->stack[--c->start] = ';';
	c->start -= len;
	memcpy(c->stack + c->start, s, len);
	return 0;
}

/* The sample is complete: add it.  -1 with the reason in pf_errmsg(). */
static int flush(pf_collapse *c)
{
	int rc = 0;

	if (c->active) {
		rc = prepend(c, c->name.p, c->name.len);
		if (rc < 0)
			error_set("out of memory");
		else
			rc = pf_fold_add(c->fold, c->stack + c->start,
					 c->cap - c->start, c->period);
	}
	c->active = 0;
	c->header_frame = 0;
	c->start = c->cap;
	return rc;
}

static int span_eq(struct pf_span a, const char *s, size_t n)
{
	return a.len == n && memcmp(a.p, s, n) == 0;
}

/* The sample's weight: its period, or 1 (perl: "not $period" means 1).
   -1 when the period does not fit in 64 bits. */
static int parse_period(struct pf_span p, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < p.len; i++) {
		unsigned d = (unsigned)(p.p[i] - '0');

		if (v > (UINT64_MAX - d) / 10) {
			error_set("sample period %.*s does not fit in 64 bits",
				  (int)(p.len < 40 ? p.len : 40), p.p);
			return -1;
		}
		v = v * 10 + d;
	}
	*out = v ? v : 1;
	return 0;
}

static int frame(pf_collapse *c, const struct pf_script_frame *fr);
static int set_name(pf_collapse *c, const struct pf_script_event *ev);

static int event(pf_collapse *c, const struct pf_script_event *ev)
{

	if (flush(c) < 0)
		return -1;
	if (ev->event.len) {
		if (!c->filter) {
			c->filter = strndup(ev->event.p, ev->event.len);
			if (!c->filter)
				goto oom;
			c->defaulted = 1;
		} else if (!span_eq(ev->event, c->filter, strlen(c->filter))) {
			c->dropped_other |= c->defaulted;
			return 0;
		}
	}
	c->period = 1;
	if (ev->period.len && !c->opt.count_samples &&
	    parse_period(ev->period, &c->period) < 0)
		return -1;
	if (set_name(c, ev) < 0)
		goto oom;
	c->active = 1;
	if (ev->has_frame) {
		/* The sample's frame when no call chain follows; with one,
		   the data address of perf script -F +addr, dropped then. */
		c->header_frame = 1;
		if (frame(c, &ev->frame) < 0)
			goto oom;
	}
	return 0;
oom:
	error_set("out of memory");
	return -1;
}

/* The sample's name in c->name ("comm", "comm-PID/TID") and its Java
   flag.  -1 when out of memory. */
static int set_name(pf_collapse *c, const struct pf_script_event *ev)
{
	struct buf *n = &c->name;
	size_t i;

	n->len = 0;
	if (buf_reserve(n, ev->comm.len + ev->pid.len + ev->tid.len + 8) < 0)
		return -1;
	memcpy(n->p, ev->comm.p, ev->comm.len);
	n->len = ev->comm.len;
	if (c->opt.tid || c->opt.pid) {
		n->p[n->len++] = '-';
		if (ev->pid.len) {
			memcpy(n->p + n->len, ev->pid.p, ev->pid.len);
			n->len += ev->pid.len;
		} else {
			n->p[n->len++] = '?';
		}
		if (c->opt.tid) {
			n->p[n->len++] = '/';
			memcpy(n->p + n->len, ev->tid.p, ev->tid.len);
			n->len += ev->tid.len;
		}
	}
	for (i = 0; i < n->len; i++)
		if (n->p[i] == ' ')
			n->p[i] = '_';
	/* perl: $pname =~ m/^java/, so "java-PID" and "javac" too */
	c->java = n->len >= 4 && memcmp(n->p, "java", 4) == 0;
	return 0;
}

static int has(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

/* The dso is a JIT map: perl's m:/tmp/perf-\d+\.map:. */
static int jit_dso(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memmem(p, (size_t)(end - p), "/tmp/perf-", 10))) {
		const char *d = p += 10;

		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p > d && end - p >= 4 && memcmp(p, ".map", 4) == 0)
			return 1;
	}
	return 0;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The dso is the kernel or a module.  perl's m/(^\[|vmlinux$)/ without
   "unknown", and also what it misses: a versioned image
   (/usr/lib/debug/boot/vmlinux-6.1.0-13-amd64) and module files (.ko,
   compressed or not). */
static int kernel_dso(const char *dso, size_t dn)
{
	const char *slash = memrchr(dso, '/', dn);
	const char *base = slash ? slash + 1 : dso;
	size_t bn = dn - (size_t)(base - dso);

	if (dn == 0 || has(dso, dn, "unknown"))
		return 0;
	return dso[0] == '[' || (bn >= 7 && memcmp(base, "vmlinux", 7) == 0) ||
	       ends_with(base, bn, ".ko") || ends_with(base, bn, ".ko.xz") ||
	       ends_with(base, bn, ".ko.gz") || ends_with(base, bn, ".ko.zst");
}

/* One "->"-separated part of a frame's symbol, tidied and annotated. */
static int part(pf_collapse *c, const struct pf_script_frame *fr,
		const char *s, size_t n, int index)
{
	struct buf *o = &c->frame;
	const char *dso = fr->dso.p;
	size_t dn = fr->dso.len, mark;

	/* Room for the part or the dso's name, brackets, address, suffix. */
	if (buf_reserve(o, n + dn + 64) < 0)
		return -1;
	if (index > 0)
		o->p[o->len++] = ';';
	mark = o->len;
	if (n == 9 && memcmp(s, "[unknown]", 9) == 0) {
		char tmp[64];
		const char *base = "unknown";
		size_t bn = 7;
		int k;

		if (!(dn == 9 && memcmp(dso, "[unknown]", 9) == 0)) {
			const char *slash = memrchr(dso, '/', dn);

			base = slash ? slash + 1 : dso;
			bn = dn - (size_t)(base - dso);
		}
		o->p[o->len++] = '[';
		tidy_symbol(o, base, bn, 0);
		if (c->opt.addrs) {
			k = snprintf(tmp, sizeof tmp, " <%.*s>",
				     (int)(fr->addr.len < 40 ? fr->addr.len : 40),
				     fr->addr.p);
			memcpy(o->p + o->len, tmp, (size_t)k);
			o->len += (size_t)k;
		}
		o->p[o->len++] = ']';
	} else {
		tidy_symbol(o, s, n, c->java);
	}
	if (index > 0) {
		if (!has(o->p + mark, o->len - mark, "_[i]")) {
			memcpy(o->p + o->len, "_[i]", 4);
			o->len += 4;
		}
	} else if (c->opt.kernel && kernel_dso(dso, dn)) {
		memcpy(o->p + o->len, "_[k]", 4);
		o->len += 4;
	} else if (c->opt.jit && jit_dso(dso, dn) &&
		   !has(o->p + mark, o->len - mark, "_[j]")) {
		memcpy(o->p + o->len, "_[j]", 4);
		o->len += 4;
	}
	return 0;
}

/* The text FR folds to, in c->frame: 1, or 0 when it adds no frame. */
static int frame_text(pf_collapse *c, const struct pf_script_frame *fr)
{
	const char *s = fr->sym.p, *end, *arrow;
	size_t n = fr->sym.len, i;
	int index = 0;

	/* perl: s/\+0x[\da-f]+$// */
	for (i = n; i > 0 && ((s[i - 1] >= '0' && s[i - 1] <= '9') ||
			      (s[i - 1] >= 'a' && s[i - 1] <= 'f')); i--)
		;
	if (i < n && i >= 3 && memcmp(s + i - 3, "+0x", 3) == 0)
		n = i - 3;
	if (c->srcline) {
		int rc = srcline_expand(c->srcline, fr, &c->frame);

		if (rc != 0)
			return rc;
	}
	if (n > 0 && s[0] == '(')
		return 0;	/* perl skips "(process name)" frames */
	c->frame.len = 0;
	/* perl's split drops empty parts at the end only. */
	end = s + n;
	while (end - s >= 2 && end[-1] == '>' && end[-2] == '-')
		end -= 2;
	while ((arrow = memmem(s, (size_t)(end - s), "->", 2))) {
		if (part(c, fr, s, (size_t)(arrow - s), index++) < 0)
			return -1;
		s = arrow + 2;
	}
	if (s < end && part(c, fr, s, (size_t)(end - s), index++) < 0)
		return -1;
	return index > 0;
}

static int frame(pf_collapse *c, const struct pf_script_frame *fr)
{
	int rc = frame_text(c, fr);

	return rc > 0 ? prepend(c, c->frame.p, c->frame.len) : rc;
}

static int binary(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return 1;
	}
	return 0;
}

/* A call-chain line follows the header: the chain is the stack. */
static void chain_starts(pf_collapse *c)
{
	if (c->header_frame) {
		c->start = c->cap;
		c->header_frame = 0;
	}
}

PF_EXPORT int pf_collapse_line(pf_collapse *c, const char *line, size_t len)
{
	struct pf_script_line pl;
	int rc = 0;

	uint64_t h = 0;

	/* Frame lines of a kept sample: most are in the cache.  The hash
	   also covers the Java flag, the only state the text depends on. */
	if (c->active && len > 0 && (line[0] == '\t' || line[0] == ' ')) {
		const struct fc_entry *e;

		h = pf_hash(line, len) ^ (uint64_t)c->java;
		e = fc_find(c->cache, line, len, h);
		if (e) {
			chain_starts(c);
			if (e->text_len >= 0 && prepend(c, e->text, (size_t)e->text_len) < 0)
				goto oom;
			return 0;
		}
	}
	if (unlikely(memchr(line, '\0', len) != NULL)) {
		error_set("binary data, not perf script text");
		return -1;
	}
	switch (pf_script_parse(line, len, &pl)) {
	case PF_SCRIPT_FRAME:
		if (!c->active)
			break;
		chain_starts(c);
		rc = frame_text(c, &pl.u.frame);
		if (rc < 0)
			break;
		if (h && fc_insert(c->cache, line, len, h, c->frame.p,
				   rc ? (long)c->frame.len : -1) < 0)
			goto oom;
		if (rc > 0)
			rc = prepend(c, c->frame.p, c->frame.len);
		break;
	case PF_SCRIPT_EVENT:
		return event(c, &pl.u.event);
	case PF_SCRIPT_BLANK:
		return flush(c);
	case PF_SCRIPT_COMMENT:
		break;
	case PF_SCRIPT_OTHER:
		if (binary(line, len)) {
			error_set("binary data, not perf script text");
			return -1;
		}
		return 1;
	}
	if (rc < 0)
		goto oom;
	return 0;
oom:
	error_set("out of memory");
	return -1;
}

int collapse_sample_name(pf_collapse *c, const struct pf_script_event *ev,
			 struct pf_span *name)
{
	if (set_name(c, ev) < 0) {
		error_set("out of memory");
		return -1;
	}
	name->p = c->name.p;
	name->len = c->name.len;
	return 0;
}

int collapse_frame_line(pf_collapse *c, const char *line, size_t len,
			struct pf_span *text)
{
	struct pf_script_line pl;
	int rc;

	if (pf_script_parse(line, len, &pl) == PF_SCRIPT_FRAME)
		rc = frame_text(c, &pl.u.frame);
	else if (pl.kind == PF_SCRIPT_EVENT && pl.u.event.has_frame)
		rc = frame_text(c, &pl.u.event.frame);
	else
		rc = 0;
	if (rc < 0) {
		error_set("out of memory");
		return -1;
	}
	text->p = c->frame.p;
	text->len = rc ? c->frame.len : 0;
	return rc;
}

PF_EXPORT int pf_collapse_end(pf_collapse *c)
{
	return flush(c);
}

PF_EXPORT pf_fold *pf_collapse_fold(pf_collapse *c)
{
	return c->fold;
}

PF_EXPORT const char *pf_collapse_kept_event(const pf_collapse *c)
{
	return c->dropped_other ? c->filter : NULL;
}

PF_EXPORT void pf_collapse_free(pf_collapse *c)
{
	if (!c)
		return;
	pf_fold_free(c->fold);
	srcline_free(c->srcline);
	fc_free(c->cache);
	free(c->filter);
	free(c->name.p);
	free(c->frame.p);
	free(c->stack);
	free(c);
}
