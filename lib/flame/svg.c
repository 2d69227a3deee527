/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The SVG writer.  Coordinates, their rounding and the markup of each
 * frame are flamegraph.pl's, because other tools parse that shape:
 *   <g><title>NAME (N samples, P%)</title><rect .../><text ...>label</text></g>
 * The interactive script is ours (flame.js, embedded at build time).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "folded/folded-int.h"
#include "flame/flame-int.h"

#define XPAD 10


/* Whether names are checked as UTF-8: unless --encoding names another
   character set, the SVG is UTF-8 and must stay well-formed XML. */
static _Thread_local int xml_utf8 = 1;

/* Length of the character at S (N > 0 bytes left) if XML 1.0 allows it
   there: a control character, a malformed or overlong UTF-8 sequence, a
   surrogate or U+FFFE/U+FFFF gives 0. */
static size_t xml_char_len(const unsigned char *s, size_t n)
{
	size_t len, k;
	uint32_t c;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
	if (!xml_utf8)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	return len;
}

/* Bytes that cannot appear in the document (NUL, invalid UTF-8 in a
   symbol name) become U+FFFD, so that the SVG always parses. */
static void xml_escape(FILE *out, const char *s, size_t n, int quotes)
{
	size_t i, len, start = 0;

	for (i = 0; i < n; i += len) {
		const char *rep = NULL;

		len = 1;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = quotes ? "&quot;" : NULL; break;
		}
		if (!rep && !(len = xml_char_len((const unsigned char *)s + i, n - i))) {
			rep = "\xef\xbf\xbd";
			len = 1;
		}
		if (rep) {
			fwrite(s + start, 1, i - start, out);
			fputs(rep, out);
			start = i + 1;
		}
	}
	fwrite(s + start, 1, n - start, out);
}

static void xml_escape_str(FILE *out, const char *s)
{
	xml_escape(out, s, strlen(s), 1);
}

/* A JSON string, safe inside CDATA. */
static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>')
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Length of NAME without a trailing _[k], _[w], _[i] or _[j] annotation. */
static size_t strip_annotation(const char *s, size_t n)
{
	if (n >= 4 && s[n - 4] == '_' && s[n - 3] == '[' && s[n - 1] == ']' &&
	    strchr("kwij", s[n - 2]) && s[n - 2])
		return n - 4;
	return n;
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Byte offset of character K of S. */
static size_t utf8_offset(const char *s, size_t n, size_t k)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (c == k)
				return i;
			c++;
		}
	}
	return n;
}

