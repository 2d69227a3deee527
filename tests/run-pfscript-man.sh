#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every command of pfscript(1)'s EXAMPLES, so the page cannot go stale.
# They record with pfrecord, so the kernel must allow perf_event_open.
. "${top_srcdir:-.}/tests/lib.sh"

command -v pfrecord >/dev/null 2>&1 || skip "pfrecord is not built"
pfrecord -q -e page-faults -c 1 -o "$tmp/probe.data" -- true 2>"$tmp/probe.err" ||
	skip "pfrecord cannot record here: $(head -n 1 "$tmp/probe.err")"

sed -n '/^\.SH EXAMPLES/,/^\.SH /{ /^\.EX/,/^\.EE/p; }' "$top_srcdir/man/pfscript.1" |
	grep -v '^\.E[XE]' |
	sed 's/\\-/-/g; s/\\(aq/'"'"'/g; s/\\e/\\/g' >"$tmp/examples"
[ -s "$tmp/examples" ] || fail "no examples found"

mkdir "$tmp/run" && cd "$tmp/run" || exit 99
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	if sh -ec "$cmd" >"$tmp/out.$n" 2>"$tmp/err"; then
		echo "ok: $cmd"
	else
		fail "$cmd"
		cat "$tmp/err" >&2
	fi
done <"$tmp/examples"
grep -q '^ls;' pf.folded || fail "pf.folded has the stacks of ls"
grep -q '\[fault: ' pfd.folded || fail "pfd.folded has fault frames"
grep -q '^ *ls ' "$tmp/out.$n" || fail "the last example prints samples of ls"

finish
