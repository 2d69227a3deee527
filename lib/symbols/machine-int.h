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

struct inline_index;

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
	uint64_t addr;          /* ELF address + 1 (0: empty slot) */
	int nr_inl;
	struct inl_frame *inl;  /* innermost first */
	char *srcline;          /* of the address in its real function */
	char *leaf_srcline;     /* of the address itself (innermost level) */
	int outer_inlined;      /* the real function's DWARF name differs */
};

struct dso {
	char *name;
	char *path;             /* the file read: NAME, under --symfs, or a
	                           build-id cache copy; NULL if none */
	pf_machine *machine;
	unsigned char want_id[20];      /* the recording's build-id */
	int want_len;           /* 0: none recorded */
	struct inline_index *scopes;    /* of the units hit so far */
	enum dso_kind kind;
	int loaded;
	struct symtab st;
	Dwfl *dwfl;             /* offline session for this one file */
	Dwfl_Module *mod;
	uint64_t bias;          /* dwfl address = ELF vaddr + bias */
	struct { uint64_t off, filesz, vaddr; uint32_t flags; } *load;  /* PT_LOAD */
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

struct map_node;

struct maps {
	struct map_node *root;  /* maps.c: a treap by start address */
	size_t n;
	uint64_t seed;          /* of the treap's priorities */
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
	char *vmlinux;          /* kernel symbols from this ELF file */
	uint64_t kernel_text;   /* where the recording's kernel text began */
	char *symfs;            /* every file looked for under this root */
	pf_machine_warn_fn *warn;
	void *warn_arg;
	Dwfl_Callbacks callbacks;       /* offline sessions of the DSOs */
	char tmp[64];
};

/* machine.c: report a problem once per call site's choice (a DSO's
   warned flag), through the caller's callback. */
void machine_warn(pf_machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* dso.c */
struct dso *dso_get(pf_machine *m, const char *name, enum dso_kind kind);
/* Kernel symbols from the vmlinux ELF file PATH into T, relocated so that
   its _text is at TEXT (0: as linked).  0 or -1. */
int vmlinux_load(pf_machine *m, struct symtab *t, const char *path, uint64_t text);
void dso_free(struct dso *d);
int dso_load(pf_machine *m, struct dso *d);
/* The load bias of D mapped at START from file offset PGOFF with the
   permissions PROT (PROT_*): runtime address = ELF address + bias.  0 on
   success; -1 when no loadable segment of D covers PGOFF. */
int dso_bias(const struct dso *d, uint64_t start, uint64_t pgoff, int prot,
	     uint64_t *bias);
/* The ELF address of IP in the mapping MP (loading its DSO): IP minus
   the mapping's bias, or the file offset when D has no segments. */
uint64_t dso_map_vaddr(pf_machine *m, const struct map *mp, uint64_t ip);
const struct sym *dso_find(pf_machine *m, struct dso *d, uint64_t vaddr);
const struct addr_info *dso_addr_info(pf_machine *m, struct dso *d, uint64_t vaddr,
				      const struct sym *s);

/* machine.c */
struct maps *machine_maps(pf_machine *m, int pid, int create);

/* maps.c: O(log n) insertion and look-up. */
/* Insert NM, cutting away what older maps had in its range.  0 or -1. */
int maps_insert(struct maps *ms, const struct map *nm);
/* The map containing ADDR, or NULL (MS may be NULL). */
const struct map *maps_find(const struct maps *ms, uint64_t addr);
/* The map after PREV by address (the first when PREV is NULL), or NULL. */
const struct map *maps_next(const struct maps *ms, const struct map *prev);
/* Replace TO's maps by a copy of FROM's.  0 or -1 (TO unchanged). */
int maps_copy(struct maps *to, const struct maps *from);
void maps_clear(struct maps *ms);

#endif /* PF_MACHINE_INT_H */
