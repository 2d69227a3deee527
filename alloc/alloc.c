/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The allocation API (ss_ names; override.h maps the standard names onto
 * these).  The common malloc is an inline pop from the thread's current
 * slab for the size class, and the common free a push onto the slab's
 * free list: no lock, no atomic.  Everything else is out of line.
 *
 * Validation on free is cheap because of the geometry: the ownership map
 * says whether the address is inside a SuperSlab at all, the header gives
 * the slab, one multiply and one rotate (block_index) say whether the
 * pointer is a block boundary among the blocks carved so far, and a key
 * in the block's second word (its address xor a secret, written by free,
 * cleared by malloc) whether it is free already: a double free.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ss-int.h"

/* Memory handed out while the allocator initializes itself (a preloaded
   library's first malloc may come from libc's own start-up).  Never
   freed: free() recognizes and ignores these blocks. */
static char boot_arena[1 << 16] __attribute__((aligned(64)));
static _Atomic size_t boot_used;

bool bootstrap_owns(const void *p)
{
	return (const char *)p >= boot_arena && (const char *)p < boot_arena + sizeof boot_arena;
}

static void *bootstrap_alloc(size_t n, size_t align)
{
	if (align < 16)
		align = 16;
	if (n > sizeof boot_arena || align > 4096) {
		errno = ENOMEM;
		return NULL;
	}
	size_t need = (n + 15) & ~(size_t)15;
	size_t old = atomic_load(&boot_used), start;
	do {
		start = (old + 16 + align - 1) & ~(align - 1);
		if (start + need > sizeof boot_arena) {
			errno = ENOMEM;
			return NULL;
		}
	} while (!atomic_compare_exchange_weak(&boot_used, &old, start + need));
	*(size_t *)(boot_arena + start - 16) = n;
	return boot_arena + start;
}

static size_t bootstrap_usable(const void *p)
{
	return *(const size_t *)((const char *)p - 16);
}

static SS_COLD void fail(const char *fn, size_t n, unsigned cls, int err)
{
	const char *cause = err == EOVERFLOW ? "over threshold" :
			    err == ENOMEM || err == EAGAIN ? "exhausted" : "map failed";
	char name[16];
	if (n > SS_CLASS_MAX) {
		strcpy(name, "large");
	} else {
		char *q = name + sizeof name;
		uint32_t v = ss_class_size[cls];
		*--q = '\0';
		do
			*--q = (char)('0' + v % 10);
		while (v /= 10);
		memmove(name, q, strlen(q) + 1);
	}
	ss_trace_fail(fn, n, name, cause, err == EOVERFLOW ? 0 : err);
	errno = ENOMEM;
}

/* The smallest class of at least n bytes whose blocks are align-aligned
   (slabs start on 4 KiB boundaries); SS_NCLASS if none. */
static unsigned aligned_class(size_t n, size_t align)
{
	if (align > SS_PAGE || n > SS_CLASS_MAX)
		return SS_NCLASS;
	unsigned c = size_to_class(n > align ? n : align);
	while (c < SS_NCLASS && ss_class_size[c] % align != 0)
		c++;
	return c;
}

/* Every allocation that is not the inline fast path ends here. */
static SS_NOINLINE void *alloc_slow(const char *fn, size_t n, size_t align, bool *zeroed)
{
	struct heap *h = heap_get();
	int err = 0;
	*zeroed = false;
	if (unlikely(!h)) {
		if (!atomic_load(&ss_ready))
			return bootstrap_alloc(n, align);
		fail(fn, n, 0, ENOMEM);
		return NULL;
	}
	unsigned c = align <= 16 ? (n <= SS_CLASS_MAX ? size_to_class(n) : SS_NCLASS)
				 : aligned_class(n, align);
	if (c < SS_NCLASS) {
		struct slab *s = h->cur[c];
		struct block *b = s->free;
		void *p;
		/* Blocks of other threads freed here go first (the refill
		   takes them). */
		if (b && !h->foreign[c].free) {
			if (unlikely(b->key != block_key(b)))
				ss_misuse("free", "double free detected", b);
			s->free = b->next;
			b->key = 0;
			s->used++;
			p = b;
		} else {
			p = slab_alloc_slow(h, c, &err);
		}
		if (unlikely(!p)) {
			fail(fn, n, c, err ? err : ENOMEM);
			return NULL;
		}
		return p;
	}
	void *p = large_alloc(h, n, align < 16 ? 16 : align, zeroed, &err);
	if (unlikely(!p))
		fail(fn, n, SS_NCLASS, err ? err : ENOMEM);
	return p;
}

