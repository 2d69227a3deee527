#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every command of pfrecord(1)'s EXAMPLES runs and succeeds, with the demo
# workload as ./app, a busy shell loop as PID 1234 and durations cut to 1 s.
. "${top_srcdir:-.}/tests/lib.sh"

demo="$top_builddir/tests/pfdemo"
page="$top_srcdir/man/pfrecord.1"
pfrecord -q -o "$tmp/probe.data" -- true 2>"$tmp/probe.err" ||
	skip "perf_event_open refused: $(cat "$tmp/probe.err")"
command -v perf >/dev/null 2>&1 || skip "perf is not installed (the examples use it)"

sh -c 'while :; do /bin/true; done' &
loop=$!
trap 'kill $loop 2>/dev/null; rm -rf "$tmp"' EXIT

# The lines between .EX and .EE after .SH EXAMPLES, roff escapes undone.
sed -n '/^\.SH EXAMPLES/,/^\.SH /{/^\.EX/,/^\.EE/p}' "$page" |
	grep -v '^\.E[XE]' | sed 's/\\-/-/g' >"$tmp/examples"
[ -s "$tmp/examples" ] || fail "no EXAMPLES in $page"

cd "$tmp" || exit 99
n=0
while IFS= read -r cmd; do
	run=$(printf '%s\n' "$cmd" | sed -e "s|\./app|$demo|g" -e "s|-p 1234|-p $loop|" \
		-e 's|--duration [0-9]*|--duration 1|')
	n=$((n + 1))
	if sh -c "$run" >"$tmp/out.$n" 2>&1; then
		echo "ok: $cmd"
	else
		fail "$cmd: $(tail -3 "$tmp/out.$n")"
	fi
done <"$tmp/examples"
[ "$n" -ge 6 ] || fail "only $n examples found"
finish
