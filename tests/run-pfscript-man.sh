#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every command of pfscript(1)'s EXAMPLES, so the page cannot go stale.
# They record with pfrecord, so the kernel must allow perf_event_open.
. "${top_srcdir:-.}/tests/lib.sh"

command -v pfrecord >/dev/null 2>&1 || skip "pfrecord is not built"
pfrecord -q -e page-faults -c 1 -o "$tmp/probe.data" -- true 2>"$tmp/probe.err" ||
	skip "pfrecord cannot record here: $(head -n 1 "$tmp/probe.err")"
need_perf_admin		# one example records a tracepoint

mkdir "$tmp/run" && cd "$tmp/run" || exit 99
# Without Go (./install-deps --all brings it) the pprof example's reader
# is gzip -t: the file is still written and checked to be gzip.
if command -v go >/dev/null 2>&1; then
	run_examples "$top_srcdir/man/pfscript.1"
else
	echo "note: go is not installed: the pprof example is checked with gzip -t"
	run_examples "$top_srcdir/man/pfscript.1" 's/^go tool pprof -top \(.*\) | head -n 8$/gzip -t \1/'
fi
gzip -t pf.pb.gz || fail "pf.pb.gz is gzip-compressed"
grep -q '^{"meta":{"version":31,' pf.json || fail "pf.json is a Gecko profile"
grep -q '^ls;' pf.folded || fail "pf.folded has the stacks of ls"
grep -q '\[fault: ' pfd.folded || fail "pfd.folded has fault frames"
grep -q '^ *ls ' "$tmp/out.$n" || fail "the last example prints samples of ls"
grep -q ' ls/[0-9]* minfault \[.*\] => .* (d\.)$' "$tmp/out.$((n - 1))" ||
	fail "the --faults example prints the faults of ls"
cat "$tmp"/out.* | grep -q ' exceptions:page_fault_user: address=0x[0-9a-f]* ip=0x' ||
	fail "the tracepoint example decodes the fields"

finish
