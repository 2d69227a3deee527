#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every command of pfrecord(1)'s EXAMPLES runs and succeeds, with the demo
# workload as ./app, a busy shell loop as PID 1234 and durations cut to 1 s.
. "${top_srcdir:-.}/tests/lib.sh"

demo="$top_builddir/tests/progs/pfdemo"
page="$top_srcdir/man/pfrecord.1"
pfrecord -q -o "$tmp/probe.data" -- true 2>"$tmp/probe.err" ||
	skip "perf_event_open refused: $(cat "$tmp/probe.err")"
command -v perf >/dev/null 2>&1 || skip "perf is not installed (the examples use it)"

need_perf_admin
sh -c 'while :; do /bin/true; done' &
loop=$!
trap 'kill $loop 2>/dev/null; rm -rf "$tmp"' EXIT

cd "$tmp" || exit 99
run_examples "$page" "s|\./app|$demo|g; s|-p 1234|-p $loop|; s|--duration [0-9]*|--duration 1|; s|-- sleep 10|-- sleep 1|"
[ "$n" -ge 6 ] || fail "only $n examples found"
finish
