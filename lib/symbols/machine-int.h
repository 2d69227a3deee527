/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The recorded machine's state shared by symbols.c (processes, threads,
 * maps), dso.c (ELF/DWARF files and their symbol tables) and unwind.c
 * (DWARF unwinding over sampled registers and stack).
 */
#ifndef PF_MACHINE_INT_H
#define PF_MACHINE_INT_H

#include <stdint.h>
#include <elfutils/libdwfl.h>

#include <pf/symbols.h>
#include "symbols/symtab-int.h"

enum dso_kind {
	DSO_FILE,               /* an ELF file on disk */
	DSO_PERFMAP,            /* executable anonymous memory: /tmp/perf-PID.map */
	DSO_SPECIAL,            /* [heap], [stack], [vdso], //anon ... */
};

struct inl_frame {
	char *name;
	char *srcline;
};

/* Cached inline/source-line answer for one address of a DSO. */
struct addr_info {
	uint64_t addr;          /* file offset + 1 (0: empty slot) */
	int nr_inl;
	struct inl_frame *inl;  /* innermost first */
	char *srcline;          /* of the address in its real function */
	char *leaf_srcline;     /* of the address itself (innermost level) */
	int outer_inlined;      /* the real function's DWARF name differs */
};

struct dso {
	char *name;
	enum dso_kind kind;
	int loaded;
	struct symtab st;
	Dwfl *dwfl;             /* offline session for this one file */
	Dwfl_Module *mod;
	uint64_t bias;          /* dwfl address = ELF vaddr + bias */
	struct { uint64_t off, filesz, memsz, vaddr; } *load;  /* PT_LOAD segments */
	size_t nr_load;
	int is_exec;            /* ET_EXEC */
	struct addr_info *cache;
	size_t cache_n, cache_cap;
	struct dso *next;       /* hash chain */
};

struct map {
	uint64_t start, end, pgoff;
	uint32_t prot, flags;
	struct dso *dso;
	int anon;               /* addresses print as they are */
};

struct maps {
	struct map *v;
	size_t n, cap;
	int pid;
	unsigned gen, dwfl_gen;  /* changes of the maps; at Dwfl build */
	Dwfl *dwfl;             /* for unwinding (unwind.c) */
	void *uw;
};

struct thread {
	int tid;
	char *comm;
};

struct pf_machine {
	int flags;
	struct maps **procs;    /* open hash by pid */
	size_t procs_cap, procs_n;
	struct thread *threads; /* open hash by tid */
	size_t threads_cap, threads_n;
	struct dso **dsos;      /* chained hash by name */
	size_t dsos_cap;
	struct symtab kernel;
	int kernel_tried;
	char *kallsyms_path;
	char tmp[64];
};

/* dso.c */
struct dso *dso_get(pf_machine *m, const char *name, enum dso_kind kind);
void dso_free(struct dso *d);
int dso_load(pf_machine *m, struct dso *d);
/* File offset OFF to ELF address; 0 on success. */
int dso_off_to_vaddr(const struct dso *d, uint64_t off, uint64_t *vaddr);
const struct sym *dso_find(pf_machine *m, struct dso *d, uint64_t off, uint64_t *vaddr);
const struct addr_info *dso_addr_info(pf_machine *m, struct dso *d, uint64_t off,
				      const struct sym *s);

/* symbols.c */
struct maps *machine_maps(pf_machine *m, int pid, int create);
const struct map *maps_find(const struct maps *ms, uint64_t addr);

#endif /* PF_MACHINE_INT_H */
