#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfcollapse's options and the perf-script quirks, over small hand-written
# inputs in tests/data/collapse/:
#  quirks.txt        every option where pfcollapse and stackcollapse-perf.pl
#                    agree (pid/tid forms, [cpu] columns, comm with spaces,
#                    kernel, vmlinux and module frames, /tmp/perf-PID.map JIT
#                    frames, "->" inline frames, [unknown] frames, Java, Go,
#                    quotes, ';' in names, (process name) frames, a sample
#                    without frames, a second event); the expected
#                    quirks.OPTION.folded files are the perl script's output
#  tracepoint.txt    tracepoint headers with fields after the event name
#  cxx-deleted.txt   C++ names with "(" kept whole, "(deleted)" dsos, a
#                    sample ended by the next header instead of a blank line
#  no-callchain.txt  samples whose only frame is on the header line
# and one small input per case where real perf output used to go wrong
# (NAME.txt, expected NAME.folded; the perl script's output where it agrees,
# see tests/data/collapse/README):
#  java-prefix       Java names tidied for every process named java*
#  tp-comm-number    a tracepoint header of a thread named "pf worker 1":
#                    its TID is not the period
#  empty-symbol      frames without a symbol, named as perl names them
#  padded            perf's right-aligned names on samples without a chain
#  kernel-dsos       --kernel: versioned vmlinux, .ko files, [module]
#  dso-space         a dso path with a space
#  dso-parens        a dso path with parentheses
#  addr-chain        perf script -F +addr: the data address on the header
#  addr-nochain      ... and before the sample's frame without a chain
# and then empty input, help, version and bad input.
. "${top_srcdir:-.}/tests/lib.sh"

d="$data/collapse"

check() {	# check EXPECTED WHAT pfcollapse-args...
	exp=$1 what=$2
	shift 2
	pfcollapse "$@" >"$tmp/out" 2>"$tmp/err" || fail "$what: exit status $?"
	expect_same "$d/$exp" "$tmp/out" "$what"
}

check quirks.default.folded "quirks" "$d/quirks.txt"
for opt in pid tid kernel jit all addrs; do
	check "quirks.$opt.folded" "quirks --$opt" "--$opt" "$d/quirks.txt"
done
check quirks.all.folded "quirks -all (perl's single dash)" -all "$d/quirks.txt"
check quirks.cpu-clock.folded "quirks --event-filter" \
	--event-filter=cpu-clock "$d/quirks.txt"
[ -s "$tmp/err" ] && fail "--event-filter prints no note"
pfcollapse "$d/quirks.txt" 2>&1 >/dev/null |
	grep -qx 'Filtering for events of type: page-faults' ||
	fail "the default filter names the event it keeps"

check tracepoint.folded "tracepoint with fields" "$d/tracepoint.txt"
check tracepoint.sched.folded "tracepoint --event-filter" --kernel \
	--event-filter=sched:sched_switch "$d/tracepoint.txt"
check cxx-deleted.folded "C++ names, deleted dsos, no blank line" "$d/cxx-deleted.txt"
check no-callchain.folded "frames on header lines" "$d/no-callchain.txt"
for name in java-prefix tp-comm-number empty-symbol padded dso-space dso-parens \
	    addr-chain addr-nochain; do
	check "$name.folded" "$name" "$d/$name.txt"
done
check kernel-dsos.kernel.folded "kernel-dsos --kernel" --kernel "$d/kernel-dsos.txt"

# --count-samples: each sample counts 1, whatever its period.
sed 's/ [0-9]*$/ 1/' "$d/quirks.cpu-clock.folded" >"$tmp/samples.exp"
check_tmp() {	# check_tmp EXPECTED WHAT pfcollapse-args...
	exp=$1 what=$2
	shift 2
	pfcollapse "$@" >"$tmp/out" 2>"$tmp/err" || fail "$what: exit status $?"
	expect_same "$exp" "$tmp/out" "$what"
}
check_tmp "$tmp/samples.exp" "--count-samples" --count-samples \
	--event-filter=cpu-clock "$d/quirks.txt"
grep -q ' 250000$' "$d/quirks.cpu-clock.folded" || fail "quirks.txt has a period to ignore"

# A sum of periods past 2^64 - 1 is an error naming the line, not a
# saturated count; one period past it is one too.
printf 'app 1 1.0: 18446744073709551615 cycles: \n\t401136 main (/bin/app)\n\n' >"$tmp/big.txt"
cat "$tmp/big.txt" "$tmp/big.txt" >"$tmp/big2.txt"
printf 'app;main 18446744073709551615\n' >"$tmp/big.exp"
check_tmp "$tmp/big.exp" "a count of 2^64 - 1" "$tmp/big.txt"
pfcollapse "$tmp/big2.txt" >/dev/null 2>"$tmp/err" && fail "overflowing sum: exit status 0"
grep -q "^pfcollapse: $tmp/big2.txt: line 6: the count of a stack does not fit in 64 bits$" "$tmp/err" ||
	fail "overflowing sum: $(cat "$tmp/err")"
