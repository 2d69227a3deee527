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
 * /^(\S.+?)\s+(\d+)[\/]*(\d+)*\s+/.  The command name is the shortest prefix
 * of at least two bytes that is followed by blanks, digits, optional
 * slashes and digits, and a blank.  Returns the offset just past the
 * digits, 0 when the line is no header.  Linear: every prefix ending inside
 * one run of blanks leads to the same digits, so a run is tried once.
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
		if (i == d1) {
			e = i - 1;	/* past the run of blanks */
			continue;
		}
		d1e = i;
		while (i < n && s[i] == '/')
			i++;
		for (d2 = i; i < n && is_digit((unsigned char)s[i]); i++)
			;
		d2e = i;
		if (i >= n || !is_space((unsigned char)s[i])) {
			e = d1 - 1;
			continue;
		}
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

/* Index of the '(' that opens the group closed by S[R], or N when the
   parentheses do not balance. */
static size_t group_open(const char *s, size_t r, size_t n)
{
	size_t depth = 0, i;

	for (i = r + 1; i-- > 0;) {
		if (s[i] == ')')
			depth++;
		else if (s[i] == '(' && --depth == 0)
			return i;
	}
	return n;
}

/* Set FR's symbol [A, B) and dso [Q + 1, R); "PATH (deleted)" is perf's
   mark of a file deleted since it was mapped. */
static void set_frame(struct pf_script_frame *fr, const char *s, size_t a,
		      size_t b, size_t q, size_t r)
{
	fr->sym = span(s, a, b);
	fr->dso = span(s, q + 1, r);
	fr->deleted = 0;
	if (fr->dso.len > 10 &&
	    memcmp(fr->dso.p + fr->dso.len - 10, " (deleted)", 10) == 0) {
		fr->dso.len -= 10;
		fr->deleted = 1;
	}
}

/*
 * A frame line: perl's /^\s*(\w+)\s*(.+) \((.*)\)/, which takes the text
 * up to the line's last ')' for the dso and everything from the address to
 * the " (" before it for the symbol.  The dso here is the balanced group
 * that ends at that ')', so a path with parentheses in it, and perf's
 * "(PATH (deleted))", stay whole; perl's last " (" is the fallback when
 * the parentheses do not balance.  A frame without a symbol
 * ("7f3a1c2b (/lib/x.so)", as `perf script -F ip,dso` prints it) is split
 * as perl's backtracking splits it: the blank before the '(' for two
 * blanks, else the address's last character.
 */
static int parse_frame(const char *s, size_t n, struct pf_script_frame *fr)
{
	size_t i = 0, a, e1, e2, r, q, p;
	const char *rp;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	for (a = i; i < n && is_word((unsigned char)s[i]); i++)
		;
	if (i == a)
		return 0;
	e1 = i;
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	e2 = i;
	rp = memrchr(s, ')', n);
	if (!rp || (r = (size_t)(rp - s)) < e1 + 2)
		return 0;
	q = group_open(s, r, n);
	if (q < n && q >= e2 + 2 && s[q - 1] == ' ') {
		fr->addr = span(s, a, e1);
		set_frame(fr, s, e2, q - 1, q, r);
		return 1;
	}
	/* perl's greedy (.+): the last " (" with a ')' after it */
	for (p = r - 1; p-- > e2 + 1;)
		if (s[p] == ' ' && s[p + 1] == '(')
			break;
	if (p != (size_t)-1 && p > e2) {
		fr->addr = span(s, a, e1);
		set_frame(fr, s, e2, p, p + 1, r);
		return 1;
	}
	/* No symbol between the address and the group. */
	if (e2 < r && s[e2] == '(' && s[e2 - 1] == ' ') {
		if (e2 - e1 >= 2) {
			fr->addr = span(s, a, e1);
			set_frame(fr, s, e2 - 2, e2 - 1, e2, r);
			return 1;
		}
		if (e1 - a >= 2) {
			fr->addr = span(s, a, e1 - 1);
			set_frame(fr, s, e1 - 1, e1, e2, r);
			return 1;
		}
	}
	return 0;
}

