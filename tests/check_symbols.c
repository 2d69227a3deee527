/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of symbolization: sorted symbol tables with perf's choice
 * between aliases and its ends for sizeless symbols, /proc/kallsyms and
 * /tmp/perf-PID.map parsing, and the machine state rebuilt from MMAP2,
 * COMM and FORK records: which mapping an address falls in (for data
 * addresses too), JIT symbols, the kernel, and the per-address cache;
 * the maps' tree against a painted model; the load bias on every linker's
 * layout (small ELF files written here); the build-id check; the scope
 * index of inline-index.c against libdw's own answers (C programs, where
 * addr2line and libdw agree).
 */
#include "config.h"

#include <check.h>
#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pf/pf.h>
#include "symbols/symtab-int.h"
#include "symbols/inline-index-int.h"
#include "symbols/machine-int.h"
#include "symbols/buildid-int.h"
#include "check-run.h"

START_TEST(aliases)
{
	struct symtab t = { 0 };
	const struct sym *s;

	symtab_add(&t, 0x1000, 16, "__brk", STB_LOCAL, NULL);
	symtab_add(&t, 0x1000, 16, "brk", STB_LOCAL, NULL);     /* fewer '_' */
	symtab_add(&t, 0x2000, 0, "sizeless", STB_GLOBAL, NULL);
	symtab_add(&t, 0x2000, 8, "sized", STB_LOCAL, NULL);    /* has a size */
	symtab_add(&t, 0x3000, 8, "weak", STB_WEAK, NULL);
	symtab_add(&t, 0x3000, 8, "strong", STB_LOCAL, NULL);   /* not weak */
	symtab_add(&t, 0x4000, 8, "local", STB_LOCAL, NULL);
	symtab_add(&t, 0x4000, 8, "global", STB_GLOBAL, NULL);
	symtab_add(&t, 0x5000, 8, "short", STB_GLOBAL, NULL);
	symtab_add(&t, 0x5000, 8, "longer", STB_GLOBAL, NULL);
	symtab_finish(&t, 0);
	ck_assert_uint_eq(t.n, 5);
	s = symtab_find(&t, 0x1005);
	ck_assert_str_eq(s->name, "brk");
	ck_assert_str_eq(s->alt, "__brk");     /* what binutils would say */
	ck_assert_str_eq(symtab_find(&t, 0x2000)->name, "sized");
	ck_assert_str_eq(symtab_find(&t, 0x3007)->name, "strong");
	ck_assert_str_eq(symtab_find(&t, 0x4000)->name, "global");
	ck_assert_str_eq(symtab_find(&t, 0x5000)->name, "longer");
	ck_assert_ptr_null(symtab_find(&t, 0x3008));
	ck_assert_ptr_null(symtab_find(&t, 0xfff));
	symtab_free(&t);
}
END_TEST

START_TEST(sizeless_ends)
{
	struct symtab t = { 0 };

	symtab_add(&t, 0x1000, 0, "a", STB_GLOBAL, NULL);
	symtab_add(&t, 0x1800, 0, "b", STB_GLOBAL, NULL);
	/* Sizeless aliases: perf ends them before choosing, so only the
	   last has a size and wins, whatever the names. */
	symtab_add(&t, 0x1400, 0, "__x64_sys_vfork", STB_GLOBAL, NULL);
	symtab_add(&t, 0x1400, 0, "x", STB_GLOBAL, NULL);
	/* A label inside a sized function is not what a lookup finds. */
	symtab_add(&t, 0x1100, 0x80, "function", STB_GLOBAL, NULL);
	symtab_add(&t, 0x1140, 0, "label", STB_LOCAL, NULL);
	symtab_finish(&t, 0);
	ck_assert_str_eq(symtab_find(&t, 0x1400)->name, "x");
	ck_assert_str_eq(symtab_find(&t, 0x1150)->name, "function");
	ck_assert_str_eq(symtab_find(&t, 0x1190)->name, "label");
	ck_assert_str_eq(symtab_find(&t, 0x10ff)->name, "a");
	ck_assert_str_eq(symtab_find(&t, 0x17ff)->name, "x");
	ck_assert_str_eq(symtab_find(&t, 0x1800)->name, "b");
	/* The last one runs to the end of the next page. */
	ck_assert_str_eq(symtab_find(&t, 0x2fff)->name, "b");
	ck_assert_ptr_null(symtab_find(&t, 0x3000));
	symtab_free(&t);
}
END_TEST