/* ss_malloc() beyond the sizes of the inline path. */
static SS_NOINLINE void *malloc_slow(size_t n)
{
	bool z;
	return alloc_slow("malloc", n, 16, &z);
}

/* ss_malloc() when the slab of the size's direct entry has no free
   block: straight to the refill with the class from the table (no heap
   lookup, no size computation), unless the thread has no heap yet.  The
   entry may be the list of other threads' blocks, just used up: the
   class's allocation slab takes over again. */
static SS_NOINLINE void *malloc_refill(struct heap *h, size_t n)
{
	unsigned c = ss_fast_class[(n + 15) >> 4];
	int err = 0;
	if (unlikely(h == &ss_empty_heap))
		return malloc_slow(n);
	if (h->direct[(n + 15) >> 4] == &h->foreign[c]) {
		heap_set_direct(h, c, h->cur[c]);
		if (h->cur[c]->free)
			return ss_malloc(n);
	}
	void *p = slab_alloc_slow(h, c, &err);
	if (unlikely(!p))
		fail("malloc", n, c, err ? err : ENOMEM);
	return p;
}

SS_EXPORT void *ss_malloc(size_t n)
{
	struct heap *h = ss_tls_heap;
	if (likely(n <= SS_FAST_MAX)) {
		struct slab *s = h->direct[(n + 15) >> 4];
		struct block *b = s->free;
		if (likely(b != NULL)) {
			/* Not marked free: it was freed twice and handed out. */
			if (unlikely(b->key != block_key(b)))
				ss_misuse("free", "double free detected", b);
			s->free = b->next;
			b->key = 0;
			s->used++;
			return b;
		}
		return malloc_refill(h, n);
	}
	return malloc_slow(n);
}

/* ---- free ---- */

static SS_COLD SS_NOINLINE void bad_block(const char *fn, struct slab *s, struct block *b)
{
	uintptr_t off = (uintptr_t)b - (uintptr_t)s->r_start;
	if (block_index(off, s->r_dinv, s->r_tz) < s->r_carved && b->key == block_key(b))
		ss_misuse(fn, "double free detected", b);
	ss_misuse(fn, "invalid pointer", b);
}

/* The slab of a pointer into a SMALL/MEDIUM SuperSlab, if it is a block
   start; NULL otherwise.  Does not look at the free marker. */
static inline struct slab *slab_of_block(struct superslab *ss, uintptr_t a)
{
	struct slab *s = &ss->slabs[(a - (uintptr_t)ss) >> ss->slab_shift];
	if (unlikely(block_index(a - (uintptr_t)s->r_start, s->r_dinv, s->r_tz) >= s->r_carved))
		return NULL;
	return s;
}

static SS_COLD SS_NOINLINE void free_foreign(const char *fn, void *p)
{
	if (p == NULL || bootstrap_owns(p) || overaligned_free(p))
		return;
	ss_misuse(fn, "invalid pointer", p);
}