/* Whether S[A, B) is a hexadecimal number. */
static int is_hex_word(const char *s, size_t a, size_t b)
{
	if (a == b)
		return 0;
	for (; a < b; a++)
		if (!is_xdigit((unsigned char)s[a]))
			return 0;
	return 1;
}

/*
 * The frames perf prints on a header line after the event name: the
 * sample's own frame when it has no call chain, and before it, with
 * `perf script -F +addr`, the data address with its symbol and mapping.
 * Each group is "hexaddr sym (dso)"; a group ends at a ')' followed by
 * blanks and the next hexadecimal address.  FR gets the last group.
 */
static int parse_header_frame(const char *s, size_t n, struct pf_script_frame *fr)
{
	size_t i, last = 0, next, b;

	for (i = 0; i < n; i++) {
		if (s[i] != ')' || i + 1 >= n || !is_space((unsigned char)s[i + 1]))
			continue;
		for (next = i + 1; next < n && is_space((unsigned char)s[next]); next++)
			;
		for (b = next; b < n && is_xdigit((unsigned char)s[b]); b++)
			;
		if (b > next && b < n && is_space((unsigned char)s[b]))
			last = next;
		i = next - 1;
	}
	while (last < n && is_space((unsigned char)s[last]))
		last++;
	for (b = last; b < n && !is_space((unsigned char)s[b]); b++)
		;
	if (!is_hex_word(s, last, b))
		return 0;
	return parse_frame(s + last, n - last, fr);
}

/*
 * Headers that go on after the event name: tracepoint fields
 * ("sched:sched_switch: prev_comm=..."), or frames when perf printed no
 * call chain ("page-faults:  7f0 main+0x1 (/bin/x)").  perl finds no event
 * in these; the tokens after the TID are [cpu], time:, period and event:
 * in that order, any of them optional.  A number is the period only right
 * before the event: a thread named "pf worker 1" leaves its real TID here.
 */
static void parse_tail_fields(const char *s, size_t i, size_t end,
			      struct pf_script_event *ev)
{
	struct pf_span digits = span(s, 0, 0);

	while (i < end) {
		size_t a, b, k;
		int all_digits = 1, timelike = 1;

		while (i < end && is_space((unsigned char)s[i]))
			i++;
		for (a = i; i < end && !is_space((unsigned char)s[i]); i++)
			;
		b = i;
		if (a == b)
			return;
		for (k = a; k < b; k++) {
			unsigned char c = (unsigned char)s[k];

			all_digits &= is_digit(c);
			timelike &= is_digit(c) || c == '.' ||
				    (c == ':' && k == b - 1);
		}
		if (all_digits) {
			digits = span(s, a, b);
			continue;
		}
		if ((s[a] == '[' && s[b - 1] == ']') || (timelike && s[b - 1] == ':')) {
			digits = span(s, 0, 0);
			continue;
		}
		if (s[b - 1] != ':')
			return;
		ev->event = span(s, a, b - 1);
		ev->period = digits;
		if (parse_header_frame(s + b, end - b, &ev->frame))
			ev->has_frame = 1;
		return;
	}
}

/* A header line; PADDED for one that perf right-aligned (the command name
   of a sample without a call chain is printed "%16s"): it must name an
   event, so that indented frame lines are not taken for headers. */
static int parse_event(const char *s, size_t n, struct pf_script_event *ev,
		       int padded)
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
	return !padded || ev->event.len > 0;
}

PF_EXPORT enum pf_script_kind pf_script_parse(const char *line, size_t len,
					      struct pf_script_line *out)
{
	if (len == 0)
		return out->kind = PF_SCRIPT_BLANK;
	if (line[0] == '#')
		return out->kind = PF_SCRIPT_COMMENT;
	if (!is_space((unsigned char)line[0]) &&
	    parse_event(line, len, &out->u.event, 0))
		return out->kind = PF_SCRIPT_EVENT;
	if (line[0] == ' ') {
		size_t k = 1;

		while (k < len && line[k] == ' ')
			k++;
		if (parse_event(line + k, len - k, &out->u.event, 1))
			return out->kind = PF_SCRIPT_EVENT;
	}
	if (parse_frame(line, len, &out->u.frame))
		return out->kind = PF_SCRIPT_FRAME;
	return out->kind = PF_SCRIPT_OTHER;
}
