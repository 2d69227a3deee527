/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Statistics: counters gathered from the heaps, the pool and the OS layer;
 * printed at exit with SUPERSLAB_STATS=1 or on demand.  Printing formats
 * into a stack buffer and write()s it: no stdio stream, no allocation,
 * so it is safe in a destructor of a preloaded library.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ss-int.h"

_Atomic uint64_t ss_failures;

static void collect(struct ss_stats *st, uint64_t *slabs, uint64_t *refills)
{
	uint64_t dirty, clean, reserved, aband;
	memset(st, 0, sizeof *st);
	heap_totals(st, slabs, refills);
	pool_counts(&dirty, &clean, &reserved, &aband);
	st->superslabs_reserved = reserved;
	st->superslabs_free = dirty + clean;
	st->superslabs_abandoned = aband;
	st->large_cache_hits = atomic_load(&ss_large_hits);
	st->large_cache_misses = atomic_load(&ss_large_misses);
	st->bytes_mapped = atomic_load(&ss_os.bytes_mapped);
	st->bytes_purged = atomic_load(&ss_os.bytes_purged);
	st->mmap_calls = atomic_load(&ss_os.mmap_calls);
	st->munmap_calls = atomic_load(&ss_os.munmap_calls);
	st->madvise_calls = atomic_load(&ss_os.madvise_calls);
	st->populate_calls = atomic_load(&ss_os.populate_calls);
	st->failures = atomic_load(&ss_failures);
}

SS_EXPORT int ss_stats_get(struct ss_stats *st, size_t size)
{
	struct ss_stats all;
	uint64_t slabs[SS_NCLASS] = { 0 }, refills[SS_NCLASS] = { 0 };
	if (size < sizeof all) {
		errno = EINVAL;
		return -1;
	}
	if (!atomic_load(&ss_ready))
		ss_init_slow();
	collect(&all, slabs, refills);
	memcpy(st, &all, sizeof all);
	return 0;
}

static void out(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(int fd, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = sizeof buf - 1;
	for (int off = 0; off < n;) {
		ssize_t w = write(fd, buf + off, (size_t)(n - off));
		if (w <= 0)
			return;
		off += (int)w;
	}
}

void stats_print_fd(int fd)
{
	struct ss_stats st;
	uint64_t slabs[SS_NCLASS] = { 0 }, refills[SS_NCLASS] = { 0 };
	collect(&st, slabs, refills);
	out(fd, "superslab: stats: superslab size %zu, purge delay %ld ms (%s), prefault %ld, "
		"hugepages %ld (THP %s), prewarm %ld\n",
	    ss_size, ss_opt.purge_delay_ms, ss_opt.purge_dontneed ? "dontneed" : "free",
	    ss_opt.prefault, ss_opt.hugepages,
	    (const char *[]){ "never", "madvise", "always" }[os_thp_mode()], ss_opt.prewarm);
	out(fd, "superslab: stats: refills %llu, remote frees %llu, large %llu "
		"(huge cache hits %llu, misses %llu), failures %llu\n",
	    (unsigned long long)st.refills, (unsigned long long)st.remote_frees, (unsigned long long)st.large_allocs,
	    (unsigned long long)st.large_cache_hits, (unsigned long long)st.large_cache_misses,
	    (unsigned long long)st.failures);
	out(fd, "superslab: stats: superslabs %llu reserved, %llu free, %llu abandoned; "
		"%llu bytes mapped, %llu purged\n",
	    (unsigned long long)st.superslabs_reserved, (unsigned long long)st.superslabs_free,
	    (unsigned long long)st.superslabs_abandoned, (unsigned long long)st.bytes_mapped,
	    (unsigned long long)st.bytes_purged);
	out(fd, "superslab: stats: os calls: mmap %llu, munmap %llu, madvise %llu, populate %llu, "
		"hugepage fallbacks %llu, mremap %llu\n",
	    (unsigned long long)st.mmap_calls, (unsigned long long)st.munmap_calls,
	    (unsigned long long)st.madvise_calls, (unsigned long long)st.populate_calls,
	    (unsigned long long)atomic_load(&ss_os.hugepage_fallbacks),
	    (unsigned long long)atomic_load(&ss_os.mremap_calls));
	out(fd, "superslab: stats: %-6s %8s %8s %10s\n", "class", "size", "slabs", "refills");
	for (unsigned c = 0; c < SS_NCLASS; c++)
		if (slabs[c] || refills[c])
			out(fd, "superslab: stats: %-6u %8u %8llu %10llu\n", c, ss_class_size[c],
			    (unsigned long long)slabs[c], (unsigned long long)refills[c]);
}

SS_EXPORT void ss_stats_print(int fd)
{
	if (!atomic_load(&ss_ready))
		ss_init_slow();
	stats_print_fd(fd);
}
