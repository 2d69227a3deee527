#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The trace field: tracepoints recorded by perf (scheduler switches
# system-wide, user page faults, brk and mmap syscalls) and by pfrecord
# print their fields as perf script does, line for line with perf 6.1.
. "${top_srcdir:-.}/tests/lib.sh"

command -v perf >/dev/null 2>&1 || skip "perf is not installed"
perf record -q -e exceptions:page_fault_user -o "$tmp/probe.data" -- true \
	>/dev/null 2>"$tmp/probe.err" ||
	skip "perf cannot record tracepoints here: $(head -n 1 "$tmp/probe.err")"
case $(perf version 2>/dev/null) in
"perf version 6.1."*) same_text=yes ;;
*) same_text=no ;;
esac

# check NAME PATTERN: pfscript decodes the events of $tmp/NAME.data (a line
# matching PATTERN) and, with perf 6.1, prints perf script's very text.
check() {
	perf script -i "$tmp/$1.data" >"$tmp/$1.perf" 2>/dev/null ||
		{ fail "$1: perf script failed"; return; }
	pfscript -i "$tmp/$1.data" >"$tmp/$1.pf" ||
		{ fail "$1: pfscript failed"; return; }
	grep -q "$2" "$tmp/$1.pf" || fail "$1: no line matches '$2'"
	if grep -q 'FAILED TO PARSE' "$tmp/$1.pf"; then
		fail "$1: a format was not understood"
	fi
	if [ $same_text = yes ]; then
		expect_same "$tmp/$1.perf" "$tmp/$1.pf" "$1: same text as perf script"
	fi
}

perf record -q -e sched:sched_switch -a -o "$tmp/switch.data" -- sleep 0.1 \
	>/dev/null 2>&1 || fail "perf record sched:sched_switch"
check switch 'sched:sched_switch: prev_comm=.* prev_pid=[0-9]* prev_prio=[0-9]* prev_state=[A-Z+|]* ==> next_comm=.* next_pid=[0-9]* next_prio=[0-9]*$'

perf record -q -e exceptions:page_fault_user -o "$tmp/pfu.data" -- ls / \
	>/dev/null 2>&1 || fail "perf record exceptions:page_fault_user"
check pfu 'exceptions:page_fault_user: address=0x[0-9a-f]* ip=0x[0-9a-f]* error_code=0x[0-9a-f]*$'

perf record -q -e syscalls:sys_enter_brk -e syscalls:sys_enter_mmap \
	-o "$tmp/sys.data" -- ls / >/dev/null 2>&1 || fail "perf record syscalls"
check sys 'syscalls:sys_enter_mmap: addr: 0x[0-9a-f]*, len: 0x[0-9a-f]*, prot: '

# Many kinds of print fmt at once (flag tables, symbolic names, kernel
# function names, libtraceevent's grouping of operators).
if perf record -q -e 'sched:*' -e 'timer:*' -e 'irq:*' -e 'workqueue:*' -e 'signal:*' \
	-e 'task:*' -e 'writeback:*' -e 'mmap:*' -e 'kmem:mm_page_alloc' -a \
	-o "$tmp/many.data" -- sh -c 'ls -R /usr/share/doc >/dev/null; sleep 0.05' \
	>/dev/null 2>&1; then
	check many ': '
else
	echo "perf cannot record these tracepoints here: not compared"
fi

# With call chains the fields come first, then the stack.
perf record -q -g -e exceptions:page_fault_user -o "$tmp/chain.data" -- ls / \
	>/dev/null 2>&1 || fail "perf record -g"
check chain 'error_code=0x[0-9a-f]*$'

# pfrecord writes the formats too.
if pfrecord -e exceptions:page_fault_user -o "$tmp/pfr.data" -- ls / >/dev/null 2>&1; then
	check pfr 'exceptions:page_fault_user: address=0x'
else
	fail "pfrecord -e exceptions:page_fault_user"
fi

# A live pipe stream carries the formats inline, after the attributes.
perf record -q -e sched:sched_switch -a -o - -- sleep 0.1 2>/dev/null >"$tmp/live.pipe" ||
	fail "perf record -o - sched:sched_switch"
perf script -i "$tmp/live.pipe" >"$tmp/live.perf" 2>/dev/null
cat "$tmp/live.pipe" | pfscript -i - >"$tmp/live.pf" || fail "pfscript -i - on a pipe"
grep -q 'sched:sched_switch: prev_comm=' "$tmp/live.pf" || fail "fields from a live pipe"
expect_same "$tmp/live.perf" "$tmp/live.pf" "live pipe: same text as perf script"

# Without the trace field nothing of it is printed.
pfscript -i "$tmp/pfu.data" -F comm,tid,event >"$tmp/nofields.pf" ||
	fail "pfscript -F comm,tid,event"
grep -q 'address=' "$tmp/nofields.pf" && fail "-F without trace prints the fields"
finish
