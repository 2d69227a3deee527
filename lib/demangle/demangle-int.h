/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal entry points of the demanglers behind pf_demangle().
 */
#ifndef PF_DEMANGLE_INT_H
#define PF_DEMANGLE_INT_H

/* The Rust v0 symbol NAME ("_R...") demangled as rustfilt shows it, in
   memory the caller frees; NULL when NAME is not a valid v0 symbol. */
char *pf_demangle_rust_v0(const char *name);

#endif /* PF_DEMANGLE_INT_H */
