/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The on-disk layout of perf.data ("PERFILE2") and of perf's pipe stream, as
 * described by the kernel tree's tools/perf/Documentation/
 * perf.data-file-format.txt and perf's util/header.h and util/event.h (perf
 * 6.1).  Shared by the reader (perfdata-read.c) and the writer (pfrecord);
 * never installed.  Kernel record types (PERF_RECORD_MMAP ... ) and struct
 * perf_event_attr come from <linux/perf_event.h>.
 *
 * Every structure is written in the recording machine's byte order; a file
 * whose magic reads byte-swapped came from the other endianness.
 */
#ifndef PF_PERFDATA_FORMAT_H
#define PF_PERFDATA_FORMAT_H

#include <stdint.h>
#include <linux/perf_event.h>

/* "PERFILE2" read as a little-endian u64, and as seen on the other endianness. */
#define PERFDATA_MAGIC          0x32454c4946524550ULL
#define PERFDATA_MAGIC_SWAPPED  0x50455246494c4532ULL

/* perf writes struct perf_event_attr at this size (PERF_ATTR_SIZE_VER7, with
   sig_data); readers take the size from the file and accept any of them. */
#define PERFDATA_ATTR_SIZE      128

/* A region of the file. */
struct perfdata_section {
	uint64_t offset;
	uint64_t size;
};

/* Feature bits in perfdata_header.adds_features (util/header.h).  Each set
   bit owns one perfdata_section, in bit order, in the table that starts right
   after the data section. */
enum perfdata_feature {
	HEADER_RESERVED         = 0,    /* always clear */
	HEADER_FIRST_FEATURE    = 1,
	HEADER_TRACING_DATA     = 1,
	HEADER_BUILD_ID         = 2,
	HEADER_HOSTNAME         = 3,
	HEADER_OSRELEASE        = 4,
	HEADER_VERSION          = 5,
	HEADER_ARCH             = 6,
	HEADER_NRCPUS           = 7,
	HEADER_CPUDESC          = 8,
	HEADER_CPUID            = 9,
	HEADER_TOTAL_MEM        = 10,
	HEADER_CMDLINE          = 11,
	HEADER_EVENT_DESC       = 12,
	HEADER_CPU_TOPOLOGY     = 13,
	HEADER_NUMA_TOPOLOGY    = 14,
	HEADER_BRANCH_STACK     = 15,
	HEADER_PMU_MAPPINGS     = 16,
	HEADER_GROUP_DESC       = 17,
	HEADER_AUXTRACE         = 18,
	HEADER_STAT             = 19,
	HEADER_CACHE            = 20,
	HEADER_SAMPLE_TIME      = 21,
	HEADER_MEM_TOPOLOGY     = 22,
	HEADER_CLOCKID          = 23,
	HEADER_DIR_FORMAT       = 24,
	HEADER_BPF_PROG_INFO    = 25,
	HEADER_BPF_BTF          = 26,
	HEADER_COMPRESSED       = 27,
	HEADER_CPU_PMU_CAPS     = 28,
	HEADER_CLOCK_DATA       = 29,
	HEADER_HYBRID_TOPOLOGY  = 30,
	HEADER_PMU_CAPS         = 31,
	HEADER_LAST_FEATURE     = 32,   /* as perf 6.1 knows them */
	HEADER_FEAT_BITS        = 256,
};

/* The file header at offset 0: 104 bytes. */
struct perfdata_header {
	uint64_t magic;                 /* PERFDATA_MAGIC */
	uint64_t size;                  /* sizeof(struct perfdata_header) */
	uint64_t attr_size;             /* one entry of the attrs section:
	                                   attr.size + sizeof(perfdata_section) */
	struct perfdata_section attrs;  /* perfdata_file_attr entries */
	struct perfdata_section data;   /* the records */
	struct perfdata_section event_types;    /* obsolete, ignored */
	uint64_t adds_features[HEADER_FEAT_BITS / 64];
};
#define PERFDATA_HEADER_SIZE    104

/* One entry of the attrs section: the attribute (attr.size bytes; declared
   at the size perf writes) followed by the section listing its sample ids
   (an array of u64). */
