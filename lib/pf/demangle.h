/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Symbol demangling as perf script shows names: C++ (Itanium ABI) through
 * the C++ runtime's demangler, printed without parameter lists the way
 * perf does (libiberty without DMGL_PARAMS), and Rust legacy symbols with
 * their hash dropped and their escapes decoded; Rust v0 symbols as
 * rustfilt shows them (no crate disambiguators or const types).
 */
#ifndef PF_DEMANGLE_H
#define PF_DEMANGLE_H

#ifdef __cplusplus
extern "C" {
#endif

/* The demangled form of NAME in memory the caller frees, or NULL when NAME
   is not a mangled name (or out of memory). */
char *pf_demangle(const char *name);

/* The same with parameter lists kept ("ns::f(int) const"). */
char *pf_demangle_full(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* PF_DEMANGLE_H */
