/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the tracepoint print-fmt evaluator: a TRACING_DATA blob is
 * built from the format files of tests/data/script/tracefmt/ (copied from
 * a 6.18 kernel's tracefs), and hand-made raw records of each event must
 * print as perf script 6.1 printed the same values in a real recording.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "script/tracefmt-int.h"
#include "check-run.h"

static const char *const formats[] = {
	"sched.sched_switch", "exceptions.page_fault_user", "syscalls.sys_enter_mmap",
	"raw_syscalls.sys_enter", "sched.sched_process_exec", "timer.hrtimer_setup",
	"kmem.mm_page_alloc", "kvm.kvm_emulate_insn", "rcu.rcu_utilization",
	"mmap.vm_unmapped_area", "ipi.ipi_send_cpu", "writeback.writeback_mark_inode_dirty",
	"timer.timer_start",
};
#define NFORMATS (sizeof formats / sizeof *formats)

/* Their ids, as the format files say. */
enum {
	PAGE_FAULT_USER = 190, MM_PAGE_ALLOC = 653, KVM_EMULATE_INSN = 85,
	RAW_SYS_ENTER = 443, RCU_UTILIZATION = 424, PROCESS_EXEC = 365,
	SCHED_SWITCH = 372, SYS_ENTER_MMAP = 174, HRTIMER_SETUP = 461,
	VM_UNMAPPED_AREA = 697, IPI_SEND_CPU = 354, MARK_INODE_DIRTY = 1007,
	TIMER_START = 466,
};

struct blob {
	unsigned char *p;
	size_t n;
};

static void put(struct blob *b, const void *s, size_t n)
{
	b->p = realloc(b->p, b->n + n);
	ck_assert_ptr_nonnull(b->p);
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void put32(struct blob *b, uint32_t v) { put(b, &v, 4); }
static void put64(struct blob *b, uint64_t v) { put(b, &v, 8); }

static char *slurp(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	static char buf[65536];

	snprintf(path, sizeof path, "%s/tests/data/script/tracefmt/%s.format",
		 top ? top : ".", name);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return buf;
}

/* The start of TRACING_DATA as perf's trace-event-info.c writes it: magic,
   version, byte order, long size, page size, empty header_page and
   header_event, no ftrace formats; the systems follow. */
static struct blob blob_start(void)
{
	struct blob b = { NULL, 0 };

	put(&b, "\x17\x08\x44tracing", 10);
	put(&b, "0.6", 4);
	put(&b, "\0\x08", 2);
	put32(&b, 4096);
	put(&b, "header_page", 12);
	put64(&b, 0);
	put(&b, "header_event", 13);
	put64(&b, 0);
	put32(&b, 0);
	return b;
}

/* The layout perf's trace-event-info.c writes, one system per event. */
static struct tf_set *load(void)
{
	static const char printk[] = "0xffffffff8281a424 : \"Start context switch\"\n";
	struct blob b = blob_start();

	put32(&b, NFORMATS);
	for (size_t i = 0; i < NFORMATS; i++) {
		size_t len;
		const char *text = slurp(formats[i], &len);

		put(&b, formats[i], (size_t)(strchr(formats[i], '.') - formats[i]));
		put(&b, "", 1);
		put32(&b, 1);
		put64(&b, len);
		put(&b, text, len);
	}
	put32(&b, 0);
	put32(&b, sizeof printk - 1);
	put(&b, printk, sizeof printk - 1);
	put64(&b, 0);
	struct tf_set *set = tf_parse(b.p, b.n);
	free(b.p);
	ck_assert_ptr_nonnull(set);
	return set;
}

static void put_at(unsigned char *raw, unsigned off, uint64_t v, unsigned size)
{
	memcpy(raw + off, &v, size);
}

static void expect(const struct tf_set *set, uint64_t id, const unsigned char *raw, size_t n,
		   const char *want)
{
	const struct tf_event *ev = tf_find(set, id);
	char out[4096];

	ck_assert_msg(ev != NULL, "no event %llu", (unsigned long long)id);
	tf_format(set, ev, raw, n, out, sizeof out);
	ck_assert_msg(strcmp(out, want) == 0, "event %llu:\n got '%s'\nwant '%s'",
		      (unsigned long long)id, out, want);
}

START_TEST(perf_lines)
{
	struct tf_set *set = load();
	unsigned char raw[128];

	memset(raw, 0, sizeof raw);
	memcpy(raw + 8, "perf", 5);
	put_at(raw, 24, 20063, 4);
	put_at(raw, 28, 120, 4);
	put_at(raw, 32, 2, 8);
	memcpy(raw + 40, "migration/0", 12);
	put_at(raw, 56, 18, 4);
	expect(set, SCHED_SWITCH, raw, 64, "prev_comm=perf prev_pid=20063 prev_prio=120 prev_state=D "
	       "==> next_comm=migration/0 next_pid=18 next_prio=0");
	put_at(raw, 32, 0x100, 8);      /* preempted while running */
	expect(set, SCHED_SWITCH, raw, 64, "prev_comm=perf prev_pid=20063 prev_prio=120 prev_state=R+ "
	       "==> next_comm=migration/0 next_pid=18 next_prio=0");

	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 0x7faab4a44e06, 8);
	put_at(raw, 16, 0x7faab4a2c7ad, 8);
	put_at(raw, 24, 6, 8);
	expect(set, PAGE_FAULT_USER, raw, 32, "address=0x7faab4a44e06 ip=0x7faab4a2c7ad error_code=0x6");

	memset(raw, 0, sizeof raw);
	put_at(raw, 24, 0x2000, 8);
	put_at(raw, 32, 3, 8);
	put_at(raw, 40, 0x22, 8);
	put_at(raw, 48, 0xffffffff, 8);
	expect(set, SYS_ENTER_MMAP, raw, 64, "addr: 0x00000000, len: 0x00002000, prot: 0x00000003, "
	       "flags: 0x00000022, fd: 0xffffffff, off: 0x00000000");
	put_at(raw, 48, UINT64_MAX, 8);
	expect(set, SYS_ENTER_MMAP, raw, 64, "addr: 0x00000000, len: 0x00002000, prot: 0x00000003, "
	       "flags: 0x00000022, fd: 0xffffffffffffffff, off: 0x00000000");
	tf_free(set);
}
END_TEST

START_TEST(helpers)
{
	struct tf_set *set = load();
	unsigned char raw[128];

	/* Array elements. */
	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 16, 8);
	put_at(raw, 16, 0x91, 8);
	put_at(raw, 24, 0x2400, 8);
	put_at(raw, 40, 0x7facf5e2b5e0, 8);
	put_at(raw, 48, 1, 8);
	expect(set, RAW_SYS_ENTER, raw, 64, "NR 16 (91, 2400, 0, 7facf5e2b5e0, 1, 0)");

	/* __get_str of a __data_loc string. */
	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 20 | 12u << 16, 4);
	put_at(raw, 12, 20646, 4);
	put_at(raw, 16, 20646, 4);
	memcpy(raw + 20, "/usr/bin/sed", 12);
	expect(set, PROCESS_EXEC, raw, 32, "filename=/usr/bin/sed pid=20646 old_pid=20646");

	/* __print_symbolic; enum names left in the format match nothing. */
	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 0xffffc90005b4bb68, 8);
	put_at(raw, 16, 1, 4);
	expect(set, HRTIMER_SETUP, raw, 24, "hrtimer=0xffffc90005b4bb68 clockid=CLOCK_MONOTONIC mode=0x0");

	/* __print_flags over GFP masks; pointer casts and unknown names. */
	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 0x26abeb, 8);
	put_at(raw, 24, 0x140dca, 8);
	put_at(raw, 32, 1, 4);
	expect(set, MM_PAGE_ALLOC, raw, 40, "page=0x26abeb pfn=0x26abeb order=0 migratetype=1 "
	       "gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP");
	put_at(raw, 24, 0, 8);
	expect(set, MM_PAGE_ALLOC, raw, 40, "page=0x26abeb pfn=0x26abeb order=0 migratetype=1 gfp_flags=none");

	/* A char * into the kernel: the printk format strings. */
	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 0xffffffff8281a424, 8);
	expect(set, RCU_UTILIZATION, raw, 16, "Start context switch");
	tf_free(set);
}
END_TEST

