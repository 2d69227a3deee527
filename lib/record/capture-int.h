/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the capture handle, shared by capture.c (events, targets,
 * lifecycle), ring.c (draining the ring buffers), offcpu.c (blocked time),
 * procmaps.c (what already runs) and tracepoint.c (tracefs).  Never
 * installed.
 */
#ifndef PF_CAPTURE_INT_H
#define PF_CAPTURE_INT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <pf/record.h>
#include "perfdata/write-int.h"
#include "util/table.h"

#define MAX_EVENTS      16

struct ring {
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	size_t size;                    /* data bytes, a power of 2 */
	int fd;
};

struct offcpu;

struct pf_capture {
	struct pf_capture_opts o;
	/* The file's events: those asked for, ev[0..nuser), then with off-CPU
	   time the offcpu-time event whose samples pfrecord makes.  Opened
	   on the kernel: those asked for, then with off-CPU time the
	   sched_switch tracepoint it is computed from (never in the file). */
	struct pdw_event ev[MAX_EVENTS + 1];
	size_t nev, nuser, nopen;
	struct pdw_event sched;
	char base[MAX_EVENTS + 1][128]; /* event names without modifiers */
	char *tp_names[MAX_EVENTS + 1];
	size_t ntp;
	void *tracing;
	size_t tracing_size;
	uint64_t sample_type;           /* common to the opened events */
	size_t time_at;                 /* offset of the time in a sample */
	int trim;                       /* shorten DWARF stack copies */
	int live;                       /* hand every poll's records over */

	size_t nslots;                  /* (task, cpu) pairs with events */
	int *fds;                       /* [event * nslots + slot] */
	size_t nrings;
	struct ring *rings;             /* one per CPU */
	struct pollfd *pfd;             /* one per ring, then the output */

	int user_only;                  /* kernel excluded (perf_event_paranoid) */
	int limit_hit;                  /* max_events reached */
	int round_pending;              /* live: a round with data went out last */
	uint64_t last_handoff;          /* CLOCK_MONOTONIC ns of the last full hand-over */
	uint64_t prev_max_time;         /* latest time handed to the output */
	uint64_t max_time;              /* latest time of this round */
	struct pdw *w;
	struct pdw_meta meta;
	struct pf_capture_stats st;
	struct offcpu *off;

	struct strmap dsos;             /* files mapped executable (owned names) */
};

/* ring.c */
/* Move everything the rings hold to the writer and end the round (force:
   hand the writer all of it).  0 or -1. */
int rings_drain(pf_capture *r, int force);
/* Shorten the DWARF stack copies of the records in p[0..len) to what the
   kernel filled, in place; returns the new length. */
size_t trim_stacks(const pf_capture *r, unsigned char *p, size_t len);
/* Count the samples and losses of records about to go out, note the DSOs
   they map and the latest time. */
void ring_scan(pf_capture *r, const unsigned char *p, size_t len);
/* Note a file mapped executable, for the build-id section. */
void saw_dso(void *arg, const char *path);
/* The time of record p (a sample's, or a sample_id trailer's); 0 if none. */
uint64_t record_time(const pf_capture *r, const unsigned char *p);
/* Where PERF_SAMPLE_STACK_USER starts in sample p of sample type t; 0
   when the record is too short to tell. */
size_t sample_field_at(const unsigned char *p, size_t size, uint64_t t,
		       uint64_t regs_mask, uint64_t field);

/* offcpu.c: off-CPU time from sched_switch samples (switch-out: stack,
   state) and PERF_RECORD_SWITCH records (switch-in). */
/* Set up the state, the sched_switch event (r->sched) and the offcpu-time
   event after the file's others.  Before finish_attrs().  0 or -1. */
int offcpu_init(pf_capture *r);
/* The offcpu-time attribute, once the common sample type is known. */
void offcpu_attr(pf_capture *r);
void offcpu_free(pf_capture *r);
/* Take the records offcpu consumes out of p[0..len) (compacted in place,
   returns the new length) and note them. */
size_t offcpu_take(pf_capture *r, unsigned char *p, size_t len);
/* Write the samples of the waits that ended: the bytes written, or -1. */
ssize_t offcpu_emit(pf_capture *r);

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
/* root and every process descended from it. */
int synth_tree(const struct synth *s, pid_t root);
/* Every process in /proc. */
int synth_all(const struct synth *s);
/* The kernel's text mapping ([kernel.kallsyms]_text). */
int synth_kernel_mmap(const struct synth *s);

/* buildid-cache.c: copy PATH (the kernel's kallsyms when KERNEL) into
   perf's build-id cache under build-id ID of LEN bytes.  0 or -1. */
int buildid_cache_add(const char *path, const unsigned char *id, int len, int kernel);

/* tracepoint.c */
/* The tracefs directory (mounted at /sys/kernel/tracing or under debugfs),
   or NULL (error_set: not mounted, or not readable and how to fix it). */
const char *tracefs_dir(void);
/* The id of tracepoint SYS:NAME, or -1 (error_set; errno ENOENT). */
long tracepoint_id(const char *sys, const char *name);
/* Offset and size of field NAME in the raw data of SYS:EVENT, from its
   format file.  0, or -1 (error_set). */
int tracepoint_field(const char *sys, const char *event, const char *name,
		     unsigned *offset, unsigned *size);
/* The TRACING_DATA blob perf expects for these "sys:name" tracepoints.
   Returns a malloc'd buffer (caller frees) or NULL. */
void *tracing_data_build(char *const *names, size_t n, size_t *size);

/* The in-place record filters (limit, DWARF trim, off-CPU) walk a piece
   with a read offset `in` and a write offset `out <= in`.  Keep the record
   at `in`: move it down to `out`; returns the new `out`. */
static inline size_t records_keep(unsigned char *p, size_t out, size_t in, size_t size)
{
	if (out != in)
		memmove(p + out, p + in, size);
	return out + size;
}

/* The filter stopped at `in` (a partial record, or the end): move the rest
   down too; returns the piece's final length. */
static inline size_t records_end(unsigned char *p, size_t out, size_t in, size_t len)
{
	if (in < len && out != in)
		memmove(p + out, p + in, len - in);
	return out + (len - in);
}

#endif /* PF_CAPTURE_INT_H */
