/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DSOs: the files code was mapped from.  Each is opened once with libdwfl,
 * which finds separate debug info by build id (/usr/lib/debug/.build-id)
 * and .gnu_debuglink; its function symbols become one sorted table, and
 * the inline chain and source line of an address (from DWARF) are cached
 * per (DSO, address), so each address is resolved once however many
 * samples hit it.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <inttypes.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <pf/pf.h>
#include <pf/demangle.h>
#include "util/pf-int.h"
#include "symbols/machine-int.h"
#include "symbols/inline-index-int.h"

static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static size_t hash_str(const char *s, size_t cap)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (size_t)h & (cap - 1);
}

struct dso *dso_get(pf_machine *m, const char *name, enum dso_kind kind)
{
	struct dso *d;
	size_t h;

	if (!m->dsos_cap) {
		m->dsos = calloc(1024, sizeof *m->dsos);
		if (!m->dsos)
			return NULL;
		m->dsos_cap = 1024;
	}
	h = hash_str(name, m->dsos_cap);
	for (d = m->dsos[h]; d; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	d = calloc(1, sizeof *d);
	if (!d || !(d->name = strdup(name))) {
		free(d);
		return NULL;
	}
	d->kind = kind;
	d->next = m->dsos[h];
	m->dsos[h] = d;
	return d;
}

/* The module's scope index, kept in the user data slot dwfl gives each
   module (struct dso is shared with the rest of libpf). */
static void **index_slot(struct dso *d)
{
	void **slot = NULL;

	if (!d->mod || !dwfl_module_info(d->mod, &slot, NULL, NULL, NULL, NULL, NULL, NULL))
		return NULL;
	return slot;
}

static struct inline_index *scope_index(struct dso *d)
{
	void **slot = index_slot(d);

	if (slot && !*slot)
		*slot = inline_index_new();
	return slot ? *slot : NULL;
}

void dso_free(struct dso *d)
{
	void **slot = index_slot(d);

	symtab_free(&d->st);
	if (slot)
		inline_index_free(*slot);
	if (d->dwfl)
		dwfl_end(d->dwfl);
	for (size_t i = 0; i < d->cache_cap; i++) {
		struct addr_info *a = &d->cache[i];

		if (!a->addr)
			continue;
		for (int k = 0; k < a->nr_inl; k++) {
			free(a->inl[k].name);
			free(a->inl[k].srcline);
		}
		free(a->inl);
		free(a->srcline);
		free(a->leaf_srcline);
	}
	free(d->cache);
	free(d->load);
	free(d->name);
	free(d);
}

static char *maybe_demangle(pf_machine *m, const char *name)
{
	char *dm = NULL;

	if (m->flags & PF_SYM_DEMANGLE)
		dm = pf_demangle(name);
	return dm ? dm : strdup(name);
}

/* perf also keeps untyped symbols in code (assembler labels like _start). */
static int is_label(Elf *elf, int type, GElf_Word shndx)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (type != STT_NOTYPE || shndx == SHN_ABS || shndx >= SHN_LORESERVE)
		return 0;
	scn = elf_getscn(elf, shndx);
	return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

static Elf_Scn *section(Elf *elf, const char *want, GElf_Shdr *sh)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (gelf_getshdr(scn, sh) && (n = elf_strptr(elf, shstrndx, sh->sh_name)) &&
		    strcmp(n, want) == 0)
			return scn;
	}
	return NULL;
}

/* "name@plt" symbols for the PLT stubs, as perf synthesizes them on x86-64:
   one 16-byte entry per .rela.plt relocation in table order, after a 16-byte
   ".plt" header (in .plt.sec when the binary has one). */
