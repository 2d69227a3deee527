/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Draining the ring buffers: the kernel already writes perf's record
 * format, so moving records to the perf.data writer is a copy, plus a walk
 * over the record headers to count samples and losses, note the DSOs
 * mapped and the latest time, shorten DWARF stack copies to the part the
 * kernel filled, hand off-CPU accounting its records, and stop exactly at
 * --max-events.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "record/capture-int.h"
#include "util/pf-int.h"

#define DRAIN_PIECE     (1u << 20)      /* records moved per copy */
/* A file gets what was recorded at least this often (ns), so its header
   soon covers the samples of a slow recording killed half way. */
#define HANDOFF_NS      1000000000ULL

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- DSOs seen, for the build-id section */

void saw_dso(void *arg, const char *path)
{
	pf_capture *r = arg;
	size_t len = strlen(path);
	char *copy;

	if (strmap_find(&r->dsos, path, len))
		return;
	/* A DSO lost here only loses its build-id: not worth failing for. */
	if (!(copy = strdup(path)))
		return;
	if (strmap_put(&r->dsos, copy, len, 0) < 0)
		free(copy);
}

uint64_t record_time(const pf_capture *r, const unsigned char *p)
{
	struct perf_event_header h;
	size_t idl = pdw_id_hdr_size(r->sample_type);

	memcpy(&h, p, sizeof h);
	if (h.type == PERF_RECORD_SAMPLE)
		return h.size >= r->time_at + 8 ? load_u64(p + r->time_at) : 0;
	/* The sample_id trailer: TID, then TIME. */
	if (h.type >= 64 || h.size < sizeof h + idl || !(r->sample_type & PERF_SAMPLE_TIME))
		return 0;
	return load_u64(p + h.size - idl + ((r->sample_type & PERF_SAMPLE_TID) ? 8 : 0));
}

/* Walk the records just copied: count samples and losses, note DSOs and
   the latest time. */
void ring_scan(pf_capture *r, const unsigned char *p, size_t len)
{
	size_t off = 0;

	while (off + sizeof(struct perf_event_header) <= len) {
		struct perf_event_header h;
		uint64_t v = record_time(r, p + off);

		memcpy(&h, p + off, sizeof h);
		if (h.size < sizeof h || off + h.size > len)
			break;
		if (v > r->max_time)
			r->max_time = v;
		switch (h.type) {
		case PERF_RECORD_SAMPLE:
			r->st.samples++;
			if (v && (!r->meta.first_time || v < r->meta.first_time))
				r->meta.first_time = v;
			if (v > r->meta.last_time)
				r->meta.last_time = v;
			break;
		case PERF_RECORD_LOST:                 /* u64 id, u64 lost */
			if (h.size >= 24) {
				r->st.lost += load_u64(p + off + 16);
				r->st.lost_chunks++;
			}
			break;
		case PERF_RECORD_LOST_SAMPLES:         /* u64 lost */
			if (h.size >= 16) {
				r->st.lost += load_u64(p + off + 8);
				r->st.lost_chunks++;
			}
			break;
		case PERF_RECORD_MMAP2: {
			uint32_t prot = load_u32(p + off + 64);
			const char *name = (const char *)p + off + 72;

			if (h.size > 72 && (prot & PROT_EXEC) && name[0] == '/' &&
			    memchr(name, 0, h.size - 72))
				saw_dso(r, name);
			break;
		}
		}
		off += h.size;
	}
}

/* With --max-events: drop the samples of p[0..len) past the limit, in
   place, but keep every other record.  The COMM and MMAP records that
   describe the kept samples may wait in another CPU's ring, drained after
   the one that reached the limit, so draining goes on to the end of this
   pass.  Returns the length kept. */
