/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The exporter's reading loop: records in time order, the machine kept up
 * to date, samples selected by pfscript's options and their stacks taken
 * apart into raw addresses the way pfscript's printer takes them (the
 * kernel part from the call chain, the user part from the call chain or
 * from DWARF unwinding, the fault's mapping first with --data-frame), so
 * every format shows the frames the text shows.  Lost records are counted
 * here, since the reader keeps only their sum.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include <pf/export.h>
#include "util/pf-int.h"
#include "perfdata/read-int.h"
#include "script/print-int.h"
#include "script/chain-int.h"
#include "export/export-int.h"

PF_EXPORT void pf_export_opts_init(struct pf_export_opts *o)
{
	memset(o, 0, sizeof *o);
	o->size = sizeof *o;
	o->format = PF_EXPORT_FOLDED;
	pf_collapse_opts_init(&o->fold);
}

PF_EXPORT pf_export *pf_export_new(const struct pf_export_opts *o)
{
	pf_export *x = mem_zalloc(sizeof *x);

	if (!x)
		return NULL;
	pf_export_opts_init(&x->o);
	if (o && opts_copy(&x->o, sizeof x->o, o, "pf_export_new") < 0) {
		free(x);
		return NULL;
	}
	switch (x->o.format) {
	case PF_EXPORT_FOLDED: x->fmt = &ex_folded; break;
	case PF_EXPORT_PPROF: x->fmt = &ex_pprof; break;
	case PF_EXPORT_GECKO: x->fmt = &ex_gecko; break;
	default:
		error_set("pf_export_new: unknown format %d", (int)x->o.format);
		free(x);
		return NULL;
	}
	x->first_time = UINT64_MAX;
	if (x->fmt->begin(x) < 0) {
		pf_export_free(x);
		return NULL;
	}
	return x;
}

static int add_raw(pf_export *x, int *n, uint64_t ip, unsigned mode, int inl)
{
	if ((size_t)*n >= x->raw_cap && GROW(x->raw, x->raw_cap, (size_t)*n + 1) < 0)
		return -1;
	x->raw[(*n)++] = (struct ex_raw){ ip, mode, inl };
	return 0;
}

/* The events as pfscript's printer sees them: whether any has call
   chains (frames print as lines then) and whether any has data addresses
   (--data-frame needs them). */
static int scan_events(pf_export *x)
{
	size_t n = pf_perfdata_nr_evsel(x->pd);

	if (n == x->nr_evsel)
		return 0;
	x->nr_evsel = n;
	x->use_callchain = x->have_addr = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t st = pf_perfdata_evsel(x->pd, i)->attr.sample_type;

		x->use_callchain |= !!(st & PERF_SAMPLE_CALLCHAIN);
		x->have_addr |= !!(st & PERF_SAMPLE_ADDR);
	}
	if ((x->so->flags & PF_SCRIPTPRINT_DATA_FRAME) && n && !x->have_addr) {
		error_set("the recording has no data addresses for --data-frame (record with -d)");
		return -1;
	}
	return 0;
}

/* The raw frames of S, as print_sample() and collect() in script/print.c
   choose them. */
static int sample(pf_export *x, const struct pf_record *rec)
{
	const struct pf_scriptprint_opts *o = x->so;
	struct ex_sample es = { 0 };
	struct pf_sample s;
	int n = 0;

	if (pf_perfdata_sample(x->pd, rec, &s) < 0)
		return -1;
	es.s = &s;
	es.comm = pf_machine_comm(x->m, s.pid, s.tid);
	if (!sp_in_list(o->comms, es.comm, 0) || !sp_in_list(o->pids, NULL, s.pid) ||
	    !sp_in_list(o->tids, NULL, s.tid))
		return 0;
	if (scan_events(x) < 0)
		return -1;
	if (!x->started && x->fmt->start && x->fmt->start(x) < 0)
		return -1;
	x->started = 1;

	uint64_t st = s.evsel->attr.sample_type;
	int tracepoint = s.evsel->attr.type == PERF_TYPE_TRACEPOINT;
	int has_ip = !!(st & PERF_SAMPLE_IP);
	int dwarf = (st & PERF_SAMPLE_STACK_USER) && s.user_regs;
	int chain = x->use_callchain && s.callchain && has_ip &&
		    !(tracepoint && !(st & PERF_SAMPLE_CALLCHAIN));
	unsigned mode = s.cpumode;

	es.period_shown = !tracepoint;
	if (s.time != UINT64_MAX) {
		if (s.time < x->first_time)
			x->first_time = s.time;
		if (s.time > x->last_time)
			x->last_time = s.time;
	}
	es.ms = machine_maps(x->m, s.pid, 0);
	es.gen = es.ms ? es.ms->gen : 0;
	es.lines = chain;
	if (tracepoint && !(st & PERF_SAMPLE_CALLCHAIN)) {
		/* Tracepoints without stacks show their data, not a frame. */
		es.raw = x->raw;
		return x->fmt->sample(x, &es);
	}
	if (chain && !dwarf && !(o->flags & PF_SCRIPTPRINT_DATA_FRAME)) {
		/* print_chain(): one frame per call-chain entry */
		es.max = o->max_stack;
		for (uint64_t i = 0; i < s.nr_callchain && n < o->max_stack; i++) {
			if (chain_context(s.callchain[i], &mode))
				continue;
			if (add_raw(x, &n, s.callchain[i], mode, 0) < 0)
				return -1;
		}
		es.raw = x->raw;
		es.nraw = n;
		return x->fmt->sample(x, &es);
	}
	/* collect() */
	int max = o->max_stack < EX_MAX_FRAMES ? o->max_stack : EX_MAX_FRAMES;
	int frames = 0;

	es.max = max;
	if ((o->flags & PF_SCRIPTPRINT_DATA_FRAME) && (st & PERF_SAMPLE_ADDR) && frames < max) {
		es.data_frame = 1;
		es.data_map = heaps_data_map(&x->heaps, x->m, s.pid, s.addr);
		frames++;
	}
	if (!s.callchain) {
		if (frames < max && add_raw(x, &n, s.ip, mode, 0) < 0)
			return -1;
	} else {
		for (uint64_t i = 0; i < s.nr_callchain && frames + n < max; i++) {
			uint64_t ip = s.callchain[i];

			if (chain_context(ip, &mode))
				continue;
			if (dwarf && mode == PERF_RECORD_MISC_USER)
				break;
			if (add_raw(x, &n, ip, mode, 0) < 0)
				return -1;
		}
		if (dwarf && frames + n < max) {
			int k = pf_machine_unwind(x->m, &s, x->ips, max - frames - n);

			for (int i = 0; i < k; i++)
				if (add_raw(x, &n, x->ips[i], PERF_RECORD_MISC_USER,
					    !!(o->flags & PF_SCRIPTPRINT_INLINE)) < 0)
					return -1;
		}
	}
	/* With --data-frame and no other frame the fault is on the line. */
	es.lines = chain || (es.data_frame && n > 0);
	es.raw = x->raw;
	es.nraw = n;
	return x->fmt->sample(x, &es);
}

