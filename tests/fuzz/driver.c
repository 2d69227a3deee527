/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main() of every fuzz harness when it is built without libFuzzer (in
 * `make check`): each argument is a file or a directory of files (the seed
 * corpus, the regressions), and every file is fed once to
 * LLVMFuzzerTestOneInput(), the same entry point libFuzzer calls, followed
 * by a few deterministic mutations of it (FUZZ_MUTATIONS, default 50) so
 * that the harness and the parsers stay exercised beyond the seeds.  A crash
 * is a crash here too; the sanitizer build turns memory errors into one.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_INPUT (4 << 20)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Edits that matter to both text and binary formats: boundary bytes,
   random bytes, bit flips, deletions, duplicated runs, cuts. */
static size_t mutate(uint8_t *d, size_t n, size_t cap)
{
	static const uint8_t values[] = { 0, 1, 0x7f, 0x80, 0xff, '\n', ' ', ';',
					  '9', '-', '.', 'e', 0xc3, 0x1f };
	int edits = 1 + (int)(next() % 8);

	while (edits-- > 0 && n > 1) {
		size_t i = next() % n, k = 1 + next() % 32;

		switch (next() % 6) {
		case 0:
			d[i] = values[next() % sizeof values];
			break;
		case 1:
			d[i] = (uint8_t)next();
			break;
		case 2:
			d[i] ^= (uint8_t)(1u << (next() % 8));
			break;
		case 3:
			if (k > n - i)
				k = n - i;
			memmove(d + i, d + i + k, n - i - k);
			n -= k;
			break;
		case 4:
			if (k <= n - i && n + k <= cap) {
				memmove(d + i + k, d + i, n - i);
				n += k;
			}
			break;
		default:
			n = i + (n - i) / 2;
		}
	}
	return n;
}

static int run_file(const char *path, int mutations)
{
	uint8_t *seed = malloc(FUZZ_MAX_INPUT), *buf = malloc(FUZZ_MAX_INPUT + 4096);
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f || !seed || !buf) {
		perror(path);
		free(seed);
		free(buf);
		if (f)
			fclose(f);
		return -1;
	}
	n = fread(seed, 1, FUZZ_MAX_INPUT, f);
	fclose(f);
	/* The input itself, exactly as libFuzzer would replay it. */
	memcpy(buf, seed, n);
	LLVMFuzzerTestOneInput(buf, n);
	for (int i = 0; i < mutations && n > 0; i++) {
		memcpy(buf, seed, n);
		LLVMFuzzerTestOneInput(buf, mutate(buf, n, FUZZ_MAX_INPUT + 4096));
	}
	free(seed);
	free(buf);
	return 0;
}

static int run_path(const char *path, int mutations, int *files)
{
	struct dirent **names;
	struct stat st;
	int n, rc = 0;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		++*files;
		return run_file(path, mutations);
	}
	/* Sorted, so that a run is reproducible. */
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *sub;

		if (names[i]->d_name[0] != '.' &&
		    asprintf(&sub, "%s/%s", path, names[i]->d_name) >= 0) {
			if (run_path(sub, mutations, files) < 0)
				rc = -1;
			free(sub);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	const char *env = getenv("FUZZ_MUTATIONS");
	int mutations = env ? atoi(env) : 50, files = 0, rc = 0;
	const char *name = strrchr(argv[0], '/');

	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], mutations, &files) < 0)
			rc = 1;
	printf("%s: %d inputs, %d mutations each\n", name ? name + 1 : argv[0],
	       files, mutations);
	return rc;
}
