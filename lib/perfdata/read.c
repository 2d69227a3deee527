/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * perf.data input: opening files (mapped whole) and pipe streams (read
 * record by record), gzip-compressed or not; walking the records with
 * bounds checked against the input; and perf's time ordering, which sorts
 * the records that arrived between two PERF_RECORD_FINISHED_ROUND markers
 * and delivers those older than the previous round's newest one
 * (tools/perf/util/ordered-events.c), so the output matches `perf script`.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "perfdata/read-int.h"

/* Records of these types are followed by a payload that header.size does
   not count (perf's pipe stream carries tracing data and AUX data inline). */
static uint32_t extra_payload(const unsigned char *rec, size_t size,
			      uint64_t *extra)
{
	uint32_t type;

	memcpy(&type, rec, 4);	/* a stream record may sit anywhere */
	*extra = 0;
	if (type == PERF_RECORD_HEADER_TRACING_DATA && size >= 12) {
		uint32_t n;

		memcpy(&n, rec + 8, 4);
		*extra = n;
	} else if (type == PERF_RECORD_AUXTRACE && size >= 16) {
		memcpy(extra, rec + 8, 8);
	}
	return type;
}

/* The longest tracing-data payload kept from a stream (the event formats
   of a whole system take a few MB). */
#define TRACING_DATA_MAX ((uint64_t)256 << 20)
/* Records held for time ordering (entries and copies): beyond this, the
   older half is delivered at once, as perf's ordered events do when they
   reach their memory limit (OE_FLUSH__HALF), instead of growing without
   bound on a recording without FINISHED_ROUND markers. */
#define QUEUE_MAX        ((size_t)128 << 20)
/* The read buffer of a plain (not gzip) stream. */
#define STREAM_BUF       (64u << 10)

/* Up to N bytes of a plain stream: what its buffer holds, else what one
   read() brings, which returns as soon as anything has arrived (zlib's
   reads wait until their buffer is full, which holds live data back).
   The count, 0 at the end, -1 on error (errno). */
static ssize_t read_plain(pf_perfdata *pd, void *buf, size_t n)
{
	if (pd->ipos == pd->ilen) {
		ssize_t r;

		if (n >= STREAM_BUF)
			return read(pd->fd, buf, n);
		if (!pd->ibuf && !(pd->ibuf = malloc(STREAM_BUF))) {
			errno = ENOMEM;
			return -1;
		}
		r = read(pd->fd, pd->ibuf, STREAM_BUF);
		if (r <= 0)
			return r;
		pd->ipos = 0;
		pd->ilen = (size_t)r;
	}
	if (n > pd->ilen - pd->ipos)
		n = pd->ilen - pd->ipos;
	memcpy(buf, pd->ibuf + pd->ipos, n);
	pd->ipos += n;
	return (ssize_t)n;
}

/* Read N bytes of the stream: 1 when all came, 0 at the end before any,
   -2 at the end part way, -1 on a read error (message set). */
static int read_full(pf_perfdata *pd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		size_t want = n - got > (1u << 30) ? (1u << 30) : n - got;

		if (pd->plain) {
			ssize_t r = read_plain(pd, (char *)buf + got, want);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				error_set_errno(errno, "%s: read error at offset %llu",
						pd->name, (unsigned long long)pd->pos);
				return -1;
			}
			if (r == 0)
				return got ? -2 : 0;
			got += (size_t)r;
			continue;
		}
		int r = gzread(pd->gz, (char *)buf + got, (unsigned)want);
		if (r <= 0) {
			int e;
			const char *m = gzerror(pd->gz, &e);

			if (r < 0 && e != Z_OK && e != Z_BUF_ERROR) {
				error_set("%s: read error at offset %llu: %s",
					  pd->name, (unsigned long long)pd->pos, m);
				return -1;
			}
			return got ? -2 : 0;
		}
		got += (size_t)r;
	}
	return 1;
}

/* Read the tracing data that follows a stream's TRACING_DATA record and
   keep it as the feature.  1, or -1 on error. */
