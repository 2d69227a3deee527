/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-unit index of the DIEs that have address ranges, so that an
 * address's scope chain (which inlined calls enclose it, in which
 * function) is found by binary search instead of by libdw walking the
 * whole compilation unit from its root for every new address: that walk
 * was most of pfscript's time on big units such as python3's.
 *
 * The index follows libdw's walk (elfutils 0.188, libdw_visit_scopes.c
 * and dwarf_getscopes.c): a DIE is a candidate scope when its
 * DW_AT_low_pc/high_pc or DW_AT_ranges contain the address, the walk
 * descends only into candidates of the tags that may own scopes, takes
 * the first matching child in DIE order at each level, and reads an
 * imported unit's children as if they stood in place of the
 * DW_TAG_imported_unit.  It departs from libdw where binutils' addr2line,
 * which perf runs, answers: it also looks inside namespaces and types
 * that have no address range of their own (rustc puts every function
 * there), and keeps the chain when the innermost inlined instance's
 * abstract origin is in another unit (rustc's generics, LTO), where
 * dwarf_getscopes() gives up although the instances are all in this unit.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"
#include "symbols/inline-index-int.h"

#define NO_NODE UINT32_MAX
#define ROOT (UINT32_MAX - 1)	/* the unit itself, as a parent */
#define MAX_IMPORTS 64		/* nested DW_TAG_imported_unit levels */

enum origin {
	ORIGIN_NONE,		/* not an inlined instance */
	ORIGIN_FOUND,		/* a subprogram, in this unit or another */
	ORIGIN_MISSING,		/* none: nothing to name the instance by */
	ORIGIN_OTHER,		/* not a subprogram: ask libdw */
};

struct node {
	Dwarf_Die die;
	uint32_t parent;	/* ROOT or a node index */
	uint32_t kids, nkids;	/* the children's ranges: a slice of unit.r */
	int tag;
	int origin_state;
};

/* Grouped by parent, each group sorted by lo; node indices follow DIE
   order, which breaks ties the way libdw's walk does. */
struct range {
	Dwarf_Addr lo, hi;
	Dwarf_Addr maxhi;	/* the largest hi in the group up to here */
	uint32_t parent, node;
};

struct unit {
	const void *key;	/* the CU DIE's address in the debug data */
	Dwarf_Die cu;
	int failed;		/* out of memory while indexing: use libdw */
	struct node *v;
	size_t n, cap;
	struct range *r;
	size_t nr, rcap;
	uint32_t kids, nkids;	/* the top level's slice of r */
};

/* A unit's address range, for modules without .debug_aranges. */
struct cu_range {
	Dwarf_Addr lo, hi;
	Dwarf_Die *cu;
};

struct inline_index {
	struct unit **units;	/* open addressing by key */
	size_t mask, used;
	struct cu_range *cus;	/* sorted by lo, built on first need */
	size_t ncus;
	Dwarf_Addr cu_bias;
	int cus_built;
};

struct build {
	struct unit *u;
	const void *imports[MAX_IMPORTS];
	int nimports;
	int nomem;
};

struct inline_index *inline_index_new(void)
{
	struct inline_index *ix = calloc(1, sizeof *ix);

	if (!ix)
		return NULL;
	ix->mask = 15;
	ix->units = calloc(ix->mask + 1, sizeof *ix->units);
	if (!ix->units) {
		free(ix);
		return NULL;
	}
	return ix;
}

static void unit_free(struct unit *u)
{
	if (!u)
		return;
	free(u->v);
	free(u->r);
	free(u);
}

void inline_index_free(struct inline_index *ix)
{
	if (!ix)
		return;
	free(ix->cus);
	for (size_t i = 0; i <= ix->mask; i++)
		unit_free(ix->units[i]);
	free(ix->units);
	free(ix);
}

/* The tags libdw's walk descends into (may_have_scopes). */
static int may_have_scopes(int tag)
{
	switch (tag) {
	case DW_TAG_compile_unit:
	case DW_TAG_module:
	case DW_TAG_lexical_block:
	case DW_TAG_with_stmt:
	case DW_TAG_catch_block:
	case DW_TAG_try_block:
	case DW_TAG_entry_point:
	case DW_TAG_inlined_subroutine:
	case DW_TAG_subprogram:
	case DW_TAG_namespace:
	case DW_TAG_class_type:
	case DW_TAG_structure_type:
		return 1;
	default:
		return 0;
	}
}

/* Scopes without addresses that hold functions with addresses: rustc puts
   every function in the namespace of its module and type, and addr2line
   looks through them; libdw's walk stops there. */
static int is_container(int tag)
{
	return tag == DW_TAG_namespace || tag == DW_TAG_module ||
	       tag == DW_TAG_structure_type || tag == DW_TAG_class_type;
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	void *q = realloc(*p, c * size);

	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static void set_origin(struct node *nd)
{
	Dwarf_Attribute attr;
	Dwarf_Die o;

	nd->origin_state = ORIGIN_NONE;
	if (nd->tag != DW_TAG_inlined_subroutine)
		return;
	if (!dwarf_formref_die(dwarf_attr(&nd->die, DW_AT_abstract_origin, &attr), &o))
		nd->origin_state = ORIGIN_MISSING;
	else if (dwarf_tag(&o) != DW_TAG_subprogram)
		nd->origin_state = ORIGIN_OTHER;
	else
		nd->origin_state = ORIGIN_FOUND;
}

/* DIE as a node under PARENT when it has a non-empty range (what
   dwarf_haspc() can match); its index, or NO_NODE. */
static uint32_t add_node(struct build *b, Dwarf_Die *die, int tag, uint32_t parent)
{
	struct unit *u = b->u;
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	size_t before = u->nr;

	/* Only these make dwarf_ranges() answer; the abbreviation says so
	   without decoding anything. */
	if (!dwarf_hasattr(die, DW_AT_high_pc) && !dwarf_hasattr(die, DW_AT_ranges))
		return NO_NODE;
	if (u->n >= ROOT)
		return NO_NODE;
	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (lo >= hi)
			continue;
		if (grow((void **)&u->r, &u->rcap, u->nr, sizeof *u->r) < 0)
			goto nomem;
		u->r[u->nr++] = (struct range){ .lo = lo, .hi = hi, .parent = parent,
						.node = (uint32_t)u->n };
	}
	if (u->nr == before)
		return NO_NODE;
	if (grow((void **)&u->v, &u->cap, u->n, sizeof *u->v) < 0)
		goto nomem;
	struct node *nd = &u->v[u->n];
	memset(nd, 0, sizeof *nd);
	nd->die = *die;
	nd->parent = parent;
	nd->tag = tag;
	set_origin(nd);
	return (uint32_t)u->n++;
nomem:
	b->nomem = 1;
	u->nr = before;
	return NO_NODE;
}

static void walk_children(struct build *b, Dwarf_Die *first, uint32_t parent, int reach);

/* An imported unit's children, in its place. */
static void splice(struct build *b, Dwarf_Die *imp, uint32_t parent, int reach)
{
	Dwarf_Attribute attr;
	Dwarf_Die pu, first;

	if (!dwarf_formref_die(dwarf_attr(imp, DW_AT_import, &attr), &pu) ||
	    dwarf_child(&pu, &first) != 0)
		return;
	/* A cycle would never end; libdw would not either. */
	if (b->nimports == MAX_IMPORTS)
		return;
	for (int i = 0; i < b->nimports; i++)
		if (b->imports[i] == pu.addr)
			return;
	b->imports[b->nimports++] = pu.addr;
	walk_children(b, &first, parent, reach);
	b->nimports--;
}

/* The DIEs from FIRST on and their scopes.  REACH: PARENT is a node, so
   libdw's walk for an address can get here. */
static void walk_children(struct build *b, Dwarf_Die *first, uint32_t parent, int reach)
{
	Dwarf_Die child = *first, grandchild;

	do {
		int tag = dwarf_tag(&child);
		uint32_t node = NO_NODE;

		if (b->nomem)
			return;
		if (tag == DW_TAG_imported_unit) {
			splice(b, &child, parent, reach);
			continue;
		}
		if (reach)
			node = add_node(b, &child, tag, parent);
		if (!may_have_scopes(tag) || !dwarf_haschildren(&child) ||
		    dwarf_child(&child, &grandchild) != 0)
			continue;
		if (node == NO_NODE && reach && is_container(tag))
			walk_children(b, &grandchild, parent, 1);
		else
			walk_children(b, &grandchild, node, node != NO_NODE);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

/* Ranges grouped, sorted and given their
   running maximum. */
static void finish(struct build *b)
{
	struct unit *u = b->u;

	if (u->nr)
		qsort(u->r, u->nr, sizeof *u->r, cmp_range);
	for (size_t i = 0, start = 0; i < u->nr; i++) {
		struct range *r = &u->r[i];

		if (i == 0 || r->parent != r[-1].parent) {
			start = i;
			r->maxhi = r->hi;
		} else {
			r->maxhi = r->hi > r[-1].maxhi ? r->hi : r[-1].maxhi;
		}
		if (i + 1 < u->nr && r[1].parent == r->parent)
			continue;
		if (r->parent == ROOT) {
			u->kids = (uint32_t)start;
			u->nkids = (uint32_t)(i + 1 - start);
		} else {
			u->v[r->parent].kids = (uint32_t)start;
			u->v[r->parent].nkids = (uint32_t)(i + 1 - start);
		}
	}
}

static struct unit *unit_build(Dwarf_Die *cu)
{
	struct unit *u = calloc(1, sizeof *u);
	struct build b = { .u = u };
	Dwarf_Die first;

	if (!u)
		return NULL;
	u->key = cu->addr;
	u->cu = *cu;
	if (dwarf_child(cu, &first) == 0)
		walk_children(&b, &first, ROOT, 1);
	if (!b.nomem)
		finish(&b);
	if (b.nomem) {
		free(u->v);
		free(u->r);
		u->v = NULL;
		u->r = NULL;
		u->n = u->nr = 0;
		u->failed = 1;
	}
	return u;
}

static struct unit **unit_slot(struct inline_index *ix, const void *key)
{
	size_t i = (size_t)(((uintptr_t)key * 0x9E3779B97F4A7C15ULL) >> 17) & ix->mask;

	while (ix->units[i] && ix->units[i]->key != key)
		i = (i + 1) & ix->mask;
	return &ix->units[i];
}

static struct unit *unit_get(struct inline_index *ix, Dwarf_Die *cu)
{
	struct unit **slot = unit_slot(ix, cu->addr);

	if (*slot)
		return *slot;
	if (2 * (ix->used + 1) > ix->mask + 1) {
		struct inline_index big = { .mask = ix->mask * 2 + 1 };

		big.units = calloc(big.mask + 1, sizeof *big.units);
		if (!big.units)
			return NULL;
		for (size_t i = 0; i <= ix->mask; i++)
			if (ix->units[i])
				*unit_slot(&big, ix->units[i]->key) = ix->units[i];
		free(ix->units);
		ix->units = big.units;
		ix->mask = big.mask;
		slot = unit_slot(ix, cu->addr);
	}
	*slot = unit_build(cu);
	if (*slot)
		ix->used++;
	return *slot;
}

/* The first child in DIE order, of the node whose children's ranges are
   U->r[OFF, OFF + N), that contains PC; NO_NODE if none does. */
static uint32_t first_kid(const struct unit *u, uint32_t off, uint32_t n, Dwarf_Addr pc)
{
	const struct range *r;
	size_t lo = 0, hi = n;
	uint32_t best = NO_NODE;

	if (n == 0)
		return NO_NODE;
	r = u->r + off;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Ranges of siblings rarely overlap: this looks at one or two. */
	for (size_t i = lo; i-- > 0 && r[i].maxhi > pc;)
		if (r[i].hi > pc && r[i].node < best)
			best = r[i].node;
	return best;
}

/* What the tools did before the index, for units it could not build. */
static int scopes_libdw(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die **scopes)
{
	Dwarf_Die *s = NULL, inner;
	int n = dwarf_getscopes(cu, pc, &s);

	if (n <= 0)
		return n;
	inner = s[0];
	free(s);
	s = NULL;
	n = dwarf_getscopes_die(&inner, &s);
	if (n > 0)
		*scopes = s;
	return n;
}

int inline_index_scopes(struct inline_index *ix, Dwarf_Die *cu, Dwarf_Addr pc,
			Dwarf_Die **scopes)
{
	struct unit *u = ix ? unit_get(ix, cu) : NULL;
	uint32_t at = ROOT, inl = NO_NODE, k, off, n;
	size_t depth = 0;

	if (!u || u->failed)
		return scopes_libdw(cu, pc, scopes);
	for (off = u->kids, n = u->nkids; (k = first_kid(u, off, n, pc)) != NO_NODE;
	     off = u->v[k].kids, n = u->v[k].nkids) {
		at = k;
		depth++;
		if (u->v[k].tag == DW_TAG_inlined_subroutine)
			inl = k;
	}
	if (at == ROOT)
		return 0;
	if (inl != NO_NODE && u->v[inl].origin_state == ORIGIN_MISSING)
		return 0;
	if (inl != NO_NODE && u->v[inl].origin_state == ORIGIN_OTHER)
		return scopes_libdw(cu, pc, scopes);

	Dwarf_Die *v = malloc((depth + 1) * sizeof *v);
	int i = 0;

	if (!v)
		return -1;
	for (k = at; k != ROOT; k = u->v[k].parent)
		v[i++] = u->v[k].die;
	v[i++] = u->cu;
	*scopes = v;
	return i;
}

static int cmp_cu_range(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Every unit's ranges, once: clang writes no .debug_aranges, and libdw
   0.188 then maps no address to its unit, where binutils (and so perf)
   reads the units' own ranges. */
static void build_cus(struct inline_index *ix, Dwfl_Module *mod)
{
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias, base, lo, hi;
	size_t cap = 0;

	ix->cus_built = 1;
	while ((cu = dwfl_module_nextcu(mod, cu, &bias))) {
		ptrdiff_t off = 0;

		ix->cu_bias = bias;
		while ((off = dwarf_ranges(cu, off, &base, &lo, &hi)) > 0) {
			if (lo >= hi)
				continue;
			if (grow((void **)&ix->cus, &cap, ix->ncus, sizeof *ix->cus) < 0)
				return;
			ix->cus[ix->ncus++] = (struct cu_range){ lo, hi, cu };
		}
	}
	if (ix->ncus)
		qsort(ix->cus, ix->ncus, sizeof *ix->cus, cmp_cu_range);
}

Dwarf_Die *inline_index_cu(struct inline_index *ix, Dwfl_Module *mod, Dwarf_Addr addr,
			   Dwarf_Addr *bias)
{
	Dwarf_Die *cu = dwfl_module_addrdie(mod, addr, bias);
	size_t lo = 0, hi;

	if (cu || !ix)
		return cu;
	if (!ix->cus_built)
		build_cus(ix, mod);
	addr -= ix->cu_bias;
	/* The last range starting at or before ADDR; ranges of units rarely
	   overlap, so a few steps back find any that still covers it. */
	for (hi = ix->ncus; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->cus[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo, steps = 0; i-- > 0 && steps < 16; steps++)
		if (addr < ix->cus[i].hi) {
			*bias = ix->cu_bias;
			return ix->cus[i].cu;
		}
	return NULL;
}

const char *inline_index_line(struct inline_index *ix, Dwfl_Module *mod, Dwarf_Addr addr,
			      int *line)
{
	Dwfl_Line *l = dwfl_module_getsrc(mod, addr);
	Dwarf_Addr bias;
	Dwarf_Die *cu;
	Dwarf_Line *dl;

	*line = 0;
	if (l)
		return dwfl_lineinfo(l, NULL, line, NULL, NULL, NULL);
	if (!(cu = inline_index_cu(ix, mod, addr, &bias)) ||
	    !(dl = dwarf_getsrc_die(cu, addr - bias)))
		return NULL;
	dwarf_lineno(dl, line);
	return dwarf_linesrc(dl, NULL, NULL);
}
