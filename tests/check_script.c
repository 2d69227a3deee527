/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the perf-script parser (lib/collapse/scripttext.c): header forms
 * (pid/tid, [cpu], periods, names with spaces, tracepoint fields, a frame on
 * the header), frame lines (offsets, spaces and parentheses in names,
 * deleted files) and the other kinds of line.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "check-run.h"

static struct pf_script_line pl;

static enum pf_script_kind parse(const char *s)
{
	return pf_script_parse(s, strlen(s), &pl);
}

#define SPAN_EQ(sp, str) do { \
	ck_assert_uint_eq((sp).len, strlen(str)); \
	ck_assert((sp).len == 0 || memcmp((sp).p, (str), (sp).len) == 0); \
} while (0)

START_TEST(header_default)
{
	ck_assert_int_eq(parse("gcc 18833   242.070803:    1001001 cpu-clock: "),
			 PF_SCRIPT_EVENT);
	SPAN_EQ(pl.u.event.comm, "gcc");
	SPAN_EQ(pl.u.event.pid, "");
	SPAN_EQ(pl.u.event.tid, "18833");
	SPAN_EQ(pl.u.event.event, "cpu-clock");
	SPAN_EQ(pl.u.event.period, "1001001");
	ck_assert_int_eq(pl.u.event.has_frame, 0);
}
END_TEST

START_TEST(header_pid_tid_cpu)
{
	ck_assert_int_eq(parse("java 24636/25607 [000] 4794564.109216: 1 cycles:u:"),
			 PF_SCRIPT_EVENT);
	SPAN_EQ(pl.u.event.comm, "java");
	SPAN_EQ(pl.u.event.pid, "24636");
	SPAN_EQ(pl.u.event.tid, "25607");
	SPAN_EQ(pl.u.event.event, "cycles:u");
	SPAN_EQ(pl.u.event.period, "1");

	/* No period. */
	ck_assert_int_eq(parse("java 12688 [002] 6544038.708352: cpu-clock:"),
			 PF_SCRIPT_EVENT);
	SPAN_EQ(pl.u.event.event, "cpu-clock");
	SPAN_EQ(pl.u.event.period, "");
}
END_TEST

START_TEST(header_comm_spaces)
{
	parse("V8 WorkerThread 24636/25607 [000] 94564.109216: 100 cycles:");
	SPAN_EQ(pl.u.event.comm, "V8 WorkerThread");
	SPAN_EQ(pl.u.event.tid, "25607");
	/* As perl sees it: the shortest name followed by a number. */
	parse("pf worker 1 15579/15580 [000] 230.1: 1 page-faults: ");
	SPAN_EQ(pl.u.event.comm, "pf worker");
	SPAN_EQ(pl.u.event.pid, "");
	SPAN_EQ(pl.u.event.tid, "1");
	SPAN_EQ(pl.u.event.event, "page-faults");
}
END_TEST

START_TEST(header_tracepoint)
{
	ck_assert_int_eq(parse("app 1234 [000] 100.2: 1 sched:sched_switch: "
			       "prev_comm=app prev_pid=1234 ==> next_comm=swapper/0"),
			 PF_SCRIPT_EVENT);
	SPAN_EQ(pl.u.event.event, "sched:sched_switch");
	SPAN_EQ(pl.u.event.period, "1");
	ck_assert_int_eq(pl.u.event.has_frame, 0);
}
END_TEST

START_TEST(header_with_frame)
{
	ck_assert_int_eq(parse("app 1234 100.6: 1 page-faults:      401136 main+0x16 (/usr/bin/app)"),
			 PF_SCRIPT_EVENT);
	SPAN_EQ(pl.u.event.event, "page-faults");
	ck_assert_int_eq(pl.u.event.has_frame, 1);
	SPAN_EQ(pl.u.event.frame.addr, "401136");
	SPAN_EQ(pl.u.event.frame.sym, "main+0x16");
	SPAN_EQ(pl.u.event.frame.dso, "/usr/bin/app");
}
END_TEST

/* A frame line and the fields it must give (NULL: not a frame). */
static const struct {
	const char *line, *addr, *sym, *dso;
	int deleted;
} frame_cases[] = {
	{ "\tffffffff8103ce3b native_safe_halt+0x1b ([kernel.kallsyms])",
	  "ffffffff8103ce3b", "native_safe_halt+0x1b", "[kernel.kallsyms]", 0 },
	{ "\t   13a34 std::function<void (int)>::operator()(int) const+0xc4 (/usr/bin/cxx)",
	  "13a34", "std::function<void (int)>::operator()(int) const+0xc4", "/usr/bin/cxx", 0 },
	{ "\t    7f0000001234 do_work+0x34 (/tmp/lib work.so (deleted))",
	  "7f0000001234", "do_work+0x34", "/tmp/lib work.so", 1 },
	{ "\t 7f00 [unknown] ([unknown])", "7f00", "[unknown]", "[unknown]", 0 },
	/* Text after the dso is ignored, as perl ignores it. */
	{ "\t 7f00 f (/bin/x) trailing", "7f00", "f", "/bin/x", 0 },
	/* No symbol: split as perl's regular expression splits it. */
	{ "\t    7f3a1c2b (/usr/lib/libfoo.so)", "7f3a1c2", "b", "/usr/lib/libfoo.so", 0 },
	{ "\t    7f3a1c2b  (/usr/lib/libfoo.so)", "7f3a1c2b", " ", "/usr/lib/libfoo.so", 0 },
	{ "\t    7f3a1c2b\t(/usr/lib/libfoo.so)", NULL, NULL, NULL, 0 },
	/* Spaces and parentheses in paths. */
	{ "\t    7f0000001234 [unknown] (/opt/my lib/libwork.so)",
	  "7f0000001234", "[unknown]", "/opt/my lib/libwork.so", 0 },
	{ "\t    7f0000001234 f (/opt/tools (x86)/libwork.so)",
	  "7f0000001234", "f", "/opt/tools (x86)/libwork.so", 0 },
	/* Unbalanced: perl's last " (". */
	{ "\t    7f0000001234 f (/opt/a) b)", "7f0000001234", "f", "/opt/a) b", 0 },
};

