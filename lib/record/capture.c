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
#include <sys/stat.h>

#include <pf/pf.h>
#include "symbols/buildid-int.h"
#include "record/capture-int.h"
#include "record/perf-open-int.h"
#include "perfdata/format.h"
#include "perfdata/write-int.h"
#include "util/pf-int.h"

#define DEFAULT_PAGES   1024            /* 4 MiB a buffer: no loss at -c 1 -g */
#define DWARF_PAGES     8192            /* 32 MiB: stack copies are 8 KiB each */
#define FALLBACK_PAGES  128             /* perf's default, within perf_event_mlock_kb */
/* x86-64 user registers perf asks for: all but the segment registers. */
#define DWARF_REGS_X86_64 0xff0fffULL

PF_EXPORT void pf_capture_opts_init(struct pf_capture_opts *o)
{
	memset(o, 0, sizeof *o);
	o->size = sizeof *o;
	o->clockid = -1;
	o->output = "pf.data";
}

/* The events opened on the kernel: those asked for, then sched_switch. */
static struct pdw_event *opened(pf_capture *r, size_t e)
{
	return e < r->nuser ? &r->ev[e] : &r->sched;
}

/* ---- events */

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
	if (!strchr(base, ':') && !perf_event_lookup(base)) {
		snprintf(base, size, "%s", name);       /* a tracepoint sys:u */
		return "";
	}
	return colon + 1;
}

/* Fill e for tracepoint SYS:NAME. */
static int tracepoint_event(struct pdw_event *e, const char *name, const char *full)
{
	const char *colon = strchr(name, ':');
	size_t sl = colon - name;
	char sys[128];
	long id;

	if (sl == 0 || sl >= sizeof sys || !colon[1]) {
		error_set("%s: bad tracepoint name (want subsystem:event)", full);
		return -1;
	}
	memcpy(sys, name, sl);
	sys[sl] = 0;
	if ((id = tracepoint_id(sys, colon + 1)) < 0)
		return -1;
	e->attr.type = PERF_TYPE_TRACEPOINT;
	e->attr.config = id;
	return 0;
}

static int add_event(pf_capture *r, const char *full)
{
	struct pdw_event *e;
	int clock = 0;
	char *name = r->base[r->nuser % MAX_EVENTS];
	const char *mods = split_modifiers(full, name, sizeof r->base[0]);

	if (r->nuser == MAX_EVENTS) {
		error_set("%s: too many events (at most %d)", name, MAX_EVENTS);
		return -1;
	}
	e = &r->ev[r->nuser];
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", full);
	e->attr.size = PERFDATA_ATTR_SIZE;
	if (*mods) {
		e->attr.exclude_user = !strchr(mods, 'u');
		e->attr.exclude_kernel = !strchr(mods, 'k');
		e->attr.exclude_hv = !strchr(mods, 'h');
	}
	if (strchr(name, ':')) {
		if (tracepoint_event(e, name, full) != 0)
			return -1;
		r->tp_names[r->ntp++] = name;
	} else {
		const struct perf_named_event *n = perf_event_lookup(name);

		if (!n) {
			error_set("%s: unknown event (try %s)", full, perf_event_names());
			return -1;
		}
		e->attr.type = n->type;
		e->attr.config = n->config;
		clock = n->clock;
	}
	if (e->attr.type == PERF_TYPE_SOFTWARE && e->attr.config == PERF_COUNT_SW_DUMMY) {
		e->attr.sample_period = 1;      /* side-band only: never samples */
	} else if (r->o.period) {
		e->attr.sample_period = r->o.period;
	} else if (r->o.freq || clock) {
		e->attr.freq = 1;
		e->attr.sample_freq = r->o.freq ? r->o.freq
			: e->attr.type == PERF_TYPE_SOFTWARE ? 99 : 4000;
	} else {
		e->attr.sample_period = 1;
	}
	r->nuser++;
	return 0;
}

