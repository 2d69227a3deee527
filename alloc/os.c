/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OS layer: aligned mappings, purging, pre-faulting, transparent huge
 * pages, and the ownership map.  Every system call the allocator makes is
 * here and counted, so SUPERSLAB_STATS shows what a program really cost.
 *
 * Measured on the target kernel: a first-touch fault costs ~1.5 us per
 * 4 KiB page, ~0.33 us per 4 KiB inside a THP-backed 2 MiB region;
 * re-touching after MADV_DONTNEED costs ~1.8 us, after MADV_FREE ~0.24 us.
 * Hence MADV_FREE by default, whole 2 MiB units (no THP split), and
 * pre-faulting only of the aligned part, never of alignment slack.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ss-int.h"

#ifndef MADV_POPULATE_WRITE
# define MADV_POPULATE_WRITE 23      /* <linux/mman.h>, Linux 5.14 */
#endif
#ifndef MADV_FREE
# define MADV_FREE 8
#endif

struct os_counters ss_os;
_Atomic uint64_t ss_owner_map[1u << (SS_ADDR_BITS - SS_GRANULE_SHIFT - 6)];

static _Atomic int populate_unsupported;
static _Atomic int madv_free_unsupported;

/* Map size bytes aligned to align (a power of two >= the page size).  The
   slack around the aligned part is unmapped again before anything touches
   it.  Returns NULL with *err set on failure. */
void *os_map(size_t size, size_t align, int *err)
{
	size_t total = size + (align > SS_PAGE ? align : 0);
	if (total < size) {
		*err = ENOMEM;
		return NULL;
	}
	char *p = mmap(NULL, total, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	atomic_fetch_add_explicit(&ss_os.mmap_calls, 1, memory_order_relaxed);
	if (p == MAP_FAILED) {
		*err = errno;
		return NULL;
	}
	char *a = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (align > SS_PAGE) {
		if (a > p) {
			munmap(p, (size_t)(a - p));
			atomic_fetch_add_explicit(&ss_os.munmap_calls, 1, memory_order_relaxed);
		}
		size_t tail = (size_t)(p + total - (a + size));
		if (tail) {
			munmap(a + size, tail);
			atomic_fetch_add_explicit(&ss_os.munmap_calls, 1, memory_order_relaxed);
		}
	}
	atomic_fetch_add_explicit(&ss_os.bytes_mapped, size, memory_order_relaxed);
	if (ss_opt.hugepages)
		os_advise_huge(a, size);
	return a;
}

void os_unmap(void *p, size_t size)
{
	munmap(p, size);
	atomic_fetch_add_explicit(&ss_os.munmap_calls, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&ss_os.bytes_mapped, size, memory_order_relaxed);
}

/* Give the pages back but keep the mapping: MADV_FREE (cheap to re-touch)
   unless SUPERSLAB_PURGE=dontneed or the kernel lacks it. */
void os_purge(void *p, size_t size)
{
	int r = -1;
	if (!ss_opt.purge_dontneed && !atomic_load_explicit(&madv_free_unsupported, memory_order_relaxed)) {
		r = madvise(p, size, MADV_FREE);
		atomic_fetch_add_explicit(&ss_os.madvise_calls, 1, memory_order_relaxed);
		if (r != 0 && errno == EINVAL)
			atomic_store(&madv_free_unsupported, 1);
	}
	if (r != 0) {
		madvise(p, size, MADV_DONTNEED);
		atomic_fetch_add_explicit(&ss_os.madvise_calls, 1, memory_order_relaxed);
	}
	atomic_fetch_add_explicit(&ss_os.bytes_purged, size, memory_order_relaxed);
}

/* Fault the range in now (SUPERSLAB_PREFAULT): MADV_POPULATE_WRITE when the
   kernel has it, else one write per page. */
void os_prefault(void *p, size_t size)
{
	atomic_fetch_add_explicit(&ss_os.populate_calls, 1, memory_order_relaxed);
	if (!atomic_load_explicit(&populate_unsupported, memory_order_relaxed)) {
		if (madvise(p, size, MADV_POPULATE_WRITE) == 0)
			return;
		atomic_store(&populate_unsupported, 1);
	}
	for (size_t off = 0; off < size; off += SS_PAGE)
		((volatile char *)p)[off] = ((volatile char *)p)[off];
}

/* THP is often "madvise" only: ask for huge pages on 2 MiB-aligned ranges.
   When THP is off the advice fails or does nothing and 4 KiB pages are
   used: the fallback needs no code, only a count. */
void os_advise_huge(void *p, size_t size)
{
	if (((uintptr_t)p & ((1u << 21) - 1)) != 0 || size < (1u << 21) ||
	    madvise(p, size, MADV_HUGEPAGE) != 0 || os_thp_mode() == 0)
		atomic_fetch_add_explicit(&ss_os.hugepage_fallbacks, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&ss_os.madvise_calls, 1, memory_order_relaxed);
}

int os_thp_mode(void)
{
	static _Atomic int mode = -1;
	int m = atomic_load_explicit(&mode, memory_order_relaxed);
	if (m >= 0)
		return m;
	char buf[128];
	ssize_t n = -1;
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
	}
	m = 0;
	if (n > 0) {
		buf[n] = '\0';
		for (char *s = buf; *s; s++)
			if (*s == '[') {
				m = s[1] == 'a' ? 2 : s[1] == 'm' ? 1 : 0;
				break;
			}
	}
	atomic_store(&mode, m);
	return m;
}

/* Set or clear the ownership bits of the granules of [start, start+size). */
void map_mark(uintptr_t start, size_t size, bool on)
{
	for (uintptr_t g = start >> SS_GRANULE_SHIFT;
	     g < (start + size + (1ul << SS_GRANULE_SHIFT) - 1) >> SS_GRANULE_SHIFT; g++) {
		if (g >= (1ul << (SS_ADDR_BITS - SS_GRANULE_SHIFT)))
			break;
		uint64_t bit = (uint64_t)1 << (g & 63);
		if (on)
			atomic_fetch_or_explicit(&ss_owner_map[g >> 6], bit, memory_order_release);
		else
			atomic_fetch_and_explicit(&ss_owner_map[g >> 6], ~bit, memory_order_release);
	}
}

uint64_t os_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