static int keep_tracing_data(pf_perfdata *pd, uint64_t size)
{
	unsigned char *data = mem_alloc(size ? size : 1);
	int r;

	if (!data)
		return -1;
	if (read_full(pd, data, size) != 1 && size > 0) {
		error_set("%s: truncated tracing data at offset %llu",
			  pd->name, (unsigned long long)pd->pos);
		free(data);
		return -1;
	}
	r = pd_set_feature(pd, HEADER_TRACING_DATA, data, size, 1, pd->pos);
	free(data);
	pd->pos += size;
	return r < 0 ? -1 : 1;
}

/* The end of a recording that was never finished (data size 0 in its
   header): the record cut short there was being written when the recorder
   stopped.  It is dropped, and pf_perfdata_stats() says where. */
static int partial_end(pf_perfdata *pd)
{
	pf_assert(pd->unfinished);
	pd->partial_at = pd->pos;
	pd->end = pd->pos;
	return 0;
}

/* Fetch the next raw record in file order.  1, 0 at the end, -1 on error. */
static int fetch(pf_perfdata *pd, const unsigned char **recp, uint64_t *offp)
{
	struct perf_event_header h;
	uint64_t extra;
	uint32_t type;

	*offp = pd->pos;
	if (pd->pos >= pd->end)
		return 0;
	if (pd->mem) {
		if (pd->end - pd->pos < sizeof h && pd->unfinished)
			return partial_end(pd);
		if (pd->end - pd->pos < sizeof h) {
			error_set("%s: truncated record header at offset %llu",
				  pd->name, (unsigned long long)pd->pos);
			return -1;
		}
		memcpy(&h, pd->mem + pd->pos, sizeof h);
		if (h.size < sizeof h) {
			error_set("%s: record size %u too small at offset %llu",
				  pd->name, h.size, (unsigned long long)pd->pos);
			return -1;
		}
		if (h.size > pd->end - pd->pos && pd->unfinished)
			return partial_end(pd);
		if (h.size > pd->end - pd->pos) {
			error_set("%s: record of %u bytes runs past the end of the data at offset %llu",
				  pd->name, h.size, (unsigned long long)pd->pos);
			return -1;
		}
		*recp = pd->mem + pd->pos;
		pf_assert(pd->pos + h.size <= pd->end && pd->end <= pd->mem_size);
		type = extra_payload(*recp, h.size, &extra);
		if (extra > pd->end - pd->pos - h.size) {
			error_set("%s: payload of %llu bytes runs past the end of the data at offset %llu",
				  pd->name, (unsigned long long)extra,
				  (unsigned long long)pd->pos);
			return -1;
		}
		/* Inline tracing data is the TRACING_DATA feature of a pipe. */
		if (type == PERF_RECORD_HEADER_TRACING_DATA &&
		    pd_set_feature(pd, HEADER_TRACING_DATA, *recp + h.size, extra,
				   0, pd->pos) < 0)
			return -1;
		pd->pos += h.size + extra;
		return 1;
	}

	int r = read_full(pd, &h, sizeof h);
	if (r == 0)
		return 0;
	if (r == -2 && pd->unfinished)
		return partial_end(pd);
	if (r < 0) {
		if (r == -2)
			error_set("%s: truncated record header at offset %llu",
				  pd->name, (unsigned long long)pd->pos);
		return -1;
	}
	if (h.size < sizeof h) {
		error_set("%s: record size %u too small at offset %llu",
			  pd->name, h.size, (unsigned long long)pd->pos);
		return -1;
	}
	if (h.size > pd->end - pd->pos) {
		error_set("%s: record of %u bytes runs past the end of the data at offset %llu",
			  pd->name, h.size, (unsigned long long)pd->pos);
		return -1;
	}
	if (pd->rbuf_cap < h.size) {
		void *p = mem_realloc(pd->rbuf, 65536);
		if (!p)
			return -1;
		pd->rbuf = p;
		pd->rbuf_cap = 65536;
	}
	memcpy(pd->rbuf, &h, sizeof h);
	r = read_full(pd, pd->rbuf + sizeof h, h.size - sizeof h);
	if (r != 1 && r != -1 && h.size > sizeof h && pd->unfinished)
		return partial_end(pd);
	if (r != 1 && h.size > sizeof h) {
		if (r != -1)
			error_set("%s: truncated record at offset %llu",
				  pd->name, (unsigned long long)pd->pos);
		return -1;
	}
	*recp = pd->rbuf;
	type = extra_payload(*recp, h.size, &extra);
	pd->pos += h.size;
	if (type == PERF_RECORD_HEADER_TRACING_DATA && extra <= TRACING_DATA_MAX)
		return keep_tracing_data(pd, extra);
	while (extra > 0) {
		char skip[4096];
		size_t n = extra > sizeof skip ? sizeof skip : extra;

		if (read_full(pd, skip, n) != 1) {
			error_set("%s: truncated payload at offset %llu",
				  pd->name, (unsigned long long)pd->pos);
			return -1;
		}
		extra -= n;
		pd->pos += n;
	}
	return 1;
}