static int record(pf_export *x, const struct pf_record *rec)
{
	switch (rec->type) {
	case PERF_RECORD_SAMPLE:
		return sample(x, rec);
	case PERF_RECORD_LOST:
		/* { header; u64 id; u64 lost; } */
		if (rec->size >= 24) {
			x->lost += load_u64((const char *)rec->data + 16);
			x->lost_chunks++;
		}
		return x->fmt->record ? x->fmt->record(x, rec) : 0;
	case PERF_RECORD_LOST_SAMPLES:
		/* { header; u64 lost; } */
		if (rec->size >= 16) {
			x->lost += load_u64((const char *)rec->data + 8);
			x->lost_chunks++;
		}
		return x->fmt->record ? x->fmt->record(x, rec) : 0;
	case PERF_RECORD_HEADER_TRACING_DATA:
	case PERF_RECORD_HEADER_FEATURE:
		return 0;
	case PERF_RECORD_EVENT_UPDATE:
		x->nr_evsel = (size_t)-1;
		return 0;
	}
	if (pf_machine_record(x->m, rec) < 0) {
		error_set("out of memory");
		return -1;
	}
	if (x->fmt->record && (rec->type == PERF_RECORD_COMM || rec->type == PERF_RECORD_EXIT))
		return x->fmt->record(x, rec);
	return 0;
}

PF_EXPORT int pf_export_read(pf_export *x, const struct pf_scriptprint_opts *so)
{
	return pf_export_read_fd(x, so, -1, so->input);
}

PF_EXPORT int pf_export_read_fd(pf_export *x, const struct pf_scriptprint_opts *so,
				int fd, const char *name)
{
	/* Folded stacks name functions as the text does; the other formats
	   keep both names and demangle themselves. */
	int flags = ((so->flags & PF_SCRIPTPRINT_KERNEL) ? PF_SYM_KERNEL : 0) |
		    ((so->flags & PF_SCRIPTPRINT_DEMANGLE) && x->o.format == PF_EXPORT_FOLDED ?
		     PF_SYM_DEMANGLE : 0);
	struct pf_record rec;
	int r = -1;

	x->so = so;
	x->nr_evsel = (size_t)-1;
	x->started = 0;
	x->pd = fd < 0 ? pf_perfdata_open(name) : pf_perfdata_fdopen(fd, name);
	if (!x->pd)
		goto out;
	/* The symbol options, build-id checks and warnings of the text. */
	x->m = sp_machine_new(so, x->pd, flags);
	if (!x->m)
		goto out;
	/* The heap as the text names it (a file named, not a descriptor). */
	if ((so->flags & PF_SCRIPTPRINT_DATA_FRAME) && fd < 0 && heaps_scan(&x->heaps, name) < 0)
		goto out;
	while ((r = pf_perfdata_next(x->pd, &rec)) > 0)
		if (record(x, &rec) < 0) {
			r = -1;
			break;
		}
	if (r == 0 && x->fmt->end && x->fmt->end(x) < 0)
		r = -1;
out:
	heaps_free(&x->heaps);
	pf_machine_free(x->m);
	pf_perfdata_close(x->pd);
	x->m = NULL;
	x->pd = NULL;
	x->so = NULL;
	return r < 0 ? -1 : 0;
}

PF_EXPORT uint64_t pf_export_lost(const pf_export *x, uint64_t *chunks)
{
	if (chunks)
		*chunks = x->lost_chunks;
	return x->lost;
}

PF_EXPORT int pf_export_write(pf_export *x, FILE *out)
{
	return x->fmt->write(x, out);
}

PF_EXPORT void pf_export_free(pf_export *x)
{
	if (!x)
		return;
	if (x->fmt)
		x->fmt->free(x);
	free(x->raw);
	free(x);
}
