/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the capture side: the perf.data writer (perfdata-write.c),
 * the description of running processes from /proc (procmaps.c) and the
 * tracefs lookups (tracepoint.c).  Never installed.
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
};

/* A build id to store (HEADER_BUILD_ID, or HEADER_BUILD_ID records). */
struct pdw_build_id {
	const char *path;
	unsigned char id[20];
	size_t len;
	int kernel;
};

struct pdw;

/* Open the output and write its beginning (file: room for the header,
   the attributes; pipe: the pipe header, attributes, features and tracing
   data as records).  fd < 0: create path.  NULL on failure (error_set). */
struct pdw *pdw_open(const char *path, int fd, int pipe_mode,
		     const struct pdw_meta *meta);

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

/* procmaps.c: synthesize records describing what already runs. */
struct synth {
	struct pdw *w;
	uint64_t sample_type;           /* for the sample_id trailer */
	int with_data;                  /* also non-executable mappings (-d) */
	void (*saw_dso)(void *arg, const char *path);  /* each file mapped */
	void *arg;
};
/* PERF_RECORD_COMM for pid/tid. */
int synth_comm(const struct synth *s, pid_t pid, pid_t tid, const char *comm);
/* COMM records for each thread of pid and MMAP2 records for its mappings;
   tid > 0: describe only that thread.  A process that exits meanwhile is not
   an error. */
int synth_process(const struct synth *s, pid_t pid, pid_t tid);
/* Every process in /proc. */
int synth_all(const struct synth *s);
/* The kernel's text mapping ([kernel.kallsyms]_text). */
int synth_kernel_mmap(const struct synth *s);

/* tracepoint.c */
/* The tracefs directory (mounted at /sys/kernel/tracing or under debugfs),
   or NULL (error_set). */
const char *tracefs_dir(void);
/* The id of tracepoint SYS:NAME, or -1 (error_set; errno ENOENT). */
long tracepoint_id(const char *sys, const char *name);
/* The TRACING_DATA blob perf expects for these "sys:name" tracepoints.
   Returns a malloc'd buffer (caller frees) or NULL. */
void *tracing_data_build(char *const *names, size_t n, size_t *size);

#endif /* PF_PERFDATA_WRITE_INT_H */