static int qvec_push(struct qvec *q, const struct qent *e)
{
	if (q->head == q->n)    /* all delivered: start over */
		q->head = q->n = 0;
	if (GROW(q->v, q->cap, q->n + 1) < 0)
		return -1;
	q->v[q->n++] = *e;
	return 0;
}

/* An entry's share of QUEUE_MAX: itself and its copy with malloc's
   rounding and header. */
static size_t qent_bytes(const struct qent *e)
{
	size_t size = ((const struct perf_event_header *)e->data)->size;

	return sizeof *e + (e->owned ? ((size + 15) & ~(size_t)15) + 16 : 0);
}

static int qent_cmp(const void *a, const void *b)
{
	const struct qent *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Move the pending records with time <= LIMIT to the ready queue, oldest
   first.  The ready queue is grown before anything moves, so a failure
   leaves every record in exactly one queue (freeing them twice otherwise). */
static int flush_upto(pf_perfdata *pd, uint64_t limit)
{
	struct qvec *p = &pd->pending, *q = &pd->ready;
	size_t i, keep, moving;

	if (p->n == 0)
		return 0;
	/* Often a round is in order already (one CPU): check before sorting. */
	for (i = 1; i < p->n && qent_cmp(&p->v[i - 1], &p->v[i]) <= 0; i++)
		;
	if (i < p->n)
		qsort(p->v, p->n, sizeof *p->v, qent_cmp);
	/* Sorted: the records to move are a prefix. */
	for (moving = 0; moving < p->n && p->v[moving].time <= limit; moving++)
		;
	if (moving == 0)
		return 0;
	if (q->head == q->n)
		q->head = q->n = 0;
	if (GROW(q->v, q->cap, q->n + moving) < 0)
		return -1;
	memcpy(q->v + q->n, p->v, moving * sizeof *p->v);
	q->n += moving;
	for (i = 0; i < moving; i++)
		pd->pending_bytes -= qent_bytes(&p->v[i]);
	keep = p->n - moving;
	memmove(p->v, p->v + moving, keep * sizeof *p->v);
	p->n = keep;
	pf_assert(q->head <= q->n && q->n <= q->cap);
	pf_assert(p->n == 0 || p->v[0].time > limit);
	return 0;
}

/* The queue is full: deliver its older half now. */
static int flush_half(pf_perfdata *pd)
{
	struct qvec *p = &pd->pending;

	qsort(p->v, p->n, sizeof *p->v, qent_cmp);
	return flush_upto(pd, p->v[p->n / 2].time);
}

static uint64_t record_time(pf_perfdata *pd, const unsigned char *rec, size_t size)
{
	struct pf_record r;
	uint32_t type = ((const struct perf_event_header *)rec)->type;

	if (type >= PERF_RECORD_USER_TYPE_START)
		return UINT64_MAX;
	memset(&r, 0, sizeof r);
	r.time = UINT64_MAX;
	pd_sample_id(pd, rec, size, &r);
	return r.time;
}

/* Apply what the reader itself needs from a record. */
static int absorb(pf_perfdata *pd, const unsigned char *rec, size_t size, uint64_t off)
{
	const struct perf_event_header *h = (const void *)rec;

	switch (h->type) {
	case PERF_RECORD_HEADER_ATTR: {
		struct perf_event_attr a;
		uint32_t asz;

		if (size < 8 + PERF_ATTR_SIZE_VER0) {
			error_set("%s: attribute record too small at offset %llu",
				  pd->name, (unsigned long long)off);
			return -1;
		}
		memcpy(&a, rec + 8, PERF_ATTR_SIZE_VER0);
		asz = a.size ? a.size : PERF_ATTR_SIZE_VER0;
		if (asz > size - 8 || asz < PERF_ATTR_SIZE_VER0) {
			error_set("%s: attribute size %u out of range at offset %llu",
				  pd->name, asz, (unsigned long long)off);
			return -1;
		}
		return pd_add_evsel(pd, rec + 8, asz, (const uint64_t *)(rec + 8 + asz),
				    (size - 8 - asz) / 8, off);
	}
	case PERF_RECORD_HEADER_FEATURE: {
		uint64_t feat;

		if (size < 16)
			return 0;
		memcpy(&feat, rec + 8, 8);
		if (feat >= HEADER_FEAT_BITS)
			return 0;
		if (pd_set_feature(pd, (int)feat, rec + 16, size - 16, 1, off) < 0)
			return -1;
		if (feat == HEADER_EVENT_DESC)
			pd_name_events(pd);
		return 0;
	}
	case PERF_RECORD_EVENT_UPDATE:
		return pd_event_update(pd, rec, size);
	case PERF_RECORD_LOST:
		if (size >= 24) {
			pd->lost += load_u64(rec + 16);
			pd->lost_chunks++;
		}
		return 0;
	case PERF_RECORD_LOST_SAMPLES:
		if (size >= 16) {
			pd->lost_other += load_u64(rec + 8);
			pd->lost_other_recs++;
		}
		return 0;
	case PERF_RECORD_COMPRESSED:
		return pd_z_feed(pd, rec + 8, size - 8, off);
	}
	/* Types perf 6.1 does not know: counted for the summary. */
	if (h->type == 0 || (h->type > PERF_RECORD_AUX_OUTPUT_HW_ID &&
			     h->type < PERF_RECORD_USER_TYPE_START) ||
	    h->type > PERF_RECORD_FINISHED_INIT) {
		unsigned i;

		pd->unknown++;
		for (i = 0; i < pd->nr_unknown_types && pd->unknown_types[i] != h->type; i++)
			;
		if (i == pd->nr_unknown_types && i < PF_PERFDATA_UNKNOWN_TYPES)
			pd->unknown_types[pd->nr_unknown_types++] = h->type;
	}
	return 0;
}

/* Read records until one can be delivered in order. */
static int fill(pf_perfdata *pd)
{
	while (pd->ready.head == pd->ready.n) {
		const unsigned char *rec;
		uint64_t off;
		struct qent e;
		int r;

		if (pd->eof)
			return 0;
		int from_z = 0;

		r = pd_z_next(pd, &rec, &off);
		if (r > 0)
			from_z = 1;
		else if (r == 0)
			r = fetch(pd, &rec, &off);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (pd->zpos < pd->zlen && pd->unfinished && !pd->partial_at) {
				pd->partial_at = pd->zoff;
				pd->zpos = pd->zlen;
			}
			if (pd->zpos < pd->zlen) {
				error_set("%s: compressed data ends inside a record (offset %llu)",
					  pd->name, (unsigned long long)pd->zoff);
				return -1;
			}
			pd->eof = 1;
			if (flush_upto(pd, UINT64_MAX) < 0)
				return -1;
			continue;
		}
		struct perf_event_header h;

		memcpy(&h, rec, sizeof h);
		/* A record at an odd place of a damaged file: read it from an
		   aligned copy, never with unaligned loads. */
		int misaligned = ((uintptr_t)rec & 7) != 0;
		if (misaligned) {
			if (!pd->rbuf && !(pd->rbuf = mem_alloc(65536)))
				return -1;
			memcpy(pd->rbuf, rec, h.size);
			rec = pd->rbuf;
		}
		uint16_t size = h.size;
		uint32_t type = h.type;

		if (from_z && type == PERF_RECORD_COMPRESSED) {
			error_set("%s: compressed record inside compressed data (offset %llu)",
				  pd->name, (unsigned long long)off);
			return -1;
		}

		if (absorb(pd, rec, size, off) < 0)
			return -1;
		if (type == PERF_RECORD_FINISHED_ROUND && !pd->unordered) {
			if (flush_upto(pd, pd->next_flush) < 0)
				return -1;
			pd->next_flush = pd->max_time;
		}
		e.time = pd->unordered ? UINT64_MAX : record_time(pd, rec, size);
		e.seq = pd->seq++;
		e.offset = off;
		e.owned = 0;
		e.data = rec;
		/* Stream, alignment and decompression buffers are reused:
		   keep a copy. */
		if (!pd->mem || misaligned || from_z) {
			void *copy = mem_alloc(size);

			if (!copy)
				return -1;
			memcpy(copy, rec, size);
			e.data = copy;
			e.owned = 1;
		}
		struct qvec *q = e.time == UINT64_MAX ? &pd->ready : &pd->pending;
		if (qvec_push(q, &e) < 0) {
			if (e.owned)
				free((void *)e.data);
			return -1;
		}
		if (q == &pd->pending) {
			if (e.time > pd->max_time || pd->max_time == UINT64_MAX)
				pd->max_time = e.time;
			pd->pending_bytes += qent_bytes(&e);
			if (pd->pending_bytes > pd->queue_max && flush_half(pd) < 0)
				return -1;
		}
	}
	return 1;
}

