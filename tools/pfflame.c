/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfflame: folded stacks in, one standalone interactive SVG flame graph
 * out, with flamegraph.pl's options and layout; or, with --text, the
 * hottest functions as a plain table.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "export.h"
#include "tool.h"

static const char usage_text[] =
"Usage: pfflame [OPTION]... [FILE]...\n"
"Draw folded stacks (\"frame;frame;frame count\", or differential\n"
"\"stack before after\") from FILEs or standard input, plain or gzip, as an\n"
"interactive SVG flame graph on standard output.\n"
"\n"
"  --title TEXT         title (default \"Flame Graph\")\n"
"  --subtitle TEXT      second title line\n"
"  --width NUM          image width in pixels (default 1200)\n"
"  --height NUM         frame height in pixels (default 16)\n"
"  --minwidth NUM[%]    omit frames narrower than NUM pixels, or NUM percent\n"
"                       of the total (default 0.1)\n"
"  --fonttype FONT      font family (default \"Verdana\")\n"
"  --fontsize NUM       font size (default 12)\n"
"  --fontwidth NUM      average character width relative to the font size\n"
"                       (default 0.59)\n"
"  --countname TEXT     what the counts are (default \"samples\")\n"
"  --nametype TEXT      what the names are (default \"Function:\")\n"
"  --nameattr FILE      attributes for the frames of listed functions, from\n"
"                       \"function<TAB>name=value...\" lines (title, id,\n"
"                       class, href, target, g_extra, a_extra)\n"
"  --colors PALETTE     hot (default), mem, io, wakeup, chain, java, js, perl,\n"
"                       red, green, blue, aqua, yellow, purple, orange\n"
"  --bgcolors COLOR     background: yellow, blue, green, grey or #rrggbb\n"
"  --hash               colours from flamegraph.pl's name hash\n"
"  --random             colours from a fixed-seed random sequence\n"
"  --cp                 consistent palette: read and update ./palette.map\n"
"  --reverse            reverse each stack before merging\n"
"  --inverted           icicle graph (root at the top)\n"
"  --flamechart         flame chart: input order, stacks not merged\n"
"  --negate             swap the differential hues (blue for growth)\n"
"  --notes TEXT         text of the NOTES comment in the SVG\n"
"  --total NUM          total the widths are relative to (if above the sum)\n"
"  --factor NUM         scale the counts shown in titles (default 1)\n"
"  --search-color COLOR colour of search matches (default rgb(230,0,230))\n"
"  --encoding ENC       XML encoding attribute of the SVG\n"
"  --text               print the hottest functions as text instead\n"
"  --pprof              write the stacks as gzip-compressed pprof instead\n"
"                       (counts are whole numbers; --countname names them)\n"
"  -N, --top K          rows of each --text table (default 10)\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n";

enum {
	OPT_TITLE = 256, OPT_SUBTITLE, OPT_WIDTH, OPT_HEIGHT, OPT_MINWIDTH,
	OPT_FONTTYPE, OPT_FONTSIZE, OPT_FONTWIDTH, OPT_COUNTNAME, OPT_NAMETYPE,
	OPT_COLORS, OPT_BGCOLORS, OPT_HASH, OPT_RANDOM, OPT_CP, OPT_REVERSE,
	OPT_INVERTED, OPT_FLAMECHART, OPT_NEGATE, OPT_NOTES, OPT_TOTAL,
	OPT_FACTOR, OPT_SEARCHCOLOR, OPT_ENCODING, OPT_NAMEATTR, OPT_TEXT, OPT_PPROF
};

