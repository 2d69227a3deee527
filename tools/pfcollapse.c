/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfcollapse: `perf script` text in, folded stacks out, as FlameGraph's
 * stackcollapse-perf.pl writes them.  Options, messages and the main loop;
 * the work is libpf's (pf_lines, pf_collapse, pf_fold).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pf/pf.h>
#include "export.h"
#include "tool.h"

#define PROG "pfcollapse"
#define MAX_WARNINGS 5

static const char usage_text[] =
	"Usage: " PROG " [OPTION]... [FILE]...\n"
	"Collapse `perf script` output (FILEs in order, - or none for standard\n"
	"input; gzip is detected) into folded stacks: \"comm;main;f;g COUNT\".\n"
	"A perf.data recording (file or pipe stream) is folded as pfscript prints it.\n"
	"\n"
	"  --pid               include the PID with the process name\n"
	"  --tid               include the PID and TID with the process name\n"
	"  --kernel            annotate kernel functions with _[k]\n"
	"  --jit               annotate JIT functions (/tmp/perf-PID.map) with _[j]\n"
	"  --all               all annotations (--kernel --jit)\n"
	"  --addrs             include raw addresses where symbols are unknown\n"
	"  --inline            expand inlined functions from DWARF debug info\n"
	"  --context           with --inline, add file:line to each function\n"
	"  --event-filter=EV   keep samples of event EV (default: the first seen)\n"
	"  --count-samples     count samples instead of adding up their periods\n"
	"  --format=FORMAT     folded (default) or pprof (gzip-compressed\n"
	"                      profile.proto; the process name becomes a label)\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n";

enum { OPT_FILTER = 256, OPT_COUNT_SAMPLES, OPT_FORMAT };

static int format = PF_EXPORT_FOLDED;

