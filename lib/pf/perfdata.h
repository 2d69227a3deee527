/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reader of perf.data: the "PERFILE2" file format and perf's pipe stream,
 * as written by `perf record` and pfrecord, plain or gzip-compressed.
 * Records come back in time order, the way `perf script` processes them
 * (sorted between PERF_RECORD_FINISHED_ROUND markers), and samples are
 * decoded according to their event's sample_type and read_format.
 *
 * Every error message names the input and the byte offset of the bad data,
 * e.g. "pf.data: record size 4 too small at offset 81920".
 */
#ifndef PF_PERFDATA_H
#define PF_PERFDATA_H

#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_perfdata pf_perfdata;

/* One event (attribute) of the recording. */
struct pf_evsel {
	struct perf_event_attr attr;    /* zero-extended to the local size */
	const char *name;               /* e.g. "page-faults", "sched:sched_switch" */
	const uint64_t *ids;            /* sample ids that belong to this event */
	size_t nr_ids;
	int idx;                        /* position in the recording, from 0 */
};

/* A record as read.  DATA points to the whole record, header included,
   in host byte order; it belongs to the reader and stays valid until the
   next call of pf_perfdata_next(). */
struct pf_record {
	uint32_t type;                  /* PERF_RECORD_* */
	uint16_t misc;
	uint16_t size;
	uint64_t offset;                /* byte offset in the (uncompressed) input */
	const void *data;
	const struct pf_evsel *evsel;   /* event of the record, NULL if unknown */
	/* From the sample or the sample_id trailer; UINT64_MAX/-1 if absent. */
	uint64_t time;
	int32_t pid, tid;
	int32_t cpu;
};

/* A decoded PERF_RECORD_SAMPLE.  Pointers point into the record. */
struct pf_sample {
	const struct pf_evsel *evsel;
	uint16_t cpumode;               /* misc & PERF_RECORD_MISC_CPUMODE_MASK */
	uint64_t ip;
	int32_t pid, tid;
	uint64_t time;
	uint64_t addr;
	uint64_t id, stream_id;
	uint32_t cpu;
	uint64_t period;
	uint64_t nr_callchain;
	const uint64_t *callchain;
	uint32_t raw_size;
	const void *raw;
	uint64_t user_abi;              /* PERF_SAMPLE_REGS_ABI_* (0: none) */
	uint64_t user_regs_mask;        /* attr.sample_regs_user */
	const uint64_t *user_regs;      /* one per bit set in the mask */
	uint64_t stack_size;            /* bytes of user stack in STACK ... */
	const unsigned char *stack;
	uint64_t stack_dyn_size;        /* ... of which this many are valid */
	uint64_t weight;
	uint64_t data_src;
	uint64_t transaction;
	uint64_t phys_addr;
	uint64_t cgroup;
	uint64_t data_page_size, code_page_size;
};

/* Open PATH ("-" for standard input).  NULL on failure. */
pf_perfdata *pf_perfdata_open(const char *path);

/* Read from the descriptor FD, named NAME in messages; the reader owns FD. */
pf_perfdata *pf_perfdata_fdopen(int fd, const char *name);

/* Release the reader and everything it returned.  Never fails. */
void pf_perfdata_close(pf_perfdata *pd);

/* Deliver records in file order instead of time order (call before the
   first pf_perfdata_next). */
void pf_perfdata_set_unordered(pf_perfdata *pd, int unordered);

/* The next record into *REC: 1 when there is one, 0 at the end, -1 on
   error (pf_errmsg() names the offset).  Attribute and feature records of
   pipe streams are applied before they are returned, so pf_perfdata_evsel()
   already knows their events. */
int pf_perfdata_next(pf_perfdata *pd, struct pf_record *rec);

/* Decode the sample REC into *S.  0, or -1 on a malformed sample. */
int pf_perfdata_sample(pf_perfdata *pd, const struct pf_record *rec,
		       struct pf_sample *s);

/* Events known so far (all of them for files, those seen so far for pipes). */
size_t pf_perfdata_nr_evsel(const pf_perfdata *pd);
const struct pf_evsel *pf_perfdata_evsel(const pf_perfdata *pd, size_t idx);

/* 1 for the pipe format, 0 for a file. */
int pf_perfdata_is_pipe(const pf_perfdata *pd);

/* The input's name as given at open. */
const char *pf_perfdata_name(const pf_perfdata *pd);

/* Header features (HEADER_* numbers of perf's header.h).  The section's
   bytes, or NULL with *SIZE 0 when the recording lacks it.  The memory
   belongs to the reader. */
const void *pf_perfdata_feature(const pf_perfdata *pd, int feat, size_t *size);

/* String features (HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID) as a
   NUL-terminated string, or NULL. */
const char *pf_perfdata_feature_string(const pf_perfdata *pd, int feat);

/* Samples lost according to PERF_RECORD_LOST records read so far. */
uint64_t pf_perfdata_lost(const pf_perfdata *pd);

/* What a tool says at the end about the records it read (perf report's
   "lost N chunks" and unknown-event warnings, perf's warning about a data
   size of 0).  Counts of the records read so far. */
#define PF_PERFDATA_UNKNOWN_TYPES 4
struct pf_perfdata_stats {
	uint64_t lost_samples;          /* PERF_RECORD_LOST: samples the kernel dropped */
	uint64_t lost_chunks;           /* ... in this many PERF_RECORD_LOST records */
	uint64_t lost_samples_other;    /* PERF_RECORD_LOST_SAMPLES: samples it could not write */
	uint64_t lost_samples_records;  /* ... in this many records */
	uint64_t unknown_records;       /* records of types perf does not know */
	uint32_t unknown_types[PF_PERFDATA_UNKNOWN_TYPES];     /* the first few of them */
	unsigned nr_unknown_types;
	int unfinished;                 /* the header's data size was 0 (recorder killed):
					   the records were read up to the end of the file */
	uint64_t data_end;              /* offset after the last record read */
	uint64_t partial_at;            /* unfinished: offset of a record cut short by the
					   end of the file, which was dropped; 0 if none */
};

/* Copy the first SIZE bytes (sizeof(struct pf_perfdata_stats) as the caller
   was compiled) of the statistics into *ST; later versions only append
   fields.  Returns the bytes copied. */
size_t pf_perfdata_stats(const pf_perfdata *pd, struct pf_perfdata_stats *st, size_t size);

/* The descriptor the reader reads from (to fstat the input), or -1. */
int pf_perfdata_fd(const pf_perfdata *pd);

/* A file's data section: its offset and size in the (uncompressed) file.
   0, or -1 for the pipe format, which has none. */
int pf_perfdata_data_section(const pf_perfdata *pd, uint64_t *offset, uint64_t *size);

/* 1 when the recording has header feature FEAT: a file's header lists it,
   or a pipe stream's feature record was read; else 0. */
int pf_perfdata_has_feature(const pf_perfdata *pd, int feat);

/* 1 when a stream's reader has handed out all it has read, so the next
   pf_perfdata_next() waits for input: when a live reader flushes what it
   printed.  0 for files and while records are buffered. */
int pf_perfdata_drained(const pf_perfdata *pd);

/* Bytes of input consumed so far and the input's total size (0 if unknown),
   for progress reports. */
uint64_t pf_perfdata_pos(const pf_perfdata *pd);
uint64_t pf_perfdata_total(const pf_perfdata *pd);

#ifdef __cplusplus
}
#endif

#endif /* PF_PERFDATA_H */