static int parse_events(pf_capture *r)
{
	const char *list = r->o.events && *r->o.events ? r->o.events
		: r->o.flags & PF_CAPTURE_OFF_CPU ? "dummy" : "page-faults";
	char *copy = strdup(list), *save = NULL;
	int rc = 0;

	if (!copy) {
		error_set("out of memory");
		return -1;
	}
	for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save))
		rc = add_event(r, t);
	free(copy);
	r->nev = r->nopen = r->nuser;
	return rc;
}

static size_t ring_pages(const pf_capture *r)
{
	return r->o.mmap_pages ? r->o.mmap_pages
		: r->o.callgraph == PF_CALLGRAPH_DWARF ? DWARF_PAGES : DEFAULT_PAGES;
}

/* The attribute fields every opened event shares; the first one also asks
   for the side-band records (mmap, comm, fork/exit, context switches). */
static void finish_attrs(pf_capture *r, size_t ring_bytes)
{
	uint64_t t = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU;
	unsigned f = r->o.flags;

	/* A fixed period is in the attribute already; only frequency mode
	   varies it from sample to sample (perf does the same). */
	for (size_t i = 0; i < r->nopen; i++)
		if (opened(r, i)->attr.freq)
			t |= PERF_SAMPLE_PERIOD;
	if (r->nopen > 1 || r->nev > 1)
		t |= PERF_SAMPLE_IDENTIFIER;
	if (r->o.callgraph != PF_CALLGRAPH_NONE)
		t |= PERF_SAMPLE_CALLCHAIN;
	if (r->o.callgraph == PF_CALLGRAPH_DWARF)
		t |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	if (f & PF_CAPTURE_DATA_ADDR)
		t |= PERF_SAMPLE_ADDR;
	r->sample_type = t;
	r->time_at = sizeof(struct perf_event_header) + 16 + (t & PERF_SAMPLE_IDENTIFIER ? 8 : 0);
	/* Every sample has the same layout unless tracepoints add RAW. */
	r->trim = r->o.callgraph == PF_CALLGRAPH_DWARF && r->ntp == 0 && !(f & PF_CAPTURE_OFF_CPU);
	for (size_t i = 0; i < r->nopen; i++) {
		struct perf_event_attr *a = &opened(r, i)->attr;

		a->sample_type = t | (a->type == PERF_TYPE_TRACEPOINT ? PERF_SAMPLE_RAW : 0);
		a->read_format = PERF_FORMAT_ID;
		a->disabled = 1;
		a->inherit = !(f & (PF_CAPTURE_SYSTEM_WIDE | PF_CAPTURE_THREADS_ONLY |
				    PF_CAPTURE_NO_INHERIT));
		a->inherit_stat = a->inherit && (f & PF_CAPTURE_INHERIT_STAT);
		a->enable_on_exec = !!(f & PF_CAPTURE_ON_EXEC);
		a->sample_id_all = 1;
		a->exclude_guest = 1;
		a->watermark = 1;
		a->wakeup_watermark = ring_bytes / 4;
		if (f & PF_CAPTURE_ALL_USER)
			a->exclude_kernel = a->exclude_hv = 1;
		if (f & PF_CAPTURE_ALL_KERNEL)
			a->exclude_user = 1;
		if (f & PF_CAPTURE_USER_CALLCHAINS)
			a->exclude_callchain_kernel = 1;
		if (r->o.clockid >= 0) {
			a->use_clockid = 1;
			a->clockid = r->o.clockid;
		}
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
			a->context_switch = !!(f & PF_CAPTURE_OFF_CPU);
			/* perf's DWARF unwinder needs the [stack] mapping too. */
			a->mmap_data = (f & PF_CAPTURE_DATA_ADDR) || r->o.callgraph == PF_CALLGRAPH_DWARF;
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

/* Threads of pid from /proc/PID/task, appended to *tids. */
static int add_threads(pid_t pid, pid_t **tids, size_t *n, size_t *cap)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;       /* gone: ESRCH later */
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		if (GROW(*tids, *cap, *n + 1) < 0) {
			closedir(dir);
			return -1;
		}
		(*tids)[(*n)++] = atoi(d->d_name);
	}
	closedir(dir);
	return 0;
}