PF_EXPORT int pf_perfdata_next(pf_perfdata *pd, struct pf_record *rec)
{
	const struct perf_event_header *h;
	struct qent e;
	int r;

	free(pd->last_owned);
	pd->last_owned = NULL;
	r = fill(pd);
	if (r <= 0)
		return r;
	pf_assert(pd->ready.head < pd->ready.n);
	e = pd->ready.v[pd->ready.head++];
	if (e.owned)
		pd->last_owned = (void *)e.data;
	h = e.data;
	memset(rec, 0, sizeof *rec);
	rec->type = h->type;
	rec->misc = h->misc;
	rec->size = h->size;
	rec->offset = e.offset;
	rec->data = e.data;
	rec->time = UINT64_MAX;
	rec->pid = rec->tid = rec->cpu = -1;
	if (h->type < PERF_RECORD_USER_TYPE_START) {
		rec->evsel = pd_evsel_of(pd, e.data, h->size, h->type);
		pd_sample_id(pd, e.data, h->size, rec);
	}
	return 1;
}

static int start_stream_file(pf_perfdata *pd, const unsigned char *hdr);

/* Check the header and set up the record range or stream. */
static int start(pf_perfdata *pd, const unsigned char *hdr, size_t avail)
{
	uint64_t magic, size;

	if (avail < 16) {
		error_set("%s: not a perf.data file (too short, %zu bytes)", pd->name, avail);
		return -1;
	}
	memcpy(&magic, hdr, 8);
	memcpy(&size, hdr + 8, 8);
	if (magic == PERFDATA_MAGIC_SWAPPED) {
		error_set("%s: recorded on a machine of the other byte order, which is not supported (offset 0)",
			  pd->name);
		return -1;
	}
	if (magic != PERFDATA_MAGIC) {
		error_set("%s: not a perf.data file (bad magic at offset 0)", pd->name);
		return -1;
	}
	if (size == PERFDATA_PIPE_HEADER_SIZE) {
		pd->pipe = 1;
		pd->pos = 16;
		pd->end = pd->mem ? pd->mem_size : UINT64_MAX;
		return 0;
	}
	if (size != PERFDATA_HEADER_SIZE) {
		error_set("%s: unsupported header size %llu at offset 8",
			  pd->name, (unsigned long long)size);
		return -1;
	}
	if (!pd->mem && avail == 16)
		return start_stream_file(pd, hdr);
	if (!pd->mem || pd->mem_size < PERFDATA_HEADER_SIZE) {
		error_set("%s: truncated header at offset 16", pd->name);
		return -1;
	}
	const struct perfdata_header *h = &pd->header;

	memcpy(&pd->header, pd->mem, sizeof pd->header);
	if (h->data.offset > pd->mem_size ||
	    h->data.size > pd->mem_size - h->data.offset) {
		error_set("%s: data section [%llu, +%llu) lies outside the file of %zu bytes (offset 40)",
			  pd->name, (unsigned long long)h->data.offset,
			  (unsigned long long)h->data.size, pd->mem_size);
		return -1;
	}
	pd->pos = h->data.offset;
	pd->end = h->data.offset + h->data.size;
	/* A recording interrupted before perf wrote the header's sizes. */
	if (h->data.size == 0 && h->data.offset >= PERFDATA_HEADER_SIZE) {
		pd->end = pd->mem_size;
		pd->unfinished = 1;
	}
	if (pd_read_attrs(pd, h) < 0 ||
	    pd_read_features(pd, h, pd->mem, 0, pd->mem_size) < 0)
		return -1;
	pd_name_events(pd);
	return 0;
}