static void header(pf_flame *g, FILE *out, double height, const char *title)
{
	const pf_flame_opts *o = &g->o;
	const char *bg = o->bgcolors ? o->bgcolors : palette_bg_default(o->colors);
	const char *bg1 = "#eeeeee", *bg2 = "#eeeeb0";
	char h[64], fs[64], ts[64];

	if (strcmp(bg, "blue") == 0)
		bg2 = "#e0e0ff";
	else if (strcmp(bg, "green") == 0)
		bg1 = "#eef2ee", bg2 = "#e0ffe0";
	else if (strcmp(bg, "grey") == 0)
		bg1 = "#f8f8f8", bg2 = "#e8e8e8";
	else if (bg[0] == '#')
		bg1 = bg2 = bg;
	perl_num(h, sizeof h, height);
	perl_num(fs, sizeof fs, o->fontsize);
	perl_num(ts, sizeof ts, o->fontsize + 5);
	fputs("<?xml version=\"1.0\"", out);
	if (o->encoding) {
		fputs(" encoding=\"", out);
		xml_escape_str(out, o->encoding);
		fputc('"', out);
	}
	fputs(" standalone=\"no\"?>\n"
	      "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n", out);
	fprintf(out, "<svg version=\"1.1\" width=\"%d\" height=\"%s\" onload=\"init(evt)\" "
		"viewBox=\"0 0 %d %s\" xmlns=\"http://www.w3.org/2000/svg\" "
		"xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n", o->width, h, o->width, h);
	fputs("<!-- Flame graph drawn by pfflame (pftools) in the layout of FlameGraph's flamegraph.pl: "
	      "hover for details, click to zoom, Ctrl-F to search. -->\n<!-- NOTES: ", out);
	if (o->notes)
		fputs(o->notes, out);
	fputs(" -->\n", out);
	fprintf(out, "<defs>\n\t<linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\" >\n"
		"\t\t<stop stop-color=\"%s\" offset=\"5%%\" />\n"
		"\t\t<stop stop-color=\"%s\" offset=\"95%%\" />\n"
		"\t</linearGradient>\n</defs>\n", bg1, bg2);
	fputs("<style type=\"text/css\">\n\ttext { font-family:", out);
	xml_escape(out, o->fonttype, strlen(o->fonttype), 0);
	fprintf(out, "; font-size:%spx; fill:rgb(0,0,0); }\n"
		"\t#search, #ignorecase { opacity:0.1; cursor:pointer; }\n"
		"\t#search:hover, #search.show, #ignorecase:hover, #ignorecase.show { opacity:1; }\n"
		"\t#subtitle { text-anchor:middle; font-color:rgb(160,160,160); }\n"
		"\t#title { text-anchor:middle; font-size:%spx}\n"
		"\t#unzoom { cursor:pointer; }\n"
		"\t#frames > *:hover { stroke:black; stroke-width:0.5; cursor:pointer; }\n"
		"\t.hide { display:none; }\n"
		"\t.parent { opacity:0.5; }\n"
		"</style>\n", fs, ts);
	fputs("<script type=\"text/ecmascript\">\n<![CDATA[\nvar pfcfg = {\"xpad\": 10, \"inverted\": ", out);
	fprintf(out, "%d, \"fontsize\": %s, \"fontwidth\": %.15g, \"nametype\": ", o->inverted ? 1 : 0,
		fs, o->fontwidth);
	json_str(out, o->nametype);
	fputs(", \"searchcolor\": ", out);
	json_str(out, o->search_color);
	fputs("};\n", out);
	fputs(flame_script, out);
	fputs("]]>\n</script>\n", out);
	fprintf(out, "<rect x=\"0.0\" y=\"0\" width=\"%d.0\" height=\"%.1f\" fill=\"url(#background)\"  />\n",
		o->width, height);
	perl_num(fs, sizeof fs, o->fontsize * 2);
	fprintf(out, "<text id=\"title\" x=\"%.2f\" y=\"%s\" >", (double)(o->width / 2), fs);
	xml_escape(out, title, strlen(title), 0);
	fputs("</text>\n", out);
	if (o->subtitle && *o->subtitle) {
		perl_num(ts, sizeof ts, o->fontsize * 4);
		fprintf(out, "<text id=\"subtitle\" x=\"%.2f\" y=\"%s\" >", (double)(o->width / 2), ts);
		xml_escape(out, o->subtitle, strlen(o->subtitle), 0);
		fputs("</text>\n", out);
	}
	perl_num(h, sizeof h, height - (o->fontsize * 2 + 10) / 2);
	fprintf(out, "<text id=\"details\" x=\"%.2f\" y=\"%s\" > </text>\n", (double)XPAD, h);
	fprintf(out, "<text id=\"unzoom\" x=\"%.2f\" y=\"%s\" class=\"hide\">Reset Zoom</text>\n",
		(double)XPAD, fs);
	fprintf(out, "<text id=\"search\" x=\"%.2f\" y=\"%s\" >Search</text>\n",
		(double)(o->width - XPAD - 100), fs);
	fprintf(out, "<text id=\"ignorecase\" x=\"%.2f\" y=\"%s\" >ic</text>\n",
		(double)(o->width - XPAD - 16), fs);
	fprintf(out, "<text id=\"matched\" x=\"%.2f\" y=\"%s\" > </text>\n",
		(double)(o->width - XPAD - 100), h);
}