/* The kernel refuses to mmap inherited per-task events (all children would
   share one buffer), so tasks are followed per CPU like perf does: a slot
   per (task, CPU), with one ring per CPU shared through SET_OUTPUT. */
static struct slot *make_slots(pf_capture *r, size_t *n)
{
	static int online[4096];
	const int *cpus = r->o.cpus;
	int nc = (int)r->o.ncpus;
	pid_t *tasks = NULL;
	size_t nt = 0, cap = 0, k = 0;
	struct slot *s;
	unsigned f = r->o.flags;

	if (!cpus || nc == 0) {
		nc = online_cpus(online, 4096);
		cpus = online;
	}
	if (f & (PF_CAPTURE_SYSTEM_WIDE | PF_CAPTURE_ON_EXEC | PF_CAPTURE_THREADS_ONLY)) {
		size_t want = f & (PF_CAPTURE_SYSTEM_WIDE | PF_CAPTURE_ON_EXEC) ? 1 : r->o.npids;

		if (GROW(tasks, cap, want) < 0)
			return NULL;
		if (f & PF_CAPTURE_SYSTEM_WIDE)
			tasks[nt++] = -1;
		else
			for (size_t i = 0; i < want; i++)
				tasks[nt++] = r->o.pids[i];
	} else {
		for (size_t i = 0; i < r->o.npids; i++)
			if (add_threads(r->o.pids[i], &tasks, &nt, &cap) < 0) {
				free(tasks);
				return NULL;
			}
	}
	if (nt == 0) {
		free(tasks);
		error_set("%d: no such process", r->o.npids ? (int)r->o.pids[0] : -1);
		return NULL;
	}
	s = mem_alloc(nt * nc * sizeof *s);
	for (size_t t = 0; s && t < nt; t++)
		for (int c = 0; c < nc; c++)
			s[k++] = (struct slot){ tasks[t], cpus[c], (size_t)c };
	free(tasks);
	if (!s)
		return NULL;
	r->nrings = nc;
	*n = k;
	return s;
}

/* Map a ring of the default size, or of perf's smaller default where the
   locked-memory limit refuses it, unless -m asked for a size. */
static int map_ring(pf_capture *r, struct ring *ring, int fd)
{
	size_t page = sysconf(_SC_PAGESIZE);
	size_t pages = ring_pages(r);
	void *p;

	for (;;) {
		p = mmap(NULL, (pages + 1) * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED)
			break;
		if (errno != EPERM || r->o.mmap_pages || pages <= FALLBACK_PAGES) {
			perf_mmap_explain(pages, r->nrings, errno);
			return -1;
		}
		pages = FALLBACK_PAGES;
	}
	ring->meta = p;
	ring->data = (unsigned char *)p + page;
	ring->size = pages * page;
	ring->fd = fd;
	return 0;
}

/* 0, or the errno of perf_event_open (with pf_errmsg set) or -1 for
   another failure. */
static int open_events(pf_capture *r, const struct slot *s)
{
	size_t n = r->nslots, opened_fds = 0;

	r->fds = mem_alloc(r->nopen * n * sizeof *r->fds);
	r->rings = calloc(r->nrings, sizeof *r->rings);
	r->pfd = calloc(r->nrings + 1, sizeof *r->pfd);
	if (!r->fds || !r->rings || !r->pfd) {
		error_set("out of memory");
		return -1;
	}
	for (size_t i = 0; i < r->nopen * n; i++)
		r->fds[i] = -1;
	for (size_t e = 0; e < r->nopen; e++) {
		opened(r, e)->ids = calloc(n, sizeof(uint64_t));
		if (!opened(r, e)->ids) {
			error_set("out of memory");
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct ring *ring = &r->rings[s[i].ring];

		for (size_t e = 0; e < r->nopen; e++) {
			struct pdw_event *ev = opened(r, e);
			int fd = perf_open(&ev->attr, s[i].pid, s[i].cpu, -1);
			uint64_t id;

			/* A thread of -p that exited since /proc listed it. */
			if (fd < 0 && errno == ESRCH && !(r->o.flags & PF_CAPTURE_ON_EXEC) && r->o.npids)
				break;
			if (fd < 0) {
				int err = errno;
				struct perf_open_target t = { s[i].pid,
					!!(r->o.flags & PF_CAPTURE_SYSTEM_WIDE) };

				perf_open_explain(ev->name, &t, err);
				return err;
			}
			r->fds[e * n + i] = fd;
			if (!ring->meta ? map_ring(r, ring, fd) != 0
			    : ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, ring->fd) != 0) {
				if (ring->meta)
					error_set_errno(errno, "%s: redirecting output", ev->name);
				return -1;
			}
			if (ioctl(fd, PERF_EVENT_IOC_ID, &id) != 0) {
				error_set_errno(errno, "%s: reading the event id", ev->name);
				return -1;
			}
			ev->ids[ev->nids++] = id;
			opened_fds++;
		}
	}
	if (opened_fds == 0) {
		error_set("%d: no such process", r->o.npids ? (int)r->o.pids[0] : -1);
		return ESRCH;
	}
	return 0;
}

