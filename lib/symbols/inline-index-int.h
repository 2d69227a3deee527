/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scope chains of addresses without walking DWARF again: the first lookup
 * in a compilation unit indexes the unit's DIEs that have address ranges
 * (subprograms, inlined subroutines, lexical blocks ...) once, and every
 * later lookup in that unit is a few binary searches.  The answers are
 * those of dwarf_getscopes() followed by dwarf_getscopes_die() on its
 * innermost scope, which walk the unit from its root on every call.
 */
#ifndef PF_INLINE_INDEX_INT_H
#define PF_INLINE_INDEX_INT_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

struct inline_index;

/* An empty index of no unit yet; NULL when out of memory. */
struct inline_index *inline_index_new(void);
/* Frees the index and every unit's; NULL is allowed. */
void inline_index_free(struct inline_index *ix);

/* The DIEs physically enclosing PC (a unit-relative address, as for
   dwarf_getscopes) in CU, innermost first and CU last, in *SCOPES, which
   the caller frees.  Returns their number; 0 or -1 (leaving *SCOPES
   untouched) where no scope encloses PC or the innermost inlined instance
   has no abstract origin.  Unlike dwarf_getscopes(), an origin in another
   unit is fine (binutils' addr2line agrees).  A unit is indexed on its
   first lookup; when that fails (out of memory), the lookup is done by
   libdw. */
int inline_index_scopes(struct inline_index *ix, Dwarf_Die *cu, Dwarf_Addr pc,
			Dwarf_Die **scopes);

/* The compilation unit holding ADDR (a module address) in MOD, with the
   unit's bias in *BIAS, as dwfl_module_addrdie() answers, but also in
   modules without .debug_aranges (clang's), from the units' own ranges,
   indexed once in IX.  NULL when none holds it. */
Dwarf_Die *inline_index_cu(struct inline_index *ix, Dwfl_Module *mod, Dwarf_Addr addr,
			   Dwarf_Addr *bias);

/* The source file and *LINE of ADDR in MOD, likewise (dwfl_module_getsrc,
   then the unit found above).  NULL when unknown. */
const char *inline_index_line(struct inline_index *ix, Dwfl_Module *mod, Dwarf_Addr addr,
			      int *line);

#endif /* PF_INLINE_INDEX_INT_H */
