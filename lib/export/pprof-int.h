/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A pprof profile (perftools.profiles.Profile, github.com/google/pprof
 * proto/profile.proto) built up in tables that intern every string,
 * function, mapping and location, with samples of equal stacks and labels
 * summed, then encoded and gzip-compressed.  Ids are given in order of
 * first use from 1, so the same input gives the same bytes.  Used by the
 * recording exporter (pprof-rec.c) and for folded stacks (pprof.c).
 */
#ifndef PF_EXPORT_PPROF_INT_H
#define PF_EXPORT_PPROF_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/table.h"

struct pp_mapping {
	uint64_t start, limit, offset;
	int64_t file, build_id;		/* string indexes */
};

struct pp_function {
	int64_t name, system_name, file;
};

struct pp_location {
	uint64_t mapping, address;
	size_t lines, nr_lines;		/* function ids in pp->ids */
};

struct pp_sample {
	size_t locs, nr_locs;		/* location ids in pp->ids */
	size_t type;			/* index of the sample type */
	uint64_t value;
	int64_t pid, tid;		/* -1: no label */
	int64_t comm, thread_comm;	/* string indexes, 0: no label */
};

struct pprof {
	struct arena arena;		/* strings and keys */
	struct strmap strings;		/* text -> index */
	const char **str;		/* index -> text */
	size_t *str_len, nr_str, str_cap, str_len_cap;
	struct table keys;		/* (kind, key bytes) -> index */
	struct pp_mapping *map;
	size_t nr_map, map_cap;
	struct pp_function *fn;
	size_t nr_fn, fn_cap;
	struct pp_location *loc;
	size_t nr_loc, loc_cap;
	struct pp_sample *smp;
	size_t nr_smp, smp_cap;
	uint64_t *ids;			/* location and function id lists */
	size_t nr_ids, ids_cap;
	int64_t *type, *unit;		/* sample types */
	size_t nr_type, type_cap;
	int64_t period_type, period_unit;	/* 0: none */
	int64_t period, time_nanos, duration_nanos;
	int64_t *comment;
	size_t nr_comment, comment_cap;
	struct buf key;
};

int pp_init(struct pprof *pp);
void pp_release(struct pprof *pp);

/* Index of S in the string table (interned).  -1 when out of memory. */
int64_t pp_string(struct pprof *pp, const char *s, size_t len);
static inline int64_t pp_str(struct pprof *pp, const char *s)
{
	return pp_string(pp, s, strlen(s));
}

/* Sample type TYPE/UNIT: its index (added when new).  -1 when out of memory. */
int64_t pp_sample_type(struct pprof *pp, const char *type, const char *unit);

/* The id of the mapping, function, location (new ones added).  0 when out
   of memory.  A location's lines are function ids, innermost first. */
uint64_t pp_mapping(struct pprof *pp, const struct pp_mapping *m);
uint64_t pp_function(struct pprof *pp, const struct pp_function *f);
uint64_t pp_location(struct pprof *pp, uint64_t mapping, uint64_t address,
		     const uint64_t *fn_ids, size_t n);

/* Add VALUE to the sample of these locations (leaf first), type and
   labels.  -1 when out of memory or when the sum would pass 2^63 - 1. */
int pp_add_sample(struct pprof *pp, const uint64_t *locs, size_t n, size_t type,
		  int64_t pid, int64_t tid, int64_t comm, int64_t thread_comm,
		  uint64_t value);

int pp_comment(struct pprof *pp, const char *text);

/* Encode, compress and write.  -1 with pf_errmsg() set. */
int pp_write(struct pprof *pp, FILE *out);

#endif /* PF_EXPORT_PPROF_INT_H */
