/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the allocator benchmarks share: their random numbers and
 * allocations, and the lines bench/superslab.sh reads from them (which
 * object defines malloc, throughput per wall-clock and per CPU second,
 * minor faults of the timed region, max RSS).
 */
#ifndef BENCH_ALLOC_H
#define BENCH_ALLOC_H

#ifndef _GNU_SOURCE
# define _GNU_SOURCE   /* dladdr(); include this header first */
#endif

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* ---- what the suite's workloads (bench/suite.sh) share ---- */

/* A positive integer argument, or the usage line and exit status 2. */
static inline long bench_arg(const char *usage, const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0) {
		fprintf(stderr, "usage: %s\n", usage);
		exit(2);
	}
	return v;
}

/* Parse argv[1..] into the n longs at v (each > 0): exactly n arguments. */
static inline void bench_args(int argc, char **argv, const char *usage, long *v[], int n)
{
	if (argc != n + 1) {
		fprintf(stderr, "usage: %s\n", usage);
		exit(2);
	}
	for (int i = 0; i < n; i++)
		*v[i] = bench_arg(usage, argv[i + 1]);
}

/* Blocks carry a tag derived from their size and a salt in their first
   bytes and their last byte: a workload checks it before each free, so an
   allocator that handed out overlapping or moved blocks is caught and the
   run reports "Verify = FAILED". */
static _Atomic long bench_bad;

static inline uint64_t bench_tag(size_t n, uint64_t salt)
{
	uint64_t x = ((uint64_t)n + 1) * 0x9E3779B97F4A7C15ull ^ salt;
	x ^= x >> 29;
	return x * 0xBF58476D1CE4E5B9ull | 1;
}

static inline void bench_fill(void *p, size_t n, uint64_t salt)
{
	uint64_t t = bench_tag(n, salt);
	memcpy(p, &t, n < 8 ? n : 8);
	if (n > 8)
		((unsigned char *)p)[n - 1] = (unsigned char)(t >> 56);
}

static inline void bench_check(const void *p, size_t n, uint64_t salt)
{
	uint64_t t = bench_tag(n, salt), got = t;
	memcpy(&got, p, n < 8 ? n : 8);
	if (got != t || (n > 8 && ((const unsigned char *)p)[n - 1] != (unsigned char)(t >> 56)))
		atomic_fetch_add(&bench_bad, 1);
}

/* A block of n bytes, tagged; out of memory ends the run. */
static inline void *bench_new(size_t n, uint64_t salt)
{
	void *p = malloc(n);
	if (!p) {
		perror("malloc");
		exit(1);
	}
	bench_fill(p, n, salt);
	return p;
}

static inline void bench_delete(void *p, size_t n, uint64_t salt)
{
	bench_check(p, n, salt);
	free(p);
}

/* The verdict line the suite and tests/run-superslab-suite.sh read; the
   exit status of the workload. */
static inline int bench_verify(long extra_bad)
{
	long bad = atomic_load(&bench_bad) + extra_bad;
	if (bad) {
		printf("Verify = FAILED (%ld bad blocks)\n", bad);
		return 1;
	}
	printf("Verify = ok\n");
	return 0;
}

/* The workloads' own arrays: out of memory ends the run. */
static inline void *bench_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p) {
		perror("calloc");
		exit(1);
	}
	return p;
}

/* bench_report() with the description given as printf's arguments. */
static inline void bench_reportf(const struct bench_timer *t, long ops, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void bench_reportf(const struct bench_timer *t, long ops, const char *fmt, ...)
{
	char what[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	bench_report(t, ops, what);
}

/* A thread of the threaded workloads: its number and the operations it
   completed, which the verdict checks (padded: threads write their own). */
struct bench_worker {
	long id;
	long ops;
	char pad[64];
};

static inline struct bench_worker *bench_workers(long n)
{
	struct bench_worker *w = bench_calloc((size_t)n, sizeof *w);
	for (long i = 0; i < n; i++)
		w[i].id = i;
	return w;
}

/* How many of the n workers did not complete ops operations. */
static inline long bench_incomplete(const struct bench_worker *w, long n, long ops)
{
	long bad = 0;
	for (long i = 0; i < n; i++)
		bad += w[i].ops != ops;
	return bad;
}

static inline void bench_run_threads(long n, void *(*fn)(void *), void *args, size_t argsize);

/* Start the timer t and run fn on n workers; the workers are returned
   for bench_workers_done(). */
static inline struct bench_worker *bench_timed_workers(long n, void *(*fn)(void *),
						       struct bench_timer *t)
{
	struct bench_worker *w = bench_workers(n);
	bench_start(t);
	bench_run_threads(n, fn, w, sizeof *w);
	return w;
}

/* The verdict for n workers that each had ops operations to do. */
static inline int bench_workers_done(struct bench_worker *w, long n, long ops)
{
	long bad = bench_incomplete(w, n, ops);
	free(w);
	return bench_verify(bad);
}

/* Run fn(i) on n threads and wait for them all. */
static inline void bench_run_threads(long n, void *(*fn)(void *), void *args, size_t argsize)
{
	pthread_t *t = bench_calloc((size_t)n, sizeof *t);
	for (long i = 0; i < n; i++) {
		int e = pthread_create(&t[i], NULL, fn, (char *)args + (size_t)i * argsize);
		if (e) {
			fprintf(stderr, "pthread_create: %s\n", strerror(e));
			exit(1);
		}
	}
	for (long i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
}

#endif /* BENCH_ALLOC_H */
