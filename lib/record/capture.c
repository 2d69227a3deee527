/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Event capture over perf_event_open(2): the events named on the command
 * line, opened per CPU for the target (a command and its children through
 * inherit, the threads of -p/-t, or everything with -a), a ring buffer per
 * CPU shared by all events there (PERF_EVENT_IOC_SET_OUTPUT), and the
 * handle's lifecycle; ring.c moves the rings' records to the writer.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <pf/pf.h>
#include "symbols/buildid-int.h"
#include "record/capture-int.h"
#include "perfdata/format.h"
#include "perfdata/write-int.h"
#include "util/pf-int.h"

#define DEFAULT_PAGES   1024            /* 4 MiB a buffer: no loss at -c 1 -g */
#define DWARF_PAGES     8192            /* 32 MiB: stack copies are 8 KiB each */
/* x86-64 user registers perf asks for: all but the segment registers. */
#define DWARF_REGS_X86_64 0xff0fffULL

static _Thread_local int last_errno;

PF_EXPORT int pf_capture_errno(void)
{
	return last_errno;
}

/* ---- events */

static const struct {
	const char *name;
	uint64_t config;
	int clock;                      /* sampled by frequency by default */
} sw_events[] = {
	{ "page-faults", PERF_COUNT_SW_PAGE_FAULTS, 0 },
	{ "faults", PERF_COUNT_SW_PAGE_FAULTS, 0 },
	{ "minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN, 0 },
	{ "major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ, 0 },
	{ "cpu-clock", PERF_COUNT_SW_CPU_CLOCK, 1 },
	{ "task-clock", PERF_COUNT_SW_TASK_CLOCK, 1 },
	{ "context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES, 0 },
	{ "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 0 },
	{ "cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS, 0 },
	{ "migrations", PERF_COUNT_SW_CPU_MIGRATIONS, 0 },
};

static int sw_event(const char *name)
{
	for (size_t i = 0; i < sizeof sw_events / sizeof sw_events[0]; i++)
		if (strcmp(name, sw_events[i].name) == 0)
			return i;
	return -1;
}

/* Split perf's privilege-level modifiers off an event name, as in
   "page-faults:u" or "sched:sched_switch:k": u user, k kernel, h hypervisor.
   base receives the name without them; returns the modifiers ("" if none). */
static const char *split_modifiers(const char *name, char *base, size_t size)
{
	const char *colon = strrchr(name, ':');

	snprintf(base, size, "%s", name);
	if (!colon || !colon[1] || strspn(colon + 1, "ukh") != strlen(colon + 1) ||
	    (size_t)(colon - name) >= size)
		return "";
	base[colon - name] = 0;
	if (!strchr(base, ':') && sw_event(base) < 0) {
		snprintf(base, size, "%s", name);       /* a tracepoint sys:u */
		return "";
	}
	return colon + 1;
}

static int add_event(pf_capture *r, const char *full)
{
	struct pdw_event *e;
	int clock = 0;
	char *name = r->base[r->nev % MAX_EVENTS];
	const char *mods = split_modifiers(full, name, sizeof r->base[0]);

	if (r->nev == MAX_EVENTS) {
		error_set("%s: too many events (at most %d)", name, MAX_EVENTS);
		last_errno = EINVAL;
		return -1;
	}
	e = &r->ev[r->nev];
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", full);
	e->attr.size = PERFDATA_ATTR_SIZE;
	if (*mods) {
		e->attr.exclude_user = !strchr(mods, 'u');
		e->attr.exclude_kernel = !strchr(mods, 'k');
		e->attr.exclude_hv = !strchr(mods, 'h');
	}
	if (strchr(name, ':')) {
		char sys[128];
		const char *colon = strchr(name, ':');
		size_t sl = colon - name;
		long id;

		if (sl == 0 || sl >= sizeof sys || !colon[1]) {
			error_set("%s: bad tracepoint name (want subsystem:event)", full);
			last_errno = ENOENT;
			return -1;
		}
		memcpy(sys, name, sl);
		sys[sl] = 0;
		id = tracepoint_id(sys, colon + 1);
		if (id < 0) {
			last_errno = ENOENT;
			return -1;
		}
		e->attr.type = PERF_TYPE_TRACEPOINT;
		e->attr.config = id;
		r->tp_names[r->ntp++] = name;
	} else {
		int i = sw_event(name);

		if (i < 0) {
			error_set("%s: unknown event (try page-faults, minor-faults, major-faults, "
				  "cpu-clock, task-clock, context-switches, cpu-migrations "
				  "or a tracepoint subsys:name)", full);
			last_errno = ENOENT;
			return -1;
		}
		e->attr.type = PERF_TYPE_SOFTWARE;
		e->attr.config = sw_events[i].config;
		clock = sw_events[i].clock;
	}
	if (r->o.period) {
		e->attr.sample_period = r->o.period;
	} else if (r->o.freq || clock) {
		e->attr.freq = 1;
		e->attr.sample_freq = r->o.freq ? r->o.freq : 99;
	} else {
		e->attr.sample_period = 1;
	}
	r->nev++;
	return 0;
}

static int parse_events(pf_capture *r)
{
	const char *list = r->o.events && *r->o.events ? r->o.events : "page-faults";
	char *copy = strdup(list), *save = NULL;
	int rc = 0;

	if (!copy) {
		error_set("out of memory");
		return -1;
	}
	for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save))
		rc = add_event(r, t);
	free(copy);
	return rc;
}

/* The attribute fields every event shares; the first one also asks for the
   side-band records (mmap, comm, fork/exit). */
static void finish_attrs(pf_capture *r, size_t ring_bytes)
{
	uint64_t t = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU;

	/* A fixed period is in the attribute already; only frequency mode
	   varies it from sample to sample (perf does the same). */
	for (size_t i = 0; i < r->nev; i++)
		if (r->ev[i].attr.freq)
			t |= PERF_SAMPLE_PERIOD;
	if (r->nev > 1)
		t |= PERF_SAMPLE_IDENTIFIER;
	if (r->o.callgraph != PF_CALLGRAPH_NONE)
		t |= PERF_SAMPLE_CALLCHAIN;
	if (r->o.callgraph == PF_CALLGRAPH_DWARF)
		t |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	if (r->o.data_addr)
		t |= PERF_SAMPLE_ADDR;
	r->sample_type = t;
	r->time_at = sizeof(struct perf_event_header) + 16 + (r->nev > 1 ? 8 : 0);
	/* Every sample has the same layout unless tracepoints add RAW. */
	r->trim = r->o.callgraph == PF_CALLGRAPH_DWARF && r->ntp == 0;
	for (size_t i = 0; i < r->nev; i++) {
		struct perf_event_attr *a = &r->ev[i].attr;

		a->sample_type = t | (a->type == PERF_TYPE_TRACEPOINT ? PERF_SAMPLE_RAW : 0);
		a->read_format = PERF_FORMAT_ID;
		a->disabled = 1;
		a->inherit = !r->o.system_wide && !r->o.threads_only;
		a->enable_on_exec = r->o.on_exec;
		a->sample_id_all = 1;
		a->exclude_guest = 1;
		a->watermark = 1;
		a->wakeup_watermark = ring_bytes / 4;
		if (r->o.callgraph == PF_CALLGRAPH_DWARF) {
			a->exclude_callchain_user = 1;
			a->sample_regs_user = DWARF_REGS_X86_64;
			a->sample_stack_user = r->o.stack_size ? (r->o.stack_size + 7) & ~7u : 8192;
		}
		if (i == 0) {
			a->mmap = 1;
			a->mmap2 = 1;
			a->comm = 1;
			a->comm_exec = 1;
			a->task = 1;
			/* perf's DWARF unwinder needs the [stack] mapping too. */
			a->mmap_data = r->o.data_addr || r->o.callgraph == PF_CALLGRAPH_DWARF;
		}
	}
}

/* ---- targets */

struct slot {
	pid_t pid;
	int cpu;
	size_t ring;                    /* where its records go */
};

static int online_cpus(int *cpus, int max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int n = 0, a, b;
	char sep;

	if (f) {
		while (n < max && fscanf(f, "%d", &a) == 1) {
			b = a;
			if (fscanf(f, "%c", &sep) == 1 && sep == '-' && fscanf(f, "%d%c", &b, &sep) < 1)
				break;
			for (int c = a; c <= b && n < max; c++)
				cpus[n++] = c;
			if (sep != ',')
				break;
		}
		fclose(f);
	}
	if (n == 0) {
		long k = sysconf(_SC_NPROCESSORS_ONLN);
		for (n = 0; n < k && n < max; n++)
			cpus[n] = n;
	}
	return n;
}

/* Threads of pid from /proc/PID/task, appended to *s. */
static size_t add_threads(pid_t pid, struct slot **s, size_t n, size_t *cap)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return n;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		if (n == *cap) {
			struct slot *t = realloc(*s, (*cap = *cap * 2 + 16) * sizeof **s);
			if (!t)
				break;
			*s = t;
		}
		(*s)[n++].pid = atoi(d->d_name);
	}
	closedir(dir);
	return n;
}

/* The kernel refuses to mmap inherited per-task events (all children would
   share one buffer), so tasks are followed per CPU like perf does: a slot
   per (task, CPU), with one ring per CPU shared through SET_OUTPUT. */
static struct slot *make_slots(pf_capture *r, size_t *n)
{
	static int cpus[4096];
	struct slot *s = NULL, *tasks = NULL;
	size_t cap = 0, k = 0, nt = 0;
	int nc = online_cpus(cpus, 4096);

	if (r->o.system_wide || r->o.on_exec) {
		nt = 1;
		tasks = calloc(1, sizeof *tasks);
		if (tasks)
			tasks[0].pid = r->o.system_wide ? -1 : r->o.pids[0];
	} else if (r->o.threads_only) {
		tasks = calloc(r->o.npids, sizeof *tasks);
		for (size_t i = 0; tasks && i < r->o.npids; i++)
			tasks[nt++].pid = r->o.pids[i];
	} else {
		for (size_t i = 0; i < r->o.npids; i++)
			nt = add_threads(r->o.pids[i], &tasks, nt, &cap);
	}
	if (nt == 0 || !tasks) {
		free(tasks);
		if (r->o.npids)
			error_set("%d: no such process", (int)r->o.pids[0]);
		else
			error_set("out of memory");
		last_errno = ESRCH;
		return NULL;
	}
	s = calloc(nt * nc, sizeof *s);
	for (size_t t = 0; s && t < nt; t++)
		for (int c = 0; c < nc; c++)
			s[k++] = (struct slot){ tasks[t].pid, cpus[c], c };
	free(tasks);
	if (!s) {
		error_set("out of memory");
		return NULL;
	}
	r->nrings = nc;
	*n = k;
	return s;
}

static void explain_open_error(const char *ev, int err)
{
	last_errno = err;
	if (err == EACCES || err == EPERM) {
		int level = 99;
		FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");

		if (f) {
			if (fscanf(f, "%d", &level) != 1)
				level = 99;
			fclose(f);
		}
		error_set("%s: perf_event_open: permission denied (kernel.perf_event_paranoid is %d): "
			  "run as root or with CAP_PERFMON, or lower it with "
			  "'sysctl kernel.perf_event_paranoid=1'", ev, level);
	} else if (err == ENOENT || err == EOPNOTSUPP || err == ENODEV) {
		error_set("%s: event not supported by this kernel or machine", ev);
	} else if (err == ESRCH) {
		error_set("%s: no such process", ev);
	} else {
		error_set_errno(err, "%s: perf_event_open", ev);
	}
}

static int map_ring(pf_capture *r, struct ring *ring, int fd)
{
	size_t page = sysconf(_SC_PAGESIZE);
	size_t pages = r->o.mmap_pages ? r->o.mmap_pages
		: r->o.callgraph == PF_CALLGRAPH_DWARF ? DWARF_PAGES : DEFAULT_PAGES;
	void *p = MAP_FAILED;

	/* Unprivileged users are held to perf_event_mlock_kb: fall back to
	   perf's own default of 512 KiB rather than fail. */
	while (p == MAP_FAILED) {
		p = mmap(NULL, (pages + 1) * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED)
			break;
		if (errno != EPERM || r->o.mmap_pages || pages <= 128) {
			error_set_errno(errno, "mmap of a %zu-page ring buffer", pages);
			last_errno = errno;
			return -1;
		}
		pages = 128;
	}
	ring->meta = p;
	ring->data = (unsigned char *)p + page;
	ring->size = pages * page;
	ring->fd = fd;
	return 0;
}

static int open_events(pf_capture *r, const struct slot *s)
{
	size_t n = r->nslots, opened = 0;

	r->fds = malloc(r->nev * n * sizeof *r->fds);
	r->rings = calloc(r->nrings, sizeof *r->rings);
	r->pfd = calloc(r->nrings, sizeof *r->pfd);
	if (!r->fds || !r->rings || !r->pfd) {
		error_set("out of memory");
		return -1;
	}
	for (size_t i = 0; i < r->nev * n; i++)
		r->fds[i] = -1;
	for (size_t e = 0; e < r->nev; e++) {
		r->ev[e].ids = calloc(n, sizeof(uint64_t));
		if (!r->ev[e].ids) {
			error_set("out of memory");
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct ring *ring = &r->rings[s[i].ring];

		for (size_t e = 0; e < r->nev; e++) {
			int fd = syscall(SYS_perf_event_open, &r->ev[e].attr, s[i].pid, s[i].cpu,
					 -1, PERF_FLAG_FD_CLOEXEC);
			uint64_t id;

			/* A thread of -p that exited since /proc listed it. */
			if (fd < 0 && errno == ESRCH && !r->o.on_exec && r->o.npids)
				break;
			if (fd < 0) {
				explain_open_error(r->ev[e].name, errno);
				return -1;
			}
			r->fds[e * n + i] = fd;
			if (!ring->meta ? map_ring(r, ring, fd) != 0
			    : ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, ring->fd) != 0) {
				if (ring->meta)
					error_set_errno(errno, "%s: redirecting output", r->ev[e].name);
				return -1;
			}
			if (ioctl(fd, PERF_EVENT_IOC_ID, &id) != 0) {
				error_set_errno(errno, "%s: reading the event id", r->ev[e].name);
				return -1;
			}
			r->ev[e].ids[r->ev[e].nids++] = id;
			opened++;
		}
	}
	if (opened == 0) {
		explain_open_error(r->ev[0].name, ESRCH);
		return -1;
	}
	return 0;
}

/* ---- the handle */

static pid_t tgid_of(pid_t tid)
{
	char path[64], line[256];
	FILE *f;
	pid_t tgid = tid;

	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return tid;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

static int describe_targets(pf_capture *r)
{
	struct synth s = { r->w, r->sample_type,
		r->o.data_addr || r->o.callgraph == PF_CALLGRAPH_DWARF, saw_dso, r };
	int rc = synth_kernel_mmap(&s);

	if (rc == 0 && r->o.system_wide)
		rc = synth_all(&s);
	else if (rc == 0 && !r->o.on_exec)
		for (size_t i = 0; rc == 0 && i < r->o.npids; i++)
			rc = r->o.threads_only ? synth_process(&s, tgid_of(r->o.pids[i]), r->o.pids[i])
				: synth_process(&s, r->o.pids[i], 0);
	return rc ? rc : pdw_round(r->w, 1);
}

/* Undo open_events(). */
static void close_events(pf_capture *r)
{
	size_t page = sysconf(_SC_PAGESIZE);

	for (size_t i = 0; r->rings && i < r->nrings; i++)
		if (r->rings[i].meta)
			munmap(r->rings[i].meta, r->rings[i].size + page);
	for (size_t i = 0; r->fds && i < r->nev * r->nslots; i++)
		if (r->fds[i] >= 0)
			close(r->fds[i]);
	for (size_t e = 0; e < r->nev; e++) {
		free(r->ev[e].ids);
		r->ev[e].ids = NULL;
		r->ev[e].nids = 0;
	}
	free(r->fds);
	free(r->rings);
	free(r->pfd);
	r->fds = NULL;
	r->rings = NULL;
	r->pfd = NULL;
}

static void free_record(pf_capture *r)
{
	close_events(r);
	struct strmap_entry *e;

	STRMAP_EACH(&r->dsos, e)
		free((char *)e->name);
	strmap_release(&r->dsos);
	free(r->tracing);
	free(r);
}

PF_EXPORT pf_capture *pf_capture_open(const struct pf_capture_opts *opts)
{
	pf_capture *r = calloc(1, sizeof *r);
	struct slot *slots = NULL;
	size_t page = sysconf(_SC_PAGESIZE);

	last_errno = 0;
	if (!r) {
		error_set("out of memory");
		return NULL;
	}
	if (strmap_init(&r->dsos) < 0) {
		free(r);
		return NULL;
	}
	r->o = *opts;
	if (!r->o.output)
		r->o.output = "pf.data";
	if ((!r->o.system_wide && r->o.npids == 0) ||
	    (r->o.mmap_pages & (r->o.mmap_pages - 1))) {
		error_set(r->o.npids ? "ring buffer pages must be a power of 2" : "no target");
		last_errno = EINVAL;
		goto fail;
	}
	if (parse_events(r) != 0)
		goto fail;
	finish_attrs(r, (r->o.mmap_pages ? r->o.mmap_pages
			 : r->o.callgraph == PF_CALLGRAPH_DWARF ? DWARF_PAGES : DEFAULT_PAGES) * page);
	if (!(slots = make_slots(r, &r->nslots)))
		goto fail;
	if (open_events(r, slots) != 0) {
		/* Like perf: where kernel.perf_event_paranoid keeps users out
		   of the kernel, record user space only rather than nothing. */
		if ((last_errno != EACCES && last_errno != EPERM) || r->user_only)
			goto fail;
		close_events(r);
		r->user_only = 1;
		for (size_t e = 0; e < r->nev; e++) {
			r->ev[e].attr.exclude_kernel = 1;
			r->ev[e].attr.exclude_hv = 1;
		}
		char msg[512];
		snprintf(msg, sizeof msg, "%s", pf_errmsg());
		if (open_events(r, slots) != 0) {
			error_set("%s", msg);
			last_errno = EACCES;
			goto fail;
		}
	}
	free(slots);
	slots = NULL;
	if (r->ntp && !(r->tracing = tracing_data_build(r->tp_names, r->ntp, &r->tracing_size)))
		goto fail;
	r->meta = (struct pdw_meta){ .events = r->ev, .nevents = r->nev,
		.argc = r->o.argc, .argv = r->o.argv,
		.tracing_data = r->tracing, .tracing_size = r->tracing_size };
	if (strcmp(r->o.output, "-") == 0)
		r->w = pdw_open("stdout", STDOUT_FILENO, 1, &r->meta);
	else
		r->w = pdw_open(r->o.output, -1, r->o.pipe_mode, &r->meta);
	if (!r->w || describe_targets(r) != 0)
		goto fail;
	return r;
fail:
	free(slots);
	if (r->w)
		pdw_close(r->w, &r->meta, NULL, 0, NULL);
	free_record(r);
	return NULL;
}

static int ioctl_all(pf_capture *r, unsigned long req)
{
	for (size_t i = 0; i < r->nev * r->nslots; i++)
		if (r->fds[i] >= 0 && ioctl(r->fds[i], req, 0) != 0) {
			error_set_errno(errno, "%s", r->ev[i / r->nslots].name);
			return -1;
		}
	return 0;
}

PF_EXPORT int pf_capture_user_only(const pf_capture *r)
{
	return r->user_only;
}

PF_EXPORT int pf_capture_enable(pf_capture *r)
{
	return ioctl_all(r, PERF_EVENT_IOC_ENABLE);
}

PF_EXPORT int pf_capture_poll(pf_capture *r, int timeout_ms)
{
	struct pollfd *pfd = r->pfd;
	size_t hup = 0;

	for (size_t i = 0; i < r->nrings; i++)
		pfd[i] = (struct pollfd){ r->rings[i].meta ? r->rings[i].fd : -1, POLLIN, 0 };
	if (poll(pfd, r->nrings, timeout_ms) < 0 && errno != EINTR) {
		error_set_errno(errno, "poll");
		return -1;
	}
	for (size_t i = 0; i < r->nrings; i++)
		hup += !r->rings[i].meta || (pfd[i].revents & (POLLHUP | POLLERR)) != 0;
	if (rings_drain(r, 0) != 0)
		return -1;
	return hup == r->nrings;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct pdw_build_id *)a)->path,
		      ((const struct pdw_build_id *)b)->path);
}

