/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The perf.data writer (write.c), used by the capture side (record/).
 * Never installed.
 */
#ifndef PF_PERFDATA_WRITE_INT_H
#define PF_PERFDATA_WRITE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/perf_event.h>

/* One event as it goes into the file: its attribute, the name perf shows
   and the kernel ids of its file descriptors. */
struct pdw_event {
	struct perf_event_attr attr;
	char name[128];
	uint64_t *ids;
	size_t nids;
};

/* Everything the header's feature sections describe. */
struct pdw_meta {
	const struct pdw_event *events;
	size_t nevents;
	int argc;
	char *const *argv;
	const void *tracing_data;       /* TRACING_DATA blob, or NULL */
	size_t tracing_size;
	uint64_t first_time, last_time; /* of the samples; 0: none */
	int clockid;                    /* -k: HEADER_CLOCKID and CLOCK_DATA; -1: none */
};

/* A build id to store (HEADER_BUILD_ID, or HEADER_BUILD_ID records). */
struct pdw_build_id {
	const char *path;
	unsigned char id[20];
	size_t len;
	int kernel;
};

struct pdw_opts {
	int pipe_mode;          /* perf's pipe format (forced for FIFOs) */
	int keep_old;           /* a non-empty regular file becomes PATH.old */
	int zstd_level;         /* PERF_RECORD_COMPRESSED at this level; 0: off */
};

struct pdw;

/* Open the output and write its beginning: file: a valid provisional
   header (data size 0, as perf record does), the attributes and their ids;
   pipe: the pipe header, attributes, features and tracing data as records.
   fd < 0: create path (a FIFO without a reader fails at once).  NULL on
   failure (error_set).  The writer keeps the file's header valid as data
   goes out, so a recording killed half way is readable up to there. */
struct pdw *pdw_open(const char *path, int fd, const struct pdw_opts *o,
		     const struct pdw_meta *meta);

/* Whether the output is perf's pipe format; its descriptor. */
int pdw_pipe_mode(const struct pdw *w);
int pdw_fd(const struct pdw *w);

/* Bytes of the output so far: written, and records on their way (before
   compression). */
uint64_t pdw_bytes(struct pdw *w);

/* The errno of a failed write (EPIPE: the reader went away), else 0. */
int pdw_error(struct pdw *w);

/* Room for len bytes of records at the end of the data; valid until the
   next pdw_* call.  NULL on failure.  Records go out in the order reserved;
   a writer thread moves them to disk. */
void *pdw_reserve(struct pdw *w, size_t len);

/* Give back the last n bytes of the latest reservation (unused). */
void pdw_unreserve(struct pdw *w, size_t n);

/* Append a finished-round marker and let the writer thread have what was
   reserved so far (when there is enough of it, or force). */
int pdw_round(struct pdw *w, int force);

/* Flush, write the trailing feature sections and the final header, close.
   Frees w.  Returns 0 or -1 (error_set); *bytes gets the output size. */
int pdw_close(struct pdw *w, const struct pdw_meta *meta,
	      const struct pdw_build_id *ids, size_t nids, uint64_t *bytes);

/* Size of the sample_id trailer of non-sample records for sample_type. */
size_t pdw_id_hdr_size(uint64_t sample_type);

#endif /* PF_PERFDATA_WRITE_INT_H */
