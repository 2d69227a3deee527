/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inline expansion with libdw.  Each dso gets one Dwfl session holding just
 * that file, reported at address 0, so a frame's address is read the way
 * addr2line reads it.  For an address, the unit's scope index
 * (inline-index.c) lists the enclosing inlined_subroutine DIEs up to the
 * subprogram: the innermost function's source line comes from the line
 * table, each outer one's from the DW_AT_call_file/DW_AT_call_line of the
 * call inlined into it.
 * Results are cached per (dso, address): profiles revisit the same
 * addresses millions of times.
 */
#include "config.h"

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pf/pf.h>
#include <pf/demangle.h>
#include "util/pf-int.h"
#include "util/hash-int.h"
#include "symbols/addr2line-int.h"
#include "symbols/files-int.h"
#include "symbols/inline-index-int.h"

struct dso {
	char *path;
	Dwfl *dwfl;		/* NULL: the file could not be read */
	Dwfl_Module *mod;
	struct inline_index *scopes;	/* of the units hit so far */
};

struct cached {
	uint64_t addr;
	size_t dso;		/* index + 1; 0: empty slot */
	char *text;		/* NULL: fall back */
};

struct srcline {
	int context;
	Dwfl_Callbacks callbacks;	/* dso.c's: local debug files only */
	struct dso *dsos;
	size_t ndsos;
	struct cached *slots;
	size_t mask, used;
};


struct srcline *srcline_new(int context)
{
	struct srcline *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->context = context;
	dso_callbacks(&s->callbacks);
	s->mask = 255;
	s->slots = calloc(s->mask + 1, sizeof *s->slots);
	if (!s->slots) {
		free(s);
		return NULL;
	}
	return s;
}

void srcline_free(struct srcline *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ndsos; i++) {
		inline_index_free(s->dsos[i].scopes);
		if (s->dsos[i].dwfl)
			dwfl_end(s->dsos[i].dwfl);
		free(s->dsos[i].path);
	}
	for (i = 0; i <= s->mask; i++)
		free(s->slots[i].text);
	free(s->dsos);
	free(s->slots);
	free(s);
}

/* perl expands only when the dso does not match
   /(perf-\d+.map|kernel\.|\[[^\]]+\])/. */
static int expandable(const char *d, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (n - i >= 7 && memcmp(d + i, "kernel.", 7) == 0)
			return 0;
		if (d[i] == '[') {
			for (j = i + 1; j < n && d[j] != ']'; j++)
				;
			if (j < n && j > i + 1)
				return 0;
		}
		if (n - i >= 5 && memcmp(d + i, "perf-", 5) == 0) {
			for (j = i + 5; j < n && d[j] >= '0' && d[j] <= '9'; j++)
				;
			if (j > i + 5 && n - j >= 4 && memcmp(d + j + 1, "map", 3) == 0)
				return 0;
		}
	}
	return 1;
}

/* The session for a dso path, opened on first use; -1 when out of memory. */
static long dso_index(struct srcline *s, const char *p, size_t n)
{
	struct dso *d;
	size_t i;
	int fd;

	for (i = 0; i < s->ndsos; i++)
		if (strlen(s->dsos[i].path) == n && memcmp(s->dsos[i].path, p, n) == 0)
			return (long)i;
	d = realloc(s->dsos, (s->ndsos + 1) * sizeof *d);
	if (!d)
		return -1;
	s->dsos = d;
	d += s->ndsos;
	memset(d, 0, sizeof *d);
	if (!(d->path = strndup(p, n)))
		return -1;
	s->ndsos++;
	fd = elf_open_checked(d->path);
	if (fd >= 0 && (d->dwfl = dwfl_begin(&s->callbacks))) {
		dwfl_report_begin(d->dwfl);
		d->mod = dwfl_report_elf(d->dwfl, d->path, d->path, fd, 0, false);
		dwfl_report_end(d->dwfl, NULL, NULL);
		if (!d->mod) {
			dwfl_end(d->dwfl);
			d->dwfl = NULL;
		} else {
			/* Without it (out of memory) libdw answers alone. */
			d->scopes = inline_index_new();
		}
	} else if (fd >= 0) {
		close(fd);
	}
	return (long)i;
}

