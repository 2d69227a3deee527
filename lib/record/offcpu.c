/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Off-CPU time (pfrecord --off-cpu), computed while recording: the
 * sched:sched_switch tracepoint, opened on the target, samples each switch
 * out of a target thread with its call stack and its state; the
 * PERF_RECORD_SWITCH records of the first event (attr.context_switch) say
 * when the thread runs again.  A switch out into a sleep (S or D; not a
 * preemption) matched with the next switch in becomes one sample of the
 * event "offcpu-time" whose period is the blocked time in nanoseconds and
 * whose stack is the switch-out stack: perf record --off-cpu's convention,
 * so folded stacks weigh waits by their length.  The tracepoint's samples
 * and the switch records are consumed here and never reach the file.
 *
 * The rings are per CPU and drained one after the other, so a thread's
 * switch in may be read before the switch out that precedes it (it left on
 * one CPU and came back on another): either half waits for the other.  A
 * sample goes out with the time of its switch in, or, when that is older
 * than what earlier rounds already handed out, with the latest time handed
 * out, so readers that sort by rounds never see it out of order.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "perfdata/format.h"
#include "record/capture-int.h"
#include "util/buf.h"
#include "util/pf-int.h"
#include "util/table.h"
#include "util/pf-int.h"

/* The id of the offcpu-time event: made up, far above the kernel's. */
#define OFFCPU_ID       0x6f666663707500ULL
/* prev_state bits of a thread going to sleep; TASK_REPORT_MAX marks a
   preemption (include/trace/events/sched.h). */
#define TASK_SLEEPING   0x3
#define TASK_PREEMPTED  0x100

/* A thread's wait: its switch-out sample made into an offcpu-time sample
   (time and period still to fill), or the time of a switch in read first. */
struct waiter {
	struct table_entry h;
	int tid;
	uint64_t out_time;              /* 0: no switch out pending */
	unsigned char *rec;
	size_t len;
	uint64_t in_time;               /* a switch in with no switch out yet */
};

struct idset {
	struct table_entry h;
	uint64_t id;
};

struct offcpu {
	struct table waiters;           /* by tid */
	struct table sched_ids;         /* ids of the sched_switch event */
	unsigned state_at, state_size;  /* prev_state in the raw data */
	size_t time_at, period_at;      /* in an offcpu-time sample */
	uint64_t offcpu_id;
	struct buf ready;               /* samples to write */
};

int offcpu_init(pf_capture *r)
{
	struct pdw_event *e;
	long id;

	if (r->nuser == MAX_EVENTS) {
		error_set("--off-cpu: too many events (at most %d besides)", MAX_EVENTS - 1);
		return -1;
	}
	if (!(r->off = calloc(1, sizeof *r->off))) {
		error_set("out of memory");
		return -1;
	}
	if (table_init(&r->off->waiters, sizeof(struct waiter), 64) < 0 ||
	    table_init(&r->off->sched_ids, sizeof(struct idset), 64) < 0)
		return -1;
	if ((id = tracepoint_id("sched", "sched_switch")) < 0 ||
	    tracepoint_field("sched", "sched_switch", "prev_state",
			     &r->off->state_at, &r->off->state_size) != 0) {
		error_set("--off-cpu: %s", pf_errmsg());
		return -1;
	}
	/* perf's off-CPU samples always carry a call stack. */
	if (r->o.callgraph == PF_CALLGRAPH_NONE)
		r->o.callgraph = PF_CALLGRAPH_FP;
	memset(&r->sched, 0, sizeof r->sched);
	snprintf(r->sched.name, sizeof r->sched.name, "sched:sched_switch");
	r->sched.attr.size = PERFDATA_ATTR_SIZE;
	r->sched.attr.type = PERF_TYPE_TRACEPOINT;
	r->sched.attr.config = id;
	r->sched.attr.sample_period = 1;
	r->nopen = r->nuser + 1;

	e = &r->ev[r->nuser];
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "offcpu-time");
	r->off->offcpu_id = OFFCPU_ID;
	e->ids = &r->off->offcpu_id;
	e->nids = 1;
	r->nev = r->nuser + 1;
	return 0;
}