static size_t drop_past_limit(pf_capture *r, unsigned char *p, size_t len, uint64_t *seen)
{
	size_t in = 0, out = 0;

	while (in + sizeof(struct perf_event_header) <= len) {
		struct perf_event_header h;

		memcpy(&h, p + in, sizeof h);
		if (h.size < sizeof h || in + h.size > len)
			break;
		if (h.type == PERF_RECORD_SAMPLE && *seen >= r->o.max_events) {
			r->limit_hit = 1;
			in += h.size;
			continue;
		}
		if (h.type == PERF_RECORD_SAMPLE && ++*seen >= r->o.max_events)
			r->limit_hit = 1;
		out = records_keep(p, out, in, h.size);
		in += h.size;
	}
	return records_end(p, out, in, len);
}

/* Records of one piece, in the writer's buffer, made final: DWARF stacks
   trimmed, what off-CPU accounting consumes taken out, the limit applied,
   then counted.  Returns the final length. */
static size_t finish_piece(pf_capture *r, unsigned char *p, size_t len)
{
	if (r->trim)
		len = trim_stacks(r, p, len);
	if (r->off)
		len = offcpu_take(r, p, len);
	if (r->o.max_events) {
		uint64_t seen = r->st.samples;

		len = drop_past_limit(r, p, len, &seen);
	}
	ring_scan(r, p, len);
	return len;
}

/* Where field F (a PERF_SAMPLE_* bit of t) starts in a sample record of
   sample type t, from the fields before it as <linux/perf_event.h> orders
   them; 0 when the record is too short to tell.  Covers what pfrecord
   asks for (no READ, no BRANCH_STACK). */
size_t sample_field_at(const unsigned char *p, size_t size, uint64_t t,
		       uint64_t regs_mask, uint64_t f)
{
	static const uint64_t fixed = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP |
		PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_ID |
		PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	static const uint64_t order[] = {
		PERF_SAMPLE_IDENTIFIER, PERF_SAMPLE_IP, PERF_SAMPLE_TID, PERF_SAMPLE_TIME,
		PERF_SAMPLE_ADDR, PERF_SAMPLE_ID, PERF_SAMPLE_STREAM_ID, PERF_SAMPLE_CPU,
		PERF_SAMPLE_PERIOD, PERF_SAMPLE_CALLCHAIN, PERF_SAMPLE_RAW,
		PERF_SAMPLE_REGS_USER, PERF_SAMPLE_STACK_USER,
	};
	size_t off = sizeof(struct perf_event_header);

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		uint64_t bit = order[i], v;

		if (bit == f)
			return off <= size ? off : 0;
		if (!(t & bit))
			continue;
		if (bit & fixed) {
			off += 8;
			continue;
		}
		if (off + 8 > size)
			return 0;
		if (bit == PERF_SAMPLE_RAW) {           /* u32 size, data: 8-aligned */
			off += 4 + load_u32(p + off);
			continue;
		}
		v = load_u64(p + off);
		if (bit == PERF_SAMPLE_CALLCHAIN)
			off += 8 + 8 * v;
		else if (bit == PERF_SAMPLE_REGS_USER)  /* ABI; 0: no registers */
			off += 8 + (v ? 8 * __builtin_popcountll(regs_mask) : 0);
		else                                    /* STACK_USER */
			off += 8 + (v ? v + 8 : 0);
		if (off > size)
			return 0;
	}
	return off <= size ? off : 0;
}

static size_t stack_user_at(const unsigned char *p, size_t size, uint64_t t,
			    uint64_t regs_mask)
{
	size_t off = sample_field_at(p, size, t, regs_mask, PERF_SAMPLE_STACK_USER);

	return off && off + 8 <= size ? off : 0;
}

/* DWARF samples carry a fixed-size stack copy of which the kernel filled
   only dyn_size bytes (often a quarter): keep just those, as a shorter
   { size, data[size], dyn_size } that perf reads the same.  Compacts the
   records in place; returns the new length. */
