/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Safe opening of the files a recording names.  open() alone would block
 * forever on a FIFO and read without end from /dev/zero; /proc/self/mem
 * claims to be a regular file of size 0; libelf trusts section sizes, so a
 * .rela.plt of 1-byte entries in a sparse file once cost 10 GB of memory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/pf-int.h"
#include "symbols/files-int.h"

/* Compressed debug sections rarely shrink more than tenfold; this leaves
   room for any real one and none for a bomb. */
#define MAX_INFLATE 256
/* Symbol tables beyond this are not symbol tables. */
#define MAX_SYMTAB ((uint64_t)1 << 30)

int file_open_regular(const char *path, size_t min, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		error_set_errno(errno, "%s", path);
		return -1;
	}
	if (fstat(fd, st) != 0) {
		error_set_errno(errno, "%s", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode) || (uint64_t)st->st_size < min) {
		error_set("%s: not a regular file%s", path,
			  S_ISREG(st->st_mode) ? " with content" : "");
		close(fd);
		return -1;
	}
	/* Reads must block normally from here on. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static int inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int bad(const char *path, const char *what, size_t i)
{
	error_set("%s: corrupt ELF file: %s %zu", path, what, i);
	return -1;
}

static int check_section(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, uint64_t size)
{
	size_t want = 0;

	if (sh->sh_type != SHT_NOBITS && !inside(sh->sh_offset, sh->sh_size, size))
		return -1;
	switch (sh->sh_type) {
	case SHT_SYMTAB:
	case SHT_DYNSYM:
		want = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
		if (sh->sh_size > MAX_SYMTAB)
			return -1;
		break;
	case SHT_RELA:
		want = gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT);
		break;
	case SHT_REL:
		want = gelf_fsize(elf, ELF_T_REL, 1, EV_CURRENT);
		break;
	}
	if (want && sh->sh_entsize != want)
		return -1;
	if ((sh->sh_flags & SHF_COMPRESSED) && sh->sh_type != SHT_NOBITS) {
		GElf_Chdr ch;

		if (!gelf_getchdr(scn, &ch) || ch.ch_size / MAX_INFLATE > sh->sh_size)
			return -1;
	}
	return 0;
}

int elf_check(Elf *elf, const char *path, uint64_t size)
{
	GElf_Ehdr eh;
	size_t n, i;
	Elf_Scn *scn = NULL;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		error_set("%s: not an ELF file", path);
		return -1;
	}
	if (elf_getphdrnum(elf, &n) != 0 ||
	    (n && !inside(eh.e_phoff, (uint64_t)n * eh.e_phentsize, size)))
		return bad(path, "program headers", n);
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			return bad(path, "program header", i);
		if (ph.p_type == PT_LOAD && !inside(ph.p_offset, ph.p_filesz, size))
			return bad(path, "segment", i);
	}
	/* libelf quietly drops section headers it cannot read: the raw
	   header says whether there were some. */
	if (elf_getshdrnum(elf, &n) != 0 ||
	    (eh.e_shoff && !inside(eh.e_shoff, (uint64_t)(n ? n : 1) * eh.e_shentsize, size)))
		return bad(path, "section headers", n);
	for (i = 1; (scn = elf_nextscn(elf, scn)); i++) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || check_section(elf, scn, &sh, size) < 0)
			return bad(path, "section", i);
	}
	return 0;
}

int elf_open_checked(const char *path)
{
	struct stat st;
	int fd = file_open_regular(path, sizeof(Elf32_Ehdr), &st);
	Elf *elf;
	int rc;

	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	rc = elf ? elf_check(elf, path, (uint64_t)st.st_size) : -1;
	if (!elf)
		error_set("%s: %s", path, elf_errmsg(-1));
	elf_end(elf);
	if (rc < 0) {
		close(fd);
		return -1;
	}
	return fd;
}
