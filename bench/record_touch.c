/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record_touch: the workload of bench/record.sh.  First-touches every 4 KiB
 * page of a fresh anonymous mapping (default 2048 MiB: 524,288 page
 * faults), transparent huge pages declined, so the cost of recording every
 * fault dominates.  Usage: record_touch [MIB]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

__attribute__((noinline)) static void first_touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
}

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? atol(argv[1]) : 2048) << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("record_touch: mmap");
		return 1;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	first_touch(p, len);
	munmap(p, len);
	return 0;
}
