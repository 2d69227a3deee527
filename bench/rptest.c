/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rptest THREADS OPS WINDOW MIN MAX CROSS_PERCENT SEED
 *
 * After rpmalloc's benchmark: each thread cycles through a window of
 * WINDOW blocks, replacing the oldest OPS times with a new one of MIN..MAX
 * bytes (weighted towards small sizes, as programs allocate).  CROSS_PERCENT
 * of the replaced blocks are not freed by the thread but sent, in batches
 * of 32, to the next thread, which frees them: a steady share of frees
 * crossing threads, with blocks of every size class.  A thread whose
 * next thread has 8 batches waiting frees its own inbox and yields until
 * that one catches up: without that, a receiver that waits for a core on
 * a loaded machine lets the blocks in flight, and the RSS, grow with the
 * scheduler's whims.  A malloc and a free count as two operations.
 */

#include "bench-alloc.h"

#include <sched.h>

#define USAGE "rptest THREADS OPS WINDOW MIN MAX CROSS_PERCENT SEED"
#define BATCH 32
#define INBOX_MAX 8     /* batches waiting for a thread */

struct item {
	void *p;
	size_t n;
};

struct batch {
	struct batch *next;
	int n;
	struct item it[BATCH];
};

struct worker {
	long id;
	pthread_mutex_t lock;   /* inbox */
	struct batch *inbox;
	_Atomic int waiting;    /* batches in the inbox */
	char pad[64];
};

static long g_threads, g_ops, g_window, g_min, g_max, g_cross, g_seed;
static struct worker *g_w;
static pthread_barrier_t g_sent;
static _Atomic long g_finished;   /* threads past their last operation */

static size_t pick_size(uint32_t *rng)
{
	uint32_t range = (uint32_t)(g_max - g_min + 1);
	uint64_t a = xorshift32(rng) % range, b = xorshift32(rng) % range;
	return (size_t)g_min + (size_t)(a * b / range);
}

static void drain(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	struct batch *b = w->inbox;
	w->inbox = NULL;
	atomic_store(&w->waiting, 0);
	pthread_mutex_unlock(&w->lock);
	while (b) {
		struct batch *next = b->next;
		for (int i = 0; i < b->n; i++)
			bench_delete(b->it[i].p, b->it[i].n, 0);
		free(b);
		b = next;
	}
}

static void send(struct worker *from, struct worker *to, struct batch *b)
{
	while (atomic_load(&to->waiting) >= INBOX_MAX) {
		drain(from);
		sched_yield();
	}
	pthread_mutex_lock(&to->lock);
	b->next = to->inbox;
	to->inbox = b;
	atomic_fetch_add(&to->waiting, 1);
	pthread_mutex_unlock(&to->lock);
}

static struct batch *new_batch(void)
{
	struct batch *b = malloc(sizeof *b);
	if (!b) {
		perror("malloc");
		exit(1);
	}
	b->n = 0;
	return b;
}

static void *run(void *arg)
{
	struct worker *w = arg, *next = &g_w[(w->id + 1) % g_threads];
	uint32_t rng = (uint32_t)(g_seed * 2654435761u + (uint64_t)w->id) | 1;
	struct item *win = bench_calloc((size_t)g_window, sizeof *win);
	struct batch *out = new_batch();
	for (long i = 0; i < g_ops; i++) {
		struct item *it = &win[i % g_window];
		if (it->p) {
			if ((long)(xorshift32(&rng) % 100) < g_cross) {
				out->it[out->n++] = *it;
				if (out->n == BATCH) {
					send(w, next, out);
					out = new_batch();
				}
			} else {
				bench_delete(it->p, it->n, 0);
			}
		}
		it->n = pick_size(&rng);
		it->p = bench_new(it->n, 0);
		if ((i & 63) == 0)
			drain(w);
	}
	for (long k = 0; k < g_window; k++)
		if (win[k].p)
			bench_delete(win[k].p, win[k].n, 0);
	free(win);
	/* Keep freeing what arrives until every thread is done: a sender
	   may be waiting for this inbox to shrink. */
	atomic_fetch_add(&g_finished, 1);
	while (atomic_load(&g_finished) < g_threads) {
		drain(w);
		sched_yield();
	}
	/* Not send(): nobody drains any more until the barrier. */
	if (out->n) {
		pthread_mutex_lock(&next->lock);
		out->next = next->inbox;
		next->inbox = out;
		pthread_mutex_unlock(&next->lock);
	} else {
		free(out);
	}
	pthread_barrier_wait(&g_sent);
	drain(w);
	return NULL;
}

int main(int argc, char **argv)
{
	long *v[] = { &g_threads, &g_ops, &g_window, &g_min, &g_max, &g_cross, &g_seed };
	bench_args(argc, argv, USAGE, v, 7);
	if (g_min > g_max || g_cross > 100) {
		fprintf(stderr, "usage: %s (MIN <= MAX, CROSS_PERCENT <= 100)\n", USAGE);
		return 2;
	}
	bench_print_allocator();
	g_w = bench_calloc((size_t)g_threads, sizeof *g_w);
	for (long t = 0; t < g_threads; t++) {
		g_w[t].id = t;
		pthread_mutex_init(&g_w[t].lock, NULL);
	}
	pthread_barrier_init(&g_sent, NULL, (unsigned)g_threads);
	struct bench_timer timer;
	bench_start(&timer);
	bench_run_threads(g_threads, run, g_w, sizeof *g_w);
	bench_reportf(&timer, 2 * g_threads * g_ops, "threads=%ld window=%ld size=%ld-%ld cross=%ld%%",
		      g_threads, g_window, g_min, g_max, g_cross);
	long bad = 0;
	for (long t = 0; t < g_threads; t++)
		bad += g_w[t].inbox != NULL;
	free(g_w);
	return bench_verify(bad);
}