/* Undo open_events(). */
static void close_events(pf_capture *r)
{
	size_t page = sysconf(_SC_PAGESIZE);

	for (size_t i = 0; r->rings && i < r->nrings; i++)
		if (r->rings[i].meta)
			munmap(r->rings[i].meta, r->rings[i].size + page);
	for (size_t i = 0; r->fds && i < r->nopen * r->nslots; i++)
		if (r->fds[i] >= 0)
			close(r->fds[i]);
	for (size_t e = 0; e < r->nopen; e++) {
		free(opened(r, e)->ids);
		opened(r, e)->ids = NULL;
		opened(r, e)->nids = 0;
	}
	free(r->fds);
	free(r->rings);
	free(r->pfd);
	r->fds = NULL;
	r->rings = NULL;
	r->pfd = NULL;
}

/* Open everything; where kernel.perf_event_paranoid keeps users out of
   the kernel, record user space only rather than nothing, as perf does. */
static int open_all(pf_capture *r, const struct slot *slots)
{
	int err = open_events(r, slots);
	char msg[512];

	if (err != EACCES && err != EPERM)
		return err ? -1 : 0;
	snprintf(msg, sizeof msg, "%s", pf_errmsg());
	close_events(r);
	r->user_only = 1;
	for (size_t e = 0; e < r->nopen; e++) {
		opened(r, e)->attr.exclude_kernel = 1;
		opened(r, e)->attr.exclude_hv = 1;
	}
	err = open_events(r, slots);
	if (err == EACCES || err == EPERM)
		error_set("%s", msg);   /* the first refusal says why */
	return err ? -1 : 0;
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

/* Records describing what runs already: the kernel's text, and the
   processes of -p/-t/-a (the command's exec is reported by the kernel,
   except in the files after a --switch-output). */
static int describe_targets(pf_capture *r, int again)
{
	unsigned f = r->o.flags;
	struct synth s = { r->w, r->sample_type,
		(f & PF_CAPTURE_DATA_ADDR) || r->o.callgraph == PF_CALLGRAPH_DWARF, saw_dso, r };
	int rc = synth_kernel_mmap(&s);

	if (rc == 0 && (f & PF_CAPTURE_SYSTEM_WIDE))
		rc = synth_all(&s);
	else if (rc == 0 && (!(f & PF_CAPTURE_ON_EXEC) || again))
		for (size_t i = 0; rc == 0 && i < r->o.npids; i++)
			rc = f & PF_CAPTURE_THREADS_ONLY
				? synth_process(&s, tgid_of(r->o.pids[i]), r->o.pids[i])
				/* A new file: the children created since too. */
				: again && !(f & PF_CAPTURE_NO_INHERIT) ? synth_tree(&s, r->o.pids[i])
				: synth_process(&s, r->o.pids[i], 0);
	return rc ? rc : pdw_round(r->w, 1);
}

static void free_record(pf_capture *r)
{
	struct strmap_entry *e;

	close_events(r);
	offcpu_free(r);
	STRMAP_EACH(&r->dsos, e)
		free((char *)e->name);
	strmap_release(&r->dsos);
	free(r->tracing);
	free(r);
}

static int check_opts(pf_capture *r)
{
	unsigned f = r->o.flags;

	if (!(f & PF_CAPTURE_SYSTEM_WIDE) && r->o.npids == 0)
		error_set("no target");
	else if (r->o.mmap_pages & (r->o.mmap_pages - 1))
		error_set("ring buffer pages must be a power of 2");
	else if ((f & PF_CAPTURE_ALL_USER) && (f & PF_CAPTURE_ALL_KERNEL))
		error_set("user space only and kernel only exclude each other");
	else if (r->o.compress_level < 0 || r->o.compress_level > 22)
		error_set("%d: compression level out of range (1 to 22)", r->o.compress_level);
	else
		return 0;
	return -1;
}

PF_EXPORT pf_capture *pf_capture_open(const struct pf_capture_opts *opts)
{
	pf_capture *r = mem_zalloc(sizeof *r);
	struct slot *slots = NULL;
	size_t page = sysconf(_SC_PAGESIZE);

	if (!r)
		return NULL;
	pf_capture_opts_init(&r->o);
	if (opts_copy(&r->o, sizeof r->o, opts, "pf_capture_open") < 0 ||
	    strmap_init(&r->dsos) < 0) {
		free(r);
		return NULL;
	}
	if (!r->o.output)
		r->o.output = "pf.data";
	if (check_opts(r) != 0 || parse_events(r) != 0)
		goto fail;
	if ((r->o.flags & PF_CAPTURE_OFF_CPU) && offcpu_init(r) != 0)
		goto fail;
	finish_attrs(r, ring_pages(r) * page);
	if (r->off)
		offcpu_attr(r);
	if (!(slots = make_slots(r, &r->nslots)) || open_all(r, slots) != 0)
		goto fail;
	free(slots);
	slots = NULL;
	if (r->ntp && !(r->tracing = tracing_data_build(r->tp_names, r->ntp, &r->tracing_size)))
		goto fail;
	return r;
fail:
	free(slots);
	free_record(r);
	return NULL;
}

static int ioctl_all(pf_capture *r, unsigned long req)
{
	for (size_t i = 0; i < r->nopen * r->nslots; i++)
		if (r->fds[i] >= 0 && ioctl(r->fds[i], req, 0) != 0) {
			error_set_errno(errno, "%s", opened(r, i / r->nslots)->name);
			return -1;
		}
	return 0;
}

static struct pdw *open_output(pf_capture *r, int keep_old)
{
	struct pdw_opts wo = { !!(r->o.flags & PF_CAPTURE_PIPE), keep_old, r->o.compress_level };

	r->meta = (struct pdw_meta){ .events = r->ev, .nevents = r->nev,
		.argc = r->o.argc, .argv = r->o.argv,
		.tracing_data = r->tracing, .tracing_size = r->tracing_size,
		.clockid = r->o.clockid };
	if (strcmp(r->o.output, "-") == 0) {
		wo.pipe_mode = 1;
		return pdw_open("stdout", STDOUT_FILENO, &wo, &r->meta);
	}
	return pdw_open(r->o.output, -1, &wo, &r->meta);
}

/* Pipes, FIFOs and sockets are read as the data comes: hand them every
   poll's records, and watch them for a reader that went away. */
static void setup_live(pf_capture *r)
{
	struct stat st;
	int fd = pdw_fd(r->w);

	r->live = !!(r->o.flags & PF_CAPTURE_LIVE);
	r->pfd[r->nrings] = (struct pollfd){ -1, 0, 0 };
	if (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		r->live = 1;
		r->pfd[r->nrings].fd = fd;
	}
}

PF_EXPORT int pf_capture_start(pf_capture *r)
{
	if (r->w) {
		error_set("%s: already started", r->o.output);
		return -1;
	}
	if (!(r->w = open_output(r, 1)))
		return -1;
	setup_live(r);
	if (describe_targets(r, 0) != 0)
		return -1;
	if (!(r->o.flags & PF_CAPTURE_ON_EXEC))
		return ioctl_all(r, PERF_EVENT_IOC_ENABLE);
	return 0;
}

PF_EXPORT int pf_capture_user_only(const pf_capture *r)
{
	return r->user_only;
}

PF_EXPORT int pf_capture_poll(pf_capture *r, int timeout_ms)
{
	struct pollfd *pfd = r->pfd;
	size_t hup = 0;

	if (!r->w) {
		error_set("%s: not started", r->o.output);
		return -1;
	}
	for (size_t i = 0; i < r->nrings; i++)
		pfd[i] = (struct pollfd){ r->rings[i].meta ? r->rings[i].fd : -1, POLLIN, 0 };
	pfd[r->nrings].revents = 0;
	if (poll(pfd, r->nrings + 1, timeout_ms) < 0 && errno != EINTR) {
		error_set_errno(errno, "poll");
		return -1;
	}
	/* A pipe whose reader has gone reports POLLERR on the write end. */
	if (pfd[r->nrings].revents & (POLLERR | POLLHUP))
		return PF_CAPTURE_READER_GONE;
	for (size_t i = 0; i < r->nrings; i++)
		hup += !r->rings[i].meta || (pfd[i].revents & (POLLHUP | POLLERR)) != 0;
	if (rings_drain(r, r->live) != 0)
		return pdw_error(r->w) == EPIPE ? PF_CAPTURE_READER_GONE : -1;
	if (r->limit_hit)
		return PF_CAPTURE_LIMIT;
	return hup == r->nrings ? PF_CAPTURE_TARGETS_GONE : PF_CAPTURE_RUNNING;
}

PF_EXPORT void pf_capture_get_stats(const pf_capture *r, struct pf_capture_stats *st)
{
	*st = r->st;
	st->bytes = r->w ? pdw_bytes(r->w) : 0;
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
	/* Best effort, as perf record: a cache that cannot be written costs
	   the recording nothing. */
	if (!(r->o.flags & PF_CAPTURE_NO_BUILDID_CACHE))
		for (size_t i = 0; i < k; i++)
			buildid_cache_add(ids[i].path, ids[i].id, ids[i].len, ids[i].kernel);
	/* Hash order is not deterministic across runs: sort by path. */
	qsort(ids, k, sizeof *ids, by_path);
	*n = k;
}

/* Write the current output's end and close it. */
static int finish_output(pf_capture *r, uint64_t *bytes)
{
	struct pdw_build_id *ids;
	size_t nids;
	int rc;

	collect_build_ids(r, &ids, &nids);
	rc = pdw_close(r->w, &r->meta, ids, nids, bytes);
	r->w = NULL;
	free(ids);
	return rc;
}

PF_EXPORT int pf_capture_switch(pf_capture *r, const char *rename_to)
{
	int rc;

	if (!r->w || pdw_pipe_mode(r->w)) {
		error_set("%s: --switch-output needs a file", r->o.output);
		return -1;
	}
	rc = rings_drain(r, 1);
	if (finish_output(r, NULL) != 0 || rc != 0)
		return -1;
	if (rename(r->o.output, rename_to) != 0) {
		error_set_errno(errno, "%s: renaming to %s", r->o.output, rename_to);
		return -1;
	}
	r->prev_max_time = r->max_time = 0;
	if (!(r->w = open_output(r, 0)))
		return -1;
	return describe_targets(r, 1);
}

PF_EXPORT int pf_capture_close(pf_capture *r, struct pf_capture_stats *stats)
{
	int rc = 0;

	r->st.bytes = 0;
	if (r->w) {
		ioctl_all(r, PERF_EVENT_IOC_DISABLE);
		/* After the reader went away nothing more can be written. */
		if (!r->limit_hit && pdw_error(r->w) != EPIPE)
			rc = rings_drain(r, 1);
		if (finish_output(r, &r->st.bytes) != 0 && rc == 0)
			rc = -1;
	}
	if (stats)
		*stats = r->st;
	free_record(r);
	return rc;
}
