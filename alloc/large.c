/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Blocks above the largest size class.  A LARGE block takes a whole free
 * SuperSlab (so realloc grows it in place up to the SuperSlab size, and
 * freeing it just returns the SuperSlab to a cache); a HUGE block gets its
 * own mapping, aligned like a SuperSlab so masking still finds its header,
 * and goes to a cache of mappings when freed, purged after the delay and
 * unmapped when the cache overflows.  A cached mapping serves a block of
 * any size: one too big loses its tail (munmap), one too small has its
 * pages moved (mremap) to the start of a new mapping of the right size,
 * so a program that frees and allocates big buffers reuses their pages,
 * without faults, and keeps no unused tail resident.  realloc() grows a
 * HUGE block the same way, without copying.  Blocks aligned to the SuperSlab
 * size or more cannot carry a header at the masked address; the few
 * that exist are kept in a table.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "ss-int.h"

_Atomic uint64_t ss_large_hits, ss_large_misses;

static ss_lock_t large_lock = SS_LOCK_INIT;

#define HUGE_CACHE 32
/* Beyond this, the oldest cached mappings are unmapped. */
#define HUGE_CACHE_BYTES ((size_t)64 << 20)
/* A free mapping: a whole HUGE block's (`head`: SuperSlab-aligned and
   marked in the ownership map, so it can hold a block again) or the tail
   cut off one, kept only as pages to move into a block that grows. */
struct huge_entry {
	char *base;
	size_t size;
	uint64_t free_since_ms;
	bool purged, head;
};
static struct huge_entry huge_cache[HUGE_CACHE];
static unsigned nhuge;
static size_t huge_cache_bytes;

#define OVERALIGNED_MAX 64
struct overaligned {
	char *p, *map;
	size_t map_len, size;
};
static struct overaligned overaligned[OVERALIGNED_MAX];

static size_t page_round(size_t n)
{
	return (n + SS_PAGE - 1) & ~(size_t)(SS_PAGE - 1);
}

/* With large_lock held: purge cached mappings older than the delay. */
static void huge_purge_locked(bool all)
{
	long delay = ss_opt.purge_delay_ms;
	uint64_t now = os_now_ms();
	for (unsigned i = 0; i < nhuge; i++) {
		struct huge_entry *e = &huge_cache[i];
		if (e->purged || (!all && (delay < 0 || now - e->free_since_ms < (uint64_t)delay)))
			continue;
		os_purge(e->base, e->size);
		e->purged = true;
	}
}

/* With large_lock held: drop cache entry i, unmapping it if unmap. */
static void huge_drop(unsigned i, bool unmap)
{
	struct huge_entry e = huge_cache[i];
	huge_cache_bytes -= e.size;
	huge_cache[i] = huge_cache[--nhuge];
	if (!unmap)
		return;
	if (e.head)
		map_mark((uintptr_t)e.base, ss_size, false);
	os_unmap(e.base, e.size);
}

/* Cache a free mapping, evicting the oldest ones to make room; one that
   cannot fit is unmapped. */
static void huge_put(char *base, size_t size, bool head)
{
	pthread_mutex_lock(&large_lock);
	while (nhuge > 0 && (nhuge == HUGE_CACHE || huge_cache_bytes + size > HUGE_CACHE_BYTES)) {
		unsigned old = 0;
		for (unsigned i = 1; i < nhuge; i++)
			if (huge_cache[i].free_since_ms < huge_cache[old].free_since_ms)
				old = i;
		huge_drop(old, true);
	}
	if (size <= HUGE_CACHE_BYTES) {
		huge_cache[nhuge++] = (struct huge_entry){ base, size, os_now_ms(), false, head };
		huge_cache_bytes += size;
		huge_purge_locked(false);
		pthread_mutex_unlock(&large_lock);
		return;
	}
	pthread_mutex_unlock(&large_lock);
	if (head)
		map_mark((uintptr_t)base, ss_size, false);
	os_unmap(base, size);
}

/* The cached whole mapping for a block of need bytes: the smallest one
   that is big enough, else the biggest (its pages are moved, see above). */