static FILE *text(const char *s)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");

	ck_assert_ptr_nonnull(f);
	return f;
}

START_TEST(kallsyms)
{
	struct symtab t = { 0 };
	FILE *f = text("ffffffff81000000 T _text\n"
		       "ffffffff81000100 t foo\n"
		       "ffffffff81000200 W weakfn\n"
		       "ffffffff81000300 r skipped_rodata\n"
		       "ffffffff81000400 D data1\n"
		       "garbage line\n"
		       "ffffffffc0000000 t modfn\t[mymod]\n"
		       "ffffffffc0000040 T modfn2\t[mymod]\n");
	const struct sym *s;

	ck_assert_int_eq(kallsyms_parse(&t, f), 0);
	fclose(f);
	ck_assert_uint_eq(t.n, 6);
	s = symtab_find(&t, 0xffffffff81000150);
	ck_assert_str_eq(s->name, "foo");
	ck_assert_ptr_null(s->module);
	ck_assert_str_eq(symtab_find(&t, 0xffffffff81000350)->name, "weakfn");
	/* The last kernel symbol stops at a page boundary, not at the
	   modules far away. */
	ck_assert_ptr_null(symtab_find(&t, 0xffffffff90000000));
	s = symtab_find(&t, 0xffffffffc0000010);
	ck_assert_str_eq(s->name, "modfn");
	ck_assert_str_eq(s->module, "[mymod]");
	symtab_free(&t);
}
END_TEST

START_TEST(perfmap)
{
	struct symtab t = { 0 };
	FILE *f = text("7f0000001000 100 LazyCompile:~main /app.js:1\n"
		       "0x7f0000002000 0x20 Builtin: ArgumentsAdaptor\n"
		       "not a line\n"
		       "7f0000003000 10\n");

	ck_assert_int_eq(perfmap_parse(&t, f), 0);
	fclose(f);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_str_eq(symtab_find(&t, 0x7f00000010ff)->name, "LazyCompile:~main /app.js:1");
	ck_assert_ptr_null(symtab_find(&t, 0x7f0000001100));
	ck_assert_str_eq(symtab_find(&t, 0x7f0000002010)->name, "Builtin: ArgumentsAdaptor");
	symtab_free(&t);
}
END_TEST

/* Feed an MMAP2 record to M. */
static void mmap2(pf_machine *m, int pid, uint64_t start, uint64_t len, uint64_t pgoff,
		  uint32_t prot, const char *file)
{
	unsigned char rec[256] = { 0 };
	struct perf_event_header h = { PERF_RECORD_MMAP2, PERF_RECORD_MISC_USER, 0 };
	struct pf_record r = { 0 };
	size_t n = 72 + strlen(file) + 1;

	h.size = (uint16_t)((n + 7) & ~7u);
	memcpy(rec, &h, sizeof h);
	memcpy(rec + 8, &pid, 4);
	memcpy(rec + 12, &pid, 4);
	memcpy(rec + 16, &start, 8);
	memcpy(rec + 24, &len, 8);
	memcpy(rec + 32, &pgoff, 8);
	memcpy(rec + 64, &prot, 4);
	strcpy((char *)rec + 72, file);
	r.type = h.type;
	r.misc = h.misc;
	r.size = h.size;
	r.data = rec;
	ck_assert_int_eq(pf_machine_record(m, &r), 0);
}

static void task(pf_machine *m, uint32_t type, int pid, int ppid, const char *comm)
{
	unsigned char rec[64] = { 0 };
	struct perf_event_header h = { type, 0, 40 };
	struct pf_record r = { 0 };

	memcpy(rec, &h, sizeof h);
	memcpy(rec + 8, &pid, 4);
	if (type == PERF_RECORD_COMM) {
		memcpy(rec + 12, &pid, 4);
		strcpy((char *)rec + 16, comm);
	} else {
		memcpy(rec + 12, &ppid, 4);
		memcpy(rec + 16, &pid, 4);
		memcpy(rec + 20, &ppid, 4);
	}
	r.type = type;
	r.size = h.size;
	r.data = rec;
	ck_assert_int_eq(pf_machine_record(m, &r), 0);
}

