/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pfdiff: compare two folded profiles.  Writes difffolded.pl's
 * "stack before after" lines for pfflame (or flamegraph.pl), or, with
 * --report, the stacks and functions that grew and shrank the most.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <pf/pf.h>
#include <pf/diff.h>

static const char usage_text[] =
"Usage: pfdiff [OPTION]... BEFORE AFTER\n"
"Merge two folded profiles (plain or gzip; \"-\" for standard input) into\n"
"\"stack count_before count_after\" lines, sorted by stack, for pfflame:\n"
"  pfdiff before.folded after.folded | pfflame > diff.svg\n"
"\n"
"  -n, --normalize      scale BEFORE's counts to AFTER's total\n"
"  -s, --strip-hex      replace hexadecimal numbers (0x...) in stacks by 0x...\n"
"      --report         print the stacks and functions that grew and shrank\n"
"                       the most instead\n"
"  -N, --top K          rows of each --report table (default 10)\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n";

static const struct option longopts[] = {
	{ "normalize", no_argument, NULL, 'n' },
	{ "strip-hex", no_argument, NULL, 's' },
	{ "report", no_argument, NULL, 'r' },
	{ "top", required_argument, NULL, 'N' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void usage_error(const char *msg)
{
	fprintf(stderr, "pfdiff: %s\nTry 'pfdiff --help' for more information.\n", msg);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned flags = 0;
	int report = 0, c, rc;
	long top = 10;
	char *end;
	pf_diff *d;
	static char outbuf[1 << 20];

	while ((c = getopt_long(argc, argv, "nsN:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': flags |= PF_DIFF_NORMALIZE; break;
		case 's': flags |= PF_DIFF_STRIPHEX; break;
		case 'r': report = 1; break;
		case 'N':
			top = strtol(optarg, &end, 10);
			if (end == optarg || *end || top < 0)
				usage_error("bad --top: expected a count");
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': puts("pfdiff (" PACKAGE_NAME ") " PACKAGE_VERSION); return 0;
		default:
			fputs("Try 'pfdiff --help' for more information.\n", stderr);
			return 2;
		}
	}
	if (argc - optind != 2)
		usage_error(argc - optind < 2 ? "two folded files needed: BEFORE AFTER"
					     : "too many files: only BEFORE and AFTER");
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	if (!report) {
		rc = pf_diff_merge_sorted(argv[optind], argv[optind + 1], flags, stdout);
		if (rc < 0)
			fprintf(stderr, "pfdiff: %s\n", pf_errmsg());
		if (rc != 0)
			return rc < 0;
	}
	d = pf_diff_load(argv[optind], argv[optind + 1], flags);
	if (!d) {
		fprintf(stderr, "pfdiff: %s\n", pf_errmsg());
		return 1;
	}
	rc = report ? pf_diff_report(d, stdout, (size_t)top) : pf_diff_write(d, stdout);
	if (rc < 0)
		fprintf(stderr, "pfdiff: standard output: %s\n", pf_errmsg());
	pf_diff_free(d);
	return rc < 0;
}