static void frame_title(pf_flame *g, FILE *out, const struct frame *fr,
			const char *name, size_t len, double width_counts)
{
	const pf_flame_opts *o = &g->o;
	char num[64], txt[80], pct[64];
	double samples;
	int root = fr->name == ROOT_NAME;

	if (!g->decimal && o->factor == 1 && (!root || g->timemax == g->time)) {
		/* integers stay exact past 2^53, where doubles round */
		struct fcount c = { root ? g->count : fr->count, 0 };

		fcount_format(txt, sizeof txt, &c, 0, FCOUNT_COMMAS);
		samples = (double)c.n;
	} else {
		snprintf(num, sizeof num, "%.0f", width_counts * o->factor);
		samples = strtod(num, NULL);
		commify(txt, sizeof txt, samples);
	}
	fputs("<title>", out);
	if (root) {
		fprintf(out, "all (%s ", txt);
		xml_escape(out, o->countname, strlen(o->countname), 1);
		fputs(", 100%)</title>", out);
		return;
	}
	snprintf(pct, sizeof pct, "%.2f", 100 * samples / (g->timemax * o->factor));
	xml_escape(out, name, strip_annotation(name, len), 1);
	fprintf(out, " (%s ", txt);
	xml_escape(out, o->countname, strlen(o->countname), 1);
	fprintf(out, ", %s%%", pct);
	if (fr->has_delta) {
		/* "+ 0.0": perl's integer zero has no sign */
		double d = (o->negate ? -fr->delta : fr->delta) + 0.0;

		snprintf(pct, sizeof pct, "%.2f", 100 * d / (g->timemax * o->factor));
		fprintf(out, "; %s%s%%", d > 0 ? "+" : "", pct);
	}
	fputs(")</title>", out);
}

static void frame_label(pf_flame *g, FILE *out, const char *name, size_t len,
			double x1, double x2)
{
	int chars = (int)((x2 - x1) / (g->o.fontsize * g->o.fontwidth));
	size_t n, nc;

	if (chars < 3)
		return;
	n = strip_annotation(name, len);
	nc = utf8_chars(name, n);
	if ((size_t)chars < nc) {
		xml_escape(out, name, utf8_offset(name, n, (size_t)chars - 2), 0);
		fputs("..", out);
	} else {
		xml_escape(out, name, n, 0);
	}
}

static int frame_colour(pf_flame *g, struct colour_state *cs, struct palette_map *pm,
			const struct frame *fr, const char *name, size_t len, char *buf)
{
	if (len == 2 && memcmp(name, "--", 2) == 0)
		strcpy(buf, "rgb(160,160,160)");
	else if (len == 1 && name[0] == '-')
		strcpy(buf, "rgb(200,200,200)");
	else if (fr->has_delta)
		colour_delta(fr->delta, g->maxdelta, g->o.negate, buf);
	else if (pm) {
		const char *c = palette_map_get(pm, name, len);

		if (c) {
			snprintf(buf, 64, "%s", c);
			return 0;
		}
		colour_name(cs, name, len, buf);
		return palette_map_put(pm, name, len, buf);
	} else
		colour_name(cs, name, len, buf);
	return 0;
}

/* Whether a --nameattr value counts, as perl's truth does (enough here). */
static int given(const char *v)
{
	return v && *v;
}

static void attr(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	xml_escape_str(out, value);
	fputc('"', out);
}

/* A frame's element: <g>, or <a> for a --nameattr link, with the
   attributes in flamegraph.pl's order. */
static void group_start(FILE *out, const struct frame_attrs *a)
{
	int link = a && given(a->href);

	if (link) {
		fputs("<a", out);
		attr(out, "xlink:href", a->href);
		attr(out, "target", given(a->target) ? a->target : "_top");
		if (given(a->a_extra))
			fprintf(out, " %s", a->a_extra);
	} else {
		fputs("<g", out);
	}
	if (!a || (!link && !a->id && !a->class_name && !given(a->g_extra))) {
		fputs(" >\n", out);	/* flamegraph.pl's "<g >" */
		return;
	}
	if (a->id)
		attr(out, "id", a->id);
	if (a->class_name)
		attr(out, "class", a->class_name);
	if (given(a->g_extra))
		fprintf(out, " %s", a->g_extra);
	fputs(">\n", out);
}

