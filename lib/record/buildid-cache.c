/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The build-id cache, in perf's own layout so that each tool finds the
 * other's entries:
 *
 *   ~/.debug/PATH/HEX/elf              a copy of the file PATH
 *   ~/.debug/[kernel.kallsyms]/HEX/kallsyms   the kernel's symbols
 *   ~/.debug/.build-id/XX/REST -> ../../PATH/HEX
 *
 * (HEX is the build-id, XX its first byte, REST the others.)  A recording
 * stays readable after the binaries it used are rebuilt or upgraded:
 * pfscript finds the copy by the build-id the recording holds.  Copies are
 * written to a temporary name and renamed, so a reader never sees half a
 * file; an entry already there is left alone.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/pf-int.h"
#include "record/capture-int.h"
#include "symbols/files-int.h"

/* mkdir -p of DIR's components (DIR is modified and restored). */
static int mkdirs(char *dir)
{
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int rc = mkdir(dir, 0755);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* Copy the regular file SRC to DST through DST.tmp.PID. */
static int copy_file(const char *src, const char *dst)
{
	struct stat st;
	char tmp[PATH_MAX + 32], buf[65536];
	int in = file_open_regular(src, 0, &st), out = -1, rc = -1;
	ssize_t n;

	if (in < 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", dst, (long)getpid());
	/* A hard link costs nothing where the cache shares the file system. */
	if (link(src, tmp) == 0)
		goto done;
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		goto out;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto out;
	if (n < 0 || close(out) != 0) {
		out = -1;
		goto out;
	}
	out = -1;
done:
	rc = rename(tmp, dst);
out:
	if (out >= 0)
		close(out);
	if (rc != 0)
		unlink(tmp);
	close(in);
	return rc;
}

int buildid_cache_add(const char *path, const unsigned char *id, int len, int kernel)
{
	const char *home = getenv("HOME");
	char hex[41], *dir = NULL, *file = NULL, *link_dir = NULL, *link = NULL, *target = NULL;
	const char *name = kernel ? "[kernel.kallsyms]" : path;
	int rc = -1;

	if (!home || !*home || len <= 0 || len > 20 || (!kernel && path[0] != '/'))
		return -1;
	for (int i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	if (asprintf(&dir, "%s/.debug%s%s/%s", home, kernel ? "/" : "", name, hex) < 0)
		dir = NULL;
	if (!dir || asprintf(&file, "%s/%s", dir, kernel ? "kallsyms" : "elf") < 0 ||
	    asprintf(&link_dir, "%s/.debug/.build-id/%.2s", home, hex) < 0 ||
	    asprintf(&link, "%s/%s", link_dir, hex + 2) < 0 ||
	    asprintf(&target, "../..%s%s/%s", kernel ? "/" : "", name, hex) < 0)
		goto out;
	if (access(file, F_OK) != 0 &&
	    (mkdirs(dir) != 0 || copy_file(kernel ? "/proc/kallsyms" : path, file) != 0))
		goto out;
	if (mkdirs(link_dir) != 0 || (symlink(target, link) != 0 && errno != EEXIST))
		goto out;
	rc = 0;
out:
	free(dir);
	free(file);
	free(link_dir);
	free(link);
	free(target);
	return rc;
}
