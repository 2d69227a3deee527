/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Files a recording names are untrusted: a path in an MMAP2 record, a
 * /tmp/perf-PID.map any user may have created, a .gnu_debuglink.  They are
 * opened only when they are regular files, and an ELF file is read only
 * when its headers stay inside it with sane entry sizes.
 */
#ifndef PF_FILES_INT_H
#define PF_FILES_INT_H

#include <stdint.h>
#include <sys/stat.h>
#include <gelf.h>
#include <elfutils/libdwfl.h>

/* Open PATH read-only, without blocking on a FIFO or device, and keep it
   only if it is a regular file of at least MIN bytes.  The descriptor, with
   its status in *ST; -1 with pf_errmsg() saying why. */
int file_open_regular(const char *path, size_t min, struct stat *st);

/* 0 when ELF (of a file of SIZE bytes) can be read safely: headers, program
   and section headers inside the file, symbol and relocation tables with
   their standard entry sizes, compressed sections that do not inflate
   beyond reason.  -1 with pf_errmsg() naming PATH and the fault. */
int elf_check(Elf *elf, const char *path, uint64_t size);

/* Open PATH as an ELF file and check it (above); the descriptor, or -1. */
int elf_open_checked(const char *path);

/* dso.c: callbacks for offline Dwfl sessions: debug files looked for on
   this machine only (build-id directories, .gnu_debuglink, each checked as
   above), through debuginfod too with PF_SYM_DEBUGINFOD.  A module's user
   data is its struct dso, or NULL. */
void dso_callbacks(Dwfl_Callbacks *cb);

#endif /* PF_FILES_INT_H */
