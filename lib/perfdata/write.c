/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The perf.data writer: perf's PERFILE2 file (header, attributes with their
 * ids, data, feature sections) and perf's pipe stream (the same content as
 * PERF_RECORD_HEADER_* records ahead of the data).  The layout is the one of
 * tools/perf/Documentation/perf.data-file-format.txt as perf 6.1 reads it.
 *
 * Records are appended to large in-memory chunks; a writer thread moves full
 * chunks to the output so that the thread draining the kernel's ring buffers
 * never waits for the disk (or for a slow reader at the other end of a pipe).
 * A file starts with a valid header saying "no data yet", as perf record's
 * does, and the writer thread updates its data size after every chunk, so a
 * recording killed by SIGKILL or the OOM killer stays readable up to the last
 * chunk written.  With -z the thread also compresses: runs of records become
 * PERF_RECORD_COMPRESSED records of zstd frames, round markers stay plain.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "util/pf-int.h"
#include "util/buf.h"
#include "perfdata/format.h"
#include "perfdata/write-int.h"

#define CHUNK_SIZE      (4u << 20)
#define ROUND_HANDOFF   (1u << 20)      /* hand a chunk over once this full */
#define QUEUE_LIMIT     ((size_t)1 << 30)
#define SPARE_CHUNKS    32
/* -z: records are compressed in runs of at most COMP_PIECE bytes, one zstd
   frame each, cut into PERF_RECORD_COMPRESSED records of at most
   COMP_RECORD bytes (header.size is 16 bits).  perf decompresses each
   record into a buffer of the HEADER_COMPRESSED mmap_len, which must hold a
   whole run plus the part of a record left over from the one before. */
#define COMP_PIECE      (256u << 10)
#define COMP_RECORD     65535u
#define COMP_MMAP_LEN   (COMP_PIECE * 2)
/* Where perf_file_header keeps data.size. */
#define DATA_SIZE_AT    48

struct chunk {
	struct chunk *next;
	size_t used, cap;
	unsigned char data[];
};

struct pdw {
	int fd, own_fd, pipe_mode;
	char *path;
	uint64_t data_offset;
	uint64_t written;               /* bytes of data records written */
	uint64_t raw;                   /* the same before compression */
	struct chunk *cur;

	pthread_t thread;
	int thread_running;
	pthread_mutex_t mu;
	pthread_cond_t work, space;
	struct chunk *head, *tail;
	struct chunk *spare;            /* written chunks kept for reuse */
	size_t nspare;
	size_t queued;
	uint64_t inflight;              /* record bytes handed over, not yet written */
	int stop, err;

	int zlevel;
#ifdef HAVE_ZSTD
	ZSTD_CCtx *zctx;
#endif
	struct buf zout;                /* compressed records of one chunk */
};

/* Zero bytes, for padding. */
static int buf_zero(struct buf *b, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	memset(b->p + b->len, 0, n);
	b->len += n;
	return 0;
}

static int buf_u32(struct buf *b, uint32_t v) { return buf_add(b, &v, 4); }
static int buf_u64(struct buf *b, uint64_t v) { return buf_add(b, &v, 8); }

/* perf_header_string: u32 length (NUL and padding included), the bytes. */
static int buf_str(struct buf *b, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t len = (n + PERFDATA_NAME_ALIGN - 1) & ~(size_t)(PERFDATA_NAME_ALIGN - 1);

	return buf_u32(b, len) | buf_add(b, s, n) | buf_zero(b, len - n);
}

/* Write all of DATA at offset OFF, or where the file position is when OFF
   is negative (pipes). */
