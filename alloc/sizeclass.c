/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Size classes.  Below 128 bytes the classes step by 16 (malloc must
 * return 16-byte aligned blocks, so nothing finer is possible); from 128
 * bytes on there are 8 classes per power of two, 2^k * (1 + j/8), so a
 * request never wastes more than 1/9 (11.1%) of its block, up to the
 * largest class of 128 KiB.  Every class is a multiple of 16, and the
 * power-of-two classes serve the aligned calls.
 */
#include "config.h"

#include "ss-int.h"

uint32_t ss_class_size[SS_NCLASS];
uint16_t ss_foreign_max[SS_NCLASS];
uint8_t ss_fast_class[SS_FAST_MAX / 16 + 1];
uint8_t ss_direct_first[SS_NCLASS], ss_direct_count[SS_NCLASS];

/* Constant-time mapping, used beyond the table. */
unsigned size_to_class(size_t n)
{
	if (n <= 128)
		return n <= 16 ? 0 : (unsigned)((n + 15) >> 4) - 1;
	size_t m = n - 1;
	unsigned k = 63u - (unsigned)__builtin_clzl(m);   /* 2^k <= m < 2^(k+1) */
	return 8 + (k - 7) * 8 + (unsigned)(m >> (k - 3)) - 8;
}

void sizeclass_init(void)
{
	unsigned c = 0;
	for (uint32_t s = 16; s <= 128; s += 16)
		ss_class_size[c++] = s;
	for (unsigned k = 7; k < 17; k++)
		for (uint32_t j = 1; j <= 8; j++)
			ss_class_size[c++] = (1u << k) + j * (1u << (k - 3));
	ss_assert(c == SS_NCLASS && ss_class_size[SS_NCLASS - 1] == SS_CLASS_MAX);
	/* How many blocks of other heaps a thread keeps per class: 64 KiB
	   worth up to 1 KiB blocks, 16 KiB above, at least 4.  Blocks
	   beyond go back to an owner that may never collect them (an
	   exited thread, a main thread that only waits): larson ran 1.09x
	   faster with 64 KiB (median of 22 paired runs).  More for big
	   blocks only adds RSS (rptest), and for all classes 64 KiB once
	   doubled the page faults of bench_random_mixed's 2 threads.  A
	   table: free() used to divide. */
	for (c = 0; c < SS_NCLASS; c++)
		ss_foreign_max[c] = (uint16_t)(ss_class_size[c] >= 4096 ? 4 :
			(ss_class_size[c] <= 1024 ? 65536 : 16384) / ss_class_size[c]);
	for (unsigned i = 0; i <= SS_FAST_MAX / 16; i++) {
		unsigned k = size_to_class(i * 16);
		ss_fast_class[i] = (uint8_t)k;
		if (ss_direct_count[k]++ == 0)
			ss_direct_first[k] = (uint8_t)i;
	}
}

SS_EXPORT size_t ss_good_size(size_t n)
{
	if (!atomic_load_explicit(&ss_ready, memory_order_acquire))
		ss_init_slow();
	if (n <= SS_CLASS_MAX)
		return ss_class_size[size_to_class(n)];
	if (n > PTRDIFF_MAX)
		return n;
	/* LARGE and HUGE blocks end on a page boundary. */
	return ((n + SS_LARGE_OFF + SS_PAGE - 1) & ~(size_t)(SS_PAGE - 1)) - SS_LARGE_OFF;
}
