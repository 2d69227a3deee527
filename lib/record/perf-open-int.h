/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one wrapper around perf_event_open(2) that capture.c and stat.c
 * share: the names of the events perf knows without tracefs, the call
 * itself, and one message naming the real cause when the kernel refuses
 * (perf_event_paranoid, ptrace permission, the locked-memory limit, an
 * event this machine lacks).  Never installed.
 */
#ifndef PF_PERF_OPEN_INT_H
#define PF_PERF_OPEN_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/perf_event.h>

/* A named software, hardware or hardware-cache event. */
struct perf_named_event {
	const char *name;
	uint32_t type;                  /* PERF_TYPE_* */
	uint64_t config;
	int clock;                      /* sampled by frequency by default */
};

/* The event called NAME (perf's spelling, aliases included), or NULL. */
const struct perf_named_event *perf_event_lookup(const char *name);

/* The names perf_event_lookup() knows, for a "try ..." hint. */
const char *perf_event_names(void);

/* perf_event_open(2) with FD_CLOEXEC: a descriptor, or -1 with errno. */
int perf_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd);

/* kernel.perf_event_paranoid, or 2 when it cannot be read. */
int perf_paranoid(void);

/* perf stat's scaling of a counter that shared the PMU with others: the
   count while it ran, extrapolated to the time it was enabled (stat.c). */
double perf_scale(uint64_t raw, uint64_t enabled, uint64_t running);

/* What the failed open was for. */
struct perf_open_target {
	pid_t pid;                      /* > 0: this task; -1: every task */
	int system_wide;                /* -a */
};

/* Record in pf_errmsg() why opening event EV for T failed with ERR. */
void perf_open_explain(const char *ev, const struct perf_open_target *t, int err);

/* Record why mapping NRINGS ring buffers of PAGES data pages each failed
   with ERR (EPERM: the locked-memory limit, which it names). */
void perf_mmap_explain(size_t pages, size_t nrings, int err);

#endif /* PF_PERF_OPEN_INT_H */
