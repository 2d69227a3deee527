/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of libsuperslab, shared by its modules; never installed.
 *
 * Memory comes from the OS in reservations of several SuperSlabs.  A
 * SuperSlab is a naturally aligned region (2 MiB by default) whose first
 * bytes hold its header, so the owner of any pointer is `p & ~ss_mask`.
 * A SuperSlab is one of:
 *   SMALL   carved into 64 KiB slabs, one size class per slab (<= 256 B);
 *   MEDIUM  carved into 512 KiB slabs (classes up to 128 KiB);
 *   LARGE   one block that fits in the SuperSlab (realloc grows in place);
 *   HUGE    one block in its own mapping, aligned like a SuperSlab.
 * A bitmap over the address space (1 MiB granules) says which granules
 * hold a SuperSlab header, so free() of a foreign pointer is caught
 * before the header is read.
 *
 * Each thread has a heap: per class, the slab it allocates from, plus
 * queues of partially used and full slabs.  Only the owning thread touches
 * a heap or the free lists of its slabs; other threads push freed blocks
 * onto the slab's atomic `remote` list, which the owner collects.
 */
#ifndef SS_INT_H
#define SS_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include "superslab.h"

#define SS_HIDDEN __attribute__((visibility("hidden")))
#define SS_EXPORT __attribute__((visibility("default")))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define SS_NOINLINE __attribute__((noinline))
#define SS_COLD     __attribute__((cold, noinline))

/* Internal invariants, checked in --enable-debug builds (mimalloc's
   mi_assert_internal); compiled out otherwise. */
