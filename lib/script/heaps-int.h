/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --data-frame's heap: the kernel's first memory-map record of a process's
 * brk area says //anon, later ones [heap].  A file's heap records are read
 * ahead so that the heap is named so from its first fault.
 */
#ifndef PF_SCRIPT_HEAPS_INT_H
#define PF_SCRIPT_HEAPS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <pf/symbols.h>

struct heap_area {
	int pid;
	uint64_t start, end;
};

struct heaps {
	struct heap_area *v;    /* by pid, then start */
	size_t n;
};

/* Read the [heap] records of the recording INPUT ahead: a regular file;
   nothing for standard input and other streams.  0, or -1 (pf_errmsg). */
int heaps_scan(struct heaps *h, const char *input);

/* The mapping of data address ADDR of process PID as pf_machine_data_map()
   names it, but "[heap]" for an anonymous area a [heap] record covers. */
const char *heaps_data_map(const struct heaps *h, pf_machine *m, int pid, uint64_t addr);

void heaps_free(struct heaps *h);

#endif /* PF_SCRIPT_HEAPS_INT_H */