static char *huge_cache_take(size_t need, size_t *got)
{
	unsigned best = HUGE_CACHE;
	pthread_mutex_lock(&large_lock);
	for (unsigned i = 0; i < nhuge; i++) {
		size_t sz = huge_cache[i].size;
		if (!huge_cache[i].head)
			continue;
		if (best == HUGE_CACHE) {
			best = i;
			continue;
		}
		size_t bsz = huge_cache[best].size;
		if (sz >= need ? bsz < need || sz < bsz : bsz < need && sz > bsz)
			best = i;
	}
	char *p = NULL;
	if (best < HUGE_CACHE) {
		p = huge_cache[best].base;
		*got = huge_cache[best].size;
		huge_drop(best, false);
	}
	pthread_mutex_unlock(&large_lock);
	return p;
}

static bool move_pages(char *from, size_t len, char *to)
{
	if (mremap(from, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) == MAP_FAILED)
		return false;
	atomic_fetch_add_explicit(&ss_os.mremap_calls, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&ss_os.bytes_mapped, len, memory_order_relaxed);
	return true;
}

/* Fill [dst, dst + len) of a fresh mapping with cached pages, taken from
   the ends of cache entries (a whole mapping keeps its start): they may
   be resident already, where fresh pages would fault.  Returns whether
   any page was moved (then the range is not all zeros). */
static bool huge_fill(char *dst, size_t len)
{
	bool moved = false;
	pthread_mutex_lock(&large_lock);
	while (len > 0 && nhuge > 0) {
		struct huge_entry *e = &huge_cache[nhuge - 1];
		size_t take = e->size < len ? e->size : len;
		if (e->head && take == e->size)
			take -= SS_PAGE;    /* the header page stays: keep the entry simple */
		if (take == 0 || !move_pages(e->base + e->size - take, take, dst + len - take))
			break;
		moved = true;
		len -= take;
		e->size -= take;
		huge_cache_bytes -= take;
		if (e->size == 0)
			huge_drop(nhuge - 1, false);
		else if (e->head && e->size == SS_PAGE)
			huge_drop(nhuge - 1, true);
	}
	pthread_mutex_unlock(&large_lock);
	return moved;
}

/* Move the pages of the HUGE mapping at p (size bytes) to the start of a
   new mapping of need bytes (> size), aligned like a SuperSlab: no copy,
   no fault for the pages moved; the rest comes from the cache if it can.
   NULL (p untouched) if it cannot. */
static char *huge_move(char *p, size_t size, size_t need, int *err)
{
	char *q = os_map(need, ss_size, err);
	if (!q)
		return NULL;
	if (!move_pages(p, size, q)) {
		*err = errno;
		os_unmap(q, need);
		return NULL;
	}
	map_mark((uintptr_t)p, ss_size, false);
	map_mark((uintptr_t)q, ss_size, true);
	huge_fill(q + size, need - size);
	return q;
}

/* A mapping of exactly need bytes made from the cached one at p (got
   bytes); NULL if that failed (p is unmapped then). */
static char *huge_fit(char *p, size_t got, size_t need)
{
	int err;
	if (got > need) {
		huge_put(p + need, got - need, false);
		return p;
	}
	if (got < need) {
		char *q = huge_move(p, got, need, &err);
		if (!q) {
			map_mark((uintptr_t)p, ss_size, false);
			os_unmap(p, got);
		}
		return q;
	}
	return p;
}

void *large_alloc(struct heap *h, size_t n, size_t align, bool *zeroed, int *err)
{
	size_t off = align > SS_LARGE_OFF ? align : SS_LARGE_OFF;
	struct superslab *ss;

	*zeroed = false;
	if (align >= ss_size)
		return overaligned_alloc(n, align, err);
	if (n > PTRDIFF_MAX - off - ss_size) {
		*err = EOVERFLOW;
		return NULL;
	}
	if (h)
		h->nlarge++;
	if (off + n <= ss_size) {
		if (h && h->ncache > 0)
			ss = h->cache[--h->ncache];
		else if (!(ss = pool_acquire(err)))
			return NULL;
		ss_format(ss, SS_LARGE);
	} else {
		size_t need = page_round(off + n), got = need;
		char *p = huge_cache_take(need, &got);
		if (p)
			p = huge_fit(p, got, need);
		if (p) {
			atomic_fetch_add_explicit(&ss_large_hits, 1, memory_order_relaxed);
		} else {
			atomic_fetch_add_explicit(&ss_large_misses, 1, memory_order_relaxed);
			if (!(p = os_map(need, ss_size, err)))
				return NULL;
			map_mark((uintptr_t)p, ss_size, true);
			*zeroed = !huge_fill(p, need);
		}
		ss = (struct superslab *)p;
		ss_format(ss, SS_HUGE);
		ss->map_size = need;
	}
	ss->block_off = off;
	ss->block_size = n;
	return (char *)ss + off;
}

