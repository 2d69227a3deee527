/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The records perf script can show besides samples: memory maps
 * (--show-mmap-events, perf_event__fprintf_mmap/_mmap2), tasks
 * (--show-task-events: COMM, FORK, EXIT) and context switches
 * (--show-switch-events: SWITCH, SWITCH_CPU_WIDE), each after the
 * sample-like start of its line; and where to find the recorded kernel's
 * symbols in perf's build-id cache.  The file header (--header) is
 * header.c's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "perfdata/format.h"
#include "script/print-int.h"

/* The start of a side-band record's line, perf_sample__fprintf_start()
   with the record's sample_id, or PID and TID (and cpu and time 0) when it
   has none. */
static void print_start(struct printer *pr, const struct pf_record *rec, const char *comm,
			int pid, int tid)
{
	unsigned f = pr->fields[rec->evsel->idx];

	sp_print_start(pr, f, pr->use_callchain && (f & PF_F_IP), comm,
		       rec->pid >= 0 ? rec->pid : pid, rec->tid >= 0 ? rec->tid : tid,
		       rec->cpu >= 0 ? (uint32_t)rec->cpu : 0,
		       rec->time == UINT64_MAX ? 0 : rec->time);
}

/* --show-mmap-events: perf_event__fprintf_mmap()/_mmap2(). */
void sp_print_mmap(struct printer *pr, const struct pf_record *rec)
{
	const unsigned char *p = rec->data;
	int pid = (int)load_u32(p + 8), tid = (int)load_u32(p + 12);
	size_t nameoff = rec->type == PERF_RECORD_MMAP ? 40 : 72;

	if (rec->size <= nameoff || !rec->evsel)
		return;
	if (sp_skip_sideband(pr, rec->cpu))
		return;
	const char *comm = pf_machine_comm(pr->m, pid, tid);
	/* The command is the mapping process's; ids, cpu and time come from
	   the record's sample_id, as perf prints them. */
	print_start(pr, rec, comm, pid, tid);
	int namelen = (int)strnlen((const char *)p + nameoff, rec->size - nameoff);
	if (rec->type == PERF_RECORD_MMAP) {
		sp_ob_printf(pr, "PERF_RECORD_MMAP %d/%d: [%#" PRIx64 "(%#" PRIx64 ") @ %#" PRIx64 "]: %c %.*s\n",
			pid, tid, load_u64(p + 16), load_u64(p + 24), load_u64(p + 32),
			(rec->misc & PERF_RECORD_MISC_MMAP_DATA) ? 'r' : 'x',
			namelen, (const char *)p + nameoff);
		return;
	}
	uint32_t prot = load_u32(p + 64), flags = load_u32(p + 68);
	sp_ob_printf(pr, "PERF_RECORD_MMAP2 %d/%d: [%#" PRIx64 "(%#" PRIx64 ") @ %#" PRIx64 " ",
		pid, tid, load_u64(p + 16), load_u64(p + 24), load_u64(p + 32));
	if (rec->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) {
		unsigned n = p[40] > 20 ? 20 : p[40];

		ob_putc(pr, '<');
		for (unsigned i = 0; i < n; i++)
			sp_ob_printf(pr, "%02x", p[44 + i]);
		ob_putc(pr, '>');
	} else {
		sp_ob_printf(pr, "%02x:%02x %" PRIu64 " %" PRIu64, load_u32(p + 40), load_u32(p + 44),
			load_u64(p + 48), load_u64(p + 56));
	}
	sp_ob_printf(pr, "]: %c%c%c%c %.*s\n", (prot & 1) ? 'r' : '-', (prot & 2) ? 'w' : '-',
		(prot & 4) ? 'x' : '-', (flags & 1) ? 's' : 'p', namelen,
		(const char *)p + nameoff);
}

/* --show-task-events: perf_event__fprintf_comm() and _task(), the command
   that of the thread named in the record. */
static void print_task(struct printer *pr, const struct pf_record *rec)
{
	const unsigned char *p = rec->data;
	int comm_rec = rec->type == PERF_RECORD_COMM;
	/* struct { u32 pid, tid; char comm[]; } or { u32 pid, ppid, tid, ptid; } */
	int pid = (int)load_u32(p + 8), tid = (int)load_u32(p + (comm_rec ? 12 : 16));
	const char *comm = pf_machine_comm(pr->m, pid, tid);

	if (!rec->evsel || sp_skip_sideband(pr, rec->cpu))
		return;
	print_start(pr, rec, comm, pid, tid);
	if (comm_rec) {
		size_t n = rec->size > 16 ? strnlen((const char *)p + 16, rec->size - 16U) : 0;

		sp_ob_printf(pr, "PERF_RECORD_COMM%s: %.*s:%d/%d\n",
			     (rec->misc & PERF_RECORD_MISC_COMM_EXEC) ? " exec" : "",
			     (int)n, (const char *)p + 16, pid, tid);
		return;
	}
	sp_ob_printf(pr, "PERF_RECORD_%s(%d:%d):(%d:%d)\n",
		     rec->type == PERF_RECORD_FORK ? "FORK" : "EXIT", pid, tid,
		     (int)load_u32(p + 12), (int)load_u32(p + 20));
}

/* --show-switch-events: perf_event__fprintf_switch(), for the thread of
   the record's sample_id. */