static int synth_plt(pf_machine *m, struct dso *d)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(d->mod, &bias);
	GElf_Shdr rel_sh, plt_sh, sec_sh, dyn_sh;
	Elf_Scn *rel, *dyn;
	GElf_Ehdr eh;
	uint64_t at;
	int r = 0;

	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64 ||
	    !(rel = section(elf, ".rela.plt", &rel_sh)) || rel_sh.sh_type != SHT_RELA ||
	    !section(elf, ".plt", &plt_sh) || !(dyn = elf_getscn(elf, rel_sh.sh_link)) ||
	    !gelf_getshdr(dyn, &dyn_sh) || dyn_sh.sh_type != SHT_DYNSYM)
		return 0;
	Elf_Data *rd = elf_getdata(rel, NULL), *sd = elf_getdata(dyn, NULL);
	size_t n = rel_sh.sh_entsize ? rel_sh.sh_size / rel_sh.sh_entsize : 0;
	if (!rd || !sd || n == 0)
		return 0;
	GElf_Rela *v = calloc(n, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++)
		gelf_getrela(rd, (int)i, &v[i]);
	if (section(elf, ".plt.sec", &sec_sh)) {
		r = symtab_add(&d->st, plt_sh.sh_addr, plt_sh.sh_size, ".plt", STB_GLOBAL, NULL);
		at = sec_sh.sh_addr;
	} else {
		r = symtab_add(&d->st, plt_sh.sh_addr, 16, ".plt", STB_GLOBAL, NULL);
		at = plt_sh.sh_addr + 16;
	}
	for (size_t i = 0; i < n && r == 0; i++, at += 16) {
		GElf_Sym sym;
		const char *name = "";
		char *dm = NULL, *full;

		if (gelf_getsym(sd, (int)GELF_R_SYM(v[i].r_info), &sym))
			name = elf_strptr(elf, dyn_sh.sh_link, sym.st_name);
		if (!name)
			name = "";
		if (m->flags & PF_SYM_DEMANGLE)
			dm = pf_demangle(name);
		if (asprintf(&full, "%s@plt", dm ? dm : name) < 0)
			full = NULL;
		r = full ? symtab_add(&d->st, at, 16, full, STB_GLOBAL, NULL) : -1;
		free(full);
		free(dm);
	}
	free(v);
	return r;
}

static int load_symbols(pf_machine *m, struct dso *d)
{
	int n = dwfl_module_getsymtab(d->mod);

	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr, bias;
		GElf_Word shndx;
		Elf *elf;
		const char *name = dwfl_module_getsym_info(d->mod, i, &sym, &addr,
							   &shndx, &elf, &bias);
		int type = GELF_ST_TYPE(sym.st_info);

		if (!name || !*name || shndx == SHN_UNDEF)
			continue;
		/* Objects too, as perf loads them: the data addresses of page
		   faults (-F +addr) resolve to the variable they hit. */
		if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT &&
		    !is_label(elf, type, shndx))
			continue;
		char *dm = maybe_demangle(m, name);
		if (!dm || symtab_add(&d->st, addr - d->bias, sym.st_size, dm,
				      GELF_ST_BIND(sym.st_info), NULL) < 0) {
			free(dm);
			return -1;
		}
		free(dm);
	}
	if (synth_plt(m, d) < 0)
		return -1;
	symtab_finish(&d->st, 0);
	return 0;
}

static int load_segments(struct dso *d, Elf *elf)
{
	size_t nph;
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &nph) != 0)
		return -1;
	d->is_exec = eh.e_type == ET_EXEC;
	d->load = calloc(nph ? nph : 1, sizeof *d->load);
	if (!d->load)
		return -1;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD) {
			d->load[d->nr_load].off = ph.p_offset;
			d->load[d->nr_load].filesz = ph.p_filesz;
			d->load[d->nr_load].memsz = ph.p_memsz;
			d->load[d->nr_load++].vaddr = ph.p_vaddr;
		}
	}
	return 0;
}

/* The vDSO is no file: take the running kernel's, which is the recorded
   one when pfscript runs where the recording was made (perf keeps a copy
   in its build-id cache for the same purpose). */
static int load_vdso(pf_machine *m, struct dso *d)
{
	const unsigned char *img = (const void *)getauxval(AT_SYSINFO_EHDR);
	GElf_Ehdr eh;
	Elf *elf;
	Elf_Scn *scn = NULL;
	int r = -1;

	if (!img || memcmp(img, ELFMAG, SELFMAG) != 0)
		return -1;
	elf_version(EV_CURRENT);
	const Elf64_Ehdr *e = (const void *)img;
	size_t size = e->e_shoff + (size_t)e->e_shnum * e->e_shentsize;
	elf = elf_memory((char *)img, size);
	if (!elf || !gelf_getehdr(elf, &eh) || load_segments(d, elf) < 0)
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM ||
		    !(data = elf_getdata(scn, NULL)) || !sh.sh_entsize)
			continue;
		for (size_t i = 1; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
			    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)) || !*name)
				continue;
			if (symtab_add(&d->st, sym.st_value, sym.st_size, name,
				       GELF_ST_BIND(sym.st_info), NULL) < 0)
				goto out;
		}
	}
	symtab_finish(&d->st, 0);
	r = 0;
out:
	if (elf)
		elf_end(elf);
	(void)m;
	return r;
}