/* A file format read as a stream (gzip-compressed, or on a pipe): what
   precedes the data (header, attributes, ids) is read into memory, at most
   this much; the records are then read as they come, never inflated whole,
   so a gzip bomb costs no more memory than one record. */
#define STREAM_PREFIX_MAX ((uint64_t)64 << 20)
/* The feature sections of a compressed file, read ahead of its records. */
#define STREAM_FEATURES_MAX ((uint64_t)256 << 20)

/* Read the feature sections of the file behind pd->fd from a second
   decompressor (the records come from the first one), when the descriptor
   is a file that can be opened again.  Missing or damaged sections are
   ignored, as perf does. */
static void stream_features(pf_perfdata *pd, const struct perfdata_header *h)
{
	uint64_t at = h->data.offset + h->data.size, table = 0, end;
	struct stat st;
	char path[64];
	int fd;

	if (h->data.size == 0 || fstat(pd->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	for (int feat = 1; feat < HEADER_FEAT_BITS; feat++)
		table += (h->adds_features[feat / 64] >> (feat % 64)) & 1;
	if (!table)
		return;
	table *= sizeof(struct perfdata_section);
	snprintf(path, sizeof path, "/proc/self/fd/%d", pd->fd);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	gzFile gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return;
	}
	unsigned char *buf = mem_alloc(table);
	if (!buf || gzseek(gz, (z_off_t)at, SEEK_SET) != (z_off_t)at ||
	    gzread(gz, buf, (unsigned)table) != (int)table)
		goto out;
	/* The sections follow the table: read up to the end of the last. */
	end = at + table;
	for (uint64_t i = 0; i < table; i += sizeof(struct perfdata_section)) {
		struct perfdata_section sec;

		memcpy(&sec, buf + i, sizeof sec);
		if (sec.offset >= at + table && sec.size <= STREAM_FEATURES_MAX &&
		    sec.offset - at <= STREAM_FEATURES_MAX - sec.size &&
		    sec.offset + sec.size > end)
			end = sec.offset + sec.size;
	}
	void *p = mem_realloc(buf, end - at);
	if (!p)
		goto out;
	buf = p;
	int got = gzread(gz, buf + table, (unsigned)(end - at - table));
	if (got < 0)
		goto out;
	pd_read_features(pd, h, buf, at, table + (size_t)got);
	pd->feat_mem = buf;
	buf = NULL;
out:
	free(buf);
	gzclose(gz);
}

/* The file format from a stream whose first 16 bytes (HDR) were read. */
static int start_stream_file(pf_perfdata *pd, const unsigned char *hdr)
{
	struct perfdata_header h;
	unsigned char *prefix;
	int r;

	memcpy(&h, hdr, 16);
	r = read_full(pd, (unsigned char *)&h + 16, sizeof h - 16);
	if (r != 1) {
		if (r != -1)
			error_set("%s: truncated header at offset 16", pd->name);
		return -1;
	}
	if (h.data.offset < sizeof h || h.data.offset > STREAM_PREFIX_MAX) {
		error_set("%s: data section at %llu: a compressed or piped recording must have it within the first %llu MiB (offset 40)",
			  pd->name, (unsigned long long)h.data.offset,
			  (unsigned long long)(STREAM_PREFIX_MAX >> 20));
		return -1;
	}
	if (!(prefix = mem_alloc(h.data.offset)))
		return -1;
	memcpy(prefix, &h, sizeof h);
	r = read_full(pd, prefix + sizeof h, h.data.offset - sizeof h);
	if (r != 1 && h.data.offset > sizeof h) {
		if (r != -1)
			error_set("%s: truncated before its data section at offset %llu",
				  pd->name, (unsigned long long)h.data.offset);
		free(prefix);
		return -1;
	}
	pd->header = h;
	pd->mem = prefix;
	pd->mem_size = h.data.offset;
	r = pd_read_attrs(pd, &h);
	pd->mem = NULL;
	pd->mem_size = 0;
	free(prefix);
	if (r < 0)
		return -1;
	stream_features(pd, &h);
	pd_name_events(pd);
	pd->pos = h.data.offset;
	pd->end = h.data.offset + h.data.size;
	if (h.data.size == 0) {
		pd->end = UINT64_MAX;
		pd->unfinished = 1;
	}
	return 0;
}

/* Read a stream's first bytes (the magic is checked before anything else
   is read or inflated) and set it up. */
static int open_stream(pf_perfdata *pd)
{
	unsigned char hdr[16];
	int r = read_full(pd, hdr, sizeof hdr);

	if (r < 0 && r != -2)
		return -1;
	/* Not gzip: zlib read no further than what it returned (a buffer of
	   two bytes), so the rest comes from the pipe through read_plain(). */
	if (r == 1 && gzdirect(pd->gz))
		pd->plain = 1;
	return start(pd, hdr, r == 1 ? sizeof hdr : 0);
}

PF_EXPORT pf_perfdata *pf_perfdata_fdopen(int fd, const char *name)
{
	pf_perfdata *pd = calloc(1, sizeof *pd);
	struct stat st;

	if (!pd || !(pd->name = strdup(name))) {
		free(pd);
		close(fd);
		error_set("%s: out of memory", name);
		return NULL;
	}
	pd->fd = fd;
	pd->max_time = UINT64_MAX;
	pd->next_flush = 0;
	pd->queue_max = QUEUE_MAX;
	int have_st = fstat(fd, &st) == 0;
	if (have_st && S_ISDIR(st.st_mode)) {
		/* read() would say EISDIR without the name. */
		error_set_errno(EISDIR, "%s", name);
		goto fail;
	}
	if (have_st && S_ISREG(st.st_mode) && st.st_size >= 2) {
		/* Read ahead at once unless the file is huge. */
		int populate = st.st_size < ((off_t)1 << 30) ? MAP_POPULATE : 0;
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | populate, fd, 0);

		if (m == MAP_FAILED) {
			error_set_errno(errno, "%s", name);
			goto fail;
		}
		/* gzip: streamed (below), never inflated whole. */
		if (((unsigned char *)m)[0] == 0x1f && ((unsigned char *)m)[1] == 0x8b) {
			munmap(m, (size_t)st.st_size);
			if (!(pd->gz = gzdopen(dup(fd), "rb"))) {
				error_set("%s: cannot read", name);
				goto fail;
			}
			if (open_stream(pd) < 0)
				goto fail;
			return pd;
		}
		pd->mem = m;
		pd->mem_size = (size_t)st.st_size;
		pd->mem_mapped = 1;
		pd->total = pd->mem_size;
		madvise(m, pd->mem_size, MADV_SEQUENTIAL);
		if (start(pd, pd->mem, pd->mem_size) < 0)
			goto fail;
		return pd;
	}
	/* A pipe: streamed, whatever its format. */
	pd->gz = gzdopen(dup(fd), "rb");
	if (!pd->gz) {
		error_set("%s: cannot read", name);
		goto fail;
	}
	/* zlib fills its buffer before it returns anything: with a buffer of
	   its minimum size it reads just the two bytes that tell gzip from a
	   plain stream, so a plain one can be read as it comes (live). */
	gzbuffer(pd->gz, 2);
	if (open_stream(pd) < 0)
		goto fail;
	return pd;
fail:
	pf_perfdata_close(pd);
	return NULL;
}

