/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inline expansion for pfcollapse --inline: a formatter over dso.c, the
 * DWARF layer pfscript uses, so that both give the same names (addr2line
 * -C's: demangled, qualified) and the same inline chains from one Dwfl
 * session per file and one cache per (file, address).  A frame's address
 * is read as an ELF address, as stackcollapse-perf.pl hands it to
 * addr2line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "symbols/addr2line-int.h"
#include "symbols/machine-int.h"

struct srcline {
	int context;
	pf_machine *m;		/* the files: sessions, symbols, inline chains */
};

struct srcline *srcline_new(int context)
{
	struct srcline *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->context = context;
	if (!(s->m = pf_machine_new(PF_SYM_DEMANGLE))) {
		free(s);
		return NULL;
	}
	return s;
}

void srcline_free(struct srcline *s)
{
	if (!s)
		return;
	pf_machine_free(s->m);
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

/* One level, its "file:line" (dso.c's form: the file's base name) split
   for add(); addr2line's "??" and 0 when unknown. */
static int add_level(struct buf *out, int context, const char *name, const char *srcline)
{
	const char *colon = srcline ? strrchr(srcline, ':') : NULL;
	char file[4096];

	if (!colon || colon == srcline || (size_t)(colon - srcline) >= sizeof file)
		return add(out, context, name, NULL, 0);
	memcpy(file, srcline, (size_t)(colon - srcline));
	file[colon - srcline] = 0;
	return add(out, context, name, file, atoi(colon + 1));
}

int srcline_expand(struct srcline *s, const struct pf_script_frame *fr,
		   struct buf *out)
{
	const struct addr_info *ai;
	const struct sym *sym;
	struct dso *d;
	uint64_t addr = 0;
	char *path;
	size_t i;

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
	if (!(path = strndup(fr->dso.p, fr->dso.len)))
		return -1;
	d = dso_get(s->m, path, DSO_FILE);
	free(path);
	if (!d)
		return -1;
	dso_load(s->m, d);
	if (!d->mod || !(sym = symtab_find(&d->st, addr)) ||
	    !(ai = dso_addr_info(s->m, d, addr, sym)))
		return 0;
	/* Innermost first, each put in front: "outer;middle;leaf". */
	out->len = 0;
	for (int k = 0; k < ai->nr_inl; k++)
		if (add_level(out, s->context, ai->inl[k].name, ai->inl[k].srcline) < 0)
			return -1;
	if (!ai->outer_inlined && add_level(out, s->context, sym->name, ai->srcline) < 0)
		return -1;
	return 1;
}
