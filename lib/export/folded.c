/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Folded stacks straight from a recording, the same bytes as pfscript's
 * text through pf_collapse.  Each frame line pfscript would print is
 * rendered once and tidied by pf_collapse's own code, so names fold
 * exactly as in the text; the time goes elsewhere: a sample whose stack
 * (process maps, addresses, name) was seen before only adds its period to
 * that stack's count, and a stack seen for the first time takes its
 * frames' texts from a cache of addresses.  Both tables live for one
 * recording (the machine's maps do) and are then added to the fold
 * table, so memory grows with the distinct stacks, not the samples.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "util/arena.h"
#include "util/hash-int.h"
#include "util/table.h"
#include "collapse/collapse-int.h"
#include "export/export-int.h"

struct stack_ent {
	struct table_entry h;
	const char *key;
	size_t key_len;
	const char *text;
	size_t text_len;
	uint64_t count;
};

/* The folded text of one raw address (its inlined functions too). */
struct frame_ent {
	struct table_entry h;
	const void *ms;
	uint64_t ip;
	unsigned gen, mode, flags;
	int nframes;
	const char *text;	/* root first, ';' between; may be empty */
	size_t text_len;
};

struct folded {
	pf_collapse *c;		/* names, frame texts and the fold table */
	char *filter;		/* the event kept */
	int defaulted, dropped_other;
	struct table stacks, cache;
	struct arena arena;	/* keys and texts of both tables */
	struct buf key, line, stack;
	struct pf_span *texts;	/* a sample's frame texts, leaf first */
	size_t texts_cap;
	/* The last sample's event and name: runs of samples share them. */
	const struct pf_evsel *last_evsel;
	int last_kept;
	char last_comm[64];
	int last_tid;
	struct pf_span last_name;
};

static int begin(pf_export *x)
{
	struct folded *f = mem_zalloc(sizeof *f);

	if (!f)
		return -1;
	x->state = f;
	if (x->o.fold.event_filter && !(f->filter = strdup(x->o.fold.event_filter)))
		goto oom;
	f->c = pf_collapse_new(&x->o.fold);
	if (!f->c)
		return -1;
	if (table_init(&f->stacks, sizeof(struct stack_ent), 1024) < 0 ||
	    table_init(&f->cache, sizeof(struct frame_ent), 1024) < 0)
		goto oom;
	return 0;
oom:
	error_set("out of memory");
	return -1;
}

/* The frame line pfscript prints for FR ("\t    addr sym+0xoff (dso)"),
   which pf_collapse folds. */
static int render(struct buf *b, const struct pf_frame *fr)
{
	b->len = 0;
	if (fr->sym)
		return buf_addf(b, "\t%16" PRIx64 " %s+0x%" PRIx64 " (%s)", fr->addr, fr->sym,
				fr->symoff, fr->inlined ? "inlined" : fr->dso ? fr->dso : "[unknown]");
	return buf_addf(b, "\t%16" PRIx64 " [unknown] (%s)", fr->addr,
			fr->inlined ? "inlined" : fr->dso ? fr->dso : "[unknown]");
}

static int add_text(struct folded *f, size_t *n, struct pf_span t)
{
	if (*n >= f->texts_cap && GROW(f->texts, f->texts_cap, *n + 1) < 0)
		return -1;
	f->texts[(*n)++] = t;
	return 0;
}

/* Fold frames [FROM, TO) of x->frames into the arena: their texts, leaf
   first, appended to f->texts. */
static int fold_frames(pf_export *x, struct folded *f, int from, int to, size_t *n)
{
	for (int i = from; i < to; i++) {
		struct pf_span t;
		char *copy;
		int rc;

		if (render(&f->line, &x->frames[i]) < 0)
			return -1;
		rc = collapse_frame_line(f->c, f->line.p, f->line.len, &t);
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		if (!(copy = arena_strndup(&f->arena, t.p, t.len)))
			return -1;
		if (add_text(f, n, (struct pf_span){ copy, t.len }) < 0)
			return -1;
	}
	return 0;
}

/* The texts of raw address R (cached), appended leaf first.  -2 when
   they might reach the frame limit LEFT (the caller takes the slow way). */
static int raw_texts(pf_export *x, struct folded *f, const struct ex_sample *es,
		     const struct ex_raw *r, int java, int *left, size_t *n)
{
	unsigned flags = (unsigned)r->inl | (unsigned)java << 1;
	const void *ms = r->mode == PERF_RECORD_MISC_KERNEL ? NULL : es->ms;
	unsigned gen = ms ? es->gen : 0;
	uint64_t h = table_hash_u64(r->ip ^ (uintptr_t)ms * 31 ^ (uint64_t)gen << 40 ^
				    (uint64_t)r->mode << 56 ^ (uint64_t)flags << 60);
	struct frame_ent *e;

	TABLE_PROBE(&f->cache, h, e)
		if (e->h.hash == h && e->ip == r->ip && e->ms == ms && e->gen == gen &&
		    e->mode == r->mode && e->flags == flags)
			goto found;
	{
		int k = pf_machine_resolve(x->m, es->s->pid, r->mode, r->ip, r->inl,
					   x->frames, EX_MAX_FRAMES);
		size_t first = *n, len = 0;
		char *p;

		if (fold_frames(x, f, 0, k, n) < 0)
			return -1;
		for (size_t i = first; i < *n; i++)
			len += f->texts[i].len + 1;
		if (!(p = arena_alloc(&f->arena, len + 1)))
			return -1;
		/* root first */
		len = 0;
		for (size_t i = *n; i > first; i--) {
			if (len)
				p[len++] = ';';
			memcpy(p + len, f->texts[i - 1].p, f->texts[i - 1].len);
			len += f->texts[i - 1].len;
		}
		*n = first;
		int grown = table_reserve(&f->cache);
		if (grown < 0)
			return -1;
		if (grown)
			TABLE_PROBE(&f->cache, h, e)
				;
		*e = (struct frame_ent){ { h }, ms, r->ip, gen, r->mode, flags, k, p, len };
		table_filled(&f->cache);
	}
found:
	/* Cut short, an address inside inlined calls resolves to fewer
	   frames than its whole chain (pf_machine_resolve): the slow way. */
	if (e->nframes >= *left)
		return -2;
	*left -= e->nframes;
	if (e->text_len && add_text(f, n, (struct pf_span){ e->text, e->text_len }) < 0)
		return -1;
	return 0;
}

/* Fold ES's stack after NAME into f->stack. */
static int fold_stack(pf_export *x, struct folded *f, const struct ex_sample *es,
		      struct pf_span name, int java)
{
	size_t n = 0;
	int left = es->max, rc = 0;

	if (es->lines && !es->data_frame) {
		for (int i = 0; i < es->nraw && rc == 0; i++)
			rc = raw_texts(x, f, es, &es->raw[i], java, &left, &n);
		if (rc == -1)
			return -1;
	}
	if (!es->lines || es->data_frame || rc == -2) {
		n = 0;
		if (fold_frames(x, f, 0, ex_frames(x, es, NULL), &n) < 0)
			return -1;
	}
	f->stack.len = 0;
	if (buf_add(&f->stack, name.p, name.len) < 0)
		return -1;
	while (n--)
		if (buf_addc(&f->stack, ';') < 0 ||
		    buf_add(&f->stack, f->texts[n].p, f->texts[n].len) < 0)
			return -1;
	return 0;
}

/* The sample's name: pf_collapse's, from the fields of the line pfscript
   prints ("comm  TID [CPU] ..."; no PID field by default). */
static int sample_name(struct folded *f, const struct ex_sample *es, struct pf_span *name)
{
	struct pf_script_event ev = { 0 };
	struct pf_script_line pl;
	char tid[16];

	ev.comm = (struct pf_span){ es->comm, strlen(es->comm) };
	ev.tid = (struct pf_span){ tid, (size_t)snprintf(tid, sizeof tid, "%d", es->s->tid) };
	/* A name with a blank before a digit could split elsewhere in the
	   text: parse the line as pf_collapse would. */
	for (const char *p = strchr(es->comm, ' '); p; p = strchr(p + 1, ' '))
		if (p[1] >= '0' && p[1] <= '9') {
			f->line.len = 0;
			if (buf_addf(&f->line, "%s %5d [000]     0.000000: 1 e: ",
				     es->comm, es->s->tid) < 0)
				return -1;
			if (pf_script_parse(f->line.p, f->line.len, &pl) == PF_SCRIPT_EVENT)
				ev = pl.u.event;
			break;
		}
	return collapse_sample_name(f->c, &ev, name);
}

static int key_add(struct buf *b, const void *p, size_t n)
{
	return buf_add(b, p, n);
}

static int sample(pf_export *x, const struct ex_sample *es)
{
	struct folded *f = x->state;
	const char *ev = es->s->evsel->name;
	struct pf_span name;
	uint64_t period = 1, h;
	struct stack_ent *e;
	int java;

	if (es->s->evsel != f->last_evsel) {
		if (!f->filter) {
			if (!(f->filter = strdup(ev)))
				goto oom;
			f->defaulted = 1;
		}
		f->last_evsel = es->s->evsel;
		f->last_kept = strcmp(ev, f->filter) == 0;
	}
	if (!f->last_kept) {
		f->dropped_other |= f->defaulted;
		return 0;
	}
	if (es->period_shown && !x->o.fold.count_samples && es->s->period)
		period = es->s->period;
	if (es->s->tid == f->last_tid && f->last_name.p && !strcmp(es->comm, f->last_comm)) {
		name = f->last_name;
	} else {
		if (sample_name(f, es, &name) < 0)
			return -1;
		/* The name stays in the collapser until the next one is made;
		   names longer than the copy are made again each time. */
		f->last_name = strlen(es->comm) < sizeof f->last_comm ? name : (struct pf_span){ 0 };
		snprintf(f->last_comm, sizeof f->last_comm, "%s", es->comm);
		f->last_tid = es->s->tid;
	}
	java = name.len >= 4 && memcmp(name.p, "java", 4) == 0;

	/* The key: everything the folded stack depends on. */
	struct buf *k = &f->key;
	unsigned hdr[4] = { es->gen, (unsigned)es->max, (unsigned)es->lines,
			    (unsigned)es->data_frame };
	k->len = 0;
	if (key_add(k, name.p, name.len) < 0 || buf_addc(k, 0) < 0 ||
	    key_add(k, &es->ms, sizeof es->ms) < 0 || key_add(k, hdr, sizeof hdr) < 0 ||
	    (es->data_frame && es->data_map &&
	     key_add(k, es->data_map, strlen(es->data_map) + 1) < 0) ||
	    key_add(k, es->raw, (size_t)es->nraw * sizeof *es->raw) < 0)
		goto oom;
	h = table_hash(pf_hash(k->p, k->len));
	TABLE_PROBE(&f->stacks, h, e)
		if (e->h.hash == h && e->key_len == k->len && !memcmp(e->key, k->p, k->len)) {
			if (e->count > UINT64_MAX - period) {
				/* Let the fold table say the sum is too big. */
				if (pf_fold_add(pf_collapse_fold(f->c), e->text, e->text_len,
						e->count) < 0)
					return -1;
				e->count = 0;
			}
			e->count += period;
			return 0;
		}
	if (fold_stack(x, f, es, name, java) < 0)
		goto oom;
	char *key = arena_alloc(&f->arena, k->len);
	char *text = arena_strndup(&f->arena, f->stack.p, f->stack.len);
	if (!key || !text)
		goto oom;
	memcpy(key, k->p, k->len);
	int grown = table_reserve(&f->stacks);
	if (grown < 0)
		goto oom;
	if (grown)
		TABLE_PROBE(&f->stacks, h, e)
			;
	*e = (struct stack_ent){ { h }, key, k->len, text, f->stack.len, period };
	table_filled(&f->stacks);
	return 0;
oom:
	error_set("out of memory");
	return -1;
}

/* The recording ends: its stacks go to the fold table, the caches go. */
static int end(pf_export *x)
{
	struct folded *f = x->state;
	struct stack_ent *e;
	int rc = 0;

	TABLE_EACH(&f->stacks, e)
		if (rc == 0 && e->count)
			rc = pf_fold_add(pf_collapse_fold(f->c), e->text, e->text_len, e->count);
	table_release(&f->stacks);
	table_release(&f->cache);
	arena_release(&f->arena);
	if (rc == 0 && (table_init(&f->stacks, sizeof(struct stack_ent), 1024) < 0 ||
			table_init(&f->cache, sizeof(struct frame_ent), 1024) < 0)) {
		error_set("out of memory");
		rc = -1;
	}
	return rc;
}

static int write_folded(pf_export *x, FILE *out)
{
	struct folded *f = x->state;

	/* pf_fold_write() says what failed. */
	return pf_fold_write(pf_collapse_fold(f->c), out);
}

static void free_folded(pf_export *x)
{
	struct folded *f = x->state;

	if (!f)
		return;
	pf_collapse_free(f->c);
	free(f->filter);
	table_release(&f->stacks);
	table_release(&f->cache);
	arena_release(&f->arena);
	buf_release(&f->key);
	buf_release(&f->line);
	buf_release(&f->stack);
	free(f->texts);
	free(f);
	x->state = NULL;
}

PF_EXPORT pf_fold *pf_export_fold(pf_export *x)
{
	return x->o.format == PF_EXPORT_FOLDED ? pf_collapse_fold(((struct folded *)x->state)->c)
					       : NULL;
}

PF_EXPORT const char *pf_export_kept_event(const pf_export *x)
{
	const struct folded *f = x->state;

	return x->o.format == PF_EXPORT_FOLDED && f->dropped_other ? f->filter : NULL;
}

const struct ex_format ex_folded = {
	.begin = begin, .sample = sample, .end = end,
	.write = write_folded, .free = free_folded,
};