#ifdef PF_DEBUG
# define ss_assert(c) \
	((c) ? (void)0 : ss_assert_fail(#c, __FILE__, __LINE__))
#else
# define ss_assert(c) ((void)0)
#endif

/* ---- geometry ---- */
#define SS_GRANULE_SHIFT 20                 /* ownership map: 1 MiB granules */
#define SS_ADDR_BITS     47                 /* user address space on x86-64/arm64 */
#define SS_MIN_SHIFT     20                 /* SUPERSLAB_SIZE: 1 MiB .. */
#define SS_MAX_SHIFT     26                 /* .. 64 MiB */
#define SS_DEFAULT_SHIFT 21                 /* 2 MiB: one huge page */
#define SLAB_SHIFT_SMALL  16                /* 64 KiB slabs */
#define SLAB_SHIFT_MEDIUM 19                /* 512 KiB slabs */
#define SS_MAX_SLABS (1u << (SS_MAX_SHIFT - SLAB_SHIFT_SMALL))
#define SS_PAGE 4096u
#define SS_MAGIC 0x55534c42u                /* "SSLB" */

/* ---- size classes: 16..128 by 16, then 8 classes per power of two ---- */
#define SS_NCLASS        88
/* Largest class in SMALL slabs: a slab holds at least 256 blocks, so a
   class rarely spreads over several slabs.  Frees then go back to the
   slab malloc takes from and are reused while still in cache; with 64
   blocks a slab (1 KiB blocks in 64 KiB), the benchmark's classes of
   500-1000 bytes switched slabs every few allocations (250 000 refills
   in 11 M operations, now about 400). */
#define SS_SMALL_MAX     256u
#define SS_CLASS_MAX     131072u            /* largest class */
#define SS_FAST_MAX      2048u              /* sizes served through the table */
#define SS_LARGE_OFF     64u                /* block offset in LARGE/HUGE */

enum ss_kind { SS_FREE = 0, SS_SMALL = 1, SS_MEDIUM = 2, SS_LARGE = 3, SS_HUGE = 4 };
enum slab_queue { Q_NONE = 0, Q_PARTIAL = 1, Q_FULL = 2 };

/* A free block: `next` links the free list; `key` (the block's address
   xor a secret) marks it free, so a second free() of it is seen before it
   corrupts a list.  malloc clears it, so a block found on a remote list or
   a foreign cache without its key was handed out again: freed twice. */
struct block {
	struct block *next;
	uintptr_t key;
};

struct heap;

/* The owner's fast paths touch one cache line: the free list, the count
   and the geometry.  Other threads validate their frees with a copy of the
   geometry (r_) in the second line, which the owner writes only when it
   sets the slab up or carves, so cross-thread frees do not bounce the line
   the owner writes on every malloc and free.  (A bitmap of free blocks for
   double-free checks was tried: its 512 bytes per slab cost more, in cache
   and TLB footprint, than reading the freed block's key.) */
struct slab {
	struct block *free;           /* owner-local free list */
	char *start;                  /* first block */
	uint64_t dinv;                /* block_index(): inverse of bsize's odd part */
	uint32_t used;                /* handed out, not freed locally */
	uint32_t carved;              /* blocks carved from the bump area */
	uint32_t bsize;               /* block size; 0 = slab unused */
	uint8_t tz;                   /* block_index(): bsize's trailing zero bits */
	uint8_t queue;                /* enum slab_queue: free() looks at it */
	struct slab *next, *prev;     /* heap queue */
	char *r_start __attribute__((aligned(64))); /* copies for other threads */
	uint64_t r_dinv;
	uint32_t r_bsize;
	uint32_t r_carved;
	uint8_t r_tz;
	uint8_t cls;
	uint32_t capacity;            /* blocks that fit */
	/* Blocks freed by other threads, with their number in the top bits
	   (remote_pack): its own line, so the pushers' compare-and-swaps do
	   not take away the line other threads validate their frees with. */
	_Atomic uintptr_t remote __attribute__((aligned(64)));
} __attribute__((aligned(64)));

/* The inverse of an odd d modulo 2^64: Newton's iteration doubles the
   correct low bits (d * d == 1 modulo 8 gives three to start with). */
static inline uint64_t odd_inverse(uint64_t d)
{
	uint64_t x = d;
	for (int i = 0; i < 5; i++)
		x *= 2 - d * x;
	return x;
}

/* The index of the block at byte offset off of a slab whose block size
   is d << tz (d odd, dinv its inverse modulo 2^64).  When off is not a
   multiple of the block size, the multiply leaves low bits set (not a
   multiple of 2^tz) or a quotient above 2^64 / d / 2^tz (not a multiple of
   d), and the rotation moves either far above any block count; an offset
   below the start wraps around to such a value as well.  So one multiply
   and one compare with the number of blocks check both "block boundary"
   and "inside the slab" (the exact-division test of Granlund and
   Montgomery). */
static inline uint64_t block_index(uintptr_t off, uint64_t dinv, unsigned tz)
{
	uint64_t x = off * dinv;
	return (x >> tz) | (x << ((64 - tz) & 63));
}

/* A remote list head: the first block in the low 48 bits, the number of
   blocks on the list in the top 16 (a slab holds at most 4096), so the
   owner collects the list and its length with one exchange and never
   walks blocks another core wrote. */
#define REMOTE_SHIFT 48
static inline uintptr_t remote_pack(struct block *b, uintptr_t n)
{
	return (uintptr_t)b | (n << REMOTE_SHIFT);
}

struct superslab {
	uint32_t magic;
	uint8_t kind;                 /* enum ss_kind */
	uint8_t slab_shift;
	uint8_t purged;               /* pages given back (or never touched) */
	uint8_t fresh;
	uint32_t nslabs;
	uint32_t used_slabs;
	struct heap *owner;           /* &ss_no_owner unless SMALL/MEDIUM owned */
	size_t map_size;              /* HUGE: bytes mapped; else ss_size */
	size_t block_size;            /* LARGE/HUGE: requested size */
	size_t block_off;             /* LARGE/HUGE: offset of the block */
	uint64_t free_since_ms;       /* pool / cache: when it became free */
	struct superslab *next, *prev;   /* pool, abandoned list, heap list */
	uint32_t hint;                /* first slab to look at for a free one */
	uint32_t first;               /* slabs below this one hold the header */
	struct slab slabs[];
};

/* ---- options (options.c) ---- */
struct ss_options {
	long prefault, hugepages, prewarm, purge_delay_ms, stats, trace;
	long purge_dontneed;
	unsigned ss_shift;
};
extern struct ss_options ss_opt SS_HIDDEN;
extern size_t ss_size SS_HIDDEN;     /* 1 << ss_opt.ss_shift */
extern int ss_stats_fd SS_HIDDEN;    /* a copy of stderr for SUPERSLAB_STATS */
extern uintptr_t ss_mask SS_HIDDEN;  /* ss_size - 1 */
void options_init(void) SS_HIDDEN;

/* Messages without stdio: safe before and during initialization. */
void ss_write(const char *s) SS_HIDDEN;
void ss_write_num(uint64_t v, int hex) SS_HIDDEN;
void ss_assert_fail(const char *what, const char *file, int line) SS_HIDDEN __attribute__((noreturn));
void ss_misuse(const char *fn, const char *what, const void *p) SS_HIDDEN __attribute__((noreturn));
void ss_trace_fail(const char *fn, size_t size, const char *cls, const char *cause, int err) SS_HIDDEN;

/* ---- size classes (sizeclass.c) ---- */
extern uint32_t ss_class_size[SS_NCLASS] SS_HIDDEN;
extern uint16_t ss_foreign_max[SS_NCLASS] SS_HIDDEN;  /* foreign[] blocks kept per class */
extern uint8_t ss_fast_class[SS_FAST_MAX / 16 + 1] SS_HIDDEN;
void sizeclass_init(void) SS_HIDDEN;
unsigned size_to_class(size_t n) SS_HIDDEN;
extern uint8_t ss_direct_first[SS_NCLASS], ss_direct_count[SS_NCLASS] SS_HIDDEN;

/* ---- OS layer and ownership map (os.c) ---- */
struct os_counters {
	_Atomic uint64_t mmap_calls, munmap_calls, madvise_calls, populate_calls;
	_Atomic uint64_t bytes_mapped, bytes_purged, hugepage_fallbacks, mremap_calls;
};
extern struct os_counters ss_os SS_HIDDEN;
extern _Atomic uint64_t ss_owner_map[1u << (SS_ADDR_BITS - SS_GRANULE_SHIFT - 6)] SS_HIDDEN;
void *os_map(size_t size, size_t align, int *err) SS_HIDDEN;
void os_unmap(void *p, size_t size) SS_HIDDEN;
void os_purge(void *p, size_t size) SS_HIDDEN;
void os_prefault(void *p, size_t size) SS_HIDDEN;
void os_advise_huge(void *p, size_t size) SS_HIDDEN;
void map_mark(uintptr_t start, size_t size, bool on) SS_HIDDEN;
uint64_t os_now_ms(void) SS_HIDDEN;
int os_thp_mode(void) SS_HIDDEN;   /* 0 never, 1 madvise, 2 always */

static inline bool map_test(uintptr_t a)
{
	uintptr_t g = a >> SS_GRANULE_SHIFT;
	if (unlikely(g >= (1ul << (SS_ADDR_BITS - SS_GRANULE_SHIFT))))
		return false;
	return (atomic_load_explicit(&ss_owner_map[g >> 6], memory_order_relaxed) >> (g & 63)) & 1;
}

static inline struct superslab *ss_of(const void *p)
{
	return (struct superslab *)((uintptr_t)p & ~ss_mask);
}

/* ---- SuperSlab pool (segment.c) ---- */
extern struct heap ss_no_owner SS_HIDDEN;
struct superslab *pool_acquire(int *err) SS_HIDDEN;
void pool_release(struct superslab *ss) SS_HIDDEN;
void pool_purge_expired(bool all) SS_HIDDEN;
void pool_prewarm(long n) SS_HIDDEN;
void abandoned_push(struct superslab *ss) SS_HIDDEN;
struct superslab *abandoned_pop(void) SS_HIDDEN;
void ss_format(struct superslab *ss, enum ss_kind kind) SS_HIDDEN;
size_t ss_header_size(unsigned nslabs) SS_HIDDEN;
void pool_counts(uint64_t *dirty, uint64_t *clean, uint64_t *reserved, uint64_t *abandoned) SS_HIDDEN;
void segment_lock_all(void) SS_HIDDEN;
void segment_unlock_all(bool child) SS_HIDDEN;

/* ---- slabs and heaps (slab.c, heap.c) ---- */
struct slabq { struct slab *first, *last; };

#define HEAP_SS_CACHE 2
struct heap {
	/* The allocation slab for sizes up to SS_FAST_MAX, indexed by
	   (size + 15) / 16: one load less than going through the class. */
	struct slab *direct[SS_FAST_MAX / 16 + 1];
	struct slab *cur[SS_NCLASS];  /* allocation slab per class */
	struct slabq partial[SS_NCLASS];
	struct slabq full[SS_NCLASS];
	struct superslab *avail;      /* owned SuperSlabs with free slabs */
	struct superslab *busy;       /* owned SuperSlabs without */
	struct superslab *cache[HEAP_SS_CACHE]; /* empty SuperSlabs kept hot */
	unsigned ncache;
	uint64_t refills[SS_NCLASS], slabs[SS_NCLASS];
	uint64_t remote_frees, adopted, nlarge;
	struct heap *next_all;        /* all heaps, for statistics */
	bool live;
	/* Blocks of other heaps freed by this thread, kept to serve this
	   thread's next allocations of the class (no atomic, no cache line
	   of the owner touched); beyond a limit per class, further ones
	   go straight back to their owners.  Each class's list is the free
	   list of a slab of its own that belongs to no SuperSlab: while it
	   holds blocks, the class's direct entries point to it, so malloc's
	   inline pop takes them first at no cost to the common path.  Its
	   `used` counts down from zero as blocks come in (malloc counts
	   up): it holds -used.  Last, so that a thread which never frees
	   other threads' blocks never touches these pages. */
	struct slab foreign[SS_NCLASS];
};

extern __thread struct heap *ss_tls_heap SS_HIDDEN __attribute__((tls_model("initial-exec")));
extern struct slab ss_empty_slab SS_HIDDEN;
/* The heap of a thread that has none yet: its slabs are all empty, so the
   inline paths fall through to the slow ones without testing for NULL. */
extern struct heap ss_empty_heap SS_HIDDEN;
extern uintptr_t ss_cookie SS_HIDDEN;
extern _Atomic int ss_ready SS_HIDDEN;

struct heap *heap_get(void) SS_HIDDEN;           /* creates on first use */
void heap_abandon(struct heap *h) SS_HIDDEN;
void heap_totals(struct ss_stats *st, uint64_t *slabs, uint64_t *refills) SS_HIDDEN;
void ss_init_slow(void) SS_HIDDEN;

void *slab_alloc_slow(struct heap *h, unsigned cls, int *err) SS_HIDDEN;
void slab_free_slow(struct heap *h, struct slab *s) SS_HIDDEN;
void slab_collect(struct slab *s) SS_HIDDEN;
void slab_release(struct heap *h, struct slab *s) SS_HIDDEN;
void slab_adopt(struct heap *h, struct superslab *ss) SS_HIDDEN;
void foreign_flush(struct heap *h, unsigned cls) SS_HIDDEN;
void remote_push(struct slab *s, struct block *first, struct block *last, uint32_t n) SS_HIDDEN;
void slabq_remove(struct slabq *q, struct slab *s) SS_HIDDEN;
void slabq_push(struct slabq *q, struct slab *s) SS_HIDDEN;
void slabq_push_tail(struct slabq *q, struct slab *s) SS_HIDDEN;

/* Point the direct entries of class c at slab s. */
static inline void heap_set_direct(struct heap *h, unsigned c, struct slab *s)
{
	for (unsigned i = 0; i < ss_direct_count[c]; i++)
		h->direct[ss_direct_first[c] + i] = s;
}

/* Make s the allocation slab of class c (and of its direct entries,
   unless the thread holds other threads' blocks of the class). */
static inline void heap_set_cur(struct heap *h, unsigned c, struct slab *s)
{
	h->cur[c] = s;
	heap_set_direct(h, c, h->foreign[c].free ? &h->foreign[c] : s);
}

/* Blocks of other heaps that the thread holds in class c. */
static inline uint32_t foreign_count(const struct heap *h, unsigned c)
{
	return 0u - h->foreign[c].used;
}

static inline uintptr_t block_key(const struct block *b)
{
	return (uintptr_t)b ^ ss_cookie;
}

/* ---- large and huge blocks (large.c) ---- */
void *large_alloc(struct heap *h, size_t n, size_t align, bool *zeroed, int *err) SS_HIDDEN;
void large_free(struct superslab *ss, void *p) SS_HIDDEN;
size_t large_usable(struct superslab *ss) SS_HIDDEN;
void *large_try_resize(struct superslab *ss, void *p, size_t n) SS_HIDDEN;
void *overaligned_alloc(size_t n, size_t align, int *err) SS_HIDDEN;
bool overaligned_free(void *p) SS_HIDDEN;
size_t overaligned_usable(const void *p) SS_HIDDEN;
void large_cache_purge(bool all) SS_HIDDEN;
void large_lock_all(void) SS_HIDDEN;
void large_unlock_all(bool child) SS_HIDDEN;
extern _Atomic uint64_t ss_large_hits, ss_large_misses SS_HIDDEN;

/* ---- bootstrap arena (alloc.c): used only while initializing ---- */
bool bootstrap_owns(const void *p) SS_HIDDEN;

/* ---- statistics (stats.c) ---- */
extern _Atomic uint64_t ss_failures SS_HIDDEN;
void stats_print_fd(int fd) SS_HIDDEN;

/* A lock for the rare global paths; the child of fork() re-initializes it. */
typedef pthread_mutex_t ss_lock_t;
#define SS_LOCK_INIT PTHREAD_MUTEX_INITIALIZER

#endif /* SS_INT_H */
