/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A recording as pprof, the way google/perf_data_converter writes one:
 * one sample type per event ("page-faults"/"count", "cpu-clock" and
 * "offcpu-time" in nanoseconds), labels pid and tid (numbers), comm and
 * thread_comm (strings); a location per address of a process's mapping
 * with one line per function of its inline chain, innermost first; the
 * mapping's file, build id, start, limit and offset; the kernel, JIT
 * code, the fault frames of --data-frame and addresses outside any
 * mapping each in their own mapping.  A sample without frames keeps its
 * sampled address.  A frame without a symbol gets a
 * location without lines, which pprof and the profiling engines can
 * symbolize again from the mapping and the address.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include <pf/demangle.h>
#include "util/pf-int.h"
#include "util/hash-int.h"
#include "perfdata/format.h"
#include "symbols/buildid-int.h"
#include "export/export-int.h"
#include "export/pprof-int.h"

/* A sample whose raw stack was seen: its locations are known. */
struct seen_ent {
	struct table_entry h;
	const char *key;
	size_t len;
	size_t locs, nr_locs;		/* in st->locs_pool */
};

struct pprof_rec {
	struct pprof pp;
	struct strmap events;		/* event name -> sample type */
	struct strmap build_ids;	/* file name -> hex (this recording) */
	struct table seen;		/* this recording's raw stacks */
	struct arena rec_arena;		/* keys and build ids of the recording */
	uint64_t *locs_pool;
	size_t nr_pool, pool_cap;
	uint64_t kernel_map, unknown_map, data_map;
	uint64_t kmin, kmax;		/* kernel addresses seen */
	struct buf key;
	uint64_t *locs;
	size_t locs_cap;
	uint64_t fn[EX_MAX_FRAMES];
	int group[EX_MAX_FRAMES];
	uint64_t clock_wall, clock_ref;	/* HEADER_CLOCK_DATA, 0: none */
};

static int begin(pf_export *x)
{
	struct pprof_rec *st = calloc(1, sizeof *st);

	if (!st || (x->state = st, pp_init(&st->pp) < 0) || strmap_init(&st->events) < 0 ||
	    strmap_init(&st->build_ids) < 0 ||
	    table_init(&st->seen, sizeof(struct seen_ent), 1024) < 0) {
		error_set("out of memory");
		return -1;
	}
	st->kmin = UINT64_MAX;
	return 0;
}

static int recording_start(pf_export *x, struct pprof_rec *st)
{
	size_t size, pos = 0;
	const unsigned char *p, *cd = pf_perfdata_feature(x->pd, HEADER_CLOCK_DATA, &size);

	if (cd && size >= 24 && load_u32(cd) >= 1) {
		st->clock_wall = load_u64(cd + 8);
		st->clock_ref = load_u64(cd + 16);
	}
	p = pf_perfdata_feature(x->pd, HEADER_BUILD_ID, &size);
	while (p && size - pos >= sizeof(struct perfdata_build_id_event)) {
		struct perfdata_build_id_event b;
		size_t n, len = PERFDATA_BUILD_ID_SIZE;
		char hex[2 * PERFDATA_BUILD_ID_SIZE + 1], *name, *h;

		memcpy(&b, p + pos, sizeof b);
		n = b.header.size;
		if (n < sizeof b || n > size - pos)
			break;
		if (b.header.misc & PERFDATA_MISC_BUILD_ID_SIZE)
			len = b.build_id[PERFDATA_BUILD_ID_SIZE] < len ?
			      b.build_id[PERFDATA_BUILD_ID_SIZE] : len;
		for (size_t i = 0; i < len; i++)
			snprintf(hex + 2 * i, 3, "%02x", b.build_id[i]);
		name = arena_strndup(&st->rec_arena, (const char *)(p + pos) + sizeof b,
				     strnlen((const char *)(p + pos) + sizeof b, n - sizeof b));
		h = arena_strndup(&st->rec_arena, hex, 2 * len);
		if (!name || !h || strmap_put(&st->build_ids, name, strlen(name),
					      (size_t)(uintptr_t)h) < 0)
			return -1;
		pos += n;
	}
	return 0;
}

