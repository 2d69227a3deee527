/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Build ids: perf matches a recorded DSO to the file on disk (or in the
 * build-id cache) by the GNU build-id note, so perf.data stores the id of
 * every DSO the recording mapped.  ELF files are read with libelf; the
 * kernel's notes are a bare note array in /sys/kernel/notes.
 */
#include "config.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "symbols/buildid-int.h"
#include "symbols/files-int.h"
#include "util/pf-int.h"

#ifndef NT_GNU_BUILD_ID
# define NT_GNU_BUILD_ID 3
#endif

static int from_notes(Elf_Data *data, unsigned char id[20])
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp((char *)data->d_buf + name_off, "GNU", 4) == 0) {
			size_t n = nh.n_descsz > 20 ? 20 : nh.n_descsz;

			memcpy(id, (char *)data->d_buf + desc_off, n);
			return n;
		}
	}
	return 0;
}

static int from_elf(Elf *elf, unsigned char id[20])
{
	Elf_Scn *scn = NULL;
	size_t nph;
	int n;

	/* Sections first: they survive in stripped files and are exact. */
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_NOTE &&
		    (n = from_notes(elf_getdata(scn, NULL), id)) > 0)
			return n;
	}
	if (elf_getphdrnum(elf, &nph) != 0)
		return 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		Elf_Data *d;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		if (d && (n = from_notes(d, id)) > 0)
			return n;
	}
	return 0;
}

int buildid_of_fd(int fd, unsigned char id[20])
{
	Elf *elf;
	int n = -1;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF)
		n = from_elf(elf, id);
	elf_end(elf);
	return n;
}

int buildid_of_file(const char *path, unsigned char id[20])
{
	int fd = elf_open_checked(path);
	int n;

	if (fd < 0)
		return -1;
	n = buildid_of_fd(fd, id);
	close(fd);
	return n;
}

int buildid_of_kernel(unsigned char id[20])
{
	unsigned char buf[4096];
	int fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	ssize_t len;
	size_t off = 0;

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof buf);
	close(fd);
	/* Elf32_Nhdr/Elf64_Nhdr are alike: three u32, name and desc padded to 4. */
	while (len > 0 && off + 12 <= (size_t)len) {
		uint32_t namesz, descsz, type;

		memcpy(&namesz, buf + off, 4);
		memcpy(&descsz, buf + off + 4, 4);
		memcpy(&type, buf + off + 8, 4);
		size_t name = off + 12;
		size_t desc = name + ((namesz + 3) & ~3u);
		if (desc + descsz > (size_t)len)
			break;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && memcmp(buf + name, "GNU", 4) == 0) {
			size_t n = descsz > 20 ? 20 : descsz;

			memcpy(id, buf + desc, n);
			return n;
		}
		off = desc + ((descsz + 3) & ~3u);
	}
	return 0;
}