START_TEST(maps)
{
	pf_machine *m = pf_machine_new(0);
	struct pf_frame f[4];

	mmap2(m, 10, 0x400000, 0x2000, 0x1000, PROT_READ | PROT_EXEC, "/nonexistent/app");
	mmap2(m, 10, 0x600000, 0x21000, 0, PROT_READ | PROT_WRITE, "[heap]");
	mmap2(m, 10, 0x7f0000000000, 0x10000, 0, PROT_READ | PROT_WRITE, "//anon");
	mmap2(m, 10, 0x7ffe00000000, 0x21000, 0, PROT_READ | PROT_WRITE, "[stack]");
	task(m, PERF_RECORD_COMM, 10, 0, "app");
	ck_assert_str_eq(pf_machine_comm(m, 10, 10), "app");
	ck_assert_str_eq(pf_machine_comm(m, 10, 77), ":77");

	ck_assert_str_eq(pf_machine_data_map(m, 10, 0x600010), "[heap]");
	ck_assert_str_eq(pf_machine_data_map(m, 10, 0x7f0000000100), "[anon]");
	ck_assert_str_eq(pf_machine_data_map(m, 10, 0x7ffe00000008), "[stack]");
	ck_assert_str_eq(pf_machine_data_map(m, 10, 0x401000), "/nonexistent/app");
	ck_assert_ptr_null(pf_machine_data_map(m, 10, 0x500000));

	/* A file that cannot be read: the DSO is known, the symbol is not,
	   and the address is shown relative to the file. */
	ck_assert_int_eq(pf_machine_resolve(m, 10, PERF_RECORD_MISC_USER, 0x400123, 1, f, 4), 1);
	ck_assert_str_eq(f[0].dso, "/nonexistent/app");
	ck_assert_ptr_null(f[0].sym);
	ck_assert_uint_eq(f[0].addr, 0x1123);
	ck_assert_int_eq(pf_machine_resolve(m, 10, PERF_RECORD_MISC_USER, 0x12, 1, f, 4), 1);
	ck_assert_ptr_null(f[0].dso);

	/* A new mapping replaces the part of an old one it covers. */
	mmap2(m, 10, 0x601000, 0x1000, 0, PROT_READ | PROT_WRITE, "/data/file");
	ck_assert_str_eq(pf_machine_data_map(m, 10, 0x601800), "/data/file");
	ck_assert_str_eq(pf_machine_data_map(m, 10, 0x600800), "[heap]");
	ck_assert_str_eq(pf_machine_data_map(m, 10, 0x602000), "[heap]");

	/* A forked process starts with a copy of its parent's maps. */
	task(m, PERF_RECORD_FORK, 11, 10, NULL);
	ck_assert_str_eq(pf_machine_comm(m, 11, 11), "app");
	ck_assert_str_eq(pf_machine_data_map(m, 11, 0x600010), "[heap]");
	mmap2(m, 11, 0x600000, 0x1000, 0, PROT_READ, "/child/only");
	ck_assert_str_eq(pf_machine_data_map(m, 10, 0x600010), "[heap]");
	pf_machine_free(m);
}
END_TEST

/* Random mappings over a small range against a painted model of it: each
   page shows the file of the last mapping covering it, as the kernel's
   own maps would.  Then 65,536 more mappings in one process, which a
   sorted array copied on every insertion made quadratic. */