static int write_at(int fd, const void *data, size_t len, off_t off)
{
	const unsigned char *p = data;

	while (len > 0) {
		ssize_t n = off < 0 ? write(fd, p, len) : pwrite(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	return write_at(fd, data, len, -1);
}

static int pwrite_all(int fd, const void *data, size_t len, off_t off)
{
	return write_at(fd, data, len, off);
}

size_t pdw_id_hdr_size(uint64_t t)
{
	size_t n = 0;

	n += (t & PERF_SAMPLE_TID) ? 8 : 0;
	n += (t & PERF_SAMPLE_TIME) ? 8 : 0;
	n += (t & PERF_SAMPLE_ID) ? 8 : 0;
	n += (t & PERF_SAMPLE_STREAM_ID) ? 8 : 0;
	n += (t & PERF_SAMPLE_CPU) ? 8 : 0;
	n += (t & PERF_SAMPLE_IDENTIFIER) ? 8 : 0;
	return n;
}

/* ---- feature sections; each returns -1 when out of memory */

static int feat_nrcpus(struct buf *b)
{
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	long onln = sysconf(_SC_NPROCESSORS_ONLN);

	return buf_u32(b, conf > 0 ? conf : 1) | buf_u32(b, onln > 0 ? onln : 1);
}

static int feat_total_mem(struct buf *b)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long psize = sysconf(_SC_PAGESIZE);

	return buf_u64(b, pages > 0 && psize > 0 ? (uint64_t)pages * psize / 1024 : 0);
}

static int feat_cmdline(struct buf *b, const struct pdw_meta *m)
{
	int rc = buf_u32(b, m->argc);

	for (int i = 0; i < m->argc; i++)
		rc |= buf_str(b, m->argv[i]);
	return rc;
}

static int feat_event_desc(struct buf *b, const struct pdw_meta *m)
{
	int rc = buf_u32(b, m->nevents) | buf_u32(b, PERFDATA_ATTR_SIZE);

	for (size_t i = 0; i < m->nevents; i++) {
		const struct pdw_event *e = &m->events[i];

		rc |= buf_add(b, &e->attr, PERFDATA_ATTR_SIZE);
		rc |= buf_u32(b, e->nids);
		rc |= buf_str(b, e->name);
		rc |= buf_add(b, e->ids, e->nids * 8);
	}
	return rc;
}

/* HEADER_CLOCK_DATA: version 1, the clock, then the time of day and the
   clock's time read together, for converting sample times to wall time. */
static int feat_clock_data(struct buf *b, int clockid)
{
	struct timespec tod, clk;

	clock_gettime(CLOCK_REALTIME, &tod);
	clock_gettime(clockid, &clk);
	return buf_u32(b, 1) | buf_u32(b, clockid) |
		buf_u64(b, tod.tv_sec * 1000000000ULL + tod.tv_nsec) |
		buf_u64(b, clk.tv_sec * 1000000000ULL + clk.tv_nsec);
}

/* HEADER_COMPRESSED as perf record -z writes it: version 0, type 1 (zstd),
   level, ratio, and the decompression buffer size its reader needs. */
static int feat_compressed(struct buf *b, const struct pdw *w)
{
	uint64_t ratio = w->written ? (w->raw + w->written / 2) / w->written : 1;

	return buf_u32(b, 0) | buf_u32(b, 1) | buf_u32(b, w->zlevel) |
		buf_u32(b, ratio ? (uint32_t)ratio : 1) | buf_u32(b, COMP_MMAP_LEN);
}

/* One build_id_event as perf's HEADER_BUILD_ID holds them (type 0), or a
   PERF_RECORD_HEADER_BUILD_ID record of the pipe format. */
static int build_id_entry(struct buf *b, const struct pdw_build_id *id, uint32_t type)
{
	size_t n = strlen(id->path) + 1;
	size_t padded = (n + PERFDATA_NAME_ALIGN - 1) & ~(size_t)(PERFDATA_NAME_ALIGN - 1);
	struct perfdata_build_id_event ev;

	memset(&ev, 0, sizeof ev);
	ev.header.type = type;
	ev.header.misc = (id->kernel ? PERF_RECORD_MISC_KERNEL : PERF_RECORD_MISC_USER)
		| PERFDATA_MISC_BUILD_ID_SIZE;
	ev.header.size = sizeof ev + padded;
	ev.pid = -1;    /* HOST_KERNEL_ID: a DSO of the host machine */
	memcpy(ev.build_id, id->id, id->len);
	ev.build_id[PERFDATA_BUILD_ID_SIZE] = id->len;
	return buf_add(b, &ev, sizeof ev) | buf_add(b, id->path, n) | buf_zero(b, padded - n);
}

/* The payload of feature feat in b: 1 when written, 0 when there is none
   to write, -1 when out of memory. */
static int feature(int feat, const struct pdw *w, const struct pdw_meta *m,
		   const struct pdw_build_id *ids, size_t nids, struct buf *b)
{
	struct utsname u;
	char host[256];
	int rc = 0;

	uname(&u);
	switch (feat) {
	case HEADER_TRACING_DATA:
		if (!m->tracing_data)
			return 0;
		rc = buf_add(b, m->tracing_data, m->tracing_size);
		break;
	case HEADER_BUILD_ID:
		for (size_t i = 0; i < nids; i++)
			rc |= build_id_entry(b, &ids[i], 0);
		break;
	case HEADER_HOSTNAME:
		if (gethostname(host, sizeof host) != 0)
			snprintf(host, sizeof host, "%s", u.nodename);
		host[sizeof host - 1] = 0;
		rc = buf_str(b, host);
		break;
	case HEADER_OSRELEASE:
		rc = buf_str(b, u.release);
		break;
	case HEADER_VERSION:
		rc = buf_str(b, PACKAGE_VERSION " (pftools)");
		break;
	case HEADER_ARCH:
		rc = buf_str(b, u.machine);
		break;
	case HEADER_NRCPUS:
		rc = feat_nrcpus(b);
		break;
	case HEADER_TOTAL_MEM:
		rc = feat_total_mem(b);
		break;
	case HEADER_CMDLINE:
		rc = feat_cmdline(b, m);
		break;
	case HEADER_EVENT_DESC:
		rc = feat_event_desc(b, m);
		break;
	case HEADER_SAMPLE_TIME:
		if (!m->last_time)
			return 0;
		rc = buf_u64(b, m->first_time) | buf_u64(b, m->last_time);
		break;
	case HEADER_CLOCKID: {
		struct timespec res;

		if (m->clockid < 0 || clock_getres(m->clockid, &res) != 0)
			return 0;
		rc = buf_u64(b, res.tv_sec * 1000000000ULL + res.tv_nsec);
		break;
	}
	case HEADER_CLOCK_DATA:
		if (m->clockid < 0)
			return 0;
		rc = feat_clock_data(b, m->clockid);
		break;
	case HEADER_COMPRESSED:
		if (!w->zlevel)
			return 0;
		rc = feat_compressed(b, w);
		break;
	default:
		return 0;
	}
	return rc < 0 ? -1 : 1;
}

static const int file_features[] = {
	HEADER_TRACING_DATA, HEADER_BUILD_ID, HEADER_HOSTNAME, HEADER_OSRELEASE,
	HEADER_VERSION, HEADER_ARCH, HEADER_NRCPUS, HEADER_TOTAL_MEM,
	HEADER_CMDLINE, HEADER_EVENT_DESC, HEADER_SAMPLE_TIME, HEADER_CLOCKID,
	HEADER_COMPRESSED, HEADER_CLOCK_DATA,
};

/* The pipe format carries only the features perf itself synthesizes there;
   the rest (build ids, tracing data) come as their own record types. */
static const int pipe_features[] = {
	HEADER_HOSTNAME, HEADER_OSRELEASE, HEADER_VERSION, HEADER_ARCH,
	HEADER_NRCPUS, HEADER_TOTAL_MEM, HEADER_CMDLINE, HEADER_CLOCKID,
	HEADER_CLOCK_DATA,
};

/* ---- the writer thread */

#ifdef HAVE_ZSTD
/* Compress p[0..len), whole records without round markers, as one zstd
   frame into PERF_RECORD_COMPRESSED records appended to w->zout. */
static int compress_run(struct pdw *w, const unsigned char *p, size_t len)
{
	ZSTD_inBuffer in = { p, len, 0 };
	size_t left;

	do {
		if (buf_reserve(&w->zout, COMP_RECORD) < 0)
			return ENOMEM;
		unsigned char *rec = (unsigned char *)w->zout.p + w->zout.len;
		ZSTD_outBuffer out = { rec + sizeof(struct perf_event_header),
				       COMP_RECORD - sizeof(struct perf_event_header), 0 };

		left = ZSTD_compressStream2(w->zctx, &out, &in, ZSTD_e_end);
		if (ZSTD_isError(left))
			return EIO;
		struct perf_event_header h = { PERF_RECORD_COMPRESSED, 0,
			(uint16_t)(sizeof h + out.pos) };
		memcpy(rec, &h, sizeof h);
		w->zout.len += h.size;
	} while (left != 0);
	return 0;
}

/* A chunk as compressed records, round markers between them as they are. */
static int write_compressed(struct pdw *w, const unsigned char *p, size_t len, size_t *out)
{
	size_t off = 0;
	int err = 0;

	w->zout.len = 0;
	while (off + sizeof(struct perf_event_header) <= len && !err) {
		struct perf_event_header h;
		size_t run = 0;

		for (;;) {
			if (off + run + sizeof h > len)
				break;
			memcpy(&h, p + off + run, sizeof h);
			if (h.type == PERF_RECORD_FINISHED_ROUND || (run && run + h.size > COMP_PIECE))
				break;
			run += h.size;
		}
		if (run) {
			err = compress_run(w, p + off, run);
			off += run;
		} else {
			err = buf_add(&w->zout, p + off, h.size) < 0 ? ENOMEM : 0;
			off += h.size;
		}
	}
	if (!err && write_all(w->fd, w->zout.p, w->zout.len) != 0)
		err = errno;
	*out = w->zout.len;
	return err;
}
#endif

/* Write one chunk; an errno, or 0 with *out the bytes it took. */
static int write_chunk(struct pdw *w, const struct chunk *c, size_t *out)
{
#ifdef HAVE_ZSTD
	if (w->zlevel)
		return write_compressed(w, c->data, c->used, out);
#endif
	*out = c->used;
	return write_all(w->fd, c->data, c->used) != 0 ? errno : 0;
}

static void *writer_main(void *arg)
{
	struct pdw *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct chunk *c;
		size_t out = 0;

		while (!w->head && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		c = w->head;
		if (!c)
			break;
		w->head = c->next;
		if (!w->head)
			w->tail = NULL;
		int failed = w->err;
		pthread_mutex_unlock(&w->mu);

		/* After a failed write nothing more goes out: the file keeps
		   whole records only. */
		int err = failed ? 0 : write_chunk(w, c, &out);
		uint64_t size = w->written + out;
		/* The header now covers this chunk too. */
		if (!failed && !err && !w->pipe_mode &&
		    pwrite_all(w->fd, &size, sizeof size, DATA_SIZE_AT) != 0)
			err = errno;

		pthread_mutex_lock(&w->mu);
		if (err && !w->err)
			w->err = err;
		if (!err && !failed) {
			w->written += out;
			w->raw += c->used;
		}
		w->queued -= c->cap;
		w->inflight -= c->used;
		/* Recycling keeps the drain from faulting in fresh memory for
		   every chunk: the pages stay mapped and warm. */
		if (c->cap == CHUNK_SIZE && w->nspare < SPARE_CHUNKS) {
			c->next = w->spare;
			w->spare = c;
			w->nspare++;
		} else {
			free(c);
		}
		pthread_cond_signal(&w->space);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void hand_over(struct pdw *w)
{
	struct chunk *c = w->cur;

	if (!c || c->used == 0)
		return;
	w->cur = NULL;
	c->next = NULL;
	pthread_mutex_lock(&w->mu);
	/* Beyond a gigabyte in flight the disk cannot keep up: wait rather
	   than exhaust memory (the kernel then drops and counts samples). */
	while (w->queued > QUEUE_LIMIT && !w->err)
		pthread_cond_wait(&w->space, &w->mu);
	if (w->tail)
		w->tail->next = c;
	else
		w->head = c;
	w->tail = c;
	w->queued += c->cap;
	w->inflight += c->used;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

void *pdw_reserve(struct pdw *w, size_t len)
{
	struct chunk *c = w->cur;
	void *p;

	if (!c || c->cap - c->used < len) {
		size_t cap = len > CHUNK_SIZE ? len : CHUNK_SIZE;

		hand_over(w);
		c = NULL;
		if (cap == CHUNK_SIZE) {
			pthread_mutex_lock(&w->mu);
			if ((c = w->spare)) {
				w->spare = c->next;
				w->nspare--;
			}
			pthread_mutex_unlock(&w->mu);
		}
		if (!c && !(c = mem_alloc(sizeof *c + cap)))
			return NULL;
		c->used = 0;
		c->cap = cap;
		w->cur = c;
	}
	p = c->data + c->used;
	c->used += len;
	return p;
}

void pdw_unreserve(struct pdw *w, size_t n)
{
	pf_assert(w->cur && w->cur->used >= n);
	w->cur->used -= n;
}

int pdw_error(struct pdw *w)
{
	pthread_mutex_lock(&w->mu);
	int err = w->err;
	pthread_mutex_unlock(&w->mu);
	return err;
}

int pdw_round(struct pdw *w, int force)
{
	struct perf_event_header *h = pdw_reserve(w, sizeof *h);

	if (!h)
		return -1;
	h->type = PERF_RECORD_FINISHED_ROUND;
	h->misc = 0;
	h->size = sizeof *h;
	if (force || w->cur->used >= ROUND_HANDOFF)
		hand_over(w);
	/* A full disk stops the recording now, not at the end. */
	int err = pdw_error(w);
	if (err) {
		error_set_errno(err, "%s: write", w->path);
		return -1;
	}
	return 0;
}

int pdw_pipe_mode(const struct pdw *w)
{
	return w->pipe_mode;
}

int pdw_fd(const struct pdw *w)
{
	return w->fd;
}

uint64_t pdw_bytes(struct pdw *w)
{
	pthread_mutex_lock(&w->mu);
	uint64_t n = w->data_offset + w->written + w->inflight;
	pthread_mutex_unlock(&w->mu);
	return n + (w->cur ? w->cur->used : 0);
}

/* ---- opening */

static int write_pipe_start(struct pdw *w, const struct pdw_meta *m)
{
	struct perfdata_pipe_header ph = { PERFDATA_MAGIC, PERFDATA_PIPE_HEADER_SIZE };
	struct buf b = { 0 };
	int rc = buf_add(&b, &ph, sizeof ph);

	for (size_t i = 0; i < m->nevents; i++) {
		const struct pdw_event *e = &m->events[i];
		struct perf_event_header h = {
			.type = PERF_RECORD_HEADER_ATTR,
			.size = sizeof h + PERFDATA_ATTR_SIZE + 8 * e->nids,
		};

		rc |= buf_add(&b, &h, sizeof h) | buf_add(&b, &e->attr, PERFDATA_ATTR_SIZE) |
			buf_add(&b, e->ids, 8 * e->nids);
	}
	/* Event names, which the file format keeps in EVENT_DESC: a
	   PERF_RECORD_EVENT_UPDATE of type NAME per event, as perf does. */
	for (size_t i = 0; i < m->nevents; i++) {
		const struct pdw_event *e = &m->events[i];
		size_t n = strlen(e->name) + 1, padded = (n + 7) & ~(size_t)7;
		struct perf_event_header h = {
			.type = PERF_RECORD_EVENT_UPDATE, .size = sizeof h + 16 + padded,
		};

		if (!e->nids)
			continue;
		rc |= buf_add(&b, &h, sizeof h) | buf_u64(&b, PERFDATA_EVENT_UPDATE_NAME) |
			buf_u64(&b, e->ids[0]) | buf_add(&b, e->name, n) | buf_zero(&b, padded - n);
	}
	for (size_t i = 0; i < sizeof pipe_features / sizeof pipe_features[0]; i++) {
		struct buf f = { 0 };
		int got = feature(pipe_features[i], w, m, NULL, 0, &f);

		if (got > 0) {
			struct perf_event_header h = {
				.type = PERF_RECORD_HEADER_FEATURE,
				.size = sizeof h + 8 + f.len,
			};
			rc |= buf_add(&b, &h, sizeof h) | buf_u64(&b, pipe_features[i]) |
				buf_add(&b, f.p, f.len);
		}
		rc |= got < 0;
		buf_release(&f);
	}
	if (m->tracing_data) {
		/* The record announces the blob, which follows it, padded to 8. */
		size_t padded = (m->tracing_size + 7) & ~(size_t)7;
		struct perf_event_header h = {
			.type = PERF_RECORD_HEADER_TRACING_DATA, .size = 16,
		};
		rc |= buf_add(&b, &h, sizeof h) | buf_u32(&b, padded) | buf_u32(&b, 0) |
			buf_add(&b, m->tracing_data, m->tracing_size) |
			buf_zero(&b, padded - m->tracing_size);
	}
	if (rc) {
		error_set("%s: out of memory", w->path);
		rc = -1;
	} else if (write_all(w->fd, b.p, b.len) != 0) {
		error_set_errno(errno, "%s: write", w->path);
		rc = -1;
	} else {
		w->written = b.len;
	}
	buf_release(&b);
	return rc;
}

/* The header, the attributes and their ids at the start of a file; its
   data section starts at w->data_offset. */
static int write_file_header(struct pdw *w, const struct pdw_meta *m, uint64_t data_size,
			     const uint64_t *feat_bits)
{
	struct perfdata_header h;
	struct buf b = { 0 };
	uint64_t ids_off = PERFDATA_HEADER_SIZE + m->nevents * sizeof(struct perfdata_file_attr);
	int rc;

	memset(&h, 0, sizeof h);
	h.magic = PERFDATA_MAGIC;
	h.size = PERFDATA_HEADER_SIZE;
	h.attr_size = sizeof(struct perfdata_file_attr);
	h.attrs.offset = PERFDATA_HEADER_SIZE;
	h.attrs.size = m->nevents * sizeof(struct perfdata_file_attr);
	h.data.offset = w->data_offset;
	h.data.size = data_size;
	memcpy(h.adds_features, feat_bits, sizeof h.adds_features);
	rc = buf_add(&b, &h, sizeof h);
	for (size_t i = 0; i < m->nevents; i++) {
		struct perfdata_file_attr fa;

		memset(&fa, 0, sizeof fa);
		memcpy(fa.attr, &m->events[i].attr, PERFDATA_ATTR_SIZE);
		fa.ids.offset = ids_off;
		fa.ids.size = m->events[i].nids * 8;
		ids_off += fa.ids.size;
		rc |= buf_add(&b, &fa, sizeof fa);
	}
	for (size_t i = 0; i < m->nevents; i++)
		rc |= buf_add(&b, m->events[i].ids, m->events[i].nids * 8);
	if (rc)
		errno = ENOMEM;
	else
		rc = pwrite_all(w->fd, b.p, b.len, 0);
	buf_release(&b);
	return rc;
}

/* Create path.  A FIFO is opened without blocking, so one nobody reads
   fails at once rather than hanging; a non-empty regular file is first
   moved to PATH.old when asked (perf record's behaviour). */
static int create_output(struct pdw *w, const char *path, const struct pdw_opts *o)
{
	struct stat st;
	int exists = stat(path, &st) == 0;

	if (exists && S_ISFIFO(st.st_mode)) {
		w->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (w->fd < 0 && errno == ENXIO) {
			error_set("%s: a FIFO that nobody reads: start its reader first", path);
			return -1;
		}
		if (w->fd >= 0)
			fcntl(w->fd, F_SETFL, fcntl(w->fd, F_GETFL) & ~O_NONBLOCK);
		w->pipe_mode = 1;
	} else {
		if (o->keep_old && exists && S_ISREG(st.st_mode) && st.st_size > 0) {
			char *old = mem_alloc(strlen(path) + 5);

			if (!old)
				return -1;
			sprintf(old, "%s.old", path);
			if (rename(path, old) != 0) {
				error_set_errno(errno, "%s: cannot keep the previous recording as %s",
						path, old);
				free(old);
				return -1;
			}
			free(old);
		}
		w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (w->fd < 0) {
		error_set_errno(errno, "%s", path);
		return -1;
	}
	w->own_fd = 1;
	return 0;
}

static void pdw_free(struct pdw *w)
{
	if (w->own_fd && w->fd >= 0)
		close(w->fd);
	free(w->cur);
	while (w->spare) {
		struct chunk *c = w->spare;

		w->spare = c->next;
		free(c);
	}
#ifdef HAVE_ZSTD
	ZSTD_freeCCtx(w->zctx);
#endif
	buf_release(&w->zout);
	free(w->path);
	free(w);
}

struct pdw *pdw_open(const char *path, int fd, const struct pdw_opts *o, const struct pdw_meta *m)
{
	struct pdw *w = calloc(1, sizeof *w);
	int rc = 0;

	if (!w || !(w->path = strdup(path))) {
		free(w);
		error_set("out of memory");
		return NULL;
	}
	w->fd = fd;
	w->pipe_mode = o->pipe_mode;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->space, NULL);
	if (o->zstd_level) {
#ifdef HAVE_ZSTD
		w->zlevel = o->zstd_level;
		if (!(w->zctx = ZSTD_createCCtx()) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(w->zctx, ZSTD_c_compressionLevel, w->zlevel))) {
			error_set("%s: cannot set up zstd compression", path);
			rc = -1;
		}
#else
		error_set("%s: compressed output (-z) needs zstd, which this libpf was built without", path);
		rc = -1;
#endif
	}
	if (rc == 0 && fd < 0)
		rc = create_output(w, path, o);
	if (rc == 0 && w->zlevel && w->pipe_mode) {
		error_set("%s: compression (-z) is for files, not perf's pipe format", path);
		rc = -1;
	}
	if (rc == 0 && w->pipe_mode) {
		rc = write_pipe_start(w, m);
	} else if (rc == 0) {
		/* The provisional header: valid, with no data and no features
		   yet; then the data start. */
		static const uint64_t no_features[HEADER_FEAT_BITS / 64];
		size_t nids = 0;

		for (size_t i = 0; i < m->nevents; i++)
			nids += m->events[i].nids;
		w->data_offset = PERFDATA_HEADER_SIZE
			+ m->nevents * sizeof(struct perfdata_file_attr) + nids * 8;
		if (write_file_header(w, m, 0, no_features) != 0 ||
		    lseek(w->fd, w->data_offset, SEEK_SET) < 0) {
			error_set_errno(errno, "%s: write", path);
			rc = -1;
		}
	}
	if (rc == 0 && pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		error_set("%s: cannot start the writer thread", path);
		rc = -1;
	}
	if (rc != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->work);
		pthread_cond_destroy(&w->space);
		pdw_free(w);
		return NULL;
	}
	w->thread_running = 1;
	return w;
}

/* ---- closing */

/* After the data: the table of sections (one per feature bit), then their
   contents. */
static int write_features(struct pdw *w, const struct pdw_meta *m,
			  const struct pdw_build_id *ids, size_t nids,
			  uint64_t *feat_bits, uint64_t *end)
{
	const size_t nf = sizeof file_features / sizeof file_features[0];
	struct buf payload[sizeof file_features / sizeof file_features[0]];
	struct buf table = { 0 }, body = { 0 };
	size_t count = 0;
	int rc = 0;

	memset(payload, 0, sizeof payload);
	for (size_t i = 0; i < nf; i++) {
		int got = feature(file_features[i], w, m, ids, nids, &payload[i]);

		if (got > 0) {
			feat_bits[file_features[i] / 64] |= 1ULL << (file_features[i] % 64);
			count++;
		}
		rc |= got < 0;
	}
	/* The table lists the sections in feature-bit order. */
	uint64_t off = w->data_offset + w->written + count * sizeof(struct perfdata_section);
	for (int bit = 0; bit < HEADER_FEAT_BITS; bit++) {
		size_t i;

		if (!(feat_bits[bit / 64] & (1ULL << (bit % 64))))
			continue;
		for (i = 0; i < nf && file_features[i] != bit; i++)
			;
		struct perfdata_section s = { off + body.len, payload[i].len };

		rc |= buf_add(&table, &s, sizeof s) | buf_add(&body, payload[i].p, payload[i].len);
	}
	for (size_t i = 0; i < nf; i++)
		buf_release(&payload[i]);
	rc |= buf_add(&table, body.p, body.len);
	if (rc)
		errno = ENOMEM, rc = -1;
	else
		rc = pwrite_all(w->fd, table.p, table.len, w->data_offset + w->written);
	*end = w->data_offset + w->written + table.len;
	buf_release(&table);
	buf_release(&body);
	return rc;
}

static int write_pipe_end(struct pdw *w, const struct pdw_build_id *ids, size_t nids,
			  uint64_t *end)
{
	struct buf b = { 0 };
	int rc = 0;

	for (size_t i = 0; i < nids; i++)
		rc |= build_id_entry(&b, &ids[i], PERF_RECORD_HEADER_BUILD_ID);
	rc = rc ? (errno = ENOMEM, -1) : write_all(w->fd, b.p, b.len);
	*end = w->written + b.len;
	buf_release(&b);
	return rc;
}

int pdw_close(struct pdw *w, const struct pdw_meta *m, const struct pdw_build_id *ids,
	      size_t nids, uint64_t *bytes)
{
	uint64_t feat_bits[HEADER_FEAT_BITS / 64] = { 0 };
	uint64_t end = 0;
	int rc = 0;

	hand_over(w);
	if (w->thread_running) {
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_signal(&w->work);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	if (w->err) {
		error_set_errno(w->err, "%s: write", w->path);
		rc = -1;
		/* A full disk: keep the chunks written whole (whole records)
		   readable, with a header and no features.  Truncating first
		   gives the header's page back its room. */
		if (!w->pipe_mode && ftruncate(w->fd, (off_t)(w->data_offset + w->written)) == 0 &&
		    write_file_header(w, m, w->written, feat_bits) == 0)
			end = w->data_offset + w->written;
		else if (w->pipe_mode)
			end = w->written;
	} else if (w->pipe_mode) {
		if (write_pipe_end(w, ids, nids, &end) != 0) {
			error_set_errno(errno, "%s: write", w->path);
			rc = -1;
		}
	} else {
		uint64_t data_size = w->written;

		if (write_features(w, m, ids, nids, feat_bits, &end) != 0 ||
		    write_file_header(w, m, data_size, feat_bits) != 0 ||
		    ftruncate(w->fd, end) != 0) {
			error_set_errno(errno, "%s: write", w->path);
			rc = -1;
		}
	}
	if (w->own_fd && close(w->fd) != 0 && rc == 0) {
		error_set_errno(errno, "%s: close", w->path);
		rc = -1;
	}
	w->fd = -1;
	if (bytes)
		*bytes = end;
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->space);
	pdw_free(w);
	return rc;
}
