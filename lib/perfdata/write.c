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
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "util/pf-int.h"
#include "perfdata/format.h"
#include "perfdata/write-int.h"

#define CHUNK_SIZE      (4u << 20)
#define ROUND_HANDOFF   (1u << 20)      /* hand a chunk over once this full */
#define QUEUE_LIMIT     ((size_t)1 << 30)
#define SPARE_CHUNKS    32

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
	struct chunk *cur;

	pthread_t thread;
	int thread_running;
	pthread_mutex_t mu;
	pthread_cond_t work, space;
	struct chunk *head, *tail;
	struct chunk *spare;            /* written chunks kept for reuse */
	size_t nspare;
	size_t queued;
	int stop, err;
};

/* A growable byte buffer for headers and feature sections. */
struct buf {
	unsigned char *p;
	size_t len, cap;
	int oom;
};

static void buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		unsigned char *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (data)
		memcpy(b->p + b->len, data, len);
	else
		memset(b->p + b->len, 0, len);
	b->len += len;
}

static void buf_u32(struct buf *b, uint32_t v) { buf_add(b, &v, 4); }
static void buf_u64(struct buf *b, uint64_t v) { buf_add(b, &v, 8); }

/* perf_header_string: u32 length (NUL and padding included), the bytes. */
static void buf_str(struct buf *b, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t len = (n + PERFDATA_NAME_ALIGN - 1) & ~(size_t)(PERFDATA_NAME_ALIGN - 1);

	buf_u32(b, len);
	buf_add(b, s, n);
	buf_add(b, NULL, len - n);
}

static int write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int pwrite_all(int fd, const void *data, size_t len, off_t off)
{
	const unsigned char *p = data;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
		off += n;
	}
	return 0;
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

/* ---- feature sections */

static void feat_nrcpus(struct buf *b)
{
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	long onln = sysconf(_SC_NPROCESSORS_ONLN);

	buf_u32(b, conf > 0 ? conf : 1);
	buf_u32(b, onln > 0 ? onln : 1);
}

static void feat_total_mem(struct buf *b)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long psize = sysconf(_SC_PAGESIZE);

	buf_u64(b, pages > 0 && psize > 0 ? (uint64_t)pages * psize / 1024 : 0);
}

static void feat_cmdline(struct buf *b, const struct pdw_meta *m)
{
	buf_u32(b, m->argc);
	for (int i = 0; i < m->argc; i++)
		buf_str(b, m->argv[i]);
}

static void feat_event_desc(struct buf *b, const struct pdw_meta *m)
{
	buf_u32(b, m->nevents);
	buf_u32(b, PERFDATA_ATTR_SIZE);
	for (size_t i = 0; i < m->nevents; i++) {
		const struct pdw_event *e = &m->events[i];

		buf_add(b, &e->attr, PERFDATA_ATTR_SIZE);
		buf_u32(b, e->nids);
		buf_str(b, e->name);
		buf_add(b, e->ids, e->nids * 8);
	}
}

/* One build_id_event as perf's HEADER_BUILD_ID holds them (type 0), or a
   PERF_RECORD_HEADER_BUILD_ID record of the pipe format. */
static void build_id_entry(struct buf *b, const struct pdw_build_id *id, uint32_t type)
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
	buf_add(b, &ev, sizeof ev);
	buf_add(b, id->path, n);
	buf_add(b, NULL, padded - n);
}

/* The payload of feature feat; 0 when there is none to write. */
static int feature(int feat, const struct pdw_meta *m, const struct pdw_build_id *ids,
		   size_t nids, struct buf *b)
{
	struct utsname u;
	char host[256];

	uname(&u);
	switch (feat) {
	case HEADER_TRACING_DATA:
		if (!m->tracing_data)
			return 0;
		buf_add(b, m->tracing_data, m->tracing_size);
		return 1;
	case HEADER_BUILD_ID:
		for (size_t i = 0; i < nids; i++)
			build_id_entry(b, &ids[i], 0);
		return 1;
	case HEADER_HOSTNAME:
		if (gethostname(host, sizeof host) != 0)
			strcpy(host, u.nodename);
		host[sizeof host - 1] = 0;
		buf_str(b, host);
		return 1;
	case HEADER_OSRELEASE:
		buf_str(b, u.release);
		return 1;
	case HEADER_VERSION:
		buf_str(b, PACKAGE_VERSION " (pftools)");
		return 1;
	case HEADER_ARCH:
		buf_str(b, u.machine);
		return 1;
	case HEADER_NRCPUS:
		feat_nrcpus(b);
		return 1;
	case HEADER_TOTAL_MEM:
		feat_total_mem(b);
		return 1;
	case HEADER_CMDLINE:
		feat_cmdline(b, m);
		return 1;
	case HEADER_EVENT_DESC:
		feat_event_desc(b, m);
		return 1;
	case HEADER_SAMPLE_TIME:
		if (!m->last_time)
			return 0;
		buf_u64(b, m->first_time);
		buf_u64(b, m->last_time);
		return 1;
	}
	return 0;
}