/* As perf defines it: a software bpf-output event, every sample kept. */
void offcpu_attr(pf_capture *r)
{
	struct perf_event_attr *a = &r->ev[r->nuser].attr;
	const struct perf_event_attr *s = &r->sched.attr;

	memset(a, 0, sizeof *a);
	a->size = s->size;
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_BPF_OUTPUT;
	a->sample_period = 1;
	a->sample_type = (r->sample_type & ~PERF_SAMPLE_ADDR) | PERF_SAMPLE_PERIOD;
	a->read_format = s->read_format;
	a->sample_id_all = 1;
	a->exclude_kernel = s->exclude_kernel;
	a->exclude_hv = s->exclude_hv;
	a->exclude_callchain_kernel = s->exclude_callchain_kernel;
	a->exclude_callchain_user = s->exclude_callchain_user;
	a->sample_regs_user = s->sample_regs_user;
	a->sample_stack_user = s->sample_stack_user;
	a->use_clockid = s->use_clockid;
	a->clockid = s->clockid;
}

void offcpu_free(pf_capture *r)
{
	struct waiter *w;

	if (!r->off)
		return;
	TABLE_EACH(&r->off->waiters, w)
		free(w->rec);
	table_release(&r->off->waiters);
	table_release(&r->off->sched_ids);
	buf_release(&r->off->ready);
	free(r->off);
	r->off = NULL;
}

static struct idset *id_slot(struct table *t, uint64_t id)
{
	uint64_t h = table_hash_u64(id);
	struct idset *e;

	TABLE_PROBE(t, h, e)
		if (e->h.hash == h && e->id == id)
			return e;
	return e;
}

/* Whether id belongs to the sched_switch event (its ids are learnt once
   the events are open). */
static int is_sched(pf_capture *r, uint64_t id)
{
	struct offcpu *o = r->off;

	if (o->sched_ids.used == 0)
		for (size_t i = 0; i < r->sched.nids; i++) {
			if (table_reserve(&o->sched_ids) < 0)
				return 0;
			struct idset *e = id_slot(&o->sched_ids, r->sched.ids[i]);

			if (!e->h.hash) {
				e->h.hash = table_hash_u64(r->sched.ids[i]);
				e->id = r->sched.ids[i];
				table_filled(&o->sched_ids);
			}
		}
	return id_slot(&o->sched_ids, id)->h.hash != 0;
}

static struct waiter *waiter(struct offcpu *o, int tid)
{
	uint64_t h = table_hash_u64((uint64_t)(uint32_t)tid);
	struct waiter *w;

	for (int again = 0; again < 2; again++) {
		TABLE_PROBE(&o->waiters, h, w)
			if (w->h.hash == h && w->tid == tid)
				return w;
		int rc = table_reserve(&o->waiters);

		if (rc < 0)
			return NULL;
		if (rc == 0)
			break;
	}
	memset(w, 0, sizeof *w);
	w->h.hash = h;
	w->tid = tid;
	table_filled(&o->waiters);
	return w;
}

/* The wait of w ended at t_in: queue its sample unless it is too short. */
static int finish_wait(pf_capture *r, struct waiter *w, uint64_t t_in)
{
	struct offcpu *o = r->off;
	uint64_t period = t_in - w->out_time;
	uint64_t t = t_in > r->prev_max_time ? t_in : r->prev_max_time;
	int rc = 0;

	if (period >= r->o.off_cpu_thresh_ns) {
		memcpy(w->rec + o->time_at, &t, 8);
		memcpy(w->rec + o->period_at, &period, 8);
		rc = buf_add(&o->ready, w->rec, w->len);
	}
	free(w->rec);
	w->rec = NULL;
	w->out_time = 0;
	w->in_time = 0;
	return rc;
}

/* The sched_switch sample p as an offcpu-time sample in w->rec: the same
   fields but the raw data and the address, with the period added. */
