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
#include "tool.h"

static const char usage_text[] =
"Usage: pfdiff [OPTION]... BEFORE AFTER\n"
"Merge two folded profiles (plain or gzip; \"-\" for standard input) into\n"
"\"stack count_before count_after\" lines, sorted by stack, for pfflame:\n"
"  pfdiff before.folded after.folded | pfflame > diff.svg\n"
"\n"
"  -n, --normalize      scale BEFORE's counts to AFTER's total\n"
"  -s, --strip-hex      replace hexadecimal numbers (0x...) in stacks by 0x...\n"
"      --strip-comm     drop each stack's first frame, the process name, to\n"
"                       compare builds whose programs have different names\n"
"      --report         print the functions (by self and by inclusive count)\n"
"                       and the stacks that grew and shrank the most instead\n"
"  -N, --top K          rows of each --report table (default 10)\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n";

static const struct option longopts[] = {
	{ "normalize", no_argument, NULL, 'n' },
	{ "strip-hex", no_argument, NULL, 's' },
	{ "strip-comm", no_argument, NULL, 'c' },
	{ "report", no_argument, NULL, 'r' },
	{ "top", required_argument, NULL, 'N' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	unsigned flags = 0;
	int report = 0, c;
	long top = 10;
	char *end;
	pf_diff *d;
	static char outbuf[1 << 20];

	tool_init("pfdiff");
	while ((c = getopt_long(argc, argv, "nsN:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': flags |= PF_DIFF_NORMALIZE; break;
		case 's': flags |= PF_DIFF_STRIPHEX; break;
		case 'c': flags |= PF_DIFF_STRIPCOMM; break;
		case 'r': report = 1; break;
		case 'N':
			top = strtol(optarg, &end, 10);
			if (end == optarg || *end || top < 0)
				usage_error("bad --top: expected a count");
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': print_version();
		default: usage_hint();
		}
	}
	if (argc - optind != 2)
		usage_error("%s", argc - optind < 2 ? "two folded files needed: BEFORE AFTER"
						   : "too many files: only BEFORE and AFTER");
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	if (!report) {
		if (pf_diff_write(argv[optind], argv[optind + 1], flags, stdout) < 0) {
			if (ferror(stdout))
				die("standard output: %s", pf_errmsg());
			die_lib();
		}
		return 0;
	}
	d = pf_diff_load(argv[optind], argv[optind + 1], flags);
	if (!d)
		die_lib();
	if (pf_diff_report(d, stdout, (size_t)top) < 0)
		die("standard output: %s", pf_errmsg());
	pf_diff_free(d);
	return 0;
}