static const int file_features[] = {
	HEADER_TRACING_DATA, HEADER_BUILD_ID, HEADER_HOSTNAME, HEADER_OSRELEASE,
	HEADER_VERSION, HEADER_ARCH, HEADER_NRCPUS, HEADER_TOTAL_MEM,
	HEADER_CMDLINE, HEADER_EVENT_DESC, HEADER_SAMPLE_TIME,
};

/* The pipe format carries only the features perf itself synthesizes there;
   the rest (build ids, tracing data) come as their own record types. */
static const int pipe_features[] = {
	HEADER_HOSTNAME, HEADER_OSRELEASE, HEADER_VERSION, HEADER_ARCH,
	HEADER_NRCPUS, HEADER_TOTAL_MEM, HEADER_CMDLINE,
};

/* ---- the writer thread */

static void *writer_main(void *arg)
{
	struct pdw *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct chunk *c;

		while (!w->head && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		c = w->head;
		if (!c)
			break;
		w->head = c->next;
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->mu);

		int err = 0;
		if (write_all(w->fd, c->data, c->used) != 0)
			err = errno;

		pthread_mutex_lock(&w->mu);
		if (err && !w->err)
			w->err = err;
		if (!err)
			w->written += c->used;
		w->queued -= c->cap;
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
	pthread_mutex_lock(&w->mu);
	int err = w->err;
	pthread_mutex_unlock(&w->mu);
	if (err) {
		error_set_errno(err, "%s: write", w->path);
		return -1;
	}
	return 0;
}

/* ---- opening */

static int write_pipe_start(struct pdw *w, const struct pdw_meta *m)
{
	struct perfdata_pipe_header ph = { PERFDATA_MAGIC, PERFDATA_PIPE_HEADER_SIZE };
	struct buf b = { 0 };

	buf_add(&b, &ph, sizeof ph);
	for (size_t i = 0; i < m->nevents; i++) {
		const struct pdw_event *e = &m->events[i];
		struct perf_event_header h = {
			.type = PERF_RECORD_HEADER_ATTR,
			.size = sizeof h + PERFDATA_ATTR_SIZE + 8 * e->nids,
		};

		buf_add(&b, &h, sizeof h);
		buf_add(&b, &e->attr, PERFDATA_ATTR_SIZE);
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
		buf_add(&b, &h, sizeof h);
		buf_u64(&b, PERFDATA_EVENT_UPDATE_NAME);
		buf_u64(&b, e->ids[0]);
		buf_add(&b, e->name, n);
		buf_add(&b, NULL, padded - n);
	}
	for (size_t i = 0; i < sizeof pipe_features / sizeof pipe_features[0]; i++) {
		struct buf f = { 0 };

		if (feature(pipe_features[i], m, NULL, 0, &f) && !f.oom) {
			struct perf_event_header h = {
				.type = PERF_RECORD_HEADER_FEATURE,
				.size = sizeof h + 8 + f.len,
			};
			buf_add(&b, &h, sizeof h);
			buf_u64(&b, pipe_features[i]);
			buf_add(&b, f.p, f.len);
		}
		free(f.p);
	}
	if (m->tracing_data) {
		/* The record announces the blob, which follows it, padded to 8. */
		size_t padded = (m->tracing_size + 7) & ~(size_t)7;
		struct perf_event_header h = {
			.type = PERF_RECORD_HEADER_TRACING_DATA, .size = 16,
		};
		buf_add(&b, &h, sizeof h);
		buf_u32(&b, padded);
		buf_u32(&b, 0);
		buf_add(&b, m->tracing_data, m->tracing_size);
		buf_add(&b, NULL, padded - m->tracing_size);
	}
	int rc = b.oom ? -1 : write_all(w->fd, b.p, b.len);
	if (rc != 0)
		error_set_errno(b.oom ? ENOMEM : errno, "%s: write", w->path);
	else
		w->written = b.len;
	free(b.p);
	return rc;
}

struct pdw *pdw_open(const char *path, int fd, int pipe_mode, const struct pdw_meta *m)
{
	struct pdw *w = calloc(1, sizeof *w);