static void print_switch(struct printer *pr, const struct pf_record *rec)
{
	const unsigned char *p = rec->data;
	int out = !!(rec->misc & PERF_RECORD_MISC_SWITCH_OUT);
	const char *how = !out ? "IN         " :
			  (rec->misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT) ? "OUT preempt" :
			  "OUT        ";

	if (!rec->evsel || sp_skip_sideband(pr, rec->cpu))
		return;
	const char *comm = rec->tid >= 0 ? pf_machine_comm(pr->m, rec->pid, rec->tid) : ":-1";
	print_start(pr, rec, comm, rec->pid, rec->tid);
	if (rec->type == PERF_RECORD_SWITCH) {
		sp_ob_printf(pr, "PERF_RECORD_SWITCH %s\n", how);
		return;
	}
	if (rec->size < 16)
		return;
	sp_ob_printf(pr, "PERF_RECORD_SWITCH_CPU_WIDE %s  %s pid/tid: %5d/%-5d\n", how,
		     out ? "next" : "prev", (int)load_u32(p + 8), (int)load_u32(p + 12));
}

int sp_machine_record(struct printer *pr, const struct pf_record *rec)
{
	unsigned flags = pr->o->flags;
	int task = (flags & PF_SCRIPTPRINT_SHOW_TASK) && rec->size >= 24 &&
		   (rec->type == PERF_RECORD_COMM || rec->type == PERF_RECORD_FORK ||
		    rec->type == PERF_RECORD_EXIT);

	/* An exiting thread is shown with the command it had. */
	if (task && rec->type == PERF_RECORD_EXIT)
		print_task(pr, rec);
	if (pf_machine_record(pr->m, rec) < 0) {
		error_set("out of memory");
		return -1;
	}
	if (task && rec->type != PERF_RECORD_EXIT)
		print_task(pr, rec);
	if ((flags & PF_SCRIPTPRINT_SHOW_MMAP) &&
	    (rec->type == PERF_RECORD_MMAP || rec->type == PERF_RECORD_MMAP2))
		sp_print_mmap(pr, rec);
	if ((flags & PF_SCRIPTPRINT_SHOW_SWITCH) &&
	    (rec->type == PERF_RECORD_SWITCH || rec->type == PERF_RECORD_SWITCH_CPU_WIDE))
		print_switch(pr, rec);
	return 0;
}

/* perf record keeps a copy of /proc/kallsyms in its build-id cache,
   ~/.debug/[kernel.kallsyms]/BUILD-ID/kallsyms: the recorded kernel's
   symbols even after a reboot, and cheaper to read than /proc.  The path,
   or NULL. */
char *sp_cached_kallsyms(pf_perfdata *pd)
{
	size_t size, pos = 0;
	const unsigned char *p = pf_perfdata_feature(pd, HEADER_BUILD_ID, &size);
	const char *home = getenv("HOME");

	while (p && home && size - pos >= sizeof(struct perfdata_build_id_event)) {
		struct perfdata_build_id_event copy;
		/* Feature data need not be aligned: read the fixed part from a copy. */
		const struct perfdata_build_id_event *b = memcpy(&copy, p + pos, sizeof copy);
		const char *filename = (const char *)(p + pos) + sizeof copy;
		size_t n = b->header.size, len = PERFDATA_BUILD_ID_SIZE;
		char hex[2 * PERFDATA_BUILD_ID_SIZE + 1], *path;

		if (n < sizeof *b || n > size - pos)
			break;
		pos += n;
		if ((b->header.misc & PERF_RECORD_MISC_CPUMODE_MASK) != PERF_RECORD_MISC_KERNEL ||
		    strncmp(filename, "[kernel.kallsyms]", n - sizeof *b) != 0)
			continue;
		if (b->header.misc & PERFDATA_MISC_BUILD_ID_SIZE)
			len = b->build_id[PERFDATA_BUILD_ID_SIZE] < len ?
			      b->build_id[PERFDATA_BUILD_ID_SIZE] : len;
		for (size_t i = 0; i < len; i++)
			snprintf(hex + 2 * i, 3, "%02x", b->build_id[i]);
		hex[2 * len] = 0;
		if (asprintf(&path, "%s/.debug/[kernel.kallsyms]/%s/kallsyms", home, hex) < 0)
			return NULL;
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

pf_machine *sp_machine_new(const struct pf_scriptprint_opts *o, pf_perfdata *pd, int flags)
{
	pf_machine *m = pf_machine_new(flags | (o->flags & PF_SCRIPTPRINT_DEBUGINFOD ? PF_SYM_DEBUGINFOD : 0));
	char *cached = NULL;

	if (!m)
		return NULL;
	pf_machine_set_warn(m, o->warn, o->warn_arg);
	if (pf_machine_use_recording(m, pd) < 0 ||
	    (o->symfs && pf_machine_set_symfs(m, o->symfs) < 0) ||
	    (o->vmlinux && pf_machine_set_vmlinux(m, o->vmlinux) < 0) ||
	    (o->kallsyms && pf_machine_set_kallsyms(m, o->kallsyms) < 0))
		goto fail;
	if (!o->kallsyms && (o->flags & PF_SCRIPTPRINT_KERNEL) && (cached = sp_cached_kallsyms(pd)) &&
	    pf_machine_set_kallsyms(m, cached) < 0)
		goto fail;
	free(cached);
	return m;
fail:
	free(cached);
	pf_machine_free(m);
	return NULL;
}
