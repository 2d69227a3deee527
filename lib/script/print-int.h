/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the perf-script printer shared by print.c (samples),
 * events.c (--show-mmap-events, --show-task-events, --show-switch-events),
 * filter.c (--time, --cpu, -S, --comm, --pid, --tid) and header.c
 * (--header): the printer's state and its output buffer, filled with small
 * formatters instead of stdio, which is where perf script spends its time.
 */
#ifndef PF_SCRIPT_PRINT_INT_H
#define PF_SCRIPT_PRINT_INT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pf/perfdata.h>
#include <pf/symbols.h>
#include <pf/scriptprint.h>
#include "util/pf-int.h"
#include "util/escape.h"
#include "script/heaps-int.h"

#define MAX_FRAMES 1024

struct line_cache;
struct tf_set;

struct time_range {
	uint64_t start, end;    /* 0: open */
};

struct printer {
	const struct pf_scriptprint_opts *o;    /* &opts */
	struct pf_scriptprint_opts opts;        /* the caller's, over the defaults */
	pf_perfdata *pd;
	pf_machine *m;
	unsigned *fields;       /* per event */
	int name_width;
	int use_callchain;
	FILE *out;
	char *ob;               /* output buffer, written out when nearly full */
	size_t on;
	unsigned flushes;
	struct line_cache *lines;       /* formatted frame lines, see print_chain */
	int write_failed;
	char fault_frame[300];          /* --data-frame's name this sample */
	struct tf_set *tf;              /* tracepoint formats, or NULL */
	char *trace_text;               /* a sample's trace field */
	struct time_range *ranges;      /* --time */
	size_t nr_ranges;
	unsigned char *cpu_set;         /* --cpu bitmap, or NULL */
	uint64_t initial_time;          /* --reltime: the first time printed */
	uint64_t previous_time;         /* --deltatime: the last time printed */
	uint64_t progress_pos;          /* input position at the last report */
	struct heaps heaps;             /* --data-frame: heaps read ahead */
	struct pf_frame frames[MAX_FRAMES];
	uint64_t ips[MAX_FRAMES];
};

/* A frame line as printed, remembered per (process maps, mode, address). */
struct line_cache {
	const void *maps;
	unsigned gen, mode, fields;
	uint64_t ip;
	char *text;
	size_t len;
};
#define LINE_CACHE_SIZE 65536

#define TRACE_TEXT_SIZE 8192
#define OB_SIZE ((size_t)1 << 16)
#define OB_ROOM 4096            /* every ob_* call but sp_ob_printf fits */

/* print.c */
void sp_ob_flush(struct printer *pr);
void sp_ob_write(struct printer *pr, const char *s, size_t n);
void sp_ob_printf(struct printer *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sp_in_list(const char *list, const char *s, long n);
void sp_print_start(struct printer *pr, unsigned f, int chain, const char *comm,
		 int pid, int tid, uint32_t cpu, uint64_t time);

/* events.c */
void sp_print_mmap(struct printer *pr, const struct pf_record *rec);
/* A task (COMM, FORK, EXIT) or SWITCH record, with the machine's state
   updated around it as perf does.  0, or -1 when out of memory. */
int sp_machine_record(struct printer *pr, const struct pf_record *rec);
char *sp_cached_kallsyms(pf_perfdata *pd);
/* The machine for recording PD with O's symbol options (FLAGS: PF_SYM_*):
   its build-ids, --symfs, --vmlinux, --kallsyms or perf's cached copy, the
   warning callback.  NULL with pf_errmsg() set. */
pf_machine *sp_machine_new(const struct pf_scriptprint_opts *o, pf_perfdata *pd, int flags);

/* faults.c: --faults, the whole recording. */
int sp_print_faults(const struct pf_scriptprint_opts *o);

/* filter.c */
int sp_filter_setup(struct printer *pr);
void sp_filter_free(struct printer *pr);
/* 1 when a sample, or a side-band record from CPU (-1: none), is left out. */
int sp_skip_sample(struct printer *pr, const struct pf_sample *s, const char *comm);
int sp_skip_sideband(const struct printer *pr, int32_t cpu);

/* header.c */
void sp_print_header(struct printer *pr);
void sp_print_feature(struct printer *pr, int feat);

static inline void ob_reserve(struct printer *pr, size_t n)
{
	if (unlikely(pr->on + n > OB_SIZE))
		sp_ob_flush(pr);
}

static inline void ob_putc(struct printer *pr, char c)
{
	ob_reserve(pr, 1);
	pr->ob[pr->on++] = c;
}

static inline void ob_puts(struct printer *pr, const char *s)
{
	sp_ob_write(pr, s, strlen(s));
}

/* S (N bytes), a name from the recording, with its control characters
   escaped: a COMM or symbol holding a newline must not forge lines. */
static inline void ob_text(struct printer *pr, const char *s, size_t n)
{
	for (;;) {
		size_t k = esc_span(s, n);
		char e[4];

		sp_ob_write(pr, s, k);
		if (k == n)
			return;
		sp_ob_write(pr, e, esc_ctrl((unsigned char)s[k], e));
		s += k + 1;
		n -= k + 1;
	}
}

static inline void ob_name(struct printer *pr, const char *s)
{
	ob_text(pr, s, strlen(s));
}

/* V in hex, right-aligned in WIDTH columns (printf's "%*" PRIx64). */
static inline void ob_hex(struct printer *pr, uint64_t v, int width)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	ob_reserve(pr, 32);
	for (int i = n; i < width; i++)
		pr->ob[pr->on++] = ' ';
	while (n)
		pr->ob[pr->on++] = tmp[--n];
}

/* V in decimal, right-aligned in WIDTH columns. */
static inline void ob_dec(struct printer *pr, uint64_t v, int width)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ob_reserve(pr, 48);
	for (int i = n; i < width; i++)
		pr->ob[pr->on++] = ' ';
	while (n)
		pr->ob[pr->on++] = tmp[--n];
}

#endif /* PF_SCRIPT_PRINT_INT_H */
