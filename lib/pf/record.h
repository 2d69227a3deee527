/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Capture: open perf events for a target, drain their ring buffers and write
 * perf's own perf.data format (a PERFILE2 file, or perf's pipe stream), so
 * that `perf script`, `perf report` and pfscript read the result.  Also the
 * counting mode behind `pfrecord --stat`.
 *
 * Lifecycle: pf_capture_open() opens the events (disabled, or armed to start
 * at the target's next exec) and writes the file's beginning;
 * pf_capture_enable() starts counting when the target already runs;
 * pf_capture_poll() moves what the kernel produced to the output, to be called
 * in a loop; pf_capture_close() drains the rest, writes the trailing sections
 * and frees the handle.  Disk writes happen in a thread of their own so a
 * slow disk does not stall the draining of the ring buffers.
 */
#ifndef PF_RECORD_H
#define PF_RECORD_H

#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_capture pf_capture;

enum pf_callgraph {
	PF_CALLGRAPH_NONE = 0,
	PF_CALLGRAPH_FP,        /* kernel-walked frame pointers (-g) */
	PF_CALLGRAPH_DWARF,     /* registers + user stack copy for unwinding */
};

struct pf_capture_opts {
	const char *events;     /* "page-faults,sched:sched_switch"; NULL: page-faults */
	uint64_t period;        /* -c: sample every Nth event; 0: the event's default */
	unsigned freq;          /* -F: samples per second; 0: the event's default */
	enum pf_callgraph callgraph;
	unsigned stack_size;    /* DWARF: user stack bytes per sample; 0: 8192 */
	int data_addr;          /* -d: record the faulting address */
	unsigned mmap_pages;    /* ring buffer data pages per buffer (power of 2); 0: default */

	/* Target: system-wide, or the listed processes/threads. */
	int system_wide;        /* -a: every CPU, every task */
	const pid_t *pids;      /* the command's pid, -p's or -t's ids */
	size_t npids;
	int threads_only;       /* -t: exactly these threads, no others of the process */
	int on_exec;            /* the target is a forked command about to exec:
	                           start at exec and follow its children */

	const char *output;     /* file name, or "-" for perf's pipe format on stdout */
	int pipe_mode;          /* write the pipe format to output even if a file */
	int argc;               /* pfrecord's own command line, for the header */
	char *const *argv;
};

/* What a recording produced, for the closing summary line. */
struct pf_capture_stats {
	uint64_t samples;       /* PERF_RECORD_SAMPLE records written */
	uint64_t lost;          /* samples the kernel dropped (PERF_RECORD_LOST) */
	uint64_t bytes;         /* bytes written to the output */
	uint64_t wakeups;       /* drain passes that moved data */
};

/* Open the events and the output.  NULL on failure with pf_errmsg() saying
   why (permission, unknown event, output file).  pf_capture_errno() then
   tells EACCES/EPERM (privileges) and ENOENT (unsupported event) apart. */
pf_capture *pf_capture_open(const struct pf_capture_opts *opts);
int pf_capture_errno(void);

/* 1 when the kernel refused kernel-space sampling (kernel.perf_event_paranoid
   without CAP_PERFMON) and only user space is recorded, as perf does. */
int pf_capture_user_only(const pf_capture *rec);

/* Start counting now (targets that already run: -p, -t, -a). */
int pf_capture_enable(pf_capture *rec);

/* Wait up to timeout_ms for data, then move everything buffered to the
   output.  Returns 1 when every monitored task has exited (the events hung
   up), 0 otherwise, -1 on an output error.  EINTR returns 0. */
int pf_capture_poll(pf_capture *rec, int timeout_ms);

/* Stop, drain, write the trailing sections and free rec (also on failure).
   stats may be NULL.  Returns 0 or -1 (e.g. disk full). */
int pf_capture_close(pf_capture *rec, struct pf_capture_stats *stats);

/* Counting mode (--stat): the counters it reports, in this order. */
enum pf_stat_counter {
	PF_STAT_PAGE_FAULTS,
	PF_STAT_MINOR_FAULTS,
	PF_STAT_MAJOR_FAULTS,
	PF_STAT_CONTEXT_SWITCHES,
	PF_STAT_NCOUNTERS
};

typedef struct pf_stat pf_stat;

/* Open counters for pid (a forked command about to exec: they start at the
   exec and include its children).  NULL on failure (pf_errmsg). */
pf_stat *pf_stat_open(pid_t pid);

/* 1 when kernel.perf_event_paranoid limited the counters to what user space
   causes (context switches then read 0). */
int pf_stat_user_only(const pf_stat *st);

/* Read the totals once the command has been reaped.  counts has
   PF_STAT_NCOUNTERS entries.  Frees st.  Returns 0 or -1. */
int pf_stat_close(pf_stat *st, uint64_t *counts);

/* The name perf uses for counter i ("page-faults", ...). */
const char *pf_stat_name(int i);

#ifdef __cplusplus
}
#endif

#endif /* PF_RECORD_H */