static const char *fake_sym(void *arg, uint64_t addr, uint64_t *off)
{
	(void)arg;
	if (addr < 0xffffffff81000000 || addr >= 0xffffffff81000100)
		return NULL;
	*off = addr - 0xffffffff81000000;
	return "on_each_cpu_cond_mask";
}

/* C's unsigned comparisons, __builtin_expect, kernel addresses with and
   without names, and flag tables of names the kernel left unresolved. */
START_TEST(semantics)
{
	struct tf_set *set = load();
	unsigned char raw[128];

	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 0x7f61fa77d000, 8);
	put_at(raw, 16, 0x140013660, 8);
	put_at(raw, 24, 1, 8);
	put_at(raw, 32, 0x2a000, 8);
	put_at(raw, 40, 0x1000, 8);
	put_at(raw, 48, 0x7f6207b42000, 8);
	expect(set, VM_UNMAPPED_AREA, raw, 72, "addr=0x7f61fa77d000 err=0 total_vm=0x140013660 "
	       "flags=0x1 len=0x2a000 lo=0x1000 hi=0x7f6207b42000 mask=0x0 ofs=0x0");
	put_at(raw, 8, (uint64_t)-12, 8);
	expect(set, VM_UNMAPPED_AREA, raw, 72, "addr=0x0 err=-12 total_vm=0x140013660 "
	       "flags=0x1 len=0x2a000 lo=0x1000 hi=0x7f6207b42000 mask=0x0 ofs=0x0");

	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 1, 4);
	put_at(raw, 16, 0xffffffff81000020, 8);
	expect(set, IPI_SEND_CPU, raw, 32, "cpu=1 callsite=0xffffffff81000020 callback=0x0");
	tf_set_resolver(set, fake_sym, NULL);
	put_at(raw, 24, 0xffffffff81000000, 8);
	expect(set, IPI_SEND_CPU, raw, 32, "cpu=1 callsite=on_each_cpu_cond_mask+0x20 "
	       "callback=on_each_cpu_cond_mask+0x0");

	memset(raw, 0, sizeof raw);
	memcpy(raw + 8, "254:0", 6);
	put_at(raw, 40, 10969885, 8);
	put_at(raw, 48, 0x50, 8);
	put_at(raw, 56, 0x10, 8);
	expect(set, MARK_INODE_DIRTY, raw, 64, "bdi 254:0: ino=10969885 state=0x50 flags=0x10");
	put_at(raw, 48, 0, 8);
	expect(set, MARK_INODE_DIRTY, raw, 64, "bdi 254:0: ino=10969885 state=I_DIRTY_SYNC flags=0x10");

	/* libtraceevent's grouping: "flags & (M | D | P | I)" computes as
	   "(flags & M) | D | P | I", and perf shows D|P|I for no flags. */
	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 0xffffc9000007fdf8, 8);
	put_at(raw, 16, 0xffffffff81000010, 8);
	put_at(raw, 24, 4295716528, 8);
	put_at(raw, 32, 4295716529, 8);
	put_at(raw, 40, 4295716527, 8);
	put_at(raw, 48, 49u << 22 | 1, 4);
	expect(set, TIMER_START, raw, 56, "timer=0xffffc9000007fdf8 function=on_each_cpu_cond_mask "
	       "expires=4295716528 [timeout=1] bucket_expiry=4295716529 cpu=1 idx=49 flags=D|P|I");
	tf_free(set);
}
END_TEST