struct perfdata_file_attr {
	unsigned char attr[PERFDATA_ATTR_SIZE];    /* struct perf_event_attr */
	struct perfdata_section ids;
};

/* The pipe stream ("perf record -o -") starts with this, then records only;
   attributes and features arrive as PERF_RECORD_HEADER_* records. */
struct perfdata_pipe_header {
	uint64_t magic;                 /* PERFDATA_MAGIC */
	uint64_t size;                  /* 16 */
};
#define PERFDATA_PIPE_HEADER_SIZE 16

/* Record types synthesized by perf itself (util/event.h), after the kernel's. */
enum perfdata_user_type {
	PERF_RECORD_USER_TYPE_START     = 64,
	PERF_RECORD_HEADER_ATTR         = 64,   /* attr + u64 ids[] */
	PERF_RECORD_HEADER_EVENT_TYPE   = 65,   /* deprecated */
	PERF_RECORD_HEADER_TRACING_DATA = 66,   /* u32 size, then size bytes follow */
	PERF_RECORD_HEADER_BUILD_ID     = 67,   /* struct perfdata_build_id_event */
	PERF_RECORD_FINISHED_ROUND      = 68,   /* header only */
	PERF_RECORD_ID_INDEX            = 69,
	PERF_RECORD_AUXTRACE_INFO       = 70,
	PERF_RECORD_AUXTRACE            = 71,   /* u64 size, then size bytes follow */
	PERF_RECORD_AUXTRACE_ERROR      = 72,
	PERF_RECORD_THREAD_MAP          = 73,
	PERF_RECORD_CPU_MAP             = 74,
	PERF_RECORD_STAT_CONFIG         = 75,
	PERF_RECORD_STAT                = 76,
	PERF_RECORD_STAT_ROUND          = 77,
	PERF_RECORD_EVENT_UPDATE        = 78,
	PERF_RECORD_TIME_CONV           = 79,
	PERF_RECORD_HEADER_FEATURE      = 80,   /* u64 feat_id, then the section */
	PERF_RECORD_COMPRESSED          = 81,   /* zstd frames of further records */
	PERF_RECORD_FINISHED_INIT       = 82,   /* header only */
	PERF_RECORD_HEADER_MAX
};

/* PERF_RECORD_EVENT_UPDATE: u64 type (below), u64 event id, then the data. */
enum perfdata_event_update_type {
	PERFDATA_EVENT_UPDATE_UNIT  = 0,        /* string */
	PERFDATA_EVENT_UPDATE_SCALE = 1,        /* double */
	PERFDATA_EVENT_UPDATE_NAME  = 2,        /* string */
	PERFDATA_EVENT_UPDATE_CPUS  = 3,        /* cpu map */
};

/* A build id as perf stores it: 20 bytes padded to 24.  When header.misc has
   PERFDATA_MISC_BUILD_ID_SIZE, byte 20 holds the real length (e.g. 16 for
   md5 ids) and bytes 21..23 are reserved. */
#define PERFDATA_BUILD_ID_SIZE          20
#define PERFDATA_BUILD_ID_PADDED        24
#define PERFDATA_MISC_BUILD_ID_SIZE     (1 << 15)

/* PERF_RECORD_HEADER_BUILD_ID and the entries of the HEADER_BUILD_ID
   feature: header.misc carries the cpumode (kernel or user DSO); the
   NUL-terminated file name is padded to a multiple of 8 bytes, and
   header.size covers it all. */
struct perfdata_build_id_event {
	struct perf_event_header header;
	int32_t pid;
	unsigned char build_id[PERFDATA_BUILD_ID_PADDED];
	char filename[];
};

/* One entry of PERF_RECORD_ID_INDEX (after a u64 count). */
struct perfdata_id_index_entry {
	uint64_t id;
	uint64_t idx;
	uint64_t cpu;
	uint64_t tid;
};

/* Strings in feature sections (HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC,
   CPUID, ...): u32 len (including the NUL and padding to NAME_ALIGN), then
   the bytes.  String lists (CMDLINE) start with a u32 count. */
#define PERFDATA_NAME_ALIGN     64

/* --- pfrecord: writer-side definitions below this line (owned by pfrecord) */

#endif /* PF_PERFDATA_FORMAT_H */