START_TEST(maps_tree)
{
	enum { PAGES = 512, ROUNDS = 4000, MANY = 65536 };
	static int model[PAGES];
	pf_machine *m = pf_machine_new(0);
	uint64_t base = 0x10000000, seed = 12345;
	char name[32];

	for (int r = 1; r <= ROUNDS; r++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned first = (unsigned)(seed >> 33) % PAGES;
		unsigned len = 1 + (unsigned)(seed >> 17) % 24;

		if (first + len > PAGES)
			len = PAGES - first;
		snprintf(name, sizeof name, "/m/%d", r);
		mmap2(m, 20, base + first * 4096ULL, len * 4096ULL, 0, PROT_READ, name);
		for (unsigned p = first; p < first + len; p++)
			model[p] = r;
		if (r % 500 && r != ROUNDS)
			continue;
		for (unsigned p = 0; p < PAGES; p++) {
			const char *got = pf_machine_data_map(m, 20, base + p * 4096ULL + 7);

			if (!model[p]) {
				ck_assert_ptr_null(got);
				continue;
			}
			snprintf(name, sizeof name, "/m/%d", model[p]);
			ck_assert_msg(got && strcmp(got, name) == 0, "page %u: %s, want %s",
				      p, got ? got : "(none)", name);
		}
	}
	/* A cut map keeps its file offsets: the part after a new mapping
	   starts further into the file. */
	mmap2(m, 21, 0x400000, 0x10000, 0x3000, PROT_READ | PROT_EXEC, "/nonexistent/lib");
	mmap2(m, 21, 0x404000, 0x1000, 0, PROT_READ, "/nonexistent/other");
	struct pf_frame f[1];
	ck_assert_int_eq(pf_machine_resolve(m, 21, PERF_RECORD_MISC_USER, 0x405010, 0, f, 1), 1);
	ck_assert_str_eq(f[0].dso, "/nonexistent/lib");
	ck_assert_uint_eq(f[0].addr, 0x3000 + 0x5010);

	for (unsigned i = 0; i < MANY; i++)
		mmap2(m, 22, 0x100000000000ULL + i * 0x1000ULL, 0x1800, 0, PROT_READ,
		      i % 2 ? "/many/odd" : "/many/even");
	for (unsigned i = 0; i < MANY; i += 97)
		ck_assert_str_eq(pf_machine_data_map(m, 22, 0x100000000000ULL + i * 0x1000ULL),
				 i % 2 ? "/many/odd" : "/many/even");
	pf_machine_free(m);
}
END_TEST

START_TEST(jit_and_kernel)
{
	char map[64], ksyms[] = "/tmp/check_symbols.XXXXXX";
	int pid = 999999, fd = mkstemp(ksyms);
	pf_machine *m = pf_machine_new(PF_SYM_KERNEL);
	struct pf_frame f[2], g[2];
	FILE *out;

	snprintf(map, sizeof map, "/tmp/perf-%d.map", pid);
	out = fopen(map, "w");
	ck_assert_ptr_nonnull(out);
	fputs("7f1000000100 40 jitted_fn\n", out);
	fclose(out);
	ck_assert_int_ge(fd, 0);
	out = fdopen(fd, "w");
	fputs("ffffffff81000000 T startup\nffffffff81000100 T kfunc\n", out);
	fclose(out);
	ck_assert_int_eq(pf_machine_set_kallsyms(m, ksyms), 0);

	mmap2(m, pid, 0x7f1000000000, 0x10000, 0, PROT_READ | PROT_EXEC, "//anon");
	ck_assert_int_eq(pf_machine_resolve(m, pid, PERF_RECORD_MISC_USER, 0x7f1000000110, 0, f, 2), 1);
	ck_assert_str_eq(f[0].sym, "jitted_fn");
	ck_assert_uint_eq(f[0].symoff, 0x10);
	ck_assert_str_eq(f[0].dso, map);
	ck_assert_uint_eq(f[0].addr, 0x7f1000000110);   /* anonymous: as is */

	ck_assert_int_eq(pf_machine_resolve(m, pid, PERF_RECORD_MISC_KERNEL, 0xffffffff81000123, 0, f, 2), 1);
	ck_assert_str_eq(f[0].sym, "kfunc");
	ck_assert_uint_eq(f[0].symoff, 0x23);
	ck_assert_str_eq(f[0].dso, "[kernel.kallsyms]");
	/* Resolved once: the same strings come back. */
	pf_machine_resolve(m, pid, PERF_RECORD_MISC_KERNEL, 0xffffffff81000123, 0, g, 2);
	ck_assert_ptr_eq(f[0].sym, g[0].sym);
	pf_machine_free(m);
	unlink(map);
	unlink(ksyms);
}
END_TEST

/* One PT_LOAD of a layout. */
struct seg { uint64_t off, vaddr, filesz; uint32_t flags; };

