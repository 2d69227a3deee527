/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pfscript --faults: one line per page fault in the shape of perf trace -F
 * (tools/perf/builtin-trace.c, trace__pgfault, perf 6.1):
 *
 *   0.123 ( 0.000 ms): app/1234 minfault [touch+0x1a] => /usr/lib/libfoo.so@0x2000 (d.)
 *
 * the time in milliseconds since the first sample, the thread, minfault or
 * majfault (from the minor-faults and major-faults events; page-faults does
 * not tell them apart and prints "fault"), the faulting code as symbol and
 * offset, then "=>" the data address as the mapping it falls in and the
 * offset there (a file's offset, or the address itself for [heap], [stack]
 * and //anon), and the map type and privilege level: d a data mapping, ?
 * none; . user, k kernel.  With call chains, --max-stack frames follow,
 * indented 38 columns and printed as perf trace prints them.  Needs the
 * data addresses: pfrecord -d -e minor-faults,major-faults.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include <pf/perfdata.h>
#include <pf/symbols.h>
#include <pf/scriptprint.h>
#include "util/pf-int.h"
#include "util/escape.h"
#include "script/print-int.h"

#define CHAIN_INDENT 38

struct fault_printer {
	const struct pf_scriptprint_opts *o;
	pf_perfdata *pd;
	pf_machine *m;
	FILE *out;
	uint64_t base_time;
	int have_base;
};

/* "minfault", "majfault" or "fault"; NULL for events that are not faults. */
static const char *fault_kind(const struct pf_evsel *e)
{
	if (e->attr.type != PERF_TYPE_SOFTWARE)
		return NULL;
	switch (e->attr.config) {
	case PERF_COUNT_SW_PAGE_FAULTS_MIN: return "minfault";
	case PERF_COUNT_SW_PAGE_FAULTS_MAJ: return "majfault";
	case PERF_COUNT_SW_PAGE_FAULTS: return "fault";
	}
	return NULL;
}

/* The faulting code, perf's print_location() with the symbol: sym+0xoff,
   else the address in its mapping, else (perf's quirk) the data address. */
static void print_code(struct fault_printer *fp, const struct pf_sample *s)
{
	struct pf_frame fr;

	if (pf_machine_resolve(fp->m, s->pid, s->cpumode, s->ip, 0, &fr, 1) > 0 && fr.sym) {
		esc_fputs(fp->out, fr.sym, strlen(fr.sym));
		fprintf(fp->out, "+0x%" PRIx64, fr.symoff);
	} else if (fr.dso)
		fprintf(fp->out, "0x%" PRIx64, fr.addr);
	else
		fprintf(fp->out, "0x%" PRIx64, s->addr);
}

/* The target: the mapping's name and the offset in it, perf's
   print_location() with the DSO; then the map type and level. */
static void print_target(struct fault_printer *fp, const struct pf_sample *s)
{
	const char *map = pf_machine_data_map(fp->m, s->pid, s->addr);
	char level = s->cpumode == PERF_RECORD_MISC_KERNEL ? 'k' : '.';
	struct pf_frame fr;

	if (!map) {
		fprintf(fp->out, "0x%" PRIx64 " (?%c)", s->addr, level);
		return;
	}
	/* Anonymous memory, the heap and stacks are addressed as they are
	   (perf's identity map_ip); files by their offset. */
	if (map[0] == '[' || strncmp(map, "//", 2) == 0) {
		map = strcmp(map, "[anon]") == 0 ? "//anon" : map;
		esc_fputs(fp->out, map, strlen(map));
		fprintf(fp->out, "@0x%" PRIx64, s->addr);
	} else {
		uint64_t off = s->addr;

		if (pf_machine_resolve(fp->m, s->pid, PERF_RECORD_MISC_USER, s->addr, 0, &fr, 1) > 0 &&
		    fr.dso)
			off = fr.addr;
		esc_fputs(fp->out, map, strlen(map));
		fprintf(fp->out, "@0x%" PRIx64, off);
	}
	fprintf(fp->out, " (d%c)", level);
}

/* The user part of the call chain, as perf trace prints it. */
static void print_chain(struct fault_printer *fp, const struct pf_sample *s)
{
	unsigned mode = s->cpumode;
	int n = 0;

	for (uint64_t i = 0; i < s->nr_callchain && n < fp->o->max_stack; i++) {
		uint64_t ip = s->callchain[i];
		struct pf_frame fr;

		if (ip >= (uint64_t)PERF_CONTEXT_MAX) {
			mode = ip == PERF_CONTEXT_USER ? PERF_RECORD_MISC_USER : PERF_RECORD_MISC_KERNEL;
			continue;
		}
		/* perf trace leaves the kernel's part of the chain out. */
		if (mode != PERF_RECORD_MISC_USER ||
		    pf_machine_resolve(fp->m, s->pid, mode, ip, 0, &fr, 1) < 1)
			continue;
		fprintf(fp->out, "%*s ", CHAIN_INDENT, "");
		if (fr.sym)
			esc_fputs(fp->out, fr.sym, strlen(fr.sym));
		else
			fprintf(fp->out, "[0x%" PRIx64 "]", fr.dso ? fr.addr : 0);
		const char *dso = fr.dso ? fr.dso : "[unknown]";
		fputs(" (", fp->out);
		esc_fputs(fp->out, dso, strlen(dso));
		fputs(")\n", fp->out);
		n++;
	}
}

static int print_fault(struct fault_printer *fp, const struct pf_record *rec)
{
	const struct pf_scriptprint_opts *o = fp->o;
	struct pf_sample s;
	const char *kind;

	if (pf_perfdata_sample(fp->pd, rec, &s) < 0)
		return -1;
	if (!fp->have_base) {
		fp->base_time = s.time;
		fp->have_base = 1;
	}
	if (!(kind = fault_kind(s.evsel)))
		return 0;
	if (!(s.evsel->attr.sample_type & PERF_SAMPLE_ADDR)) {
		error_set("%s: the faults of '%s' have no data addresses: record them with "
			  "pfrecord -d -e minor-faults,major-faults", pf_perfdata_name(fp->pd),
			  s.evsel->name);
		return -1;
	}
	const char *comm = pf_machine_comm(fp->m, s.pid, s.tid);
	if (!sp_in_list(o->comms, comm, 0) || !sp_in_list(o->pids, NULL, s.pid) ||
	    !sp_in_list(o->tids, NULL, s.tid))
		return 0;
	fprintf(fp->out, "%10.3f ( 0.000 ms): ", (double)(s.time - fp->base_time) / 1e6);
	esc_fputs(fp->out, comm, strnlen(comm, 14));
	fprintf(fp->out, "/%d %s [", s.tid, kind);
	print_code(fp, &s);
	fputs("] => ", fp->out);
	print_target(fp, &s);
	fputc('\n', fp->out);
	if (s.callchain)
		print_chain(fp, &s);
	return 0;
}

int sp_print_faults(const struct pf_scriptprint_opts *o)
{
	struct fault_printer fp = { .o = o, .out = o->out ? o->out : stdout };
	int flags = ((o->flags & PF_SCRIPTPRINT_DEMANGLE) ? PF_SYM_DEMANGLE : 0) |
		    ((o->flags & PF_SCRIPTPRINT_KERNEL) ? PF_SYM_KERNEL : 0);
	struct pf_record rec;
	int r = -1, any = 0;

	if (!(fp.pd = pf_perfdata_open(o->input)) || !(fp.m = sp_machine_new(o, fp.pd, flags)))
		goto out;
	while ((r = pf_perfdata_next(fp.pd, &rec)) > 0) {
		if (rec.type == PERF_RECORD_SAMPLE) {
			if (print_fault(&fp, &rec) < 0) {
				r = -1;
				break;
			}
			any |= rec.evsel && fault_kind(rec.evsel);
		} else if (pf_machine_record(fp.m, &rec) < 0) {
			error_set("out of memory");
			r = -1;
			break;
		}
	}
	if (r == 0 && !any && pf_perfdata_nr_evsel(fp.pd) > 0 && !fault_kind(pf_perfdata_evsel(fp.pd, 0))) {
		error_set("%s: no page faults recorded (record them with "
			  "pfrecord -d -e minor-faults,major-faults)", pf_perfdata_name(fp.pd));
		r = -1;
	}
	if (fflush(fp.out) != 0 || ferror(fp.out)) {
		error_set_errno(errno, "write error");
		r = -1;
	}
out:
	if (o->stats && fp.pd)
		pf_perfdata_stats(fp.pd, o->stats, sizeof *o->stats);
	pf_machine_free(fp.m);
	pf_perfdata_close(fp.pd);
	return r < 0 ? -1 : 0;
}
