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
enum pf_scriptprint_field {
	PF_F_COMM = 1 << 0, PF_F_TID = 1 << 1, PF_F_PID = 1 << 2,
	PF_F_CPU = 1 << 3, PF_F_TIME = 1 << 4, PF_F_EVENT = 1 << 5,
	PF_F_IP = 1 << 6, PF_F_SYM = 1 << 7, PF_F_SYMOFF = 1 << 8,
	PF_F_DSO = 1 << 9, PF_F_ADDR = 1 << 10, PF_F_PERIOD = 1 << 11,
	PF_F_SRCLINE = 1 << 12, PF_F_TRACE = 1 << 13,
};

enum pf_scriptprint_flags {
	PF_SCRIPTPRINT_INLINE = 1 << 0,         /* inline frames of DWARF stacks */
	PF_SCRIPTPRINT_DEMANGLE = 1 << 1,       /* C++ and Rust names demangled */
	PF_SCRIPTPRINT_KERNEL = 1 << 2,         /* kernel symbols (kallsyms) */
	PF_SCRIPTPRINT_DATA_FRAME = 1 << 3,     /* leaf "[fault: MAPPING]" frame */
	PF_SCRIPTPRINT_SHOW_MMAP = 1 << 4,      /* print MMAP/MMAP2 records */
	PF_SCRIPTPRINT_HEADER = 1 << 5,         /* the recording's header first */
	PF_SCRIPTPRINT_FAULTS = 1 << 6,         /* one perf-trace -F line per fault */
	PF_SCRIPTPRINT_SHOW_TASK = 1 << 7,      /* print COMM, FORK and EXIT records */
	PF_SCRIPTPRINT_SHOW_SWITCH = 1 << 8,    /* print SWITCH records */
	PF_SCRIPTPRINT_NS = 1 << 9,             /* times in nanoseconds */
	PF_SCRIPTPRINT_RELTIME = 1 << 10,       /* times since the first printed */
	PF_SCRIPTPRINT_DELTATIME = 1 << 11,     /* times since the previous printed */
	PF_SCRIPTPRINT_DEBUGINFOD = 1 << 12,    /* fetch missing debug info (PF_SYM_DEBUGINFOD) */
};

/* Called now and then on long inputs: POS of TOTAL bytes of input NAME are
   read; DONE is 1 once at the end when it was called before. */
typedef void pf_scriptprint_progress_fn(void *arg, const char *name, uint64_t pos,
					uint64_t total, int done);

/* Options: fill with pf_scriptprint_opts_init(), then set what differs.
   Fields may be added at the end; size tells the library which exist. */
struct pf_scriptprint_opts {
	size_t size;                    /* sizeof, set by the init */
	const char *input;              /* path, "-" for stdin */
	FILE *out;
	unsigned flags;                 /* enum pf_scriptprint_flags */
	unsigned fields_set;            /* -F list: replaces the defaults */
	unsigned fields_add, fields_del;        /* -F +x,-y */
	int max_stack;                  /* frames per sample (127) */
	const char *comms, *pids, *tids;        /* comma lists, or NULL */
	const char *cpus;               /* CPU list "0-2,5", or NULL */
	const char *symbols;            /* comma list of function names or
	                                   sampled addresses (hex), or NULL */
	const char *time;               /* perf's --time ranges, or NULL */
	const char *kallsyms;           /* kallsyms file instead of /proc */
	struct pf_perfdata_stats *stats;        /* if set: the reader's counts at the end */
	const char *symfs;              /* look for every file under this root */
	const char *vmlinux;            /* kernel symbols from this ELF file */
	pf_machine_warn_fn *warn;       /* symbolization problems, once each */
	void *warn_arg;
	pf_scriptprint_progress_fn *progress;   /* NULL: no reports */
	void *progress_arg;
};

/* Defaults: every field perf shows, max_stack 127, inlines, demangling
   and kernel symbols on, output to stdout, no progress reports. */
void pf_scriptprint_opts_init(struct pf_scriptprint_opts *o);

/* Parse a -F argument into O.  0, or -1 naming the unknown field. */
int pf_scriptprint_fields(struct pf_scriptprint_opts *o, const char *arg);

/* Print the whole recording (with PF_SCRIPTPRINT_FAULTS: its page faults,
   as perf trace -F prints them).  0, or -1 with pf_errmsg() set, also when
   O was not set up by pf_scriptprint_opts_init() or a list in it is
   malformed. */
int pf_scriptprint_run(const struct pf_scriptprint_opts *o);

#ifdef __cplusplus
}
#endif

#endif /* PF_SCRIPTPRINT_H */
