/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * perf script's text output from a perf.data recording: the engine behind
 * pfscript.  A sample prints as "comm tid [cpu] time: period event:" and
 * then one "\t<addr> <sym>+0x<off> (<dso>)" line per frame, byte for byte
 * as `perf script` prints the same fields.
 */
#ifndef PF_SCRIPTPRINT_H
#define PF_SCRIPTPRINT_H

#include <stdint.h>
#include <stdio.h>

#include <pf/perfdata.h>
#include <pf/symbols.h>
#include <pf/demangle.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Output fields (-F). */
enum {
	PF_F_COMM = 1 << 0, PF_F_TID = 1 << 1, PF_F_PID = 1 << 2,
	PF_F_CPU = 1 << 3, PF_F_TIME = 1 << 4, PF_F_EVENT = 1 << 5,
	PF_F_IP = 1 << 6, PF_F_SYM = 1 << 7, PF_F_SYMOFF = 1 << 8,
	PF_F_DSO = 1 << 9, PF_F_ADDR = 1 << 10, PF_F_PERIOD = 1 << 11,
	PF_F_SRCLINE = 1 << 12, PF_F_TRACE = 1 << 13,
};

struct pf_scriptprint_opts {
	const char *input;              /* path, "-" for stdin */
	unsigned fields_set;            /* -F list: replaces the defaults */
	unsigned fields_add, fields_del;        /* -F +x,-y */
	int max_stack;                  /* frames per sample (127) */
	int inlines;                    /* 1: inline frames of DWARF stacks */
	int demangle;
	int kernel;                     /* read /proc/kallsyms */
	int data_frame;                 /* leaf "[fault: MAPPING]" frame */
	int show_mmap;                  /* print MMAP/MMAP2 records */
	int header;                     /* print the recording's header first */
	int progress;                   /* progress on stderr */
	const char *comms, *pids, *tids;        /* comma lists, or NULL */
	const char *kallsyms;           /* kallsyms file instead of /proc */
	FILE *out;
	int faults;                     /* one perf-trace -F line per page fault */
	struct pf_perfdata_stats *stats;        /* if set: the reader's counts at the end */
	const char *symfs;              /* look for every file under this root */
	const char *vmlinux;            /* kernel symbols from this ELF file */
	int debuginfod;                 /* PF_SYM_DEBUGINFOD */
	pf_machine_warn_fn *warn;       /* symbolization problems, once each */
	void *warn_arg;
};

/* Defaults: every field perf shows, max_stack 127, inlines and demangling
   on, kernel symbols on, output to stdout. */
void pf_scriptprint_init(struct pf_scriptprint_opts *o);

/* Parse a -F argument into O.  0, or -1 naming the unknown field. */
int pf_scriptprint_fields(struct pf_scriptprint_opts *o, const char *arg);

/* Print the whole recording (with faults: its page faults, as perf trace
   -F prints them).  0, or -1 with pf_errmsg() set. */
int pf_scriptprint_run(const struct pf_scriptprint_opts *o);

#ifdef __cplusplus
}
#endif

#endif /* PF_SCRIPTPRINT_H */
