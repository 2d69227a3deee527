/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parser for the text `perf script` prints: per sample an event line
 * ("comm pid/tid [cpu] time: period event:"), then one indented frame line
 * per call-chain entry ("\t addr sym+0xoff (dso)"), then a blank line.
 * The parser classifies one line at a time and points into it; it never
 * allocates or copies, so callers can stream any amount of text through it
 * (pair it with pf_lines).
 */
#ifndef PF_SCRIPT_H
#define PF_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum pf_script_kind {
	PF_SCRIPT_BLANK,	/* empty line: end of a sample */
	PF_SCRIPT_COMMENT,	/* "# ..." header line */
	PF_SCRIPT_EVENT,	/* sample header */
	PF_SCRIPT_FRAME,	/* call-chain entry */
	PF_SCRIPT_OTHER		/* anything else */
};

/* A text span inside the parsed line (not NUL-terminated). */
struct pf_span {
	const char *p;
	size_t len;
};

struct pf_script_frame {
	struct pf_span addr;	/* the word before the symbol, usually hex */
	struct pf_span sym;	/* "func+0x1f", "[unknown]", "a->b" ... */
	struct pf_span dso;	/* inside the last " (...)": "/usr/bin/x" */
	int deleted;		/* the dso was printed as "PATH (deleted)" */
};

struct pf_script_event {
	struct pf_span comm;	/* may contain spaces */
	struct pf_span pid;	/* len 0 when the line shows only a TID */
	struct pf_span tid;
	struct pf_span event;	/* "cpu-clock", "sched:sched_switch"; len 0
				   when the line names none */
	struct pf_span period;	/* digits; len 0 when absent */
	int has_frame;		/* the line ends with "addr sym (dso)", as
				   perf prints samples without a call chain;
				   with perf script -F +addr it is the data
				   address when frame lines follow, and the
				   last of two groups when none do */
	struct pf_script_frame frame;
};

struct pf_script_line {
	enum pf_script_kind kind;
	union {
		struct pf_script_event event;
		struct pf_script_frame frame;
	} u;
};

/* Classify LINE (LEN bytes, no newline) and fill OUT, whose spans point
   into LINE.  The fields are found the way stackcollapse-perf.pl finds
   them: a command name is the shortest prefix followed by blanks, a number
   (optionally "/number") and a blank; a frame's dso is the parenthesised
   group that ends at the line's last ')'.  Header lines may be indented
   (perf right-aligns short names of samples without a call chain).  Time
   linear in LEN.  Returns OUT->kind. */
enum pf_script_kind pf_script_parse(const char *line, size_t len,
				    struct pf_script_line *out);

#ifdef __cplusplus
}
#endif

#endif /* PF_SCRIPT_H */
