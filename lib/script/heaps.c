/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The heap as --data-frame names it, for the printer and the exporter.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "perfdata/format.h"
#include "script/heaps-int.h"

/* The kernel's first record of a process's brk area
   says //anon and only later ones [heap] (the area becomes the heap once
   mm->brk moves), so the first faults there would be called anonymous.
   The heap areas of a file are read ahead, each (pid, start) with its
   largest end, sorted, so that an anonymous area a later record calls
   [heap] is named so from its first fault.  A stream cannot be read ahead:
   there the first records' names stand. */
static int by_pid_start(const void *a, const void *b)
{
	const struct heap_area *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

int heaps_scan(struct heaps *h, const char *input)
{
	struct stat st;
	struct pf_record rec;
	pf_perfdata *pd;
	size_t cap = 0;
	int r;

	if (!input || strcmp(input, "-") == 0 || stat(input, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (!(pd = pf_perfdata_open(input)))
		return -1;
	pf_perfdata_set_unordered(pd, 1);
	while ((r = pf_perfdata_next(pd, &rec)) > 0) {
		const unsigned char *p = rec.data;
		size_t i;

		if (rec.type != PERF_RECORD_MMAP2 || rec.size < 72 + 7 ||
		    memcmp(p + 72, "[heap]", 7) != 0)
			continue;
		int pid = (int)load_u32(p + 8);
		uint64_t start = load_u64(p + 16), end = start + load_u64(p + 24);
		/* The records of one heap follow each other: look back a little. */
		for (i = h->n; i-- > 0 && h->n - i <= 8;)
			if (h->v[i].pid == pid && h->v[i].start == start)
				break;
		if (i < h->n && h->n - i <= 8) {
			if (end > h->v[i].end)
				h->v[i].end = end;
			continue;
		}
		if (GROW(h->v, cap, h->n + 1) < 0) {
			r = -1;
			break;
		}
		h->v[h->n++] = (struct heap_area){ pid, start, end };
	}
	pf_perfdata_close(pd);
	if (r < 0)
		return -1;
	if (h->n > 1)	/* qsort's array may not be NULL, even empty */
		qsort(h->v, h->n, sizeof *h->v, by_pid_start);
	return 0;
}

const char *heaps_data_map(const struct heaps *h, pf_machine *m, int pid, uint64_t addr)
{
	const char *map = pf_machine_data_map(m, pid, addr);
	size_t lo = 0, hi = h->n;

	if (!map || strcmp(map, "[anon]") != 0)
		return map;
	while (lo < hi) {               /* the first area of PID */
		size_t mid = lo + (hi - lo) / 2;

		if (h->v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < h->n && h->v[lo].pid == pid; lo++)
		if (addr >= h->v[lo].start && addr < h->v[lo].end)
			return "[heap]";
	return map;
}

void heaps_free(struct heaps *h)
{
	free(h->v);
	h->v = NULL;
	h->n = 0;
}