/* What the evaluator does not know prints as libtraceevent's fallback. */
START_TEST(fallback)
{
	struct tf_set *set = load();
	unsigned char raw[64];

	memset(raw, 0, sizeof raw);
	put_at(raw, 8, 4096, 8);
	put_at(raw, 20, 2, 1);
	raw[21] = 0x90;
	raw[22] = 0x90;
	expect(set, KVM_EMULATE_INSN, raw, 40, "[FAILED TO PARSE] rip=4096 csbase=0 len=2 insn=ARRAY[90, 90, "
	       "00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00] flags=0 failed=0");
	/* An unknown kernel string pointer. */
	put_at(raw, 8, 0xffffffff00000000, 8);
	expect(set, RCU_UTILIZATION, raw, 16, "[FAILED TO PARSE] s=0xffffffff00000000");
	/* Short records read nothing past their end. */
	expect(set, SCHED_SWITCH, raw, 4, "prev_comm= prev_pid=0 prev_prio=0 prev_state=R "
	       "==> next_comm= next_pid=0 next_prio=0");
	tf_free(set);
}
END_TEST

START_TEST(bad_blobs)
{
	static const unsigned char junk[] = "\x17\x08\x44tracing" "0.6\0\0\x08\0\x10\0\0header_page";

	ck_assert_ptr_null(tf_parse("", 0));
	ck_assert_ptr_null(tf_parse("not tracing data", 16));
	for (size_t n = 0; n < sizeof junk; n++)
		ck_assert_ptr_null(tf_parse(junk, n));
}
END_TEST

/* A blob of one system with one event whose format is TEXT (LEN bytes,
   no NUL), the last bytes of the blob. */
static struct blob one_format(const char *text, size_t len)
{
	struct blob b = blob_start();