static const struct option longopts[] = {
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "subtitle", required_argument, NULL, OPT_SUBTITLE },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "height", required_argument, NULL, OPT_HEIGHT },
	{ "minwidth", required_argument, NULL, OPT_MINWIDTH },
	{ "fonttype", required_argument, NULL, OPT_FONTTYPE },
	{ "fontsize", required_argument, NULL, OPT_FONTSIZE },
	{ "fontwidth", required_argument, NULL, OPT_FONTWIDTH },
	{ "countname", required_argument, NULL, OPT_COUNTNAME },
	{ "nametype", required_argument, NULL, OPT_NAMETYPE },
	{ "colors", required_argument, NULL, OPT_COLORS },
	{ "colours", required_argument, NULL, OPT_COLORS },
	{ "bgcolors", required_argument, NULL, OPT_BGCOLORS },
	{ "hash", no_argument, NULL, OPT_HASH },
	{ "random", no_argument, NULL, OPT_RANDOM },
	{ "cp", no_argument, NULL, OPT_CP },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "inverted", no_argument, NULL, OPT_INVERTED },
	{ "flamechart", no_argument, NULL, OPT_FLAMECHART },
	{ "negate", no_argument, NULL, OPT_NEGATE },
	{ "notes", required_argument, NULL, OPT_NOTES },
	{ "total", required_argument, NULL, OPT_TOTAL },
	{ "factor", required_argument, NULL, OPT_FACTOR },
	{ "search-color", required_argument, NULL, OPT_SEARCHCOLOR },
	{ "encoding", required_argument, NULL, OPT_ENCODING },
	{ "nameattr", required_argument, NULL, OPT_NAMEATTR },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "pprof", no_argument, NULL, OPT_PPROF },
	{ "top", required_argument, NULL, 'N' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static double number(const char *arg, const char *what, int allow_pct, int *pct)
{
	char *end;
	double v = strtod(arg, &end);

	if (allow_pct && *end == '%' && end[1] == '\0') {
		*pct = 1;
		end++;
	}
	if (end == arg || *end || !(v >= 0))
		usage_error("%s: %s", what, arg);
	return v;
}

int main(int argc, char **argv)
{
	pf_flame_opts o;
	unsigned flags = 0;
	int text = 0, pprof = 0, c, pct = 0, first_file;
	long top = 10;
	const struct pf_folded_stats *st;
	uint64_t skipped;
	pf_folded *f;
	pf_flame *g;
	static char outbuf[1 << 20];

	tool_init("pfflame");
	pf_flame_opts_init(&o);
	while ((c = getopt_long(argc, argv, "N:hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_TITLE: o.title = optarg; break;
		case OPT_SUBTITLE: o.subtitle = optarg; break;
		case OPT_WIDTH: o.width = (int)number(optarg, "bad --width", 0, NULL); break;
		case OPT_HEIGHT: o.frame_height = (int)number(optarg, "bad --height", 0, NULL); break;
		case OPT_MINWIDTH:
			pct = 0;
			o.minwidth = number(optarg, "bad --minwidth", 1, &pct);
			o.minwidth_pct = pct;
			break;
		case OPT_FONTTYPE: o.fonttype = optarg; break;
		case OPT_FONTSIZE: o.fontsize = number(optarg, "bad --fontsize", 0, NULL); break;
		case OPT_FONTWIDTH: o.fontwidth = number(optarg, "bad --fontwidth", 0, NULL); break;
		case OPT_COUNTNAME: o.countname = optarg; break;
		case OPT_NAMETYPE: o.nametype = optarg; break;
		case OPT_COLORS: o.colors = optarg; break;
		case OPT_BGCOLORS: o.bgcolors = optarg; break;
		case OPT_HASH: o.hash = 1; break;
		case OPT_RANDOM: o.random = 1; break;
		case OPT_CP: o.palette_file = "palette.map"; break;
		case OPT_REVERSE: flags |= PF_FOLDED_REVERSE; break;
		case OPT_INVERTED: o.inverted = 1; break;
		case OPT_FLAMECHART: o.flamechart = 1; break;
		case OPT_NEGATE: o.negate = 1; break;
		case OPT_NOTES: o.notes = optarg; break;
		case OPT_TOTAL: o.total = number(optarg, "bad --total", 0, NULL); break;
		case OPT_FACTOR: o.factor = number(optarg, "bad --factor", 0, NULL); break;
		case OPT_SEARCHCOLOR: o.search_color = optarg; break;
		case OPT_ENCODING: o.encoding = optarg; break;
		case OPT_NAMEATTR: o.nameattr_file = optarg; break;
		case OPT_TEXT: text = 1; break;
		case OPT_PPROF: pprof = 1; break;
		case 'N': top = (long)number(optarg, "bad --top", 0, NULL); break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': print_version();
		default: usage_hint();
		}
	}
	if (pf_flame_opts_check(&o) < 0)
		usage_error("%s", pf_errmsg());
	if (pprof)
		return tool_folded_pprof(argv + optind, argc - optind,
					 strcmp(o.countname, "samples") ? o.countname : NULL);
	f = pf_folded_new(flags);
	if (!f)
		die_lib();
	first_file = optind;
	do {
		const char *path = optind < argc ? argv[optind] : "-";

		if (pf_folded_read(f, path) < 0)
			die_lib();
	} while (++optind < argc);
	st = pf_folded_stats(f);
	skipped = st->skipped;
	if (!(st->total_value > 0)) {
		if (skipped)
			die("%s: not a folded stack line (\"frame;frame count\"); "
			    "no stack counts found", st->first_skipped);
		if (argc - first_file <= 1)
			die("%s: no stack counts found",
			    first_file < argc && strcmp(argv[first_file], "-") ?
			    argv[first_file] : "<stdin>");
		die("no stack counts found in the input");
	}
	if (skipped)
		warn("skipped %llu line%s that %s not folded stacks (first at %s)",
		     (unsigned long long)skipped, skipped == 1 ? "" : "s",
		     skipped == 1 ? "is" : "are", st->first_skipped);
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	if (text) {
		c = pf_flame_write_text(f, stdout, (size_t)top, o.countname);
		if (c < 0)
			die("standard output: %s", pf_errmsg());
		pf_folded_free(f);
		return c < 0;
	}
	if (o.total > 0 && o.total < st->total_value) {
		if (o.total / st->total_value > 0.02)
			warn("--total %g is less than the actual total %g, ignored",
			     o.total, st->total_value);
	}
	g = pf_flame_build(f, &o);
	if (!g || pf_flame_write_svg(g, stdout) < 0)
		die_lib();
	pf_flame_free(g);
	pf_folded_free(f);
	return 0;
}