/* The build id of FILE as hex: the recording's, else the file's own. */
static int64_t build_id(struct pprof_rec *st, const char *file)
{
	struct strmap_entry *e = strmap_find(&st->build_ids, file, strlen(file));
	unsigned char id[20];
	char hex[41];
	int n;

	if (e)
		return pp_str(&st->pp, (const char *)(uintptr_t)e->value);
	if (file[0] == '[' || (n = buildid_of_file(file, id)) <= 0)
		return 0;
	for (int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	return pp_string(&st->pp, hex, 2 * (size_t)n);
}

static uint64_t special_map(struct pprof_rec *st, uint64_t *id, const char *name)
{
	if (!*id) {
		struct pp_mapping m = { 0, 0, 0, pp_str(&st->pp, name), 0 };

		if (m.file < 0)
			return 0;
		*id = pp_mapping(&st->pp, &m);
	}
	return *id;
}

/* The mapping of address IP of ES's process in MODE. */
static uint64_t mapping_of(pf_export *x, struct pprof_rec *st, const struct ex_sample *es,
			   unsigned mode, uint64_t ip)
{
	const struct map *mp;

	if (mode == PERF_RECORD_MISC_KERNEL || mode == PERF_RECORD_MISC_GUEST_KERNEL) {
		if (ip < st->kmin)
			st->kmin = ip;
		if (ip > st->kmax)
			st->kmax = ip;
		return special_map(st, &st->kernel_map, "[kernel.kallsyms]");
	}
	mp = es->ms ? maps_find(es->ms, ip) : NULL;
	if (!mp)
		return special_map(st, &st->unknown_map, "unknown");
	(void)x;
	struct pp_mapping m = { mp->start, mp->end, mp->pgoff, pp_str(&st->pp, mp->dso->name), 0 };
	if (mp->dso->kind == DSO_FILE)
		m.build_id = build_id(st, mp->dso->name);
	if (m.file < 0 || m.build_id < 0)
		return 0;
	return pp_mapping(&st->pp, &m);
}

/* The function of frame FR. */
static uint64_t function_of(pf_export *x, struct pprof_rec *st, const struct pf_frame *fr)
{
	struct pp_function f = { 0 };
	char *dm = NULL;

	f.system_name = pp_str(&st->pp, fr->sym);
	if ((x->so->flags & PF_SCRIPTPRINT_DEMANGLE) && (dm = pf_demangle(fr->sym)))
		f.name = pp_str(&st->pp, dm);
	else
		f.name = f.system_name;
	free(dm);
	f.file = fr->dso ? pp_str(&st->pp, fr->dso) : 0;
	if (f.name < 0 || f.system_name < 0 || f.file < 0)
		return 0;
	return pp_function(&st->pp, &f);
}

/* The locations of ES, leaf first, into st->locs.  Their number, or -1. */
static int locations(pf_export *x, struct pprof_rec *st, const struct ex_sample *es)
{
	int n = ex_frames(x, es, st->group), nloc = 0;

	for (int i = 0; i < n;) {
		int g = st->group[i], j = i, nfn = 0;
		uint64_t map, loc, addr;

		/* The frames of one address: its inline chain. */
		while (j < n && st->group[j] == g && (g >= 0 || j == i))
			j++;
		for (int k = i; k < j; k++)
			if (x->frames[k].sym && !(st->fn[nfn++] = function_of(x, st, &x->frames[k])))
				return -1;
		if (g < 0) {
			map = special_map(st, &st->data_map, "[data]");
			addr = 0;
		} else {
			addr = es->raw[g].ip;
			map = mapping_of(x, st, es, es->raw[g].mode, addr);
		}
		if (!map || !(loc = pp_location(&st->pp, map, addr, st->fn, (size_t)nfn)) ||
		    GROW(st->locs, st->locs_cap, (size_t)nloc + 1) < 0)
			return -1;
		st->locs[nloc++] = loc;
		i = j;
	}
	return nloc;
}

static const char *unit_of(const char *event)
{
	if (!strcmp(event, "cpu-clock") || !strcmp(event, "task-clock") ||
	    !strcmp(event, "offcpu-time"))
		return "nanoseconds";
	return "count";
}

/* The sample type of event E, with period_type from the first event. */
static int64_t event_type(pf_export *x, struct pprof_rec *st, const struct pf_evsel *e)
{
	struct strmap_entry *ent = strmap_find(&st->events, e->name, strlen(e->name));
	int64_t t;
	char *name;

	if (ent)
		return (int64_t)ent->value;
	if ((t = pp_sample_type(&st->pp, e->name, unit_of(e->name))) < 0 ||
	    !(name = arena_strndup(&st->pp.arena, e->name, strlen(e->name))) ||
	    strmap_put(&st->events, name, strlen(name), (size_t)t) < 0)
		return -1;
	if (!st->pp.period_type) {
		st->pp.period_type = st->pp.type[t];
		st->pp.period_unit = st->pp.unit[t];
		st->pp.period = e->attr.freq ? 0 : (int64_t)e->attr.sample_period;
	}
	return t;
}

static int sample(pf_export *x, const struct ex_sample *es)
{
	struct pprof_rec *st = x->state;
	const struct pf_sample *s = es->s;
	int64_t type = event_type(x, st, s->evsel);
	const char *pcomm = pf_machine_comm(x->m, s->pid, s->pid);
	int64_t comm = pp_str(&st->pp, pcomm), tcomm = pp_str(&st->pp, es->comm);
	uint64_t period = es->period_shown && s->period ? s->period : 1, h;
	struct seen_ent *e;
	struct buf *k = &st->key;
	int grown;

	if (type < 0 || comm < 0 || tcomm < 0)
		goto oom;
	/* Samples with the same raw stack in the same maps share locations. */
	unsigned hdr[4] = { es->gen, (unsigned)es->max, (unsigned)es->lines,
			    (unsigned)es->data_frame };
	k->len = 0;
	if (buf_add(k, &es->ms, sizeof es->ms) < 0 || buf_add(k, hdr, sizeof hdr) < 0 ||
	    buf_add(k, &s->pid, sizeof s->pid) < 0 ||
	    (es->data_frame && es->data_map && buf_addstr(k, es->data_map) < 0) ||
	    buf_addc(k, 0) < 0 ||
	    buf_add(k, es->raw, (size_t)es->nraw * sizeof *es->raw) < 0)
		goto oom;
	h = table_hash(pf_hash(k->p, k->len));
	TABLE_PROBE(&st->seen, h, e)
		if (e->h.hash == h && e->len == k->len && !memcmp(e->key, k->p, k->len))
			goto add;
	int n = locations(x, st, es);
	if (n == 0 && (s->evsel->attr.sample_type & PERF_SAMPLE_IP)) {
		/* No frames (an unwinder that found none, a tracepoint without
		   stacks): the sampled address alone, as perf_data_converter
		   keeps it, so that pprof counts the sample. */
		struct ex_raw ip = { s->ip, s->cpumode, 0 };
		struct ex_sample alone = *es;

		alone.raw = &ip;
		alone.nraw = 1;
		alone.max = 1;
		alone.lines = 1;
		alone.data_frame = 0;
		n = locations(x, st, &alone);
	}
	char *key = arena_alloc(&st->rec_arena, k->len);
	if (n < 0 || !key || GROW(st->locs_pool, st->pool_cap, st->nr_pool + (size_t)n + 1) < 0)
		goto oom;
	memcpy(key, k->p, k->len);
	memcpy(st->locs_pool + st->nr_pool, st->locs, (size_t)n * sizeof *st->locs);
	if ((grown = table_reserve(&st->seen)) < 0)
		goto oom;
	if (grown)
		TABLE_PROBE(&st->seen, h, e)
			;
	*e = (struct seen_ent){ { h }, key, k->len, st->nr_pool, (size_t)n };
	table_filled(&st->seen);
	st->nr_pool += (size_t)n;
add:
	return pp_add_sample(&st->pp, st->locs_pool + e->locs, e->nr_locs, (size_t)type,
			     s->pid, s->tid, comm, tcomm, period);
oom:
	error_set("out of memory");
	return -1;
}

static int start(pf_export *x)
{
	if (recording_start(x, x->state) < 0) {
		error_set("out of memory");
		return -1;
	}
	return 0;
}

/* The recording ends: its raw stacks and build ids go (the maps do). */
static int end(pf_export *x)
{
	struct pprof_rec *st = x->state;

	/* Every event has its sample type, samples or not. */
	for (size_t i = 0; i < pf_perfdata_nr_evsel(x->pd); i++)
		if (event_type(x, st, pf_perfdata_evsel(x->pd, i)) < 0) {
			error_set("out of memory");
			return -1;
		}
	if (st->clock_wall && x->first_time != UINT64_MAX && !st->pp.time_nanos)
		st->pp.time_nanos = (int64_t)(st->clock_wall - st->clock_ref + x->first_time);
	if (x->first_time != UINT64_MAX)
		st->pp.duration_nanos = (int64_t)(x->last_time - x->first_time);
	table_release(&st->seen);
	strmap_release(&st->build_ids);
	arena_release(&st->rec_arena);
	st->clock_wall = st->clock_ref = 0;
	if (table_init(&st->seen, sizeof(struct seen_ent), 1024) < 0 ||
	    strmap_init(&st->build_ids) < 0) {
		error_set("out of memory");
		return -1;
	}
	st->nr_pool = 0;
	return 0;
}

static int write_pprof(pf_export *x, FILE *out)
{
	struct pprof_rec *st = x->state;
	uint64_t chunks, lost = pf_export_lost(x, &chunks);
	char text[128];

	if (st->kernel_map) {
		st->pp.map[st->kernel_map - 1].start = st->kmin;
		st->pp.map[st->kernel_map - 1].limit = st->kmax + 1;
	}
	if (lost) {
		snprintf(text, sizeof text, "lost %llu samples in %llu chunks",
			 (unsigned long long)lost, (unsigned long long)chunks);
		if (pp_comment(&st->pp, text) < 0) {
			error_set("out of memory");
			return -1;
		}
	}
	return pp_write(&st->pp, out);
}

static void free_pprof(pf_export *x)
{
	struct pprof_rec *st = x->state;

	if (!st)
		return;
	pp_release(&st->pp);
	strmap_release(&st->events);
	strmap_release(&st->build_ids);
	table_release(&st->seen);
	arena_release(&st->rec_arena);
	free(st->locs_pool);
	free(st->locs);
	buf_release(&st->key);
	free(st);
	x->state = NULL;
}

const struct ex_format ex_pprof = {
	.begin = begin, .start = start, .sample = sample, .end = end,
	.write = write_pprof, .free = free_pprof,
};
