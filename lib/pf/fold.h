/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Folded-stack table: maps a stack ("comm;main;f;g") to a count and writes
 * the result sorted bytewise by stack, "STACK COUNT" per line, which is what
 * flamegraph.pl, pfflame and pfdiff read.  Memory grows with the number of
 * distinct stacks only.
 */
#ifndef PF_FOLD_H
#define PF_FOLD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_fold pf_fold;

/* An empty table, or NULL when out of memory.  Free with pf_fold_free(). */
pf_fold *pf_fold_new(void);

/* Add COUNT to STACK (LEN bytes, need not be NUL-terminated; the table
   keeps its own copy).  -1 when out of memory or when the stack's count
   would not fit in 64 bits (pf_errmsg() says which), else 0. */
int pf_fold_add(pf_fold *f, const char *stack, size_t len, uint64_t count);

/* The count of STACK, 0 when absent. */
uint64_t pf_fold_get(const pf_fold *f, const char *stack, size_t len);

/* Number of distinct stacks. */
size_t pf_fold_size(const pf_fold *f);

/* Call FN for every stack in bytewise order (memcmp, shorter first on a
   common prefix).  STACK is NUL-terminated and belongs to the table.  A
   non-zero return from FN stops the walk and is returned; -1 if sorting
   ran out of memory, else 0. */
typedef int (*pf_fold_fn)(const char *stack, size_t len, uint64_t count,
			  void *arg);
int pf_fold_each_sorted(pf_fold *f, pf_fold_fn fn, void *arg);

/* Write "STACK COUNT\n" lines in sorted order.  -1 on a write error or
   when out of memory (errno tells which), else 0. */
int pf_fold_write(pf_fold *f, FILE *out);

void pf_fold_free(pf_fold *f);

#ifdef __cplusplus
}
#endif

#endif /* PF_FOLD_H */