START_TEST(frames)
{
	size_t i;

	for (i = 0; i < sizeof frame_cases / sizeof *frame_cases; i++) {
		enum pf_script_kind k = parse(frame_cases[i].line);

		if (!frame_cases[i].sym) {
			ck_assert_int_eq(k, PF_SCRIPT_OTHER);
			continue;
		}
		ck_assert_int_eq(k, PF_SCRIPT_FRAME);
		SPAN_EQ(pl.u.frame.addr, frame_cases[i].addr);
		SPAN_EQ(pl.u.frame.sym, frame_cases[i].sym);
		SPAN_EQ(pl.u.frame.dso, frame_cases[i].dso);
		ck_assert_int_eq(pl.u.frame.deleted, frame_cases[i].deleted);
	}
}
END_TEST

START_TEST(other_kinds)
{
	ck_assert_int_eq(parse(""), PF_SCRIPT_BLANK);
	ck_assert_int_eq(parse("# cmdline : /usr/bin/perf record -g"), PF_SCRIPT_COMMENT);
	ck_assert_int_eq(parse("hello world"), PF_SCRIPT_OTHER);
	ck_assert_int_eq(parse("   "), PF_SCRIPT_OTHER);
	ck_assert_int_eq(parse("\t7f00 no dso"), PF_SCRIPT_OTHER);
	/* perl's name is two bytes at least: "x" takes the time with it. */
	ck_assert_int_eq(parse("x 12 1.0: 1 ev:"), PF_SCRIPT_EVENT);
	SPAN_EQ(pl.u.event.comm, "x 12 1.0:");
	SPAN_EQ(pl.u.event.tid, "1");
}
END_TEST

START_TEST(header_number_is_not_period)
{
	/* "pf worker 1" leaves its TID among the fields: not a period. */
	ck_assert_int_eq(parse("pf worker 1 18048 [000] 235.72: exceptions:page_fault_user: "
			       "address=0x7f0 ip=0x401 error_code=0x6"), PF_SCRIPT_EVENT);
	SPAN_EQ(pl.u.event.comm, "pf worker");
	SPAN_EQ(pl.u.event.event, "exceptions:page_fault_user");
	SPAN_EQ(pl.u.event.period, "");
	parse("pf worker 1 18048 100 cycles:  401136 main+0x16 (/usr/bin/app)");
	SPAN_EQ(pl.u.event.period, "100");
}
END_TEST

START_TEST(header_padded)
{
	/* perf prints "%16s" names for samples without a call chain. */
	ck_assert_int_eq(parse("             app 15782  2904.245154:          1 page-faults:  "
			       "ffffffff8177d51a elf_load+0x28a ([kernel.kallsyms])"),
			 PF_SCRIPT_EVENT);
	SPAN_EQ(pl.u.event.comm, "app");
	SPAN_EQ(pl.u.event.tid, "15782");
	SPAN_EQ(pl.u.event.period, "1");
	SPAN_EQ(pl.u.event.frame.sym, "elf_load+0x28a");
	/* An indented frame is no header. */
	ck_assert_int_eq(parse("    401136 main+0x16 (/usr/bin/app)"), PF_SCRIPT_FRAME);
	ck_assert_int_eq(parse("    app 12 34 (x)"), PF_SCRIPT_FRAME);
}
END_TEST

START_TEST(header_addr)
{
	/* perf script -F +addr without a call chain: the data address and
	   then the sample's frame; the last one is the frame. */
	parse("app 16555  2913.204398:          1 page-faults:     7f670873a110 "
	      "dl_close_state.2+0x0 (/usr/lib/ld.so) ffffffff8177d51a elf_load+0x28a "
	      "([kernel.kallsyms])");
	ck_assert_int_eq(pl.u.event.has_frame, 1);
	SPAN_EQ(pl.u.event.frame.addr, "ffffffff8177d51a");
	SPAN_EQ(pl.u.event.frame.sym, "elf_load+0x28a");
	SPAN_EQ(pl.u.event.frame.dso, "[kernel.kallsyms]");
	parse("app 1 1.0: 1 page-faults:  7f0 f(int) const (/opt/a (x86)/app)");
	SPAN_EQ(pl.u.event.frame.addr, "7f0");
	SPAN_EQ(pl.u.event.frame.sym, "f(int) const");
	SPAN_EQ(pl.u.event.frame.dso, "/opt/a (x86)/app");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("script");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, header_default);
	tcase_add_test(tc, header_pid_tid_cpu);
	tcase_add_test(tc, header_comm_spaces);
	tcase_add_test(tc, header_tracepoint);
	tcase_add_test(tc, header_with_frame);
	tcase_add_test(tc, frames);
	tcase_add_test(tc, other_kinds);
	tcase_add_test(tc, header_number_is_not_period);
	tcase_add_test(tc, header_padded);
	tcase_add_test(tc, header_addr);
	suite_add_tcase(s, tc);
	return check_run(s);
}