printf 'app 1 1.0: 18446744073709551616 cycles: \n' >"$tmp/big3.txt"
pfcollapse "$tmp/big3.txt" >/dev/null 2>"$tmp/err" && fail "period past 2^64: exit status 0"
grep -q "^pfcollapse: $tmp/big3.txt: line 1: sample period 18446744073709551616 does not fit in 64 bits$" "$tmp/err" ||
	fail "period past 2^64: $(cat "$tmp/err")"

# The last sample is kept without a blank line after it, and without a
# final newline.
printf 'app 1 1.0: 1 page-faults: \n\t401136 main+0x16 (/usr/bin/app)' >"$tmp/last.txt"
printf 'app;main 1\n' >"$tmp/last.exp"
pfcollapse "$tmp/last.txt" >"$tmp/out"
expect_same "$tmp/last.exp" "$tmp/out" "last sample without blank line"
tr '\n' '\r' <"$tmp/last.txt" | sed 's/\r/\r\n/g' >"$tmp/crlf.txt"
pfcollapse "$tmp/crlf.txt" >"$tmp/out"
expect_same "$tmp/last.exp" "$tmp/out" "CRLF line ends"

# Empty input: no output, success.
: >"$tmp/empty.txt"
pfcollapse "$tmp/empty.txt" </dev/null >"$tmp/out" 2>"$tmp/err" ||
	fail "empty input: exit status $?"
[ -s "$tmp/out" ] || [ -s "$tmp/err" ] && fail "empty input: no output"
pfcollapse </dev/null >"$tmp/out" || fail "empty stdin: exit status $?"
[ -s "$tmp/out" ] && fail "empty stdin: no output"

# Help lists every option the man page lists, and the other way round.
pfcollapse --help >"$tmp/help" || fail "--help: exit status $?"
sed -n 's/^ *\(-[hV], \)\{0,1\}\(--[a-z-]*\).*/\2/p' "$tmp/help" | sort >"$tmp/help.opts"
# In the page each option is the line after a .TP of the OPTIONS section.
sed -n '/^\.SH OPTIONS/,/^\.SH /{ /^\.TP/{ n; s/\\-/-/g; s/^\.B[IR]* .*\(--[a-z-]*\).*/\1/p; }; }' \
	"$top_srcdir/man/pfcollapse.1" | sort -u >"$tmp/man.opts"
expect_same "$tmp/man.opts" "$tmp/help.opts" "--help and the man page list the same options"
pfcollapse --version | grep -q '^pfcollapse (pftools) ' || fail "--version"

# Bad input: one line naming the file (and line), exit status 1.
bad() {	# bad WHAT FILE PATTERN
	pfcollapse "$2" >/dev/null 2>"$tmp/err"
	st=$?
	if [ $st -ne 1 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
	   ! grep -q "^pfcollapse: $3" "$tmp/err"; then
		fail "$1: exit status $st, message: $(cat "$tmp/err")"
	else
		echo "ok: $1"
	fi
}
printf 'PERFILE2\0\0\0\0\150\0\0\0\0\0\0\0\n' >"$tmp/garbage"
bad "a broken recording" "$tmp/garbage" "$tmp/garbage: unsupported header size [0-9]* at offset 8"
printf 'PERFILE3\0\0\0\0\150\0\0\0\0\0\0\0\n' >"$tmp/garbage"
bad "binary garbage" "$tmp/garbage" "$tmp/garbage: line 1: binary data"
head -c 20000 "$d/pf-python-fp.txt.gz" >"$tmp/trunc.gz"
bad "truncated gzip" "$tmp/trunc.gz" "$tmp/trunc.gz: line [0-9]*: truncated gzip data"
bad "missing file" "$tmp/nonexistent" "$tmp/nonexistent: No such file"
bad "a directory" "$tmp" "$tmp: Is a directory"
printf 'hello\nworld\n' >"$tmp/text"
pfcollapse "$tmp/text" >"$tmp/out" 2>"$tmp/err" || fail "unrecognized text: exit status $?"
grep -q "^pfcollapse: $tmp/text: line 1: unrecognized line ignored" "$tmp/err" ||
	fail "unrecognized lines are reported"
pfcollapse --no-such-option </dev/null >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option: exit status 2"

finish
