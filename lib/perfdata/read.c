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

/* Fetch the next raw record in file order.  1, 0 at the end, -1 on error. */
static int fetch(pf_perfdata *pd, const unsigned char **recp, uint64_t *offp)
{
	struct perf_event_header h;
	uint64_t extra;
	uint32_t type;

	*offp = pd->pos;
	if (pd->mem) {
		if (pd->pos >= pd->end)
			return 0;
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
		if (h.size > pd->end - pd->pos) {
			error_set("%s: record of %u bytes runs past the end of the data at offset %llu",
				  pd->name, h.size, (unsigned long long)pd->pos);
			return -1;
		}
		*recp = pd->mem + pd->pos;
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
	if (pd->rbuf_cap < h.size) {
		void *p = mem_realloc(pd->rbuf, 65536);
		if (!p)
			return -1;
		pd->rbuf = p;
		pd->rbuf_cap = 65536;
	}
	memcpy(pd->rbuf, &h, sizeof h);
	r = read_full(pd, pd->rbuf + sizeof h, h.size - sizeof h);
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
	keep = p->n - moving;
	memmove(p->v, p->v + moving, keep * sizeof *p->v);
	p->n = keep;
	pf_assert(q->head <= q->n && q->n <= q->cap);
	pf_assert(p->n == 0 || p->v[0].time > limit);
	return 0;
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
			uint64_t n;

			memcpy(&n, rec + 16, 8);
			pd->lost += n;
		}
		return 0;
	case PERF_RECORD_COMPRESSED:
		return pd_z_feed(pd, rec + 8, size - 8, off);
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
		if (q == &pd->pending && (e.time > pd->max_time || pd->max_time == UINT64_MAX))
			pd->max_time = e.time;
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
		pd->end = pd->mem ? pd->mem_size : 0;
		return 0;
	}
	if (size != PERFDATA_HEADER_SIZE) {
		error_set("%s: unsupported header size %llu at offset 8",
			  pd->name, (unsigned long long)size);
		return -1;
	}
	if (!pd->mem || pd->mem_size < PERFDATA_HEADER_SIZE) {
		error_set("%s: truncated header at offset 16", pd->name);
		return -1;
	}
	const struct perfdata_header *h = (const void *)pd->mem;

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
	if (h->data.size == 0 && h->data.offset >= PERFDATA_HEADER_SIZE)
		pd->end = pd->mem_size;
	if (pd_read_attrs(pd, h) < 0 || pd_read_features(pd, h) < 0)
		return -1;
	pd_name_events(pd);
	return 0;
}

/* Decompress a whole gzip stream from FD into memory. */
static int slurp(pf_perfdata *pd, int fd, const void *prefix, size_t plen)
{
	size_t cap = 1 << 20, n = 0;
	unsigned char *buf = mem_alloc(cap);
	int dupfd = dup(fd);

	if (!buf || dupfd < 0) {
		free(buf);
		if (dupfd >= 0)
			close(dupfd);
		error_set_errno(errno, "%s", pd->name);
		return -1;
	}
	if (prefix) {
		memcpy(buf, prefix, plen);
		n = plen;
	}
	gzFile gz = prefix ? pd->gz : gzdopen(dupfd, "rb");
	if (prefix)
		close(dupfd);
	for (;;) {
		if (n == cap) {
			void *p = mem_realloc(buf, cap *= 2);
			if (!p) {
				free(buf);
				return -1;
			}
			buf = p;
		}
		int r = gzread(gz, buf + n, (unsigned)(cap - n > (1u << 30) ? (1u << 30) : cap - n));
		if (r < 0) {
			int e;
			error_set("%s: decompression failed after %zu bytes: %s",
				  pd->name, n, gzerror(gz, &e));
			free(buf);
			if (!prefix)
				gzclose(gz);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!prefix)
		gzclose(gz);
	pd->mem = buf;
	pd->mem_size = n;
	pd->total = n;
	return 0;
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
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 2) {
		/* Read ahead at once unless the file is huge. */
		int populate = st.st_size < ((off_t)1 << 30) ? MAP_POPULATE : 0;
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | populate, fd, 0);

		if (m == MAP_FAILED) {
			error_set_errno(errno, "%s", name);
			goto fail;
		}
		if (((unsigned char *)m)[0] == 0x1f && ((unsigned char *)m)[1] == 0x8b) {
			munmap(m, (size_t)st.st_size);
			if (slurp(pd, fd, NULL, 0) < 0)
				goto fail;
		} else {
			pd->mem = m;
			pd->mem_size = (size_t)st.st_size;
			pd->mem_mapped = 1;
			pd->total = pd->mem_size;
			madvise(m, pd->mem_size, MADV_SEQUENTIAL);
		}
		if (start(pd, pd->mem, pd->mem_size) < 0)
			goto fail;
		return pd;
	}
	/* A pipe: the pipe format streams; a file format must be read whole. */
	pd->gz = gzdopen(dup(fd), "rb");
	if (!pd->gz) {
		error_set("%s: cannot read", name);
		goto fail;
	}
	/* zlib fills its buffer before it returns anything: with a buffer of
	   its minimum size it reads just the two bytes that tell gzip from a
	   plain stream, so a plain one can be read as it comes (live). */
	gzbuffer(pd->gz, 2);
	unsigned char hdr[16];
	int r = read_full(pd, hdr, sizeof hdr);
	if (r < 0 && r != -2)
		goto fail;
	uint64_t size = 0;
	memcpy(&size, hdr + 8, 8);
	if (r == 1 && size != PERFDATA_PIPE_HEADER_SIZE) {
		if (slurp(pd, fd, hdr, sizeof hdr) < 0)
			goto fail;
		gzclose(pd->gz);
		pd->gz = NULL;
		if (start(pd, pd->mem, pd->mem_size) < 0)
			goto fail;
		return pd;
	}
	/* Not gzip: zlib read no further than what it returned (a buffer of
	   two bytes), so the rest comes from the pipe through read_plain(). */
	if (r == 1 && gzdirect(pd->gz))
		pd->plain = 1;
	if (start(pd, hdr, r == 1 ? sizeof hdr : 0) < 0)
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

PF_EXPORT uint64_t pf_perfdata_pos(const pf_perfdata *pd)
{
	return pd->pos;
}

PF_EXPORT uint64_t pf_perfdata_total(const pf_perfdata *pd)
{
	return pd->total;
}