PF_EXPORT pf_perfdata *pf_perfdata_open(const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return pf_perfdata_fdopen(dup(0), "<stdin>");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_set_errno(errno, "%s", path);
		return NULL;
	}
	return pf_perfdata_fdopen(fd, path);
}

static void qvec_free(struct qvec *q)
{
	for (size_t i = q->head; i < q->n; i++)
		if (q->v[i].owned)
			free((void *)q->v[i].data);
	free(q->v);
}

PF_EXPORT void pf_perfdata_close(pf_perfdata *pd)
{
	if (!pd)
		return;
	qvec_free(&pd->pending);
	qvec_free(&pd->ready);
	free(pd->last_owned);
	pd_free_events(pd);
	for (int i = 0; i < HEADER_FEAT_BITS; i++) {
		free(pd->feat_owned[i]);
		free(pd->feat_str[i]);
	}
	if (pd->mem_mapped)
		munmap(pd->mem, pd->mem_size);
	else
		free(pd->mem);
	if (pd->gz)
		gzclose(pd->gz);
	free(pd->rbuf);
	free(pd->ibuf);
	free(pd->feat_mem);
	pd_z_free(pd);
	if (pd->fd >= 0)
		close(pd->fd);
	free(pd->name);
	free(pd);
}

PF_EXPORT void pf_perfdata_set_unordered(pf_perfdata *pd, int unordered)
{
	pd->unordered = unordered;
}

