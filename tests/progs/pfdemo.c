/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfdemo: a workload with a known number of page faults in named functions,
 * for pfrecord's tests and the README's first recording.  Each function
 * first-touches fresh memory, one fault per 4 KiB page (transparent huge
 * pages are declined so the count does not depend on the machine):
 *   touch_pages   NPAGES_TOUCH pages of a fresh anonymous mapping
 *   grow_vector   a vector doubling up to NPAGES_VECTOR pages
 *   fill_buffer   memset of a fresh NPAGES_FILL-page malloc
 * `pfdemo --expect` prints those minimum counts; `--threads N` runs
 * touch_pages in N threads as well; `--rusage` prints the faults the
 * kernel charged to the process (minor + major) at the end.  Built with frame pointers
 * so `pfrecord -g` sees the whole call chain.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define PAGE            4096
#define NPAGES_TOUCH    4096    /* 16 MiB */
#define NPAGES_VECTOR   2048    /* 8 MiB */
#define NPAGES_FILL     2048    /* 8 MiB */

static volatile unsigned long sink;

static void *fresh(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("pfdemo: mmap");
		exit(1);
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

__attribute__((noinline)) static void touch_pages(void)
{
	char *p = fresh((size_t)NPAGES_TOUCH * PAGE);

	for (size_t i = 0; i < NPAGES_TOUCH; i++)
		p[i * PAGE] = 1;
	sink += p[PAGE];
	munmap(p, (size_t)NPAGES_TOUCH * PAGE);
}

/* A vector that doubles its capacity and moves its elements, as C++'s
   std::vector does; every page of every new array is touched here. */
__attribute__((noinline)) static void grow_vector(void)
{
	size_t cap = 16, n = 0, limit = (size_t)NPAGES_VECTOR * PAGE / sizeof(long);
	long *v = fresh(cap * sizeof *v);

	while (n < limit) {
		if (n == cap) {
			long *w = fresh(2 * cap * sizeof *w);

			for (size_t i = 0; i < n; i++)
				w[i] = v[i];
			munmap(v, cap * sizeof *v);
			v = w;
			cap *= 2;
		}
		v[n] = (long)n;
		n++;
	}
	sink += v[n - 1];
	munmap(v, cap * sizeof *v);
}

__attribute__((noinline)) static void fill_buffer(void)
{
	size_t len = (size_t)NPAGES_FILL * PAGE;
	char *p = malloc(len + PAGE);
	char *start;

	if (!p) {
		perror("pfdemo: malloc");
		exit(1);
	}
	start = (char *)(((unsigned long)p + PAGE - 1) & ~(unsigned long)(PAGE - 1));
	madvise(start, len, MADV_NOHUGEPAGE);
	memset(p, 7, len + PAGE);
	/* Keep the compiler from dropping a memset whose result is freed. */
	__asm__ volatile("" : : "r"(p) : "memory");
	sink += p[len / 2];
	free(p);
}

static void *thread_main(void *arg)
{
	(void)arg;
	touch_pages();
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 0, rusage = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--expect") == 0) {
			printf("touch_pages %d\ngrow_vector %d\nfill_buffer %d\n",
			       NPAGES_TOUCH, NPAGES_VECTOR, NPAGES_FILL);
			return 0;
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			threads = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--rusage") == 0) {
			rusage = 1;
		} else {
			fprintf(stderr, "usage: pfdemo [--expect] [--threads N] [--rusage]\n");
			return 2;
		}
	}
	touch_pages();
	grow_vector();
	fill_buffer();
	for (int i = 0; i < threads && i < 64; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_main, NULL) == 0)
			pthread_join(t, NULL);
	}
	if (rusage) {
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		printf("%ld\n", ru.ru_minflt + ru.ru_majflt);
	}
	return 0;
}
