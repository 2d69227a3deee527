/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by libpf's modules; never installed.  Exported symbols
 * carry PF_EXPORT and the pf_ prefix; everything else stays hidden.
 */
#ifndef PF_INT_H
#define PF_INT_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PF_EXPORT __attribute__((visibility("default")))

#if defined(__GNUC__)
# define likely(x)   __builtin_expect(!!(x), 1)
# define unlikely(x) __builtin_expect(!!(x), 0)
#else
# define likely(x)   (x)
# define unlikely(x) (x)
#endif

/* Native-endian loads from possibly unaligned record bytes. */
static inline uint32_t load_u32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static inline uint64_t load_u64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* Internal invariants, checked in --enable-debug builds like mimalloc's
   mi_assert_internal; compiled out otherwise. */
#ifdef PF_DEBUG
# define pf_assert(cond) assert(cond)
#else
# define pf_assert(cond) ((void)0)
#endif

/* Record the reason for a failure, retrievable by pf_errmsg(). */
void error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same with ": strerror(errnum)" appended. */
void error_set_errno(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* malloc, calloc(1, size) and realloc that record "out of memory
   allocating N bytes" for pf_errmsg() when they return NULL. */
void *mem_alloc(size_t size);
void *mem_zalloc(size_t size);
void *mem_realloc(void *ptr, size_t size);

#ifdef PF_DEBUG
/* Debug builds: make the Nth mem_* allocation from now fail (0: none), and
   count the allocations since; PF_MEM_FAIL_AT=N arms it at start-up. */
void mem_fail_at(unsigned long n);
unsigned long mem_fail_count(void);
#endif

/* Make *P, an array of *CAP elements of SIZE bytes, hold at least NEED,
   doubling from FIRST (git's ALLOC_GROW): amortized O(1) appends, overflow
   checked.  -1 (error recorded) when out of memory; *P is then unchanged. */
int mem_grow(void **p, size_t *cap, size_t need, size_t size, size_t first);
#define GROW(ptr, cap, need) \
	mem_grow((void **)&(ptr), &(cap), (need), sizeof *(ptr), 16)

/*
 * Public options structs (struct pf_X_opts) start with "size_t size",
 * which pf_X_opts_init() sets to the struct's size as the caller was
 * compiled.  A library function copies what the caller's struct holds over
 * its own defaults with opts_copy(), so fields added at the end in a later
 * release keep their defaults for callers built against an older header.
 * -1 (EINVAL recorded) when SRC does not look initialized.
 */
int opts_copy(void *dst, size_t dst_size, const void *src, const char *what);

#endif /* PF_INT_H */
