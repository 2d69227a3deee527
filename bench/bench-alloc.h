/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the allocator benchmarks share: their random numbers and
 * allocations, and the lines bench/superslab.sh reads from them (which
 * object defines malloc, throughput per wall-clock and per CPU second,
 * minor faults of the timed region, max RSS).
 */
#ifndef BENCH_ALLOC_H
#define BENCH_ALLOC_H

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static inline uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* The allocation both workloads make from a random number r: 16 to 1039
   bytes, first and last byte written (so a page is touched as a program
   would touch it).  Out of memory ends the run. */
static inline void *bench_alloc(uint32_t r)
{
	size_t n = 16 + (r & 0x3FF);
	unsigned char *p = malloc(n);
	if (!p) {
		perror("malloc");
		exit(1);
	}
	p[0] = (unsigned char)r;
	p[n - 1] = (unsigned char)(r >> 8);
	return p;
}

/* The object malloc binds to: a driver checks it, so a preload that fell
   back to glibc cannot be measured by mistake. */
static inline void bench_print_allocator(void)
{
	Dl_info info;
	void *(*m)(size_t) = malloc;
	const char *lib = dladdr((void *)m, &info) && info.dli_fname ? info.dli_fname : "?";
	printf("Allocator = %s\n", lib);
}

static inline double bench_clock(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct bench_timer {
	struct rusage ru;
	double cpu, wall;
};

static inline void bench_start(struct bench_timer *t)
{
	getrusage(RUSAGE_SELF, &t->ru);
	t->cpu = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
	t->wall = bench_clock(CLOCK_MONOTONIC);
}

/* The timed region started at t is over: print its figures for ops
   operations; what describes the workload inside the brackets. */
static inline void bench_report(const struct bench_timer *t, long ops, const char *what)
{
	double wall = bench_clock(CLOCK_MONOTONIC) - t->wall;
	double cpu = bench_clock(CLOCK_PROCESS_CPUTIME_ID) - t->cpu;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("Throughput = %.0f ops/s [%s] time=%.3fs\n", (double)ops / wall, what, wall);
	/* The same work per CPU second (all threads, user and system time,
	   page faults included): on a shared machine, time spent waiting
	   for a core is not the allocator's. */
	printf("CPU throughput = %.0f ops/cpu-s cpu=%.3fs\n", (double)ops / cpu, cpu);
	printf("Minor faults = %ld (timed region)\n", ru.ru_minflt - t->ru.ru_minflt);
	printf("Max RSS = %ld KiB\n", ru.ru_maxrss);
}

#endif /* BENCH_ALLOC_H */
