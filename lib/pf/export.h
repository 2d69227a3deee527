/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A recording written in another format than perf-script text, without
 * going through the text: folded stacks (what `pfscript | pfcollapse`
 * gives, byte for byte), gzip-compressed pprof (perftools.profiles.Profile,
 * as Pyroscope, Parca and `go tool pprof` read it) and the Firefox
 * Profiler's Gecko JSON.  Samples are selected and unwound as pfscript
 * prints them (the same struct pf_scriptprint_opts), and folded stacks
 * are named as pf_collapse names them (the same struct pf_collapse_opts).
 */
#ifndef PF_EXPORT_H
#define PF_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include <pf/collapse.h>
#include <pf/fold.h>
#include <pf/scriptprint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum pf_export_format {
	PF_EXPORT_FOLDED = 1,	/* "comm;root;...;leaf COUNT" lines */
	PF_EXPORT_PPROF,	/* gzip-compressed profile.proto */
	PF_EXPORT_GECKO,	/* Firefox Profiler Gecko JSON */
};

typedef struct pf_export pf_export;

struct pf_export_opts {
	size_t size;			/* sizeof, set by pf_export_opts_init() */
	enum pf_export_format format;	/* PF_EXPORT_FOLDED by default */
	struct pf_collapse_opts fold;	/* how stacks fold (folded only) */
};

void pf_export_opts_init(struct pf_export_opts *o);

/* An empty profile in O's format, or NULL (out of memory, bad options).
   Free with pf_export_free(). */
pf_export *pf_export_new(const struct pf_export_opts *o);

/* Add the samples of the recording S->input that S selects (comm, pid,
   tid, data frame, inline frames, max stack, demangling, kernel symbols;
   S's output fields and stream are not used).  Several recordings add up.
   0, or -1 with pf_errmsg() naming the input and the offset. */
int pf_export_read(pf_export *x, const struct pf_scriptprint_opts *s);

/* The same from the descriptor FD (which X owns from now on), named NAME
   in messages. */
int pf_export_read_fd(pf_export *x, const struct pf_scriptprint_opts *s,
		      int fd, const char *name);

/* Folded: the table of stacks so far; it belongs to X. */
pf_fold *pf_export_fold(pf_export *x);

/* Folded: when no event filter was given and samples of other events than
   the first one were dropped, the name of the event kept, else NULL. */
const char *pf_export_kept_event(const pf_export *x);

/* Samples the kernel lost (PERF_RECORD_LOST, PERF_RECORD_LOST_SAMPLES) in
   the recordings read so far, and in how many records it said so. */
uint64_t pf_export_lost(const pf_export *x, uint64_t *chunks);

/* Write the profile to OUT.  -1 with pf_errmsg() set on a write error or
   when out of memory. */
int pf_export_write(pf_export *x, FILE *out);

void pf_export_free(pf_export *x);

/* Folded stacks to pprof: every stack of F becomes a sample of its count
   in one sample type TYPE/UNIT ("samples"/"count" when NULL), every ';'
   separated frame a function with a location of its own.  COMM_LABEL 1
   takes the first frame as the command name (pfcollapse writes it first)
   and makes it the sample's "comm" label; 2 and 3 read it as pfcollapse
   --pid and --tid write it, "comm-PID" and "comm-PID/TID", with "pid" and
   "tid" labels too.  -1 with pf_errmsg() set on a write error, when out of
   memory or when a count passes pprof's 2^63 - 1. */
int pf_export_fold_pprof(pf_fold *f, const char *type, const char *unit,
			 int comm_label, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* PF_EXPORT_H */
