/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the exporter shared by walk.c (records read, samples
 * selected and their raw frames found as pfscript finds them), frames.c
 * (those frames resolved), folded.c, pprof.c and gecko.c (the formats)
 * and pb.c (the protobuf and gzip encoding pprof needs).
 */
#ifndef PF_EXPORT_INT_H
#define PF_EXPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include <pf/export.h>
#include <pf/perfdata.h>
#include <pf/symbols.h>
#include "util/buf.h"
#include "symbols/machine-int.h"
#include "script/heaps-int.h"

#define EX_MAX_FRAMES 1024

/* One address of a sample's stack before symbolization: resolving it
   gives one frame, or with INL the functions inlined there first. */
struct ex_raw {
	uint64_t ip;
	unsigned mode;		/* PERF_RECORD_MISC_KERNEL, _USER ... */
	int inl;
};

/* A selected sample and its stack, leaf first, as pfscript prints it. */
struct ex_sample {
	const struct pf_sample *s;
	const char *comm;
	const struct maps *ms;	/* the process's maps (NULL: none yet) */
	unsigned gen;		/* ms->gen: the maps as they are now */
	const char *data_map;	/* with --data-frame: the fault's mapping
				   ("[heap]", a path; NULL: unknown) */
	int data_frame;		/* the leaf is the "[fault: ...]" frame */
	const struct ex_raw *raw;
	int nraw;
	int max;		/* frames shown at most, data frame included */
	int lines;		/* frames as lines; else only the first one,
				   at the end of the sample line (addr = ip) */
	int period_shown;	/* the text shows the period (not for
				   tracepoints) */
};

/* A format: called for each selected sample and for the side-band
   records that matter to it (COMM, EXIT, LOST), after the machine took
   them.  Each returns -1 with pf_errmsg() set. */
struct ex_format {
	int (*begin)(pf_export *x);		/* the profile is made */
	int (*start)(pf_export *x);		/* a recording's first sample
						   comes (its features are
						   known then, for pipes too) */
	int (*sample)(pf_export *x, const struct ex_sample *es);
	int (*record)(pf_export *x, const struct pf_record *rec);
	int (*end)(pf_export *x);		/* the recording ends */
	int (*write)(pf_export *x, FILE *out);
	void (*free)(pf_export *x);
};

struct pf_export {
	struct pf_export_opts o;
	const struct ex_format *fmt;
	void *state;			/* the format's */
	const struct pf_scriptprint_opts *so;	/* while reading */
	pf_perfdata *pd;
	pf_machine *m;
	struct heaps heaps;		/* --data-frame: heaps read ahead */
	uint64_t lost, lost_chunks;
	uint64_t first_time, last_time;	/* of the samples, UINT64_MAX/0 */
	size_t nr_evsel;
	int use_callchain;
	int have_addr;
	int started;			/* fmt->start was called */
	struct ex_raw *raw;
	size_t raw_cap;
	uint64_t ips[EX_MAX_FRAMES];
	struct pf_frame frames[EX_MAX_FRAMES];
	char fault[300];		/* the fault frame's name */
};

extern const struct ex_format ex_folded, ex_pprof, ex_gecko;

/* frames.c: the frames of ES, leaf first, into X->frames: the fault
   frame (sym "[fault: MAP]", dso "[data]") then the resolved addresses,
   at most ES->max, only the first one when !ES->lines.  GROUP[i], when
   not NULL, gets the index in ES->raw each frame came from (-1 for the
   fault frame). */
int ex_frames(pf_export *x, const struct ex_sample *es, int *group);

/* The name of the fault frame of mapping MAP into BUF. */
const char *ex_fault_frame(const char *map, char *buf, size_t size);

#endif /* PF_EXPORT_INT_H */