/* A small ELF file as a linker lays it out: SEGS as its program headers, a
   .text of 0x40 bytes (one function, "fn", in .symtab) at FN_VADDR inside
   the executable segment.  The path of a temporary file the caller
   unlinks. */
static char *write_elf(int type, const struct seg *segs, int nsegs, uint64_t fn_vaddr)
{
	static const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
	static const int name_at[] = { 1, 7, 15, 23 };
	static const char str[] = "\0fn";
	static unsigned char code[0x40];
	char *path = strdup("/tmp/check_symbols_elf.XXXXXX");
	int fd = mkstemp(path);
	uint64_t end = 0, fn_off = 0;
	GElf_Ehdr eh;

	ck_assert_int_ge(fd, 0);
	memset(code, 0xc3, sizeof code);        /* ret */
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_WRITE, NULL);
	ck_assert_ptr_nonnull(e);
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	ck_assert_ptr_nonnull(gelf_newehdr(e, ELFCLASS64));
	gelf_getehdr(e, &eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = (GElf_Half)type;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = 64;
	eh.e_phnum = (GElf_Half)nsegs;
	eh.e_phentsize = sizeof(Elf64_Phdr);
	gelf_update_ehdr(e, &eh);
	ck_assert_ptr_nonnull(gelf_newphdr(e, (size_t)nsegs));
	for (int i = 0; i < nsegs; i++) {
		GElf_Phdr ph = { .p_type = PT_LOAD, .p_flags = segs[i].flags,
				 .p_offset = segs[i].off, .p_vaddr = segs[i].vaddr,
				 .p_paddr = segs[i].vaddr, .p_filesz = segs[i].filesz,
				 .p_memsz = segs[i].filesz, .p_align = 0x1000 };
		gelf_update_phdr(e, i, &ph);
		if (segs[i].off + segs[i].filesz > end)
			end = segs[i].off + segs[i].filesz;
		if ((segs[i].flags & PF_X) && fn_vaddr >= segs[i].vaddr &&
		    fn_vaddr - segs[i].vaddr < segs[i].filesz)
			fn_off = fn_vaddr - segs[i].vaddr + segs[i].off;
	}
	ck_assert_uint_ne(fn_off, 0);
	GElf_Sym syms[2] = { { 0 }, { .st_name = 1, .st_info = GELF_ST_INFO(STB_GLOBAL, STT_FUNC),
				      .st_shndx = 1, .st_value = fn_vaddr, .st_size = 0x40 } };
	const struct { int type; const void *data; size_t size, entsize; } sec[] = {
		{ SHT_PROGBITS, code, sizeof code, 0 },
		{ SHT_SYMTAB, syms, sizeof syms, sizeof(Elf64_Sym) },
		{ SHT_STRTAB, str, sizeof str, 0 },
		{ SHT_STRTAB, shstr, sizeof shstr, 0 },
	};
	/* The tables go after every segment. */
	uint64_t at = (end + 7) & ~7ULL;
	for (int i = 0; i < 4; i++) {
		Elf_Scn *scn = elf_newscn(e);
		Elf_Data *d = elf_newdata(scn);
		GElf_Shdr sh;

		d->d_buf = (void *)sec[i].data;
		d->d_size = sec[i].size;
		d->d_type = i == 1 ? ELF_T_SYM : ELF_T_BYTE;
		d->d_align = i == 0 ? 1 : 8;
		gelf_getshdr(scn, &sh);
		sh.sh_name = (GElf_Word)name_at[i];
		sh.sh_type = (GElf_Word)sec[i].type;
		sh.sh_size = sec[i].size;
		sh.sh_entsize = sec[i].entsize;
		sh.sh_addralign = d->d_align;
		sh.sh_link = i == 1 ? 3 : 0;
		sh.sh_info = i == 1 ? 1 : 0;
		if (i == 0) {
			sh.sh_flags = SHF_ALLOC | SHF_EXECINSTR;
			sh.sh_addr = fn_vaddr;
			sh.sh_offset = fn_off;
		} else {
			sh.sh_offset = at;
			at = (at + sec[i].size + 7) & ~7ULL;
		}
		gelf_update_shdr(scn, &sh);
	}
	eh.e_shoff = at;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shstrndx = 4;
	gelf_update_ehdr(e, &eh);
	ck_assert_int_ge(elf_update(e, ELF_C_WRITE), 0);
	elf_end(e);
	close(fd);
	return path;
}

