/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Thread heaps and the allocator's life cycle: one-time initialization
 * (safe inside the first malloc() of a preloaded process), a heap per
 * thread in initial-exec TLS (no __tls_get_addr, which may call malloc),
 * reclaim at thread exit through a pthread key destructor, and fork()
 * handlers that hold every global lock across the fork.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ss-int.h"

struct heap ss_empty_heap = {
	.direct = { [0 ... SS_FAST_MAX / 16] = &ss_empty_slab },
	.cur = { [0 ... SS_NCLASS - 1] = &ss_empty_slab },
};
__thread struct heap *ss_tls_heap __attribute__((tls_model("initial-exec"))) = &ss_empty_heap;
static __thread bool tls_in_init __attribute__((tls_model("initial-exec")));

uintptr_t ss_cookie;
_Atomic int ss_ready;
static _Atomic int init_started;
static pthread_key_t heap_key;

/* Heaps live in their own small mappings, never in the heap they manage. */
static ss_lock_t heaps_lock = SS_LOCK_INIT;
static struct heap *all_heaps;
static char *meta_next, *meta_end;

static void heap_exit(void *arg);

void ss_init_slow(void)
{
	if (atomic_load_explicit(&ss_ready, memory_order_acquire))
		return;
	int expected = 0;
	if (!atomic_compare_exchange_strong(&init_started, &expected, 1)) {
		if (tls_in_init)
			return;   /* re-entered: the caller uses the bootstrap arena */
		while (!atomic_load_explicit(&ss_ready, memory_order_acquire))
			sched_yield();
		return;
	}
	tls_in_init = true;
	options_init();
	sizeclass_init();
	if (getrandom(&ss_cookie, sizeof ss_cookie, GRND_NONBLOCK) != sizeof ss_cookie)
		ss_cookie = (uintptr_t)&expected ^ ((uintptr_t)os_now_ms() << 32);
	ss_cookie |= 1;   /* never equal to a pointer's own bits */
	pthread_key_create(&heap_key, heap_exit);
	if (ss_opt.prewarm > 0)
		pool_prewarm(ss_opt.prewarm);
	tls_in_init = false;
	atomic_store_explicit(&ss_ready, 1, memory_order_release);
}

static struct heap *heap_alloc(void)
{
	struct heap *h;
	size_t sz = (sizeof(struct heap) + 63) & ~(size_t)63;

	pthread_mutex_lock(&heaps_lock);
	for (h = all_heaps; h; h = h->next_all)
		if (!h->live)
			break;
	if (!h) {
		if (meta_next + sz > meta_end) {
			int err;
			size_t chunk = 16 * sz;
			char *m = os_map(chunk, SS_PAGE, &err);
			if (!m) {
				pthread_mutex_unlock(&heaps_lock);
				return NULL;
			}
			meta_next = m;
			meta_end = m + chunk;
		}
		h = (struct heap *)meta_next;
		meta_next += sz;
		h->next_all = all_heaps;
		all_heaps = h;
	}
	/* Counters survive reuse: they add up everything the process did.
	   The lists of other threads' blocks are empty: fresh from the OS,
	   or emptied by heap_abandon. */
	for (unsigned c = 0; c < SS_NCLASS; c++) {
		ss_assert(!h->foreign[c].free && !h->foreign[c].used);
		h->cur[c] = &ss_empty_slab;
		heap_set_direct(h, c, &ss_empty_slab);
	}
	memset(h->partial, 0, sizeof h->partial);
	memset(h->full, 0, sizeof h->full);
	h->avail = h->busy = NULL;
	h->ncache = 0;
	h->live = true;
	pthread_mutex_unlock(&heaps_lock);
	return h;
}

/* The calling thread's heap, created on first use; NULL while the
   allocator initializes (the caller then uses the bootstrap arena). */
struct heap *heap_get(void)
{
	struct heap *h = ss_tls_heap;
	if (h != &ss_empty_heap)
		return h;
	if (!atomic_load_explicit(&ss_ready, memory_order_acquire)) {
		ss_init_slow();
		if (!atomic_load_explicit(&ss_ready, memory_order_acquire))
			return NULL;
	}
	if (!(h = heap_alloc()))
		return NULL;
	/* Set before pthread_setspecific, which may itself call calloc. */
	ss_tls_heap = h;
	pthread_setspecific(heap_key, h);
	return h;
}

static void heap_exit(void *arg)
{
	struct heap *h = arg;
	if (ss_tls_heap == h)
		ss_tls_heap = &ss_empty_heap;
	heap_abandon(h);
	pthread_mutex_lock(&heaps_lock);
	h->live = false;
	pthread_mutex_unlock(&heaps_lock);
}

void heap_totals(struct ss_stats *st, uint64_t *slabs, uint64_t *refills)
{
	pthread_mutex_lock(&heaps_lock);
	for (struct heap *h = all_heaps; h; h = h->next_all) {
		st->remote_frees += h->remote_frees;
		st->large_allocs += h->nlarge;
		for (unsigned c = 0; c < SS_NCLASS; c++) {
			slabs[c] += h->slabs[c];
			refills[c] += h->refills[c];
			st->refills += h->refills[c];
			st->slabs_in_use += h->slabs[c];
		}
	}
	pthread_mutex_unlock(&heaps_lock);
}

/* fork(): hold every lock so the child gets consistent global state.  The
   thread caches of other threads are left alone in the child: those
   threads do not exist there, and their heaps may be mid-update. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&heaps_lock);
	segment_lock_all();
	large_lock_all();
}

static void fork_parent(void)
{
	large_unlock_all(false);
	segment_unlock_all(false);
	pthread_mutex_unlock(&heaps_lock);
}

static void fork_child(void)
{
	large_unlock_all(true);
	segment_unlock_all(true);
	pthread_mutex_init(&heaps_lock, NULL);
}

__attribute__((constructor)) static void ss_constructor(void)
{
	ss_init_slow();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

__attribute__((destructor)) static void ss_destructor(void)
{
	if (ss_opt.stats)
		stats_print_fd(ss_stats_fd >= 0 ? ss_stats_fd : 2);
}