static const char *base(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

/* Append "name" or "name:file:line" in front of what OUT holds. */
static int add(struct buf *out, int context, const char *name,
	       const char *file, int line)
{
	char tmp[32];
	size_t nn = strlen(name), fn = 0, tn = 0, add_len;

	if (context) {
		file = file ? base(file) : "??";
		fn = strlen(file);
		tn = (size_t)snprintf(tmp, sizeof tmp, ":%d", line);
	}
	add_len = nn + (context ? 1 + fn + tn : 0) + (out->len ? 1 : 0);
	if (buf_reserve(out, add_len) < 0)
		return -1;
	memmove(out->p + add_len, out->p, out->len);
	memcpy(out->p, name, nn);
	if (context) {
		out->p[nn] = ':';
		memcpy(out->p + nn + 1, file, fn);
		memcpy(out->p + nn + 1 + fn, tmp, tn);
	}
	if (out->len)
		out->p[add_len - 1] = ';';
	out->len += add_len;
	return 0;
}

/* The expansion of ADDR in D into OUT; 0 if nothing is known there. */
static int resolve(struct srcline *s, struct dso *d, Dwarf_Addr addr,
		   struct buf *out)
{
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = inline_index_cu(d->scopes, d->mod, addr, &bias);
	Dwarf_Die *scopes = NULL;
	const char *file, *name;
	int line = 0, n = 0, i, rc = 0;
	Dwarf_Files *files = NULL;

	out->len = 0;
	file = inline_index_line(d->scopes, d->mod, addr, &line);
	/* The concrete nesting of the innermost scope tells who inlined
	   whom. */
	if (cu && (n = inline_index_scopes(d->scopes, cu, addr - bias, &scopes)) > 0)
		dwarf_getsrcfiles(cu, &files, NULL);
	else
		n = 0;
	for (i = 0; i < n; i++) {
		Dwarf_Die *die = &scopes[i];
		int tag = dwarf_tag(die);
		Dwarf_Attribute attr;
		Dwarf_Word w;

		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		char *fn = dwarf_function_name(die, 1);
		int added = add(out, s->context, fn ? fn : "??", file, line);
		free(fn);
		if (added < 0) {
			rc = -1;
			break;
		}
		rc = 1;
		if (tag == DW_TAG_subprogram)
			break;
		/* The caller's position is where this body was inlined. */
		file = NULL;
		line = 0;
		if (files && dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &attr), &w) == 0)
			file = dwarf_filesrc(files, w, NULL, NULL);
		if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &attr), &w) == 0)
			line = (int)w;
	}
	free(scopes);
	if (rc == 0 && (name = dwfl_module_addrname(d->mod, addr))) {
		char *dm = pf_demangle(name);

		rc = add(out, s->context, dm ? dm : name, file, line) < 0 ? -1 : 1;
		free(dm);
	}
	/* perl falls back on addr2line's "nothing known" answers. */
	if (rc > 0 && ((out->len == 2 && memcmp(out->p, "??", 2) == 0) ||
		       (out->len == 7 && memcmp(out->p, "??:??:0", 7) == 0)))
		rc = 0;
	return rc;
}

static struct cached *slot(struct srcline *s, size_t dso, uint64_t addr)
{
	uint64_t key[2] = { addr, dso };
	size_t i = pf_hash((const char *)key, sizeof key) & s->mask;

	while (s->slots[i].dso && !(s->slots[i].dso == dso && s->slots[i].addr == addr))
		i = (i + 1) & s->mask;
	return &s->slots[i];
}

static int grow(struct srcline *s)
{
	struct cached *old = s->slots;
	size_t i, oldmask = s->mask;

	s->slots = calloc((oldmask + 1) * 2, sizeof *s->slots);
	if (!s->slots) {
		s->slots = old;
		return -1;
	}
	s->mask = oldmask * 2 + 1;
	for (i = 0; i <= oldmask; i++)
		if (old[i].dso)
			*slot(s, old[i].dso, old[i].addr) = old[i];
	free(old);
	return 0;
}

int srcline_expand(struct srcline *s, const struct pf_script_frame *fr,
		   struct buf *out)
{
	struct cached *c;
	uint64_t addr = 0;
	size_t i;
	long di;
	int rc;

	if (!expandable(fr->dso.p, fr->dso.len) || fr->addr.len == 0 ||
	    fr->addr.len > 16)
		return 0;
	for (i = 0; i < fr->addr.len; i++) {
		unsigned char ch = (unsigned char)fr->addr.p[i];
		unsigned v = ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;

		if (v > 15)
			return 0;
		addr = addr << 4 | v;
	}
	if ((di = dso_index(s, fr->dso.p, fr->dso.len)) < 0)
		return -1;
	c = slot(s, (size_t)di + 1, addr);
	if (!c->dso) {
		if ((s->used + 1) * 2 > s->mask + 1) {
			if (grow(s) < 0)
				return -1;
			c = slot(s, (size_t)di + 1, addr);
		}
		rc = s->dsos[di].dwfl ? resolve(s, &s->dsos[di], addr, out) : 0;
		if (rc < 0)
			return -1;
		c->dso = (size_t)di + 1;
		c->addr = addr;
		c->text = rc ? strndup(out->p, out->len) : NULL;
		if (rc && !c->text)
			return -1;
		s->used++;
		return rc;
	}
	if (!c->text)
		return 0;
	out->len = 0;
	if (buf_reserve(out, strlen(c->text)) < 0)
		return -1;
	out->len = strlen(c->text);
	memcpy(out->p, c->text, out->len);
	return 1;
}
