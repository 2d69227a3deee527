/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Capture: open perf events for a target, drain their ring buffers and write
 * perf's own perf.data format (a PERFILE2 file, or perf's pipe stream), so
 * that `perf script`, `perf report` and pfscript read the result.  Also the
 * counting mode behind `pfrecord --stat`.
 *
 * Lifecycle: pf_capture_open() opens the events (disabled, or armed to start
 * at the target's next exec); pf_capture_start() creates the output, writes
 * its beginning and, for targets that already run, starts the events;
 * pf_capture_poll() moves what the kernel produced to the output, to be
 * called in a loop; pf_capture_close() drains the rest, writes the trailing
 * sections and frees the handle.  Nothing is written, and an existing
 * output file is left alone, until pf_capture_start().  Disk writes happen
 * in a thread of their own so a slow disk does not stall the draining of
 * the ring buffers.
 */
#ifndef PF_RECORD_H
#define PF_RECORD_H

#include <stddef.h>
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

enum pf_capture_flags {
	PF_CAPTURE_DATA_ADDR = 1 << 0,          /* -d: the faulting data address */
	PF_CAPTURE_SYSTEM_WIDE = 1 << 1,        /* -a: every task (of the CPUs) */
	PF_CAPTURE_THREADS_ONLY = 1 << 2,       /* -t: these threads, not their process */
	PF_CAPTURE_ON_EXEC = 1 << 3,            /* pids[0] is a forked command about to
	                                           exec: start at the exec, follow children */
	PF_CAPTURE_PIPE = 1 << 4,               /* perf's pipe format even to a file */
	PF_CAPTURE_LIVE = 1 << 5,               /* hand every poll's records to the output
	                                           (automatic on pipes, FIFOs and sockets) */
	PF_CAPTURE_ALL_USER = 1 << 6,           /* every event user space only */
	PF_CAPTURE_ALL_KERNEL = 1 << 7,         /* every event kernel only */
	PF_CAPTURE_NO_INHERIT = 1 << 8,         /* not the children the target creates */
	PF_CAPTURE_USER_CALLCHAINS = 1 << 9,    /* call chains without their kernel part */
	PF_CAPTURE_INHERIT_STAT = 1 << 10,      /* -s: per-thread counts at thread exit */
	PF_CAPTURE_OFF_CPU = 1 << 11,           /* offcpu-time samples (see below) */
	PF_CAPTURE_NO_BUILDID_CACHE = 1 << 12,  /* -N: leave ~/.debug alone */
};

struct pf_capture_opts {
	size_t size;            /* sizeof(struct pf_capture_opts), by the init */
	const char *events;     /* "page-faults,sched:sched_switch"; NULL: page-faults
	                           (none but offcpu-time with PF_CAPTURE_OFF_CPU) */
	uint64_t period;        /* -c: sample every Nth event; 0: the event's default */
	unsigned freq;          /* -F: samples per second; 0: the event's default */
	enum pf_callgraph callgraph;
	unsigned stack_size;    /* DWARF: user stack bytes per sample; 0: 8192 */
	unsigned mmap_pages;    /* ring buffer data pages per buffer (power of 2); 0: default */
	unsigned flags;         /* enum pf_capture_flags */

	/* Target: the listed processes or threads, or every task; on the
	   listed CPUs only, or all online ones. */
	const pid_t *pids;
	size_t npids;
	const int *cpus;        /* -C; NULL: every online CPU */
	size_t ncpus;

	int clockid;            /* -k: clock of the time stamps; -1: perf's clock */
	int compress_level;     /* -z: zstd level 1..22 of PERF_RECORD_COMPRESSED; 0: off */
	uint64_t max_events;    /* end after this many samples (exactly); 0: no limit */
	uint64_t off_cpu_thresh_ns;     /* PF_CAPTURE_OFF_CPU: drop shorter waits */

	const char *output;     /* file name, or "-" for perf's pipe format on stdout */
	int argc;               /* pfrecord's own command line, for the header */
	char *const *argv;
};

/* Defaults: page-faults, every fault, no call chains, output pf.data. */
void pf_capture_opts_init(struct pf_capture_opts *opts);

/* What a recording produced, for the closing summary line. */
struct pf_capture_stats {
	uint64_t samples;       /* PERF_RECORD_SAMPLE records written */
	uint64_t lost;          /* samples the kernel dropped (PERF_RECORD_LOST) */
	uint64_t lost_chunks;   /* how many times it dropped some */
	uint64_t bytes;         /* bytes of the current output so far (all at close) */
	uint64_t wakeups;       /* drain passes that moved data */
};

/* Open the events.  NULL on failure with pf_errmsg() naming the cause
   (perf_event_paranoid, the locked-memory limit, ptrace permission,
   tracefs permission, an unknown event).  Writes nothing. */
pf_capture *pf_capture_open(const struct pf_capture_opts *opts);

/* Create the output and write its beginning and the description of the
   targets that already run.  An existing regular file of that name with
   anything in it becomes FILE.old, as perf does; a FIFO without a reader
   fails at once.  Then start counting unless PF_CAPTURE_ON_EXEC armed the
   events for the command's exec.  0, or -1 (pf_errmsg). */
int pf_capture_start(pf_capture *rec);

/* 1 when the kernel refused kernel-space sampling (kernel.perf_event_paranoid
   without CAP_PERFMON) and only user space is recorded, as perf does. */
int pf_capture_user_only(const pf_capture *rec);

enum pf_capture_state {
	PF_CAPTURE_RUNNING = 0,
	PF_CAPTURE_TARGETS_GONE = 1,    /* every monitored task has exited */
	PF_CAPTURE_LIMIT = 2,           /* max_events reached */
	PF_CAPTURE_READER_GONE = 3,     /* the output is a pipe nobody reads (EPIPE) */
};

/* Wait up to timeout_ms for data, then move everything buffered to the
   output.  Returns an enum pf_capture_state, or -1 on an output error.
   EINTR returns PF_CAPTURE_RUNNING. */
int pf_capture_poll(pf_capture *rec, int timeout_ms);

/* The figures so far (bytes: of the current output file). */
void pf_capture_get_stats(const pf_capture *rec, struct pf_capture_stats *stats);

/* --switch-output: finish the current file (it stays complete and
   readable), rename it to rename_to, and go on in a new file of the
   output's name, which describes the targets afresh.  Files only.
   0, or -1 (pf_errmsg). */
int pf_capture_switch(pf_capture *rec, const char *rename_to);

/* Stop, drain, write the trailing sections and free rec (also on failure).
   stats may be NULL.  Returns 0 or -1 (e.g. disk full). */
int pf_capture_close(pf_capture *rec, struct pf_capture_stats *stats);

/*
 * Counting mode (--stat).  The default set is the fault table (page-faults,
 * minor-faults, major-faults, context-switches); opts.events names others,
 * hardware counters among them (cycles, instructions, branches,
 * branch-misses, cache-references, cache-misses, L1-dcache-loads,
 * L1-dcache-load-misses).  A task-clock counter always runs alongside for
 * the CPU utilisation.
 */
typedef struct pf_stat pf_stat;

enum pf_stat_flags {
	PF_STAT_ALL_USER = 1 << 0,      /* count user space only */
};

struct pf_stat_opts {
	size_t size;            /* sizeof(struct pf_stat_opts), by the init */
	const char *events;     /* comma list; NULL: the fault table */
	unsigned flags;         /* enum pf_stat_flags */
};

void pf_stat_opts_init(struct pf_stat_opts *opts);

/* One counter's reading. */
struct pf_stat_value {
	const char *name;       /* as given, or perf's name ("page-faults") */
	int supported;          /* 0: no such counter here (<not supported>) */
	uint64_t raw;           /* what the kernel counted while running */
	uint64_t enabled, running;      /* ns: time enabled, time on the PMU */
	double value;           /* raw scaled by enabled/running (multiplexing) */
};

/* Open counters for pid, a forked command about to exec: they start at
   the exec and include its children.  NULL on failure (pf_errmsg). */
pf_stat *pf_stat_open(pid_t pid, const struct pf_stat_opts *opts);

/* The number of counters (without the task-clock). */
size_t pf_stat_count(const pf_stat *st);

/* 1 when kernel.perf_event_paranoid limited the counters to what user space
   causes (context switches then read 0). */
int pf_stat_user_only(const pf_stat *st);

/* Read every counter once the command has been reaped: values[i] for
   i < pf_stat_count(st) (names stay valid until pf_stat_close), and the
   task-clock in ns in *task_clock_ns (NULL: not wanted).  0 or -1. */
int pf_stat_read(pf_stat *st, struct pf_stat_value *values, uint64_t *task_clock_ns);

/* Close the counters and free st. */
void pf_stat_close(pf_stat *st);

#ifdef __cplusplus
}
#endif

#endif /* PF_RECORD_H */
