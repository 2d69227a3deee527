/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * perf_event_open(2) for capture.c and stat.c: the event names perf knows
 * without tracefs (tools/perf/util/parse-events.c's tables), the system
 * call, and the explanation of a refusal.  The kernel answers EACCES for
 * several unrelated causes, so the message is chosen from what is known
 * about the target: -a needs perf_event_paranoid <= 0; another user's
 * process needs ptrace permission, which no paranoid setting gives; a ring
 * buffer over the locked-memory limit is refused by mmap with EPERM.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "util/pf-int.h"
#include "record/perf-open-int.h"

#define HW_CACHE(cache, op, result) \
	((PERF_COUNT_HW_CACHE_##cache) | (PERF_COUNT_HW_CACHE_OP_##op << 8) | \
	 (PERF_COUNT_HW_CACHE_RESULT_##result << 16))

static const struct perf_named_event events[] = {
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 0 },
	{ "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 0 },
	{ "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, 0 },
	{ "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 0 },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, 1 },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 1 },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 0 },
	{ "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 0 },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, 0 },
	{ "migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, 0 },
	{ "alignment-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS, 0 },
	{ "emulation-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS, 0 },
	{ "dummy", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY, 0 },
	/* Hardware events: sampled at perf's default 4000 Hz. */
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 1 },
	{ "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 1 },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1 },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 1 },
	{ "branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 1 },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, 1 },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, 1 },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, 1 },
	{ "bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, 1 },
	{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, 1 },
	{ "stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1 },
	{ "stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1 },
	{ "L1-dcache-loads", PERF_TYPE_HW_CACHE, HW_CACHE(L1D, READ, ACCESS), 1 },
	{ "L1-dcache-load-misses", PERF_TYPE_HW_CACHE, HW_CACHE(L1D, READ, MISS), 1 },
	{ "L1-dcache-stores", PERF_TYPE_HW_CACHE, HW_CACHE(L1D, WRITE, ACCESS), 1 },
	{ "L1-icache-load-misses", PERF_TYPE_HW_CACHE, HW_CACHE(L1I, READ, MISS), 1 },
	{ "LLC-loads", PERF_TYPE_HW_CACHE, HW_CACHE(LL, READ, ACCESS), 1 },
	{ "LLC-load-misses", PERF_TYPE_HW_CACHE, HW_CACHE(LL, READ, MISS), 1 },
	{ "dTLB-loads", PERF_TYPE_HW_CACHE, HW_CACHE(DTLB, READ, ACCESS), 1 },
	{ "dTLB-load-misses", PERF_TYPE_HW_CACHE, HW_CACHE(DTLB, READ, MISS), 1 },
	{ "iTLB-loads", PERF_TYPE_HW_CACHE, HW_CACHE(ITLB, READ, ACCESS), 1 },
	{ "iTLB-load-misses", PERF_TYPE_HW_CACHE, HW_CACHE(ITLB, READ, MISS), 1 },
};

const struct perf_named_event *perf_event_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
		if (strcmp(name, events[i].name) == 0)
			return &events[i];
	return NULL;
}

const char *perf_event_names(void)
{
	return "page-faults, minor-faults, major-faults, cpu-clock, task-clock, "
	       "context-switches, cpu-migrations, cycles, instructions, branches, "
	       "branch-misses, cache-references, cache-misses, L1-dcache-load-misses "
	       "or a tracepoint subsys:name";
}

int perf_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, PERF_FLAG_FD_CLOEXEC);
}

static long read_long(const char *path, long dflt)
{
	FILE *f = fopen(path, "re");
	long v = dflt;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

int perf_paranoid(void)
{
	return (int)read_long("/proc/sys/kernel/perf_event_paranoid", 2);
}

/* Whether the effective capability set holds CAP (CapEff of
   /proc/self/status), so root in a container is not taken for privileged. */
static int have_cap(int cap)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long eff = 0;

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff >> cap) & 1;
}

#define CAP_SYS_PTRACE_BIT      19
#define CAP_SYS_ADMIN_BIT       21
#define CAP_PERFMON_BIT         38

/* The named event EV is, modifiers (":u") aside; NULL for a tracepoint. */
static const struct perf_named_event *named_event(const char *ev)
{
	const char *colon = strrchr(ev, ':');
	char base[128];

	if (!colon || strspn(colon + 1, "ukh") != strlen(colon + 1))
		return perf_event_lookup(ev);
	snprintf(base, sizeof base, "%.*s", (int)(colon - ev), ev);
	return perf_event_lookup(base);
}

void perf_open_explain(const char *ev, const struct perf_open_target *t, int err)
{
	const struct perf_named_event *named = named_event(ev);
	struct stat st;

	if (err == EACCES || err == EPERM) {
		int level = perf_paranoid();

		/* Another user's process (or a setuid one: /proc/PID then
		   belongs to root) takes ptrace access; no paranoid level
		   gives it. */
		if (t->pid > 0 && !have_cap(CAP_SYS_PTRACE_BIT)) {
			char path[64];

			snprintf(path, sizeof path, "/proc/%d", (int)t->pid);
			if (stat(path, &st) == 0 && st.st_uid != geteuid()) {
				error_set("%s: perf_event_open: permission denied: process %d belongs to "
					  "uid %u, not to you: recording another user's process takes "
					  "ptrace permission over it, which kernel.perf_event_paranoid "
					  "does not give; run as its owner, or as root (CAP_SYS_PTRACE)",
					  ev, (int)t->pid, (unsigned)st.st_uid);
				return;
			}
		}
		/* A tracepoint's raw data is for paranoid -1 (perf_trace_event_perm). */
		if (strchr(ev, ':') && !named && level > -1) {
			error_set("%s: perf_event_open: permission denied: tracepoints need "
				  "kernel.perf_event_paranoid -1 (it is %d), or root or CAP_PERFMON: "
				  "'sysctl kernel.perf_event_paranoid=-1'", ev, level);
			return;
		}
		if (t->system_wide && level > 0 && !have_cap(CAP_PERFMON_BIT) &&
		    !have_cap(CAP_SYS_ADMIN_BIT)) {
			error_set("%s: perf_event_open: permission denied: -a needs "
				  "kernel.perf_event_paranoid 0 or lower (it is %d), or root or "
				  "CAP_PERFMON: 'sysctl kernel.perf_event_paranoid=0'", ev, level);
			return;
		}
		error_set("%s: perf_event_open: permission denied (kernel.perf_event_paranoid is %d): "
			  "run as root or with CAP_PERFMON, or lower it with "
			  "'sysctl kernel.perf_event_paranoid=%d'", ev, level, level > 2 ? 2 : 1);
	} else if (err == ENOENT || err == EOPNOTSUPP || err == ENODEV) {
		if (named && named->type != PERF_TYPE_SOFTWARE)
			error_set("%s: not supported: this machine has no hardware counter for it "
				  "(a virtual machine without a PMU?)", ev);
		else
			error_set("%s: event not supported by this kernel or machine", ev);
	} else if (err == ESRCH) {
		if (t->pid > 0)
			error_set("%d: no such process", (int)t->pid);
		else
			error_set("%s: no such process", ev);
	} else if (err == EMFILE) {
		error_set_errno(err, "%s: perf_event_open (one descriptor per event, CPU and "
				"thread: raise 'ulimit -n')", ev);
	} else {
		error_set_errno(err, "%s: perf_event_open", ev);
	}
}

void perf_mmap_explain(size_t pages, size_t nrings, int err)
{
	long page_kb = sysconf(_SC_PAGESIZE) / 1024;
	long mlock_kb = read_long("/proc/sys/kernel/perf_event_mlock_kb", 516);
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct rlimit rl;

	if (err != EPERM) {
		error_set_errno(err, "mmap of a %zu-page ring buffer", pages);
		return;
	}
	if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0)
		rl.rlim_cur = 0;
	/* The kernel allows perf_event_mlock_kb per online CPU, then charges
	   the rest to RLIMIT_MEMLOCK (kernel/events/core.c, perf_mmap). */
	unsigned long long allowed = (unsigned long long)mlock_kb * (ncpus > 0 ? ncpus : 1) +
		(rl.rlim_cur == RLIM_INFINITY ? 0 : rl.rlim_cur / 1024);
	size_t fit = 0;

	for (size_t p = 1; p <= pages && (p + 1) * page_kb * nrings <= allowed; p *= 2)
		fit = p;
	char memlock[32];
	if (rl.rlim_cur == RLIM_INFINITY)
		snprintf(memlock, sizeof memlock, "unlimited");
	else
		snprintf(memlock, sizeof memlock, "%llu KiB", (unsigned long long)rl.rlim_cur / 1024);
	char hint[64] = "";
	if (fit)
		snprintf(hint, sizeof hint, "use a smaller -m such as -m %zu, or ", fit);
	error_set("ring buffers of %zu pages (%zu KiB) on %zu CPUs or threads exceed the locked-memory "
		  "limit for perf (kernel.perf_event_mlock_kb is %ld per CPU, 'ulimit -l' is %s): "
		  "%sraise it with 'sysctl kernel.perf_event_mlock_kb=%llu'",
		  pages, pages * (size_t)page_kb, nrings, mlock_kb, memlock, hint,
		  (unsigned long long)(pages + 1) * page_kb * nrings / (ncpus > 0 ? ncpus : 1) + 1);
}
