/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Counting mode (pfrecord --stat): counters opened on a forked command
 * before its exec (enable_on_exec) and inherited by its children, read
 * once it has been reaped, when the children's counts have been folded
 * into the parents'.  By default the fault table (page faults, minor,
 * major, context switches); with -e any event perf knows by name,
 * hardware counters among them.  Each is read with its enabled and running
 * times, so a counter the PMU multiplexed is scaled as perf stat scales it,
 * and one the machine lacks reads as unsupported rather than failing the
 * run.  A task-clock counter runs alongside for the CPU utilisation.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pf/record.h>
#include "record/perf-open-int.h"
#include "util/pf-int.h"

struct counter {
	char *name;
	int fd;                         /* -1: not supported here */
};

struct pf_stat {
	struct counter *c;              /* the counters, then the task-clock */
	size_t n;
	int user_only;
};

static const char *const default_events = "page-faults,minor-faults,major-faults,context-switches";

PF_EXPORT void pf_stat_opts_init(struct pf_stat_opts *o)
{
	memset(o, 0, sizeof *o);
	o->size = sizeof *o;
}

/* Open NAME for pid: the counter's fd, -1 when this machine has no such
   counter, or -2 on a real failure (error set). */
static int open_counter(pf_stat *st, const char *name, pid_t pid, unsigned flags)
{
	const struct perf_named_event *ev = perf_event_lookup(name);
	struct perf_event_attr a;
	int fd;

	if (!ev) {
		error_set("%s: unknown event for --stat (try %s)", name, perf_event_names());
		return -2;
	}
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = ev->type;
	a.config = ev->config;
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	a.disabled = 1;
	a.inherit = 1;
	a.enable_on_exec = 1;
	a.exclude_kernel = a.exclude_hv = st->user_only || (flags & PF_STAT_ALL_USER);
	fd = perf_open(&a, pid, -1, -1);
	/* Under kernel.perf_event_paranoid 2 users may count what their
	   user-space code causes: the faults, all of them here. */
	if (fd < 0 && (errno == EACCES || errno == EPERM) && !a.exclude_kernel) {
		a.exclude_kernel = a.exclude_hv = 1;
		fd = perf_open(&a, pid, -1, -1);
		if (fd >= 0)
			st->user_only = 1;
	}
	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == EOPNOTSUPP || errno == ENODEV)
		return -1;      /* perf stat prints <not supported> */
	struct perf_open_target t = { pid, 0 };
	perf_open_explain(name, &t, errno);
	return -2;
}

static int add(pf_stat *st, const char *name, pid_t pid, unsigned flags)
{
	struct counter *c = &st->c[st->n];

	if (!(c->name = strdup(name))) {
		error_set("out of memory");
		return -1;
	}
	st->n++;
	c->fd = open_counter(st, name, pid, flags);
	return c->fd == -2 ? -1 : 0;
}

PF_EXPORT pf_stat *pf_stat_open(pid_t pid, const struct pf_stat_opts *opts)
{
	struct pf_stat_opts o;
	pf_stat *st = calloc(1, sizeof *st);
	char *list = NULL, *save = NULL;
	size_t max = 2;

	pf_stat_opts_init(&o);
	if (!st || opts_copy(&o, sizeof o, opts, "pf_stat_open") < 0) {
		if (!st)
			error_set("out of memory");
		free(st);
		return NULL;
	}
	if (!(list = strdup(o.events && *o.events ? o.events : default_events)))
		goto oom;
	for (const char *p = list; *p; p++)
		max += *p == ',';
	if (!(st->c = calloc(max, sizeof *st->c)))
		goto oom;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (add(st, t, pid, o.flags) != 0)
			goto fail;
	if (add(st, "task-clock", pid, o.flags) != 0)
		goto fail;
	free(list);
	return st;
oom:
	error_set("out of memory");
fail:
	free(list);
	pf_stat_close(st);
	return NULL;
}

PF_EXPORT size_t pf_stat_count(const pf_stat *st)
{
	return st->n - 1;
}

PF_EXPORT int pf_stat_user_only(const pf_stat *st)
{
	return st->user_only;
}

double perf_scale(uint64_t raw, uint64_t enabled, uint64_t running)
{
	if (running == 0 || running >= enabled)
		return (double)raw;
	return (double)raw * enabled / running;
}

PF_EXPORT int pf_stat_read(pf_stat *st, struct pf_stat_value *v, uint64_t *task_clock_ns)
{
	for (size_t i = 0; i < st->n; i++) {
		struct counter *c = &st->c[i];
		uint64_t r[3] = { 0, 0, 0 };    /* value, enabled, running */
		struct pf_stat_value tmp, *out = i + 1 < st->n ? &v[i] : &tmp;

		if (c->fd >= 0 && read(c->fd, r, sizeof r) != (ssize_t)sizeof r) {
			error_set_errno(errno, "%s: read", c->name);
			return -1;
		}
		*out = (struct pf_stat_value){ c->name, c->fd >= 0, r[0], r[1], r[2],
			perf_scale(r[0], r[1], r[2]) };
		if (i + 1 == st->n && task_clock_ns)
			*task_clock_ns = r[0];
	}
	return 0;
}

PF_EXPORT void pf_stat_close(pf_stat *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		if (st->c[i].fd >= 0)
			close(st->c[i].fd);
		free(st->c[i].name);
	}
	free(st->c);
	free(st);
}
