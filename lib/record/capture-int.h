/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the capture handle, shared by capture.c (events, targets,
 * lifecycle) and ring.c (draining the ring buffers).  Never installed.
 */
#ifndef PF_CAPTURE_INT_H
#define PF_CAPTURE_INT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <pf/pf.h>
#include "perfdata/write-int.h"
#include "util/table.h"

#define MAX_EVENTS      16

struct ring {
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	size_t size;                    /* data bytes, a power of 2 */
	int fd;
	int hup;
};

struct pf_capture {
	struct pf_capture_opts o;
	struct pdw_event ev[MAX_EVENTS];
	size_t nev;
	char base[MAX_EVENTS][128];     /* event names without modifiers */
	char *tp_names[MAX_EVENTS];
	size_t ntp;
	void *tracing;
	size_t tracing_size;
	uint64_t sample_type;
	size_t time_at;                 /* offset of the time in a sample */
	int trim;                       /* shorten DWARF stack copies */

	size_t nslots;                  /* (task, cpu) pairs with events */
	int *fds;                       /* [event * nslots + slot] */
	size_t nrings;
	struct ring *rings;             /* one per CPU (or per thread) */
	struct pollfd *pfd;             /* one per ring */

	int user_only;                  /* kernel excluded (perf_event_paranoid) */
	struct pdw *w;
	struct pdw_meta meta;
	struct pf_capture_stats st;

	struct strmap dsos;             /* files mapped executable (owned names) */
};

/* ring.c */
/* Move everything the rings hold to the writer and end the round (force:
   hand the writer all of it).  0 or -1. */
int rings_drain(pf_capture *r, int force);
/* Shorten the DWARF stack copies of the records in p[0..len) to what the
   kernel filled, in place; returns the new length. */
size_t trim_stacks(const pf_capture *r, unsigned char *p, size_t len);
/* Note a file mapped executable, for the build-id section. */
void saw_dso(void *arg, const char *path);

#endif /* PF_CAPTURE_INT_H */