/* free() from a thread that does not own the block, or of a large block. */
static SS_NOINLINE void free_other(const char *fn, struct heap *h, struct superslab *ss, void *p)
{
	uintptr_t a = (uintptr_t)p;
	if (unlikely(ss->magic != SS_MAGIC))
		ss_misuse(fn, "invalid pointer", p);
	switch (ss->kind) {
	case SS_SMALL:
	case SS_MEDIUM: {
		struct slab *s = &ss->slabs[(a - (uintptr_t)ss) >> ss->slab_shift];
		struct block *b = p;
		if (unlikely(!slab_of_block(ss, a)))
			bad_block(fn, s, b);
		if (h == &ss_empty_heap) {
			if (unlikely(b->key == block_key(b)))
				bad_block(fn, s, b);
			b->key = block_key(b);
			remote_push(s, b, b, 1);
			return;
		}
		/* The key is written, not read (the block is cold here): a
		   second free is caught when the block is taken out again,
		   or right away when it is the last one cached. */
		unsigned c = s->cls;
		struct slab *fs = &h->foreign[c];
		if (unlikely(fs->free == b))
			ss_misuse(fn, "double free detected", b);
		b->key = block_key(b);
		h->remote_frees++;
		/* The cache is full: this block goes to its owner now.  Handing
		   back the whole cache instead meant walking blocks that had
		   gone cold, and the cache started again from empty. */
		if (unlikely(foreign_count(h, c) >= ss_foreign_max[c])) {
			remote_push(s, b, b, 1);
			return;
		}
		/* Keep it for this thread's next malloc of the class. */
		b->next = fs->free;
		if (!fs->free)
			heap_set_direct(h, c, fs);
		fs->free = b;
		fs->used--;
		return;
	}
	case SS_LARGE:
	case SS_HUGE:
		if (unlikely(a != (uintptr_t)ss + ss->block_off))
			ss_misuse(fn, "invalid pointer", p);
		large_free(ss, p);
		return;
	default:
		/* A free SuperSlab: most likely this block was freed already. */
		ss_misuse(fn, a == (uintptr_t)ss + SS_LARGE_OFF ? "double free detected"
							     : "invalid pointer", p);
	}
}

static inline __attribute__((always_inline)) void free_impl(const char *fn, void *p)
{
	uintptr_t a = (uintptr_t)p;
	if (unlikely(!map_test(a))) {
		free_foreign(fn, p);
		return;
	}
	struct superslab *ss = ss_of(p);
	struct heap *h = ss_tls_heap;
	if (likely(ss->owner == h)) {
		struct slab *s = &ss->slabs[(a - (uintptr_t)ss) >> ss->slab_shift];
		struct block *b = p, *head = s->free;
		/* The block is written, not read: after a cross-thread
		   handoff its line is in the other core's cache, and a
		   load would stall here.  A free of the list head is
		   caught now; any other double free when the block would
		   be handed out twice (malloc checks the key) or when the
		   slab empties (slab_check_empty). */
		if (unlikely(block_index(a - (uintptr_t)s->start, s->dinv, s->tz) >= s->carved ||
			     b == head))
			bad_block(fn, s, b);
		b->next = head;
		b->key = block_key(b);
		s->free = b;
		if (unlikely(--s->used == 0 || s->queue == Q_FULL))
			slab_free_slow(h, s);
		return;
	}
	free_other(fn, h, ss, p);
}

SS_EXPORT void ss_free(void *p)
{
	free_impl("free", p);
}

SS_EXPORT void ss_free_sized(void *p, size_t n)
{
	(void)n;
	free_impl("free_sized", p);
}

SS_EXPORT void ss_free_aligned_sized(void *p, size_t align, size_t n)
{
	(void)align;
	(void)n;
	free_impl("free_aligned_sized", p);
}

/* ---- sizes, calloc, realloc ---- */

static size_t usable_impl(const char *fn, void *p)
{
	uintptr_t a = (uintptr_t)p;
	if (!map_test(a)) {
		size_t n;
		if (bootstrap_owns(p))
			return bootstrap_usable(p);
		if ((n = overaligned_usable(p)))
			return n;
		ss_misuse(fn, "invalid pointer", p);
	}
	struct superslab *ss = ss_of(p);
	if (ss->magic == SS_MAGIC && (ss->kind == SS_SMALL || ss->kind == SS_MEDIUM)) {
		struct slab *s = slab_of_block(ss, a);
		if (s && ((struct block *)p)->key != block_key(p))
			return s->r_bsize;
	} else if (ss->magic == SS_MAGIC && (ss->kind == SS_LARGE || ss->kind == SS_HUGE) &&
		   a == (uintptr_t)ss + ss->block_off) {
		return large_usable(ss);
	}
	ss_misuse(fn, "invalid pointer", p);
}