size_t trim_stacks(const pf_capture *r, unsigned char *p, size_t len)
{
	const struct perf_event_attr *a = &r->ev[0].attr;
	size_t in = 0, out = 0;

	while (in + sizeof(struct perf_event_header) <= len) {
		struct perf_event_header h;
		size_t at, keep = 0;
		uint64_t size, dyn;

		memcpy(&h, p + in, sizeof h);
		if (h.size < sizeof h || in + h.size > len)
			break;
		if (h.type == PERF_RECORD_SAMPLE &&
		    (at = stack_user_at(p + in, h.size, r->sample_type, a->sample_regs_user))) {
			memcpy(&size, p + in + at, 8);
			if (size && at + 16 + size <= h.size) {
				memcpy(&dyn, p + in + at + 8 + size, 8);
				keep = (dyn + 7) & ~7ULL;
				if (keep > size)
					keep = size;
			}
			if (size && keep < size) {
				size_t tail = h.size - (at + 8 + size);   /* dyn_size and after */

				h.size -= size - keep;
				memcpy(p + in, &h, sizeof h);
				memcpy(p + in + at, &keep, 8);
				memmove(p + out, p + in, at + 8 + keep);
				memmove(p + out + at + 8 + keep, p + in + at + 8 + size, tail);
				out += h.size;
				in += h.size + (size - keep);
				continue;
			}
		}
		out = records_keep(p, out, in, h.size);
		in += h.size;
	}
	return records_end(p, out, in, len);
}

/* Copy len bytes at ring offset pos (mod size) to dst. */
static void ring_copy(const struct ring *ring, uint64_t pos, void *dst, size_t len)
{
	size_t at = pos & (ring->size - 1);
	size_t first = ring->size - at < len ? ring->size - at : len;

	memcpy(dst, ring->data + at, first);
	memcpy((unsigned char *)dst + first, ring->data, len - first);
}

/* Move one ring's new records to the writer in pieces of whole records of
   at most DRAIN_PIECE bytes, so each fits a recycled writer chunk and the
   kernel gets its space back piece by piece.  Returns bytes moved or -1. */
static ssize_t drain_ring(pf_capture *r, struct ring *ring)
{
	uint64_t head = __atomic_load_n(&ring->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = ring->meta->data_tail;
	size_t moved = 0;

	while (tail < head) {
		size_t span = 0, len;
		unsigned char *dst;

		while (tail + span < head) {
			struct perf_event_header h;

			ring_copy(ring, tail + span, &h, sizeof h);
			if (h.size < sizeof h || tail + span + h.size > head) {
				span = head - tail;     /* cannot happen; keep the bytes */
				break;
			}
			if (span && span + h.size > DRAIN_PIECE)
				break;
			span += h.size;
		}
		dst = pdw_reserve(r->w, span);
		if (!dst)
			return -1;
		ring_copy(ring, tail, dst, span);
		tail += span;
		__atomic_store_n(&ring->meta->data_tail, tail, __ATOMIC_RELEASE);
		len = finish_piece(r, dst, span);
		pdw_unreserve(r->w, span - len);
		moved += len;
	}
	return moved;
}

int rings_drain(pf_capture *r, int force)
{
	size_t moved = 0;

	r->max_time = 0;
	for (size_t i = 0; i < r->nrings; i++) {
		if (!r->rings[i].meta)
			continue;
		ssize_t n = drain_ring(r, &r->rings[i]);

		if (n < 0)
			return -1;
		moved += n;
	}
	if (r->off && !r->limit_hit) {
		ssize_t n = offcpu_emit(r);

		if (n < 0)
			return -1;
		moved += n;
	}
	if (r->max_time > r->prev_max_time)
		r->prev_max_time = r->max_time;
	if (moved) {
		uint64_t now = mono_ns();

		if (force || r->limit_hit || now - r->last_handoff >= HANDOFF_NS) {
			force = 1;
			r->last_handoff = now;
		}
		r->st.wakeups++;
		r->round_pending = 1;
		return pdw_round(r->w, force);
	}
	/* Live: one more round marker after the last data lets a reader
	   flush that data; perf's readers hold a round back until the next. */
	if (force && r->round_pending) {
		r->round_pending = 0;
		return pdw_round(r->w, 1);
	}
	return 0;
}