PF_EXPORT int pf_perfdata_is_pipe(const pf_perfdata *pd)
{
	return pd->pipe;
}

PF_EXPORT const char *pf_perfdata_name(const pf_perfdata *pd)
{
	return pd->name;
}

PF_EXPORT uint64_t pf_perfdata_lost(const pf_perfdata *pd)
{
	return pd->lost;
}

PF_EXPORT size_t pf_perfdata_stats(const pf_perfdata *pd, struct pf_perfdata_stats *st,
				   size_t size)
{
	struct pf_perfdata_stats s;

	memset(&s, 0, sizeof s);
	s.lost_samples = pd->lost;
	s.lost_chunks = pd->lost_chunks;
	s.lost_samples_other = pd->lost_other;
	s.lost_samples_records = pd->lost_other_recs;
	s.unknown_records = pd->unknown;
	s.nr_unknown_types = pd->nr_unknown_types;
	memcpy(s.unknown_types, pd->unknown_types, sizeof s.unknown_types);
	s.unfinished = pd->unfinished;
	s.data_end = pd->pos;
	s.partial_at = pd->partial_at;
	if (size > sizeof s)
		size = sizeof s;
	memcpy(st, &s, size);
	return size;
}

PF_EXPORT uint64_t pf_perfdata_pos(const pf_perfdata *pd)
{
	return pd->pos;
}

PF_EXPORT uint64_t pf_perfdata_total(const pf_perfdata *pd)
{
	return pd->total;
}

PF_EXPORT int pf_perfdata_fd(const pf_perfdata *pd)
{
	return pd->fd;
}

PF_EXPORT int pf_perfdata_data_section(const pf_perfdata *pd, uint64_t *offset, uint64_t *size)
{
	const struct perfdata_header *h = &pd->header;

	if (pd->pipe)
		return -1;
	*offset = h->data.offset;
	*size = h->data.size;
	return 0;
}

PF_EXPORT int pf_perfdata_has_feature(const pf_perfdata *pd, int feat)
{
	const struct perfdata_header *h = &pd->header;

	if (feat <= 0 || feat >= HEADER_FEAT_BITS)
		return 0;
	if (pd->pipe)
		return pd->feat[feat] != NULL;
	return (int)(h->adds_features[feat / 64] >> (feat % 64) & 1);
}

PF_EXPORT int pf_perfdata_drained(const pf_perfdata *pd)
{
	return pd->plain && pd->ipos == pd->ilen;
}
