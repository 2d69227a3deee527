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
bad "binary garbage" "$tmp/garbage" "$tmp/garbage: line 1: binary data"
head -c 20000 "$d/pf-python-fp.txt.gz" >"$tmp/trunc.gz"
bad "truncated gzip" "$tmp/trunc.gz" "$tmp/trunc.gz: line [0-9]*: truncated gzip data"
bad "missing file" "$tmp/nonexistent" "$tmp/nonexistent: No such file"
bad "a directory" "$tmp" "$tmp: line 1: Is a directory"
printf 'hello\nworld\n' >"$tmp/text"
pfcollapse "$tmp/text" >"$tmp/out" 2>"$tmp/err" || fail "unrecognized text: exit status $?"
grep -q "^pfcollapse: $tmp/text: line 1: unrecognized line ignored" "$tmp/err" ||
	fail "unrecognized lines are reported"
pfcollapse --no-such-option </dev/null >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option: exit status 2"

finish