	if (!w || !(w->path = strdup(path))) {
		free(w);
		error_set("out of memory");
		return NULL;
	}
	w->pipe_mode = pipe_mode;
	w->fd = fd;
	if (fd < 0) {
		w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (w->fd < 0) {
			error_set_errno(errno, "%s", path);
			free(w->path);
			free(w);
			return NULL;
		}
		w->own_fd = 1;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->space, NULL);

	int rc;
	if (pipe_mode) {
		rc = write_pipe_start(w, m);
	} else {
		/* header, attributes, their ids, then the data. */
		size_t nids = 0;

		for (size_t i = 0; i < m->nevents; i++)
			nids += m->events[i].nids;
		w->data_offset = PERFDATA_HEADER_SIZE
			+ m->nevents * sizeof(struct perfdata_file_attr) + nids * 8;
		rc = lseek(w->fd, w->data_offset, SEEK_SET) < 0 ? -1 : 0;
		if (rc)
			error_set_errno(errno, "%s: seek", path);
	}
	if (rc == 0 && pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		error_set("%s: cannot start the writer thread", path);
		rc = -1;
	}
	if (rc != 0) {
		if (w->own_fd)
			close(w->fd);
		free(w->path);
		free(w);
		return NULL;
	}
	w->thread_running = 1;
	return w;
}

/* ---- closing */

static int write_file_header(struct pdw *w, const struct pdw_meta *m, uint64_t data_size,
			     const uint64_t *feat_bits)
{
	struct perfdata_header h;
	struct buf b = { 0 };
	uint64_t ids_off = PERFDATA_HEADER_SIZE + m->nevents * sizeof(struct perfdata_file_attr);

	memset(&h, 0, sizeof h);
	h.magic = PERFDATA_MAGIC;
	h.size = PERFDATA_HEADER_SIZE;
	h.attr_size = sizeof(struct perfdata_file_attr);
	h.attrs.offset = PERFDATA_HEADER_SIZE;
	h.attrs.size = m->nevents * sizeof(struct perfdata_file_attr);
	h.data.offset = w->data_offset;
	h.data.size = data_size;
	memcpy(h.adds_features, feat_bits, sizeof h.adds_features);
	buf_add(&b, &h, sizeof h);
	for (size_t i = 0; i < m->nevents; i++) {
		struct perfdata_file_attr fa;

		memset(&fa, 0, sizeof fa);
		memcpy(fa.attr, &m->events[i].attr, PERFDATA_ATTR_SIZE);
		fa.ids.offset = ids_off;
		fa.ids.size = m->events[i].nids * 8;
		ids_off += fa.ids.size;
		buf_add(&b, &fa, sizeof fa);
	}
	for (size_t i = 0; i < m->nevents; i++)
		buf_add(&b, m->events[i].ids, m->events[i].nids * 8);
	int rc = b.oom ? -1 : pwrite_all(w->fd, b.p, b.len, 0);
	free(b.p);
	return rc;
}

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
		if (feature(file_features[i], m, ids, nids, &payload[i])) {
			feat_bits[file_features[i] / 64] |= 1ULL << (file_features[i] % 64);
			count++;
		}
	}
	uint64_t off = w->data_offset + w->written + count * sizeof(struct perfdata_section);
	for (size_t i = 0; i < nf; i++) {
		if (!(feat_bits[file_features[i] / 64] & (1ULL << (file_features[i] % 64))))
			continue;
		struct perfdata_section s = { off + body.len, payload[i].len };

		buf_add(&table, &s, sizeof s);
		buf_add(&body, payload[i].p, payload[i].len);
		rc |= payload[i].oom;
		free(payload[i].p);
	}
	buf_add(&table, body.p, body.len);
	if (rc || table.oom || body.oom)
		errno = ENOMEM, rc = -1;
	else
		rc = pwrite_all(w->fd, table.p, table.len, w->data_offset + w->written);
	*end = w->data_offset + w->written + table.len;
	free(table.p);
	free(body.p);
	return rc;
}

static int write_pipe_end(struct pdw *w, const struct pdw_build_id *ids, size_t nids,
			  uint64_t *end)
{
	struct buf b = { 0 };
	int rc;

	for (size_t i = 0; i < nids; i++)
		build_id_entry(&b, &ids[i], PERF_RECORD_HEADER_BUILD_ID);
	rc = b.oom ? (errno = ENOMEM, -1) : write_all(w->fd, b.p, b.len);
	*end = w->written + b.len;
	free(b.p);
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
	if (bytes)
		*bytes = end;
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->space);
	free(w->cur);
	while (w->spare) {
		struct chunk *c = w->spare;

		w->spare = c->next;
		free(c);
	}
	free(w->path);
	free(w);
	return rc;
}
