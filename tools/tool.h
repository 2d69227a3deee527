/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every pftools program shares: its name in messages, errors in git's
 * shape ("pfscript: pf.data: truncated record at offset 81920": program,
 * subject, what failed; exit 1), usage errors (exit 2, with a pointer to
 * --help) and the -V/--version line.
 */
#ifndef PF_TOOLS_TOOL_H
#define PF_TOOLS_TOOL_H

#include <stdnoreturn.h>

/* The program's name, set by tool_init() from its fixed name (not argv[0],
   so messages read the same however the tool was started). */
extern const char *tool_name;
void tool_init(const char *name);

/* "NAME: message" on stderr. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* warn(), then exit 1. */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* die() with libpf's last error message. */
noreturn void die_lib(void);

/* "NAME: message" and "Try 'NAME --help'...", then exit 2. */
noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The hint alone (getopt already said what was wrong), then exit 2. */
noreturn void usage_hint(void);

/* "NAME (pftools) VERSION" on stdout, then exit 0. */
noreturn void print_version(void);

#endif /* PF_TOOLS_TOOL_H */