static const struct option longopts[] = {
	{ "pid", no_argument, NULL, 'p' },
	{ "tid", no_argument, NULL, 't' },
	{ "kernel", no_argument, NULL, 'k' },
	{ "jit", no_argument, NULL, 'j' },
	{ "all", no_argument, NULL, 'a' },
	{ "addrs", no_argument, NULL, 'A' },
	{ "inline", no_argument, NULL, 'i' },
	{ "context", no_argument, NULL, 'c' },
	{ "event-filter", required_argument, NULL, OPT_FILTER },
	{ "count-samples", no_argument, NULL, OPT_COUNT_SAMPLES },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void parse_options(int argc, char **argv, struct pf_collapse_opts *o)
{
	int ch;

	/* Single-dash long options too, as perl's Getopt::Long takes them. */
	opterr = 0;
	while ((ch = getopt_long_only(argc, argv, ":hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': o->pid = 1; break;
		case 't': o->tid = 1; break;
		case 'k': o->kernel = 1; break;
		case 'j': o->jit = 1; break;
		case 'a': o->kernel = o->jit = 1; break;
		case 'A': o->addrs = 1; break;
		case 'i': o->inline_frames = 1; break;
		case 'c': o->context = 1; break;
		case OPT_FILTER: o->event_filter = optarg; break;
		case OPT_COUNT_SAMPLES: o->count_samples = 1; break;
		case OPT_FORMAT:
			format = tool_format(optarg);
			if (format != PF_EXPORT_FOLDED && format != PF_EXPORT_PPROF)
				usage_error("unknown --format: %s (folded or pprof)", optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			print_version();
		default:
			usage_error("%s: %s", argv[optind - 1],
				    ch == ':' ? "option needs an argument" : "unrecognized option");
		}
	}
}

/* Feed one text input from FD; 0 on success, -1 after saying what failed. */
static int collapse_file(pf_collapse *c, int fd, const char *path,
			 unsigned long long *unrecognized)
{
	pf_lines *r = pf_lines_fdopen(fd, strcmp(path, "-") == 0 ? "<stdin>" : path);
	const char *line;
	size_t len;
	int rc = 0;

	if (!r) {
		warn("%s", pf_errmsg());
		return -1;
	}
	while ((line = pf_lines_next(r, &len))) {
		int st = pf_collapse_line(c, line, len);

		if (st == 0)
			continue;
		if (st < 0) {
			warn("%s: line %llu: %s", pf_lines_name(r),
			     (unsigned long long)pf_lines_lineno(r), pf_errmsg());
			rc = -1;
			break;
		}
		if (++*unrecognized <= MAX_WARNINGS)
			warn("%s: line %llu: unrecognized line ignored",
			     pf_lines_name(r), (unsigned long long)pf_lines_lineno(r));
	}
	if (rc == 0 && pf_lines_failed(r)) {
		warn("%s", pf_errmsg());
		rc = -1;
	}
	if (rc == 0 && pf_collapse_end(c) < 0) {
		warn("%s: %s", pf_lines_name(r), pf_errmsg());
		rc = -1;
	}
	pf_lines_close(r);
	return rc;
}

/* A recording: folded in process as pfscript prints it, with the same
   collapse options.  X is made at the first one. */
static int collapse_data(pf_export **x, const struct pf_collapse_opts *o, int fd,
			 const char *path)
{
	struct pf_scriptprint_opts so;
	struct pf_export_opts eo;

	if (!*x) {
		pf_export_opts_init(&eo);
		eo.fold = *o;
		if (!(*x = pf_export_new(&eo))) {
			warn("%s", pf_errmsg());
			close(fd);
			return -1;
		}
	}
	pf_scriptprint_opts_init(&so);
	so.input = path;
	return tool_export_read(*x, &so, fd, path);
}

static int add_stack(const char *stack, size_t len, uint64_t count, void *fold)
{
	return pf_fold_add(fold, stack, len, count);
}

/* One input, text or recording. */
static int collapse_input(pf_collapse *c, pf_export **x, const struct pf_collapse_opts *o,
			  const char *path, unsigned long long *unrecognized)
{
	int is_data, fd = tool_open_sniffed(path, &is_data);

	if (fd < 0)
		return -1;
	return is_data ? collapse_data(x, o, fd, path) : collapse_file(c, fd, path, unrecognized);
}

/* The stacks as pprof: one sample type, named after the event when one
   was asked for, the process name (and PID, TID) as labels. */
static int write_pprof(pf_collapse *c, const struct pf_collapse_opts *o)
{
	const char *type = o->count_samples ? "samples" :
			   o->event_filter ? o->event_filter : "samples";
	const char *unit = strcmp(type, "cpu-clock") == 0 || strcmp(type, "task-clock") == 0 ||
			   strcmp(type, "offcpu-time") == 0 ? "nanoseconds" : "count";

	return pf_export_fold_pprof(pf_collapse_fold(c), type, unit,
				    o->tid ? 3 : o->pid ? 2 : 1, stdout);
}

int main(int argc, char **argv)
{
	struct pf_collapse_opts o;
	unsigned long long unrecognized = 0;
	static char outbuf[1 << 16];
	const char *kept;
	pf_export *x = NULL;
	pf_collapse *c;
	int i, rc = 0;

	tool_init(PROG);
	pf_collapse_opts_init(&o);
	parse_options(argc, argv, &o);
	if (o.context && !o.inline_frames)
		usage_error("--context needs --inline");
	if (format == PF_EXPORT_PPROF && isatty(1))
		die("refusing to write compressed pprof to a terminal: redirect standard output");
	c = pf_collapse_new(&o);
	if (!c)
		die_lib();
	if (optind == argc)
		rc = collapse_input(c, &x, &o, "-", &unrecognized);
	for (i = optind; i < argc && rc == 0; i++)
		rc = collapse_input(c, &x, &o, argv[i], &unrecognized);
	/* Recordings and text add up in one table. */
	if (rc == 0 && x && pf_fold_each_sorted(pf_export_fold(x), add_stack,
						pf_collapse_fold(c)) != 0) {
		warn("%s", pf_errmsg());
		rc = -1;
	}
	if (rc == 0) {
		if (unrecognized > MAX_WARNINGS)
			warn("%llu unrecognized lines ignored", unrecognized);
		if ((kept = pf_collapse_kept_event(c)) || (x && (kept = pf_export_kept_event(x))))
			fprintf(stderr, "Filtering for events of type: %s\n", kept);
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
		if ((format == PF_EXPORT_PPROF ? write_pprof(c, &o) :
		     pf_fold_write(pf_collapse_fold(c), stdout)) < 0) {
			warn("standard output: %s", pf_errmsg());
			rc = -1;
		} else if (tool_flush_stdout() < 0) {
			rc = -1;
		}
	}
	pf_collapse_free(c);
	pf_export_free(x);
	return rc == 0 ? 0 : 1;
}