	put32(&b, 1);
	put(&b, "test", 5);
	put32(&b, 1);
	put64(&b, len);
	put(&b, text, len);
	return b;
}

/* Parse B from the end of a page followed by an inaccessible one, so that
   a read past the section faults even without ASan. */
static struct tf_set *parse_guarded(struct blob *b)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t span = ((b->n + (size_t)page - 1) / (size_t)page + 1) * (size_t)page;
	unsigned char *m = mmap(NULL, span, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(m, MAP_FAILED);
	ck_assert_int_eq(mprotect(m + span - (size_t)page, (size_t)page, PROT_NONE), 0);
	unsigned char *at = m + span - (size_t)page - b->n;
	memcpy(at, b->p, b->n);
	struct tf_set *set = tf_parse(at, b->n);
	munmap(m, span);
	free(b->p);
	return set;
}

#define FORMAT(s) one_format(s, sizeof s - 1)

/* Format text is not NUL-terminated: numbers and keys at the very end of
   the section, fields with a broken "[]" and events without a print fmt
   are read within their bytes and print as the fallback. */
START_TEST(unterminated)
{
#define CASE(text, want) { text, sizeof text - 1, want }
	static const struct { const char *text; size_t len; const char *want; } cases[] = {
		CASE("name: e\nID: 7", "[FAILED TO PARSE]"),
		CASE("name: e\nID: 7\n\tfield:int x;\toffset:8", "[FAILED TO PARSE]"),
		CASE("name: e\nID: 7\n\tfield:int x;\toffset:8;\tsize:4;\tsigned:1",
		     "[FAILED TO PARSE] x=-5"),
		CASE("name: e\nID: 7\n\tfield:char x];\toffset:8;\tsize:4;\tsigned:0;\n"
		     "\tfield:char y[4;\toffset:8;\tsize:4;\tsigned:0;\n"
		     "\tfield:int z;\toffset:99999999999999999999999;\tsize:4;\tsigned:0;\n"
		     "\tfield:int w;\toffset:8;\tsize:4;\tsigned:1;\n"
		     "print fmt: \"%d\", REC->w", "-5"),
	};
#undef CASE
	unsigned char raw[16];
	char out[256];

	memset(raw, 0, sizeof raw);
	put_at(raw, 8, (uint64_t)-5, 4);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct blob b = one_format(cases[i].text, cases[i].len);
		struct tf_set *set = parse_guarded(&b);
		const struct tf_event *ev = tf_find(set, 7);

		ck_assert_msg(ev != NULL, "case %zu: no event", i);
		tf_format(set, ev, raw, sizeof raw, out, sizeof out);
		ck_assert_str_eq(out, cases[i].want);
		tf_free(set);
	}
}
END_TEST

/* Widths and precisions from the recording are clamped to the output:
   glibc pads %2147483647d whole (seconds per sample), so a thousand of
   them would run out the test's time. */
START_TEST(huge_widths)
{
	unsigned char raw[16];
	char out[4096];
	struct tf_set *set;
	struct blob b;

	memset(raw, 0, sizeof raw);
	put_at(raw, 8, (uint64_t)-5, 4);
	b = FORMAT("name: e\nID: 7\n\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n"
		   "print fmt: \"[%5d|%-4x|%.3s|%08.3d]\", REC->x, REC->x, \"abcdef\", REC->x");
	set = parse_guarded(&b);
	ck_assert_ptr_nonnull(set);
	tf_format(set, tf_find(set, 7), raw, sizeof raw, out, sizeof out);
	ck_assert_str_eq(out, "[   -5|fffffffb|abc|    -005]");
	tf_free(set);

	b = FORMAT("name: e\nID: 7\n\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n"
		   "print fmt: \"%2147483647d%.2147483647d%-99999999999999s\", "
		   "REC->x, REC->x, \"ab\"");
	set = parse_guarded(&b);
	ck_assert_ptr_nonnull(set);
	for (int i = 0; i < 1000; i++) {
		ck_assert_uint_eq(tf_format(set, tf_find(set, 7), raw, sizeof raw, out, sizeof out),
				  sizeof out - 1);
		ck_assert_int_eq(out[0], ' ');
	}
	tf_free(set);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tracefmt");
	TCase *tc = tcase_create("tracefmt");

	tcase_add_test(tc, perf_lines);
	tcase_add_test(tc, helpers);
	tcase_add_test(tc, semantics);
	tcase_add_test(tc, fallback);
	tcase_add_test(tc, bad_blobs);
	tcase_add_test(tc, unterminated);
	tcase_add_test(tc, huge_widths);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return check_run(s);
}