static int frames(pf_flame *g, FILE *out, double height, struct palette_map *pm,
		  const struct name_attrs *na)
{
	const pf_flame_opts *o = &g->o;
	struct colour_state cs = { o->colors, o->hash, o->random, 0x1234ABCD330EULL };
	double wpt = (o->width - 2 * XPAD) / g->timemax;
	double ypad1 = o->fontsize * 3, ypad2 = o->fontsize * 2 + 10;
	size_t i;

	fputs("<g id=\"frames\">\n", out);
	for (i = 0; i < g->nframes; i++) {
		const struct frame *fr = &g->frames[i];
		size_t len = 0;
		const char *name = fr->name == ROOT_NAME ? "" : pf_folded_name(g->f, fr->name, &len);
		double etime = fr->name == ROOT_NAME ? g->timemax : fr->etime;
		double x1 = XPAD + fr->stime * wpt, x2 = XPAD + etime * wpt, y1, y2;
		char sx1[64], sx2[64], sy1[64], sty[64], colour[64];
		const struct frame_attrs *attrs;

		if (!o->inverted) {
			y1 = height - ypad2 - (fr->depth + 1.0) * o->frame_height + 1;
			y2 = height - ypad2 - (double)fr->depth * o->frame_height;
		} else {
			y1 = ypad1 + (double)fr->depth * o->frame_height;
			y2 = ypad1 + (fr->depth + 1.0) * o->frame_height - 1;
		}
		if (frame_colour(g, &cs, pm, fr, name, len, colour) < 0)
			return -1;
		attrs = na ? name_attrs_get(na, name, len) : NULL;
		group_start(out, attrs);
		if (attrs && given(attrs->title)) {
			fputs("<title>", out);
			xml_escape_str(out, attrs->title);
			fputs("</title>", out);
		} else {
			frame_title(g, out, fr, name, len, etime - fr->stime);
		}
		snprintf(sx1, sizeof sx1, "%0.1f", x1);
		snprintf(sx2, sizeof sx2, "%0.1f", x2);
		perl_num(sy1, sizeof sy1, y1);
		perl_num(sty, sizeof sty, 3 + (y1 + y2) / 2);
		fprintf(out, "<rect x=\"%s\" y=\"%s\" width=\"%0.1f\" height=\"%0.1f\" fill=\"%s\" rx=\"2\" ry=\"2\" />\n",
			sx1, sy1, strtod(sx2, NULL) - strtod(sx1, NULL), y2 - y1, colour);
		fprintf(out, "<text  x=\"%0.2f\" y=\"%s\" >", x1 + 3, sty);
		frame_label(g, out, name, len, x1, x2);
		fputs(attrs && given(attrs->href) ? "</text>\n</a>\n" : "</text>\n</g>\n", out);
	}
	fputs("</g>\n", out);
	return 0;
}

PF_EXPORT int pf_flame_write_svg(pf_flame *g, FILE *out)
{
	const pf_flame_opts *o = &g->o;
	double height = (g->depthmax + 1.0) * o->frame_height + o->fontsize * 3 +
			o->fontsize * 2 + 10;
	const char *title = o->title;
	struct palette_map *pm = NULL;
	struct name_attrs *na = NULL;
	int rc = 0;

	xml_utf8 = !o->encoding || strcasecmp(o->encoding, "UTF-8") == 0 ||
		   strcasecmp(o->encoding, "utf8") == 0;
	if (o->subtitle && *o->subtitle)
		height += o->fontsize * 2;
	if (!title)
		title = o->flamechart ? "Flame Chart" : o->inverted ? "Icicle Graph" : "Flame Graph";
	if (o->nameattr_file && !(na = name_attrs_load(o->nameattr_file)))
		return -1;
	if (o->palette_file && !(pm = palette_map_load(o->palette_file))) {
		name_attrs_free(na);
		return -1;
	}
	header(g, out, height, title);
	if (frames(g, out, height, pm, na) < 0)
		rc = -1;
	name_attrs_free(na);
	fputs("</svg>\n", out);
	if (fflush(out) != 0 || ferror(out)) {
		error_set_errno(errno, "write failed");
		rc = -1;
	}
	if (pm) {
		if (rc == 0 && palette_map_save(pm, o->palette_file) < 0)
			rc = -1;
		palette_map_free(pm);
	}
	return rc;
}