size_t large_usable(struct superslab *ss)
{
	if (ss->kind == SS_HUGE)
		return ss->map_size - ss->block_off;
	return page_round(ss->block_off + ss->block_size) - ss->block_off;
}

/* In place when the new size fits and does not waste more than half; a
   HUGE block that grows has its pages moved to a bigger mapping. */
void *large_try_resize(struct superslab *ss, void *p, size_t n)
{
	size_t room = (ss->kind == SS_HUGE ? ss->map_size : ss_size) - ss->block_off;
	if (n < large_usable(ss) / 2)
		return NULL;
	if (n > room) {
		int err;
		char *q;
		if (ss->kind != SS_HUGE || n > PTRDIFF_MAX - ss->block_off - ss_size ||
		    !(q = huge_move((char *)ss, ss->map_size, page_round(ss->block_off + n), &err)))
			return NULL;
		ss = (struct superslab *)q;
		ss->map_size = page_round(ss->block_off + n);
		p = q + ss->block_off;
	}
	ss->block_size = n;
	return p;
}

void large_free(struct superslab *ss, void *p)
{
	(void)p;
	if (ss->kind == SS_LARGE) {
		struct heap *h = ss_tls_heap;
		ss->kind = SS_FREE;
		if (h != &ss_empty_heap && h->ncache < HEAP_SS_CACHE)
			h->cache[h->ncache++] = ss;
		else
			pool_release(ss);
		return;
	}
	ss->kind = SS_FREE;
	huge_put((char *)ss, ss->map_size, true);
}

void large_cache_purge(bool all)
{
	pthread_mutex_lock(&large_lock);
	huge_purge_locked(all);
	pthread_mutex_unlock(&large_lock);
}

void *overaligned_alloc(size_t n, size_t align, int *err)
{
	size_t len = page_round(n ? n : 1);
	if (n > PTRDIFF_MAX - align || len + align < len) {
		*err = EOVERFLOW;
		return NULL;
	}
	pthread_mutex_lock(&large_lock);
	unsigned i;
	for (i = 0; i < OVERALIGNED_MAX && overaligned[i].p; i++)
		;
	if (i == OVERALIGNED_MAX) {
		pthread_mutex_unlock(&large_lock);
		*err = EAGAIN;   /* reported as "exhausted" */
		return NULL;
	}
	char *map = os_map(len, align, err);
	if (map)
		overaligned[i] = (struct overaligned){ map, map, len, n };
	pthread_mutex_unlock(&large_lock);
	return map;
}

static struct overaligned *overaligned_find(const void *p)
{
	for (unsigned i = 0; i < OVERALIGNED_MAX; i++)
		if (overaligned[i].p && overaligned[i].p == p)
			return &overaligned[i];
	return NULL;
}

bool overaligned_free(void *p)
{
	pthread_mutex_lock(&large_lock);
	struct overaligned *o = overaligned_find(p);
	struct overaligned copy = o ? *o : (struct overaligned){ 0 };
	if (o)
		o->p = NULL;
	pthread_mutex_unlock(&large_lock);
	if (o)
		os_unmap(copy.map, copy.map_len);
	return o != NULL;
}

size_t overaligned_usable(const void *p)
{
	pthread_mutex_lock(&large_lock);
	struct overaligned *o = overaligned_find(p);
	size_t n = o ? o->map_len : 0;
	pthread_mutex_unlock(&large_lock);
	return n;
}

void large_lock_all(void)
{
	pthread_mutex_lock(&large_lock);
}

void large_unlock_all(bool child)
{
	if (child)
		pthread_mutex_init(&large_lock, NULL);
	else
		pthread_mutex_unlock(&large_lock);
}
