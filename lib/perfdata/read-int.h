/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the perf.data reader shared by perfdata-read.c (input,
 * records, time ordering) and perfdata-sample.c (attributes, features,
 * sample decoding).
 */
#ifndef PF_PERFDATA_INT_H
#define PF_PERFDATA_INT_H

#include <stdint.h>
#include <zlib.h>

#include <pf/perfdata.h>
#include "perfdata/format.h"

/* A record waiting in the time-ordering queue. */
struct qent {
	uint64_t time;
	uint64_t seq;                   /* arrival order: ties keep it */
	uint64_t offset;
	const void *data;
	int owned;                      /* DATA is a malloc'd copy */
};

struct qvec {
	struct qent *v;
	size_t n, cap, head;            /* HEAD: next to deliver (output only) */
};

struct pf_perfdata {
	char *name;
	int fd;
	int pipe;                       /* pipe format */
	int unordered;

	/* Whole input in memory (mmap'd or decompressed) ... */
	unsigned char *mem;
	size_t mem_size;
	int mem_mapped;
	uint64_t pos, end;              /* records left: [pos, end) */
	/* ... or a stream read as it comes (pipe format on a pipe). */
	gzFile gz;
	int plain;                      /* not gzip: read with read_plain() */
	unsigned char *ibuf;            /* its read buffer */
	size_t ipos, ilen;
	unsigned char *rbuf;
	size_t rbuf_cap;
	uint64_t total;                 /* input size if known */

	struct perfdata_header header;  /* file format: its header, as read */

	/* Events. */
	struct pf_evsel **evsel;
	size_t nr_evsel;
	struct { uint64_t id; size_t idx; } *idmap;     /* sorted by id */
	size_t nr_idmap;
	int idmap_sorted;

	/* Features: sections for files, copies for pipes. */
	const void *feat[HEADER_FEAT_BITS];
	size_t feat_size[HEADER_FEAT_BITS];
	void *feat_owned[HEADER_FEAT_BITS];
	unsigned char *feat_mem;        /* the sections of a stream, read ahead */
	char *feat_str[HEADER_FEAT_BITS];

	/* Time ordering (perf's ordered events). */
	struct qvec pending, ready;
	size_t pending_bytes;           /* entries and copies in PENDING */
	size_t queue_max;               /* QUEUE_MAX (tests set less) */
	uint64_t seq;
	uint64_t max_time, next_flush;
	int eof;
	void *last_owned;               /* copy handed out last; freed next call */

	/* What pf_perfdata_stats() reports. */
	uint64_t lost, lost_chunks;     /* PERF_RECORD_LOST */
	uint64_t lost_other, lost_other_recs;   /* PERF_RECORD_LOST_SAMPLES */
	uint64_t unknown;               /* records of types perf does not know */
	uint32_t unknown_types[PF_PERFDATA_UNKNOWN_TYPES];      /* the first few */
	unsigned nr_unknown_types;
	int unfinished;                 /* header said data size 0: read to the end */
	uint64_t partial_at;            /* ... where a partial record was dropped */

	/* Records decompressed from PERF_RECORD_COMPRESSED (perfdata-zstd.c). */
	unsigned char *zbuf;
	size_t zlen, zpos, zcap;
	uint64_t zoff;                  /* offset of the compressed record */
	void *zctx;
};

/* perfdata-zstd.c: decompress into the record buffer; hand out whole
   records (1, 0 when none is complete, -1 on error). */
int pd_z_feed(pf_perfdata *pd, const unsigned char *data, size_t n, uint64_t off);
int pd_z_next(pf_perfdata *pd, const unsigned char **rec, uint64_t *off);
void pd_z_free(pf_perfdata *pd);

/* perfdata-sample.c */
int pd_add_evsel(pf_perfdata *pd, const void *attr, size_t attr_size,
		 const uint64_t *ids, size_t nr_ids, uint64_t off);
int pd_read_attrs(pf_perfdata *pd, const struct perfdata_header *h);
/* The feature sections H lists, from MEM, which holds the file's bytes
   [BASE, BASE + LEN). */
int pd_read_features(pf_perfdata *pd, const struct perfdata_header *h,
		     const unsigned char *mem, uint64_t base, size_t len);
int pd_set_feature(pf_perfdata *pd, int feat, const void *data, size_t size,
		   int copy, uint64_t off);
void pd_name_events(pf_perfdata *pd);
int pd_event_update(pf_perfdata *pd, const unsigned char *rec, size_t size);
const struct pf_evsel *pd_evsel_of(pf_perfdata *pd, const unsigned char *rec,
				   size_t size, uint32_t type);
void pd_sample_id(pf_perfdata *pd, const unsigned char *rec, size_t size,
		  struct pf_record *r);
void pd_free_events(pf_perfdata *pd);

#endif /* PF_PERFDATA_INT_H */