int dso_load(pf_machine *m, struct dso *d)
{
	if (d->loaded)
		return d->st.n ? 0 : -1;
	d->loaded = 1;
	if (d->kind == DSO_PERFMAP)
		return perfmap_load(&d->st, d->name);
	if (d->kind == DSO_SPECIAL && strcmp(d->name, "[vdso]") == 0)
		return load_vdso(m, d);
	if (d->kind != DSO_FILE)
		return -1;
	int fd = open(d->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d->dwfl = dwfl_begin(&offline_callbacks);
	if (!d->dwfl) {
		close(fd);
		return -1;
	}
	/* dwfl owns FD from here on. */
	d->mod = dwfl_report_offline(d->dwfl, d->name, d->name, fd);
	dwfl_report_end(d->dwfl, NULL, NULL);
	if (!d->mod)
		return -1;
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(d->mod, &bias);
	if (!elf)
		return -1;
	d->bias = bias;
	if (load_segments(d, elf) < 0)
		return -1;
	return load_symbols(m, d);
}

int dso_off_to_vaddr(const struct dso *d, uint64_t off, uint64_t *vaddr)
{
	for (size_t i = 0; i < d->nr_load; i++)
		if (off >= d->load[i].off && off - d->load[i].off < d->load[i].filesz) {
			*vaddr = off - d->load[i].off + d->load[i].vaddr;
			return 0;
		}
	/* Past the file's bytes, a data address in the zeroed rest of the
	   page the segment's end shares with .bss (perf's data symbols). */
	for (size_t i = 0; i < d->nr_load; i++)
		if (off >= d->load[i].off && off - d->load[i].off < d->load[i].memsz) {
			*vaddr = off - d->load[i].off + d->load[i].vaddr;
			return 0;
		}
	*vaddr = off;
	return d->nr_load ? -1 : 0;
}

const struct sym *dso_find(pf_machine *m, struct dso *d, uint64_t off, uint64_t *vaddr)
{
	if (dso_load(m, d) < 0)
		return NULL;
	dso_off_to_vaddr(d, off, vaddr);
	return symtab_find(&d->st, *vaddr);
}

/* "file:line" with the file's base name, as perf prints source lines. */
static char *srcline_of(const char *file, int line)
{
	char *s;

	if (!file || line <= 0)
		return NULL;
	const char *b = strrchr(file, '/');
	if (asprintf(&s, "%s:%d", b ? b + 1 : file, line) < 0)
		return NULL;
	return s;
}

static char *addr_srcline(struct dso *d, uint64_t dwaddr)
{
	Dwfl_Line *l = dwfl_module_getsrc(d->mod, dwaddr);
	int line = 0;
	const char *file;
	Dwarf_Addr bias;

	/* In a unit without a line for it (assembly), addr2line answers
	   ":?", which perf shows as ":0". */
	if (!l) {
		Dwarf_Die *cu = dwfl_module_addrdie(d->mod, dwaddr, &bias);

		return cu && dwarf_haspc(cu, dwaddr - bias) == 1 ? strdup(":0") : NULL;
	}
	file = dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL);
	return srcline_of(file, line);
}

/* A function's name as binutils' addr2line gives it (perf runs that):
   the linkage name if there is one, else DW_AT_name.  *LINKAGE tells
   which. */
static const char *die_name(Dwarf_Die *die, int *linkage)
{
	Dwarf_Attribute attr;
	const char *n;

	*linkage = 1;
	n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));
	if (!n)
		n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr));
	if (n)
		return n;
	*linkage = 0;
	n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
	if (!n) {
		Dwarf_Die origin;
		if (dwarf_formref_die(dwarf_attr(die, DW_AT_abstract_origin, &attr), &origin))
			n = dwarf_diename(&origin);
	}
	return n;
}

static int is_c(Dwarf_Die *cu)
{
	int lang = dwarf_srclang(cu);

	return lang == DW_LANG_C89 || lang == DW_LANG_C || lang == DW_LANG_C99 ||
	       lang == DW_LANG_C11;
}

static char *call_srcline(Dwarf_Die *cu, Dwarf_Die *inl)
{
	Dwarf_Attribute attr;
	Dwarf_Word file = 0, line = 0;
	Dwarf_Files *files;
	size_t nfiles;

	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &attr), &file) != 0 ||
	    dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &attr), &line) != 0)
		return NULL;
	if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || file >= nfiles)
		return NULL;
	return srcline_of(dwarf_filesrc(files, file, NULL, NULL), (int)line);
}

static int add_inl(struct addr_info *ai, char *name, char *srcline)
{
	void *p = realloc(ai->inl, (ai->nr_inl + 1) * sizeof *ai->inl);

	if (!p || !name) {
		free(name);
		free(srcline);
		return -1;
	}
	ai->inl = p;
	ai->inl[ai->nr_inl].name = name;
	ai->inl[ai->nr_inl++].srcline = srcline;
	return 0;
}