/* Every layout of issue 15: where the code is mapped and where its ELF
   addresses are must give the bias libdwfl computes, and the function's
   name at the right offset, for each mapping (a file mapped at several
   places, a mapping split by mprotect). */
START_TEST(bias_per_layout)
{
	enum { R = PF_R, RX = PF_R | PF_X, RW = PF_R | PF_W };
	static const struct layout {
		const char *what;
		int type;
		struct seg segs[3];
		uint64_t fn;            /* the function's ELF address */
		uint64_t start, pgoff;  /* the executable mapping */
		uint64_t bias;
	} layouts[] = {
		{ "GNU ld, PIE", ET_DYN, { { 0, 0, 0x800, R }, { 0x1000, 0x1000, 0x1000, RX },
					   { 0x2000, 0x3000, 0x100, RW } },
		  0x1100, 0x555555555000, 0x1000, 0x555555554000 },
		{ "GNU ld, not PIE", ET_EXEC, { { 0, 0x400000, 0x800, R },
						{ 0x1000, 0x401000, 0x1000, RX },
						{ 0x2000, 0x403000, 0x100, RW } },
		  0x401100, 0x401000, 0x1000, 0 },
		{ "gold: code in the first segment", ET_DYN, { { 0, 0, 0x1800, RX },
							     { 0x1800, 0x2800, 0x100, RW } },
		  0x500, 0x7f0000000000, 0, 0x7f0000000000 },
		/* The executable segment at another address than its offset,
		   sharing the first file page with the read-only one. */
		{ "lld", ET_DYN, { { 0, 0, 0x7f0, R }, { 0x7f0, 0x17f0, 0x800, RX },
				   { 0xff0, 0x2ff0, 0x100, RW } },
		  0x1800, 0x555555556000, 0, 0x555555555000 },
		{ "lld, not PIE", ET_EXEC, { { 0, 0x200000, 0x6f4, R },
					     { 0x700, 0x201700, 0x1b0, RX },
					     { 0x8b0, 0x2028b0, 0x1e8, RW } },
		  0x201780, 0x201000, 0, 0 },
		{ "mold", ET_DYN, { { 0, 0, 0x6c0, R }, { 0x6c0, 0x16c0, 0x900, RX },
				    { 0xfc0, 0x2fc0, 0x100, RW } },
		  0x1700, 0x7f1234501000, 0, 0x7f1234500000 },
		{ "prelinked library", ET_DYN, { { 0, 0x40000000, 0x800, R },
						 { 0x1000, 0x40001000, 0x1000, RX } },
		  0x40001100, 0x7f5500001000, 0x1000, 0x7f5500001000 - 0x40001000 },
		{ "prelinked library at its base", ET_DYN, { { 0, 0x40000000, 0x800, R },
							     { 0x1000, 0x40001000, 0x1000, RX } },
		  0x40001100, 0x40001000, 0x1000, 0 },
	};

	for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++) {
		const struct layout *l = &layouts[i];
		int nsegs = l->segs[2].filesz ? 3 : 2;
		char *path = write_elf(l->type, l->segs, nsegs, l->fn);
		pf_machine *m = pf_machine_new(0);
		struct pf_frame f;
		uint64_t bias = 1;
		int pid = 100 + (int)i;

		mmap2(m, pid, l->start, 0x1000, l->pgoff, PROT_READ | PROT_EXEC, path);
		/* The same file twice more: elsewhere in this process and in
		   another one, each with its own bias. */
		mmap2(m, pid, l->start + 0x100000000, 0x1000, l->pgoff, PROT_READ | PROT_EXEC, path);
		mmap2(m, pid + 1000, l->start + 0x200000000, 0x1000, l->pgoff,
		      PROT_READ | PROT_EXEC, path);
		for (int k = 0; k < 3; k++) {
			uint64_t shift = (uint64_t)k * 0x100000000;
			uint64_t ip = l->fn + l->bias + shift + 0x10;

			ck_assert_int_eq(pf_machine_resolve(m, k == 2 ? pid + 1000 : pid,
							    PERF_RECORD_MISC_USER, ip, 0, &f, 1), 1);
			ck_assert_msg(f.sym && strcmp(f.sym, "fn") == 0, "%s (mapping %d): %s",
				      l->what, k, f.sym ? f.sym : "no symbol");
			ck_assert_uint_eq(f.symoff, 0x10);
			ck_assert_uint_eq(f.elf_addr, l->fn + 0x10);
		}
		struct dso d = { 0 };
		d.load = calloc(3, sizeof *d.load);
		for (int k = 0; k < nsegs; k++) {
			d.load[k].off = l->segs[k].off;
			d.load[k].vaddr = l->segs[k].vaddr;
			d.load[k].filesz = l->segs[k].filesz;
			d.load[k].flags = l->segs[k].flags;
		}
		d.nr_load = (size_t)nsegs;
		ck_assert_int_eq(dso_bias(&d, l->start, l->pgoff, PROT_READ | PROT_EXEC, &bias), 0);
		ck_assert_msg(bias == l->bias, "%s: bias %#" PRIx64 ", want %#" PRIx64,
			      l->what, bias, l->bias);
		free(d.load);
		pf_machine_free(m);
		unlink(path);
		free(path);
	}
}
END_TEST

