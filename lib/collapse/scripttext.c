/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * perf-script text parser.  Each line is classified by hand-written
 * scanners that reproduce what stackcollapse-perf.pl's regular expressions
 * match, including their odd corners (a thread named "pf worker 1" has the
 * command name "pf worker", as perl sees it), so that pfcollapse's output
 * can be byte-identical to the perl script's.  Perl's \s, \d and \w are the
 * ASCII classes here: the script reads bytes, not characters.
 */
#include "config.h"

#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"

static inline int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int is_word(unsigned char c)
{
	return is_digit(c) || c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static inline int is_xdigit(unsigned char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static struct pf_span span(const char *s, size_t a, size_t b)
{
	struct pf_span sp = { s + a, b - a };

	return sp;
}

/*
 * The sample header "comm pid[/tid] ...": perl's
 * /^(\S.+?)\s+(\d+)\/ *(\d+)*\s+/ (without the blank after the slash).
 * The command name is the shortest prefix of at least two bytes that is
 * followed by blanks, digits, optional slashes and digits, and a blank.
 * Returns the offset just past the digits, 0 when the line is no header.
 */
static size_t parse_head(const char *s, size_t n, struct pf_script_event *ev)
{
	size_t e;

	if (n == 0 || is_space((unsigned char)s[0]))
		return 0;
	for (e = 2; e < n; e++) {
		size_t i = e, d1, d1e, d2, d2e;

		if (!is_space((unsigned char)s[i]))
			continue;
		while (i < n && is_space((unsigned char)s[i]))
			i++;
		for (d1 = i; i < n && is_digit((unsigned char)s[i]); i++)
			;
		if (i == d1)
			continue;
		d1e = i;
		while (i < n && s[i] == '/')
			i++;
		for (d2 = i; i < n && is_digit((unsigned char)s[i]); i++)
			;
		d2e = i;
		if (i >= n || !is_space((unsigned char)s[i]))
			continue;
		ev->comm = span(s, 0, e);
		if (d2e > d2) {
			ev->pid = span(s, d1, d1e);
			ev->tid = span(s, d2, d2e);
		} else {
			ev->pid = span(s, d1, d1);
			ev->tid = span(s, d1, d1e);
		}
		return i;
	}
	return 0;
}

/*
 * Event and period of a header that ends with "event:", as perl's
 * /:\s*(\d+)*\s+(\S+):\s*$/ finds them.  END excludes trailing blanks.
 */
static void parse_tail_perl(const char *s, size_t end,
			    struct pf_script_event *ev)
{
	size_t t = end - 1, w, d, k;

	while (t > 0 && !is_space((unsigned char)s[t - 1]))
		t--;
	if (t == 0 || t == end - 1)
		return;
	for (w = t; w > 0 && is_space((unsigned char)s[w - 1]); w--)
		;
	if (w == 0)
		return;
	if (s[w - 1] == ':') {
		ev->event = span(s, t, end - 1);
		return;
	}
	for (d = w; d > 0 && is_digit((unsigned char)s[d - 1]); d--)
		;
	if (d == w)
		return;
	for (k = d; k > 0 && is_space((unsigned char)s[k - 1]); k--)
		;
	if (k > 0 && s[k - 1] == ':') {
		ev->event = span(s, t, end - 1);
		ev->period = span(s, d, w);
	}
}

static int parse_frame(const char *s, size_t n, struct pf_script_frame *fr,
		       int hex_only);

/*
 * Headers that go on after the event name: tracepoint fields
 * ("sched:sched_switch: prev_comm=..."), or the sample's only frame when
 * perf printed no call chain ("page-faults:  7f0 main+0x1 (/bin/x)").  perl
 * finds no event in these; the tokens after the TID are [cpu], time:,
 * period and event: in that order, any of them optional.
 */
static void parse_tail_fields(const char *s, size_t i, size_t end,
			      struct pf_script_event *ev)
{
	while (i < end) {
		size_t a, b, k;
		int digits = 1, timelike = 1;

		while (i < end && is_space((unsigned char)s[i]))
			i++;
		for (a = i; i < end && !is_space((unsigned char)s[i]); i++)
			;
		b = i;
		if (a == b)
			return;
		for (k = a; k < b; k++) {
			unsigned char c = (unsigned char)s[k];

			digits &= is_digit(c);
			timelike &= is_digit(c) || c == '.' ||
				    (c == ':' && k == b - 1);
		}
		if (s[a] == '[' && s[b - 1] == ']')
			continue;
		if (digits) {
			ev->period = span(s, a, b);
			continue;
		}
		if (s[b - 1] != ':')
			return;
		if (timelike)
			continue;
		ev->event = span(s, a, b - 1);
		if (parse_frame(s + b, end - b, &ev->frame, 1))
			ev->has_frame = 1;
		return;
	}
}

static int parse_event(const char *s, size_t n, struct pf_script_event *ev)
{
	size_t i, end = n;

	/* Field by field: the frame is left alone unless has_frame is set,
	   and clearing the whole struct showed in profiles. */
	ev->event = span(s, 0, 0);
	ev->period = span(s, 0, 0);
	ev->has_frame = 0;
	i = parse_head(s, n, ev);
	if (!i)
		return 0;
	while (end > 0 && is_space((unsigned char)s[end - 1]))
		end--;
	if (end > 0 && s[end - 1] == ':')
		parse_tail_perl(s, end, ev);
	else
		parse_tail_fields(s, i, end, ev);
	return 1;
}

/*
 * A frame: perl's /^\s*(\w+)\s*(.+) \((\S*)\)/.  The greedy (.+) makes the
 * dso the last " (" group that closes within the same run of non-blanks.
 * perf writes a deleted file as "(PATH (deleted))"; perl then takes
 * "deleted)" for the dso and cuts the symbol, so that form is recognised
 * first.  HEX_ONLY asks for a hexadecimal address (frames on header lines).
 */
static int parse_frame(const char *s, size_t n, struct pf_script_frame *fr,
		       int hex_only)
{
	size_t i = 0, a, f, b, r;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	for (a = i; i < n && is_word((unsigned char)s[i]); i++)
		if (hex_only && !is_xdigit((unsigned char)s[i]))
			return 0;
	if (i == a)
		return 0;
	fr->addr = span(s, a, i);
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	f = i;
	/* Walk the runs of non-blanks from the right. */
	for (b = n; b > f + 1;) {
		size_t q = b;

		while (q > f && !is_space((unsigned char)s[q - 1]))
			q--;
		if (q < b && s[q] == '(' && q >= f + 2 && s[q - 1] == ' ') {
			for (r = b; r > q + 1 && s[r - 1] != ')'; r--)
				;
			if (r > q + 1) {
				r--;	/* the closing parenthesis */
				fr->sym = span(s, f, q - 1);
				fr->dso = span(s, q + 1, r);
				fr->deleted = 0;
				if (hex_only && r + 1 != n)
					return 0;
				if (fr->dso.len == 8 &&
				    memcmp(fr->dso.p, "deleted)", 8) == 0 &&
				    r + 1 == b) {
					size_t q2 = q - 1;

					while (q2 > f && s[q2 - 1] != '(')
						q2--;
					if (q2 > f + 1 && s[q2 - 2] == ' ') {
						fr->sym = span(s, f, q2 - 2);
						fr->dso = span(s, q2, q - 1);
						fr->deleted = 1;
					}
				}
				return 1;
			}
		}
		if (q == f)
			break;
		for (b = q; b > f && is_space((unsigned char)s[b - 1]); b--)
			;
	}
	return 0;
}

PF_EXPORT enum pf_script_kind pf_script_parse(const char *line, size_t len,
					      struct pf_script_line *out)
{
	if (len == 0)
		return out->kind = PF_SCRIPT_BLANK;
	if (line[0] == '#')
		return out->kind = PF_SCRIPT_COMMENT;
	if (!is_space((unsigned char)line[0]) &&
	    parse_event(line, len, &out->u.event))
		return out->kind = PF_SCRIPT_EVENT;
	if (parse_frame(line, len, &out->u.frame, 0))
		return out->kind = PF_SCRIPT_FRAME;
	return out->kind = PF_SCRIPT_OTHER;
}