/* The name addr2line (binutils) gives a level, which perf compares with the
   symbol's: DWARF's, except that the innermost level of a non-C function
   without a linkage name is named after the ELF symbol at the address (the
   first of the largest aliases). */
static char *record_name(pf_machine *m, Dwarf_Die *cu, Dwarf_Die *die, int innermost,
			 const struct sym *s)
{
	int linkage;
	const char *nm = die_name(die, &linkage);

	if (innermost && !linkage && !is_c(cu))
		return strdup(s->alt ? s->alt : s->name);
	return maybe_demangle(m, nm ? nm : "??");
}

/* The functions inlined at VADDR, innermost first, named as perf shows
   them (it asks addr2line, which names the outermost function after the ELF
   symbol starting where it starts). */
static void find_inlines(pf_machine *m, struct dso *d, uint64_t vaddr,
			 const struct sym *s, struct addr_info *ai)
{
	Dwarf_Addr dwbias, dwaddr = vaddr + d->bias;
	Dwarf_Die *cu = dwfl_module_addrdie(d->mod, dwaddr, &dwbias);
	Dwarf_Die *scopes = NULL;
	int n, i;
	char *line;

	/* No DWARF at all: perf shows "binary[address]" as the line. */
	if (!dwfl_module_getdwarf(d->mod, &dwbias)) {
		const char *b = strrchr(d->name, '/');

		if (asprintf(&ai->srcline, "%s[%" PRIx64 "]", b ? b + 1 : d->name, vaddr) < 0)
			ai->srcline = NULL;
		ai->leaf_srcline = ai->srcline ? strdup(ai->srcline) : NULL;
		return;
	}
	line = addr_srcline(d, dwaddr);
	ai->leaf_srcline = line ? strdup(line) : NULL;
	if (!s || !cu ||
	    (n = inline_index_scopes(scope_index(d), cu, dwaddr - dwbias, &scopes)) <= 0) {
		ai->srcline = line;
		return;
	}
	/* The callers an inlined function was inlined into are the physical
	   parents of its innermost instance; scopes inside it do not count. */
	for (i = 0; i < n; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine)
			break;
	if (i == n)
		i = 0;
	for (; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		char *name = record_name(m, cu, &scopes[i], ai->nr_inl == 0, s);
		if (tag == DW_TAG_inlined_subroutine) {
			if (add_inl(ai, name, line) < 0)
				break;
			line = call_srcline(cu, &scopes[i]);
			continue;
		}
		/* The function itself: shown as an inlined level when
		   addr2line's name for it differs from the symbol's. */
		if (name && strcmp(name, s->name) != 0) {
			ai->outer_inlined = 1;
			add_inl(ai, name, line);
			line = NULL;
		} else {
			free(name);
		}
		break;
	}
	ai->srcline = line;
	free(scopes);
}

static struct addr_info *cache_slot(struct dso *d, uint64_t key)
{
	size_t i;

	if (2 * (d->cache_n + 1) > d->cache_cap) {
		size_t cap = d->cache_cap ? d->cache_cap * 2 : 256;
		struct addr_info *v = calloc(cap, sizeof *v);

		if (!v)
			return NULL;
		for (size_t k = 0; k < d->cache_cap; k++)
			if (d->cache[k].addr) {
				for (i = (size_t)(d->cache[k].addr * 0x9E3779B97F4A7C15ULL >> 20) & (cap - 1);
				     v[i].addr; i = (i + 1) & (cap - 1))
					;
				v[i] = d->cache[k];
			}
		free(d->cache);
		d->cache = v;
		d->cache_cap = cap;
	}
	for (i = (size_t)(key * 0x9E3779B97F4A7C15ULL >> 20) & (d->cache_cap - 1);
	     d->cache[i].addr; i = (i + 1) & (d->cache_cap - 1))
		if (d->cache[i].addr == key)
			return &d->cache[i];
	return &d->cache[i];
}

const struct addr_info *dso_addr_info(pf_machine *m, struct dso *d, uint64_t off,
				      const struct sym *s)
{
	struct addr_info *ai;
	uint64_t vaddr;

	if (!d->mod)
		return NULL;
	ai = cache_slot(d, off + 1);
	if (!ai)
		return NULL;
	if (ai->addr)
		return ai;
	ai->addr = off + 1;
	d->cache_n++;
	dso_off_to_vaddr(d, off, &vaddr);
	find_inlines(m, d, vaddr, s, ai);
	return ai;
}