/* A mapping that mprotect split: its second part starts inside the
   segment, at a later file offset, with the same bias. */
START_TEST(bias_split_mapping)
{
	struct seg segs[2] = { { 0, 0, 0x800, PF_R }, { 0x1000, 0x1000, 0x3000, PF_R | PF_X } };
	char *path = write_elf(ET_DYN, segs, 2, 0x3100);
	pf_machine *m = pf_machine_new(0);
	struct pf_frame f;

	mmap2(m, 7, 0x7f0000001000, 0x2000, 0x1000, PROT_READ | PROT_EXEC, path);
	mmap2(m, 7, 0x7f0000003000, 0x1000, 0x3000, PROT_READ | PROT_EXEC, path);
	ck_assert_int_eq(pf_machine_resolve(m, 7, PERF_RECORD_MISC_USER, 0x7f0000003108, 0, &f, 1), 1);
	ck_assert_str_eq(f.sym, "fn");
	ck_assert_uint_eq(f.symoff, 8);
	pf_machine_free(m);
	unlink(path);
	free(path);
}
END_TEST

/* The build-id check: a file whose id differs from the recording's is not
   used (no symbol, one warning naming it), one whose id matches is. */
static void count_warning(void *arg, const char *msg)
{
	ck_assert_ptr_nonnull(strstr(msg, "not the file the recording saw"));
	++*(int *)arg;
}

static int find_main(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	*(uint64_t *)arg = info->dlpi_addr;     /* the program comes first */
	return 1;
}

START_TEST(build_id_check)
{
	uint64_t main_base = 0;
	char *self = realpath("/proc/self/exe", NULL);
	unsigned char id[20] = { 0 }, wrong[20];
	int len = buildid_of_file(self, id), warnings = 0;
	struct pf_frame f;

	ck_assert_ptr_nonnull(self);
	if (len <= 0) {
		printf("build_id_check: this program has no build-id\n");
		free(self);
		return;
	}
	dl_iterate_phdr(find_main, &main_base);
	memcpy(wrong, id, sizeof wrong);
	wrong[0] ^= 0xff;
	for (int pass = 0; pass < 2; pass++) {
		pf_machine *m = pf_machine_new(0);
		char home[] = "/tmp/check_symbols_home.XXXXXX", *old = getenv("HOME");

		/* An empty cache: no copy to fall back on. */
		ck_assert_ptr_nonnull(mkdtemp(home));
		setenv("HOME", home, 1);
		pf_machine_set_warn(m, count_warning, &warnings);
		ck_assert_int_eq(pf_machine_add_build_id(m, self, pass ? id : wrong, (size_t)len), 0);
		mmap2(m, 9, main_base, 0x1000000, 0, PROT_READ | PROT_EXEC, self);
		/* This function, where this program is mapped. */
		uint64_t ip = (uint64_t)(uintptr_t)count_warning;
		pf_machine_resolve(m, 9, PERF_RECORD_MISC_USER, ip, 0, &f, 1);
		pf_machine_resolve(m, 9, PERF_RECORD_MISC_USER, ip, 0, &f, 1);
		ck_assert_str_eq(f.dso, self);
		if (pass == 0) {
			ck_assert_ptr_null(f.sym);
			ck_assert_int_eq(warnings, 1);  /* once, for two look-ups */
		} else {
			ck_assert_str_eq(f.sym, "count_warning");
			ck_assert_int_eq(warnings, 1);
		}
		pf_machine_free(m);
		if (old)
			setenv("HOME", old, 1);
		rmdir(home);
	}
	free(self);
}
END_TEST

