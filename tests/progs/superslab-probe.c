/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small program linked with libsuperslab for tests/run-superslab-env.sh:
 * shows how the environment tunables were read and what they do.
 *   superslab-probe options   print every option's value
 *   superslab-probe churn     allocate and free a mix of sizes
 *   superslab-probe faults    minor faults taken filling 1 MiB of new blocks
 *   superslab-probe purge     free 32 MiB of small blocks, print bytes purged
 *   superslab-probe fail      provoke each allocation failure cause
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "superslab.h"

/* Through volatile pointers, so GCC keeps every malloc/free pair. */
static void *(*volatile xmalloc)(size_t) = malloc;
static void (*volatile xfree)(void *) = free;

static void churn(void)
{
	void *p[3000];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 3000; i++) {
			size_t n = (size_t)(i * 97 % 5000) + (i % 100 == 0 ? 400000 : 0) +
				   (i % 1000 == 0 ? 5000000 : 0);
			p[i] = xmalloc(n);
			memset(p[i], i & 0xff, n);
		}
		for (int i = 0; i < 3000; i++)
			xfree(p[i]);
	}
}

static long minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	struct ss_stats st;

	if (strcmp(cmd, "options") == 0) {
		printf("prefault=%ld hugepages=%ld prewarm=%ld size=%ld purge_delay_ms=%ld "
		       "purge_dontneed=%ld stats=%ld trace=%ld\n",
		       ss_option_get(SS_OPT_PREFAULT), ss_option_get(SS_OPT_HUGEPAGES),
		       ss_option_get(SS_OPT_PREWARM), ss_option_get(SS_OPT_SIZE),
		       ss_option_get(SS_OPT_PURGE_DELAY_MS), ss_option_get(SS_OPT_PURGE_DONTNEED),
		       ss_option_get(SS_OPT_STATS), ss_option_get(SS_OPT_TRACE));
	} else if (strcmp(cmd, "churn") == 0) {
		churn();
		ss_stats_get(&st, sizeof st);
		printf("refills=%s large=%s\n", st.refills ? "yes" : "no",
		       st.large_allocs ? "yes" : "no");
	} else if (strcmp(cmd, "faults") == 0) {
		static void *p[4096];
		memset(p, 0, sizeof p);
		xfree(xmalloc(1));     /* the thread's heap exists before counting */
		long before = minflt();
		for (int i = 0; i < 4096; i++) {
			p[i] = xmalloc(256);
			memset(p[i], 1, 256);
		}
		printf("faults=%ld\n", minflt() - before);
	} else if (strcmp(cmd, "purge") == 0) {
		static void *p[32768];
		for (int i = 0; i < 32768; i++) {
			p[i] = xmalloc(1000);
			memset(p[i], 1, 1000);
		}
		for (int i = 0; i < 32768; i++)
			xfree(p[i]);
		xfree(xmalloc(100));   /* pool activity: purges what has expired */
		ss_stats_get(&st, sizeof st);
		printf("purged=%s\n", st.bytes_purged ? "yes" : "no");
	} else if (strcmp(cmd, "fail") == 0) {
		void *p = xmalloc((size_t)PTRDIFF_MAX);            /* over threshold */
		struct rlimit rl = { 256 << 20, 256 << 20 };
		setrlimit(RLIMIT_AS, &rl);
		void *q = xmalloc((size_t)1 << 30);                 /* exhausted */
		printf("%s %s\n", p ? "allocated" : "null", q ? "allocated" : "null");
	} else {
		fprintf(stderr, "usage: superslab-probe options|churn|faults|purge|fail\n");
		return 2;
	}
	return 0;
}