SS_EXPORT size_t ss_malloc_usable_size(void *p)
{
	return p ? usable_impl("malloc_usable_size", p) : 0;
}

SS_EXPORT void *ss_calloc(size_t nmemb, size_t size)
{
	size_t n;
	if (unlikely(__builtin_mul_overflow(nmemb, size, &n))) {
		fail("calloc", SIZE_MAX, SS_NCLASS, EOVERFLOW);
		return NULL;
	}
	bool zeroed = false;
	void *p = n <= SS_FAST_MAX ? ss_malloc(n) : alloc_slow("calloc", n, 16, &zeroed);
	if (p && !zeroed)
		memset(p, 0, n);
	return p;
}

SS_EXPORT void *ss_realloc(void *p, size_t n)
{
	if (!p)
		return ss_malloc(n);
	if (n == 0) {           /* glibc: frees and returns NULL */
		free_impl("realloc", p);
		return NULL;
	}
	size_t old = usable_impl("realloc", p);
	if (n <= old && (n >= old / 2 || old <= 32) && !bootstrap_owns(p))
		return p;
	if (map_test((uintptr_t)p)) {
		struct superslab *ss = ss_of(p);
		if (ss->kind == SS_LARGE || ss->kind == SS_HUGE) {
			void *q = large_try_resize(ss, p, n);
			if (q)
				return q;
		}
	}
	bool z;
	void *q = n <= SS_FAST_MAX ? ss_malloc(n) : alloc_slow("realloc", n, 16, &z);
	if (!q)
		return NULL;    /* p stays valid, like glibc */
	memcpy(q, p, old < n ? old : n);
	free_impl("realloc", p);
	return q;
}

SS_EXPORT void *ss_reallocarray(void *p, size_t nmemb, size_t size)
{
	size_t n;
	if (unlikely(__builtin_mul_overflow(nmemb, size, &n))) {
		fail("reallocarray", SIZE_MAX, SS_NCLASS, EOVERFLOW);
		return NULL;
	}
	return ss_realloc(p, n);
}

/* ---- aligned allocation ---- */

static void *memalign_impl(const char *fn, size_t align, size_t n)
{
	bool z;
	if (align <= 16)
		return n <= SS_FAST_MAX ? ss_malloc(n) : alloc_slow(fn, n, 16, &z);
	if (align > SIZE_MAX / 2 + 1) {
		errno = EINVAL;
		return NULL;
	}
	if (align & (align - 1))         /* glibc rounds up to a power of two */
		align = (size_t)1 << (64 - __builtin_clzl(align));
	return alloc_slow(fn, n, align, &z);
}

SS_EXPORT int ss_posix_memalign(void **memptr, size_t align, size_t n)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	int saved = errno;
	void *p = memalign_impl("posix_memalign", align, n);
	if (!p) {
		int e = errno == EINVAL ? EINVAL : ENOMEM;
		errno = saved;
		return e;
	}
	*memptr = p;
	return 0;
}

SS_EXPORT void *ss_aligned_alloc(size_t align, size_t n)
{
	return memalign_impl("aligned_alloc", align, n);
}

SS_EXPORT void *ss_memalign(size_t align, size_t n)
{
	return memalign_impl("memalign", align, n);
}

SS_EXPORT void *ss_valloc(size_t n)
{
	return memalign_impl("valloc", SS_PAGE, n);
}

SS_EXPORT void *ss_pvalloc(size_t n)
{
	size_t r = (n + SS_PAGE - 1) & ~(size_t)(SS_PAGE - 1);
	if (r < n) {
		fail("pvalloc", n, SS_NCLASS, EOVERFLOW);
		return NULL;
	}
	return memalign_impl("pvalloc", SS_PAGE, r ? r : SS_PAGE);
}

SS_EXPORT void ss_collect(void)
{
	struct heap *h = ss_tls_heap;
	for (unsigned c = 0; h != &ss_empty_heap && c < SS_NCLASS; c++)
		foreign_flush(h, c);
	while (h != &ss_empty_heap && h->ncache > 0)
		pool_release(h->cache[--h->ncache]);
	pool_purge_expired(true);
	large_cache_purge(true);
}

#include "override.h"
