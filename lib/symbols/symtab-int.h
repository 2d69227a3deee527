/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Symbol tables: sorted arrays of function symbols built once per DSO (from
 * ELF, /proc/kallsyms or a /tmp/perf-PID.map), with perf's rules for
 * choosing between aliases and for giving sizeless symbols an end
 * (tools/perf/util/symbol.c), so that names and offsets match perf script.
 */
#ifndef PF_SYMBOLS_INT_H
#define PF_SYMBOLS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sym {
	uint64_t start, end;
	uint64_t size0;         /* the size the symbol table gave */
	char *name;
	char *alt;              /* the alias binutils would name (first seen,
	                           largest), when it differs; else NULL */
	const char *module;     /* kallsyms: "[mod]" for module code, else NULL */
	uint32_t seq;           /* order of appearance, for stable sorting */
	uint8_t binding;        /* STB_LOCAL, STB_GLOBAL, STB_WEAK */
};

struct symtab {
	struct sym *v;
	size_t n, cap;
	char **modules;         /* kallsyms module names, owned */
	size_t nr_modules;
};

/* Add a symbol (NAME is copied).  0 or -1 (out of memory). */
int symtab_add(struct symtab *t, uint64_t start, uint64_t size,
	       const char *name, int binding, const char *module);

/* Sort, end sizeless symbols at the next one and drop aliases keeping
   perf's choice.  KALLSYMS: do not stretch the last kernel symbol over the
   gap before the modules. */
void symtab_finish(struct symtab *t, int kallsyms);

/* The symbol containing ADDR, or NULL. */
const struct sym *symtab_find(const struct symtab *t, uint64_t addr);

void symtab_free(struct symtab *t);

/* /proc/kallsyms (or a file in its format): the text, weak, data and bss
   symbols perf keeps, module symbols tagged with their module.  0 or -1. */
int kallsyms_parse(struct symtab *t, FILE *f);
int kallsyms_load(struct symtab *t, const char *path);

/* A JIT's /tmp/perf-PID.map: "START SIZE NAME" lines in hex.  0 or -1. */
int perfmap_parse(struct symtab *t, FILE *f);
int perfmap_load(struct symtab *t, const char *path);

#endif /* PF_SYMBOLS_INT_H */