/* What the index replaces: dwarf_getscopes(), then the physical scopes
   of its innermost one. */
static int libdw_scopes(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die **scopes)
{
	Dwarf_Die *s = NULL, inner;
	int n = dwarf_getscopes(cu, pc, &s);

	if (n <= 0)
		return n;
	inner = s[0];
	free(s);
	return dwarf_getscopes_die(&inner, scopes);
}

static const Dwfl_Callbacks offline = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* Every STEP-th address of every unit of PATH: the same scopes, DIE for
   DIE, from the index as from libdw, and from libdw alone without an
   index.  The number of addresses compared; 0 when PATH has no DWARF. */
static long same_scopes(const char *path, Dwarf_Addr step, long *inlined)
{
	Dwfl *dwfl = dwfl_begin(&offline);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct inline_index *ix = inline_index_new();
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	long n = 0;

	ck_assert(dwfl && fd >= 0 && ix);
	Dwfl_Module *mod = dwfl_report_offline(dwfl, path, path, fd);
	dwfl_report_end(dwfl, NULL, NULL);
	ck_assert(mod);
	while ((cu = dwfl_module_nextcu(mod, cu, &bias))) {
		Dwarf_Addr base, lo, hi;
		ptrdiff_t off = 0;

		while ((off = dwarf_ranges(cu, off, &base, &lo, &hi)) > 0)
			for (Dwarf_Addr pc = lo; pc < hi; pc += step, n++) {
				Dwarf_Die *a = NULL, *b = NULL, *c = NULL;
				int na = libdw_scopes(cu, pc, &a);
				int nb = inline_index_scopes(ix, cu, pc, &b);
				int nc = inline_index_scopes(NULL, cu, pc, &c);

				ck_assert_int_eq(na > 0 ? na : 0, nb > 0 ? nb : 0);
				ck_assert_int_eq(na > 0 ? na : 0, nc > 0 ? nc : 0);
				for (int i = 0; i < na; i++) {
					ck_assert_ptr_eq(a[i].addr, b[i].addr);
					ck_assert_ptr_eq(a[i].addr, c[i].addr);
				}
				if (na > 0 && dwarf_tag(&a[0]) == DW_TAG_inlined_subroutine)
					++*inlined;
				free(a);
				free(b);
				free(c);
			}
	}
	inline_index_free(ix);
	dwfl_end(dwfl);
	return n;
}

static int find_libc(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	if (!strstr(info->dlpi_name, "/libc.so"))
		return 0;
	*(const char **)arg = info->dlpi_name;
	return 1;
}

START_TEST(scope_index)
{
	const char *libc = NULL;
	long inlined = 0;

	/* This program (built with -g, its static helpers are inlined) ... */
	same_scopes("/proc/self/exe", 1, &inlined);
	/* ... and the C library when its debug info is installed (Debian's
	   is dwz-compressed: imported units). */
	dl_iterate_phdr(find_libc, &libc);
	if (libc)
		same_scopes(libc, 251, &inlined);
	printf("scope_index: %ld addresses inside inlined calls\n", inlined);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("symbols");
	TCase *tc = tcase_create("symbols");

	tcase_add_test(tc, aliases);
	tcase_add_test(tc, sizeless_ends);
	tcase_add_test(tc, kallsyms);
	tcase_add_test(tc, perfmap);
	tcase_add_test(tc, maps);
	tcase_add_test(tc, maps_tree);
	tcase_add_test(tc, bias_per_layout);
	tcase_add_test(tc, bias_split_mapping);
	tcase_add_test(tc, build_id_check);
	tcase_add_test(tc, jit_and_kernel);
	tcase_add_test(tc, scope_index);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return check_run(s);
}
