/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Symbolization of a recording: the state of the recorded machine (each
 * process's memory maps and each thread's command name, rebuilt from the
 * MMAP/MMAP2/COMM/FORK/EXIT records as they are read) and the resolution of
 * addresses to DSO, function, offset, inlined functions and source line.
 * User code is resolved from the ELF files (.symtab or .dynsym, separate
 * debug info by build id or .gnu_debuglink), checked against the build-ids
 * the recording saw, the kernel from /proc/kallsyms or a vmlinux, JIT code
 * from /tmp/perf-PID.map.  Each DSO's symbols are sorted once and
 * inline/source-line results are cached per (DSO, address).
 */
#ifndef PF_SYMBOLS_H
#define PF_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include <pf/perfdata.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_machine pf_machine;

enum {
	PF_SYM_DEMANGLE = 1 << 0,       /* demangle C++ and Rust names */
	PF_SYM_KERNEL   = 1 << 1,       /* read /proc/kallsyms */
	PF_SYM_SRCLINE  = 1 << 2,       /* find source lines */
	PF_SYM_DEBUGINFOD = 1 << 3,     /* fetch missing debug info from the
	                                   servers in DEBUGINFOD_URLS (builds
	                                   configured --with-debuginfod only);
	                                   without it nothing leaves the machine */
};

/* Called with a one-line message (no newline) for each problem that costs
   symbols: a file that differs from the recording's (build-id), a file
   refused as unsafe.  Once per file. */
typedef void pf_machine_warn_fn(void *arg, const char *msg);

/* One frame as perf script shows it. */
struct pf_frame {
	uint64_t ip;            /* the address resolved */
	uint64_t addr;          /* as printed: relative to the DSO for user
	                           code mapped from a file, else IP */
	const char *sym;        /* NULL when unknown */
	uint64_t symoff;
	const char *dso;        /* NULL when no mapping covers IP */
	const char *srcline;    /* "file:line", or NULL */
	uint64_t elf_addr;      /* the address in the ELF file (objdump's) */
	int inlined;            /* an inlined function at IP */
};

/* A new, empty machine.  FLAGS: PF_SYM_*.  NULL on failure. */
pf_machine *pf_machine_new(int flags);

/* Release the machine and every string it handed out. */
void pf_machine_free(pf_machine *m);

/* Use PATH in kallsyms format for the kernel instead of /proc/kallsyms. */
int pf_machine_set_kallsyms(pf_machine *m, const char *path);

/* Where warnings go (by default nowhere). */
void pf_machine_set_warn(pf_machine *m, pf_machine_warn_fn *fn, void *arg);

/* Look for every file under DIR, as perf's --symfs: DIR/usr/lib/libc.so.6
   for /usr/lib/libc.so.6, and DIR/usr/lib/debug for debug files.  0 or -1. */
int pf_machine_set_symfs(pf_machine *m, const char *dir);

/* Kernel symbols from the ELF file PATH (a vmlinux with symbols) instead of
   kallsyms, relocated to where the recording's kernel was.  0 or -1. */
int pf_machine_set_vmlinux(pf_machine *m, const char *path);

/* The build-id the recording saw for the file PATH (ID of LEN bytes, at
   most 20).  A file whose build-id differs is never used: a copy from the
   build-id caches is, or none.  0, or -1 when out of memory. */
int pf_machine_add_build_id(pf_machine *m, const char *path,
			    const unsigned char *id, size_t len);

/* Every build-id of the recording's header (HEADER_BUILD_ID), as above.
   0, or -1 when out of memory. */
int pf_machine_use_recording(pf_machine *m, pf_perfdata *pd);

/* Apply a side-band record (MMAP, MMAP2, COMM, FORK, EXIT); other records
   are ignored.  0, or -1 when out of memory. */
int pf_machine_record(pf_machine *m, const struct pf_record *rec);

/* The command name of thread TID as perf shows it (":TID" if unknown). */
const char *pf_machine_comm(pf_machine *m, int pid, int tid);

/* Resolve IP in process PID.  CPUMODE is PERF_RECORD_MISC_KERNEL or _USER
   (or another PERF_RECORD_MISC_* mode).  With INLINES, frames for the
   functions inlined at IP come first, innermost first, then the function
   itself.  Writes at most MAX frames to OUT and returns their number (at
   least 1 when MAX > 0).  The strings belong to the machine. */
int pf_machine_resolve(pf_machine *m, int pid, unsigned cpumode, uint64_t ip,
		       int inlines, struct pf_frame *out, int max);

/* The name of the mapping containing the data address ADDR of process PID,
   for page-fault profiles: a file path, "[heap]", "[stack]", "[anon]",
   "[vdso]"..., or NULL when no mapping covers it. */
const char *pf_machine_data_map(pf_machine *m, int pid, uint64_t addr);

/* Process PID's address space as a cache key: an identity and, in *GEN,
   a generation that changes with every change of its mappings, so what was
   resolved in it stays valid while both are the same.  NULL when the
   machine knows no mapping of PID. */
const void *pf_machine_maps_key(pf_machine *m, int pid, unsigned *gen);

/* Unwind the user stack of a sample recorded with --call-graph dwarf
   (user registers and stack) with libdw.  Writes up to MAX addresses to
   IPS, innermost first, each caller's address minus one (the call, not the
   return address) as perf does; returns their number, 0 when nothing could
   be unwound. */
int pf_machine_unwind(pf_machine *m, const struct pf_sample *s,
		      uint64_t *ips, int max);

#ifdef __cplusplus
}
#endif

#endif /* PF_SYMBOLS_H */
