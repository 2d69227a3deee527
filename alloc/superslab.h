/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsuperslab: a malloc replacement built from 2 MiB SuperSlabs with
 * per-thread caches.  Link with -lsuperslab, or preload it
 * (LD_PRELOAD=libsuperslab.so.0) to replace malloc in any program; the
 * standard names (malloc, free, calloc, realloc, reallocarray,
 * posix_memalign, aligned_alloc, memalign, valloc, pvalloc,
 * malloc_usable_size, free_sized, free_aligned_sized) are exported too.
 *
 * Ownership: every pointer returned by an ss_ allocation function (or its
 * standard twin) belongs to the caller, who releases it with ss_free() or
 * free(); the two families are the same allocator and can be mixed.
 * See libsuperslab(3) for the environment tunables.
 */
#ifndef SUPERSLAB_H
#define SUPERSLAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void *ss_malloc(size_t size);
void ss_free(void *ptr);
void *ss_calloc(size_t nmemb, size_t size);
void *ss_realloc(void *ptr, size_t size);
void *ss_reallocarray(void *ptr, size_t nmemb, size_t size);
int ss_posix_memalign(void **memptr, size_t alignment, size_t size);
void *ss_aligned_alloc(size_t alignment, size_t size);
void *ss_memalign(size_t alignment, size_t size);
void *ss_valloc(size_t size);
void *ss_pvalloc(size_t size);
size_t ss_malloc_usable_size(void *ptr);
void ss_free_sized(void *ptr, size_t size);
void ss_free_aligned_sized(void *ptr, size_t alignment, size_t size);

/* The usable size that ss_malloc(size) returns: its size class. */
size_t ss_good_size(size_t size);

/* Process-wide counters.  Counters of running threads are read without
   stopping them, so they are approximate while threads allocate. */
struct ss_stats {
	uint64_t refills;            /* slow-path refills of a thread's slab (the
	                                fast paths count nothing, to stay fast) */
	uint64_t remote_frees;       /* frees of blocks another thread owns */
	uint64_t large_allocs;       /* blocks above the largest size class */
	uint64_t large_cache_hits;   /* huge blocks served from the cache */
	uint64_t large_cache_misses; /* huge blocks that needed a new mapping */
	uint64_t slabs_in_use;
	uint64_t superslabs_reserved;/* SuperSlabs obtained from the OS */
	uint64_t superslabs_free;    /* of which free in the pool */
	uint64_t superslabs_abandoned; /* left by exited threads, not adopted */
	uint64_t bytes_mapped;       /* currently mapped from the OS */
	uint64_t bytes_purged;       /* total given back with madvise */
	uint64_t mmap_calls, munmap_calls, madvise_calls, populate_calls;
	uint64_t failures;           /* allocations that returned NULL */
};

/* Fill *st (size = sizeof *st, for later growth).  Returns 0, or -1 with
   errno EINVAL when size is too small. */
int ss_stats_get(struct ss_stats *st, size_t size);

/* Write the statistics printed by SUPERSLAB_STATS=1 to file descriptor fd. */
void ss_stats_print(int fd);

/* Give free memory back to the OS now (free SuperSlabs and cached huge
   blocks), ignoring the purge delay. */
void ss_collect(void);

/* Runtime tuning.  The SuperSlab size and prewarm count are fixed at
   start-up: setting them fails with EBUSY. */
enum ss_option {
	SS_OPT_PREFAULT,        /* SUPERSLAB_PREFAULT: 0/1 */
	SS_OPT_HUGEPAGES,       /* SUPERSLAB_HUGEPAGES: 0/1 */
	SS_OPT_PREWARM,         /* SUPERSLAB_PREWARM: SuperSlabs mapped at start */
	SS_OPT_SIZE,            /* SUPERSLAB_SIZE: bytes */
	SS_OPT_PURGE_DELAY_MS,  /* SUPERSLAB_PURGE_DELAY_MS: -1 = never */
	SS_OPT_PURGE_DONTNEED,  /* SUPERSLAB_PURGE=dontneed: 1, free: 0 */
	SS_OPT_STATS,           /* SUPERSLAB_STATS: print at exit */
	SS_OPT_TRACE            /* SUPERSLAB_TRACE: one line per failure */
};
/* Returns the value, or -1 with errno EINVAL for an unknown option. */
long ss_option_get(enum ss_option opt);
/* Returns 0, or -1 with errno EINVAL (unknown option, bad value) or EBUSY. */
int ss_option_set(enum ss_option opt, long value);

#ifdef __cplusplus
}
#endif

#endif /* SUPERSLAB_H */