static void collect_build_ids(pf_capture *r, struct pdw_build_id **out, size_t *n)
{
	struct pdw_build_id *ids = calloc(r->dsos.t.used + 1, sizeof *ids);
	struct strmap_entry *e;
	size_t k = 0;
	int len;

	*out = ids;
	*n = 0;
	if (!ids)
		return;
	if ((len = buildid_of_kernel(ids[k].id)) > 0) {
		ids[k].path = "[kernel.kallsyms]";
		ids[k].kernel = 1;
		ids[k++].len = len;
	}
	STRMAP_EACH(&r->dsos, e)
		if ((len = buildid_of_file(e->name, ids[k].id)) > 0) {
			ids[k].path = e->name;
			ids[k++].len = len;
		}
	/* Hash order is not deterministic across runs: sort by path. */
	qsort(ids, k, sizeof *ids, by_path);
	*n = k;
}

PF_EXPORT int pf_capture_close(pf_capture *r, struct pf_capture_stats *stats)
{
	struct pdw_build_id *ids;
	size_t nids;
	int rc;

	ioctl_all(r, PERF_EVENT_IOC_DISABLE);
	rc = rings_drain(r, 1);
	collect_build_ids(r, &ids, &nids);
	if (pdw_close(r->w, &r->meta, ids, nids, &r->st.bytes) != 0)
		rc = -1;
	free(ids);
	if (stats)
		*stats = r->st;
	free_record(r);
	return rc;
}