static int switch_out(pf_capture *r, const unsigned char *p, size_t size)
{
	struct offcpu *o = r->off;
	uint64_t S = r->sched.attr.sample_type, regs = r->sched.attr.sample_regs_user;
	size_t raw = sample_field_at(p, size, S, regs, PERF_SAMPLE_RAW);
	size_t cc = sample_field_at(p, size, S, regs, PERF_SAMPLE_CALLCHAIN);
	size_t after = sample_field_at(p, size, S, regs, PERF_SAMPLE_REGS_USER);
	size_t ip = sample_field_at(p, size, S, regs, PERF_SAMPLE_IP);
	size_t cpu = sample_field_at(p, size, S, regs, PERF_SAMPLE_CPU);
	uint64_t state = 0, t;
	struct waiter *w;
	int tid;

	if (!raw || !after || raw + 4 + o->state_at + o->state_size > size || o->state_size > 8)
		return 0;       /* not what the format promised: skip it */
	memcpy(&state, p + raw + 4 + o->state_at, o->state_size);
	if (!(state & TASK_SLEEPING) || (state & TASK_PREEMPTED))
		return 0;
	tid = (int)load_u32(p + ip + 12);
	t = load_u64(p + ip + 16);
	if (tid <= 0 || !(w = waiter(o, tid)))
		return w || tid <= 0 ? 0 : -1;
	/* Its switch in may have been read first (another CPU's ring). */
	uint64_t t_in = w->in_time;
	int matched = t_in > t;

	w->in_time = 0;
	size_t cc_len = (S & PERF_SAMPLE_CALLCHAIN) ? raw - cc : 0;
	size_t tail = size - after;
	size_t len = sizeof(struct perf_event_header) + 6 * 8 + cc_len + tail;
	unsigned char *q;

	if (len > 65535)
		return 0;
	free(w->rec);
	if (!(w->rec = q = mem_alloc(len)))
		return -1;
	struct perf_event_header h;
	memcpy(&h, p, sizeof h);
	h.size = (uint16_t)len;
	uint64_t zero = 0;
	memcpy(q, &h, sizeof h);
	q += sizeof h;
	memcpy(q, &o->offcpu_id, 8);                    /* IDENTIFIER */
	memcpy(q + 8, p + ip, 16);                      /* IP, TID */
	o->time_at = q + 24 - w->rec;                   /* TIME */
	memcpy(q + 32, p + cpu, 8);                     /* CPU */
	o->period_at = q + 40 - w->rec;                 /* PERIOD */
	memcpy(q + 40, &zero, 8);
	memcpy(q + 48, p + cc, cc_len);                 /* CALLCHAIN */
	memcpy(q + 48 + cc_len, p + after, tail);       /* REGS_USER, STACK_USER */
	w->len = len;
	w->out_time = t;
	return matched ? finish_wait(r, w, t_in) : 0;
}

static int switch_in(pf_capture *r, const unsigned char *p, size_t size)
{
	size_t idl = pdw_id_hdr_size(r->sample_type);
	struct waiter *w;
	int tid;
	uint64_t t;

	if (size < sizeof(struct perf_event_header) + idl)
		return 0;
	tid = (int)load_u32(p + size - idl + 4);
	t = load_u64(p + size - idl + 8);
	if (tid <= 0 || !(w = waiter(r->off, tid)))
		return tid <= 0 ? 0 : -1;
	if (w->rec && w->out_time < t)
		return finish_wait(r, w, t);
	w->in_time = t;
	return 0;
}

size_t offcpu_take(pf_capture *r, unsigned char *p, size_t len)
{
	size_t in = 0, out = 0;
	int idfirst = !!(r->sample_type & PERF_SAMPLE_IDENTIFIER);

	while (in + sizeof(struct perf_event_header) <= len) {
		struct perf_event_header h;
		int take = 0;

		memcpy(&h, p + in, sizeof h);
		if (h.size < sizeof h || in + h.size > len)
			break;
		if (h.type == PERF_RECORD_SAMPLE && idfirst && h.size >= 16 &&
		    is_sched(r, load_u64(p + in + 8))) {
			take = 1;
			switch_out(r, p + in, h.size);
		} else if (h.type == PERF_RECORD_SWITCH || h.type == PERF_RECORD_SWITCH_CPU_WIDE) {
			take = 1;
			if (!(h.misc & PERF_RECORD_MISC_SWITCH_OUT))
				switch_in(r, p + in, h.size);
		}
		if (!take)
			out = records_keep(p, out, in, h.size);
		in += h.size;
	}
	return records_end(p, out, in, len);
}

ssize_t offcpu_emit(pf_capture *r)
{
	struct offcpu *o = r->off;
	size_t off = 0, len = o->ready.len;
	unsigned char *dst;

	if (len == 0)
		return 0;
	/* --max-events counts these samples too. */
	if (r->o.max_events) {
		uint64_t n = r->st.samples;

		while (off < len && n < r->o.max_events) {
			uint16_t size;

			memcpy(&size, o->ready.p + off + 6, 2);
			off += size;
			n++;
		}
		if (n >= r->o.max_events)
			r->limit_hit = 1;
		len = off;
	}
	if (!(dst = pdw_reserve(r->w, len)))
		return -1;
	memcpy(dst, o->ready.p, len);
	ring_scan(r, dst, len);
	o->ready.len = 0;
	return (ssize_t)len;
}
