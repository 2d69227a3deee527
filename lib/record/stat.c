/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Counting mode (pfrecord --stat): the software counters perf stat shows for
 * page faults and context switches, opened on a forked command before its
 * exec (enable_on_exec) and inherited by its children, read once it has been
 * reaped, when the children's counts have been folded into the parents'.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>

#include <pf/record.h>
#include "util/pf-int.h"

struct pf_stat {
	int fd[PF_STAT_NCOUNTERS];
	int user_only;
};

static const struct {
	const char *name;
	uint64_t config;
} counters[PF_STAT_NCOUNTERS] = {
	{ "page-faults", PERF_COUNT_SW_PAGE_FAULTS },
	{ "minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES },
};

PF_EXPORT const char *pf_stat_name(int i)
{
	return i >= 0 && i < PF_STAT_NCOUNTERS ? counters[i].name : NULL;
}

PF_EXPORT pf_stat *pf_stat_open(pid_t pid)
{
	pf_stat *st = calloc(1, sizeof *st);

	if (!st) {
		error_set("out of memory");
		return NULL;
	}
	for (int i = 0; i < PF_STAT_NCOUNTERS; i++)
		st->fd[i] = -1;
	for (int i = 0; i < PF_STAT_NCOUNTERS; i++) {
		struct perf_event_attr a;

		memset(&a, 0, sizeof a);
		a.size = sizeof a;
		a.type = PERF_TYPE_SOFTWARE;
		a.config = counters[i].config;
		a.disabled = 1;
		a.inherit = 1;
		a.enable_on_exec = 1;
		st->fd[i] = syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
		/* Under kernel.perf_event_paranoid 2 users may count what their
		   user-space code causes: the faults, all of them here. */
		if (st->fd[i] < 0 && (errno == EACCES || errno == EPERM)) {
			a.exclude_kernel = 1;
			a.exclude_hv = 1;
			st->fd[i] = syscall(SYS_perf_event_open, &a, pid, -1, -1,
					    PERF_FLAG_FD_CLOEXEC);
			st->user_only = 1;
		}
		if (st->fd[i] < 0) {
			int err = errno;

			if (err == EACCES || err == EPERM)
				error_set("%s: perf_event_open: permission denied: run as root or with "
					  "CAP_PERFMON, or lower it with "
					  "'sysctl kernel.perf_event_paranoid=1'", counters[i].name);
			else
				error_set_errno(err, "%s: perf_event_open", counters[i].name);
			pf_stat_close(st, NULL);
			return NULL;
		}
	}
	return st;
}

PF_EXPORT int pf_stat_user_only(const pf_stat *st)
{
	return st->user_only;
}

PF_EXPORT int pf_stat_close(pf_stat *st, uint64_t *counts)
{
	int rc = 0;

	for (int i = 0; i < PF_STAT_NCOUNTERS; i++) {
		uint64_t v = 0;

		if (counts && st->fd[i] >= 0 && read(st->fd[i], &v, sizeof v) != (ssize_t)sizeof v) {
			error_set_errno(errno, "%s: read", counters[i].name);
			rc = -1;
		}
		if (counts)
			counts[i] = v;
		if (st->fd[i] >= 0)
			close(st->fd[i]);
	}
	free(st);
	return rc;
}
