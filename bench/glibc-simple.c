/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * glibc-simple ROUNDS
 *
 * After glibc's bench-malloc-simple: one thread allocates arrays of
 * 25, 100 and 400 blocks of one size (16 to 1024 bytes), writes each
 * block, and frees them in allocation order, ROUNDS times per array and
 * size: the cost of the plain fast paths with a small working set.
 */
#include "bench-alloc.h"

#define USAGE "glibc-simple ROUNDS"

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 16, 32, 64, 128, 256, 512, 1024 };
	static const int counts[] = { 25, 100, 400 };
	long rounds;
	long *v[] = { &rounds };
	bench_args(argc, argv, USAGE, v, 1);
	bench_print_allocator();
	void *blk[400];
	long ops = 0;
	struct bench_timer timer;
	bench_start(&timer);
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
			for (long r = 0; r < rounds; r++) {
				for (int i = 0; i < counts[c]; i++)
					blk[i] = bench_new(sizes[s], (uint64_t)i);
				for (int i = 0; i < counts[c]; i++)
					bench_delete(blk[i], sizes[s], (uint64_t)i);
				ops += 2 * counts[c];
			}
		}
	}
	bench_reportf(&timer, ops, "rounds=%ld", rounds);
	return bench_verify(0);
}
