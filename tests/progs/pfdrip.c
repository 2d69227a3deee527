/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfdrip: a workload that faults a little at a steady pace, for the tests
 * of live recording (pfrecord -o - | pfscript -i -) and of pfscript
 * --faults.  Every INTERVAL milliseconds (default 100) for SECONDS seconds
 * (default 3) it first-touches one fresh anonymous page, one page of the
 * heap and one page of a private file mapping of its own, then sleeps; it
 * keeps every mapping, so /proc/self/maps at the end shows where each
 * fault was.  --maps FILE writes that map at the end; with --major the file
 * pages are first dropped from the page cache where the file system
 * allows it, so touching them takes major faults.
 *
 *   pfdrip [--seconds N] [--interval MS] [--maps FILE] [--major FILE]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#define PAGE 4096

static volatile char sink;

static void copy_maps(const char *to)
{
	FILE *in = fopen("/proc/self/maps", "r"), *out = fopen(to, "w");
	char line[4096];

	if (!in || !out) {
		perror("pfdrip: maps");
		exit(1);
	}
	while (fgets(line, sizeof line, in))
		fputs(line, out);
	fclose(in);
	if (fclose(out) != 0) {
		perror(to);
		exit(1);
	}
}

/* A file of n pages to map, its pages out of the page cache if possible. */
static char *file_pages(const char *path, size_t n)
{
	char buf[PAGE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	memset(buf, 'x', sizeof buf);
	for (size_t i = 0; i < n; i++)
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
			perror(path);
			exit(1);
		}
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	char *p = mmap(NULL, n * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror("pfdrip: mmap");
		exit(1);
	}
	close(fd);
	return p;
}

int main(int argc, char **argv)
{
	double seconds = 3;
	long interval = 100;
	const char *maps = NULL, *file = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--interval") == 0 && i + 1 < argc)
			interval = atol(argv[++i]);
		else if (strcmp(argv[i], "--maps") == 0 && i + 1 < argc)
			maps = argv[++i];
		else if (strcmp(argv[i], "--major") == 0 && i + 1 < argc)
			file = argv[++i];
		else {
			fprintf(stderr, "usage: pfdrip [--seconds N] [--interval MS] [--maps FILE] "
				"[--major FILE]\n");
			return 2;
		}
	}
	size_t steps = (size_t)(seconds * 1000 / (interval > 0 ? interval : 1));
	if (steps == 0)
		steps = 1;
	char *anon = mmap(NULL, steps * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *heap = malloc(steps * PAGE + PAGE);
	char *mapped = file ? file_pages(file, steps) : NULL;
	struct timespec ts = { interval / 1000, interval % 1000 * 1000000L };

	if (anon == MAP_FAILED || !heap) {
		perror("pfdrip");
		return 1;
	}
	madvise(anon, steps * PAGE, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < steps; i++) {
		anon[i * PAGE] = 1;
		heap[i * PAGE] = 1;
		if (mapped)
			sink = mapped[i * PAGE];
		nanosleep(&ts, NULL);
	}
	if (maps)
		copy_maps(maps);
	return 0;
}
