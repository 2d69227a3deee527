#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfdiff end to end: difffolded.pl's output (checked against it, sorted) for
# the plain, -n and -s cases, the --report tables, the pipe into pfflame,
# gzip and standard input, and the errors for bad or mismatched input.
. "$top_srcdir/tests/lib.sh"

fd="$data/flame"
b="$fd/before.folded"
a="$fd/after.folded"

pfdiff "$b" "$a" >"$tmp/out" && expect_same "$fd/diff-ba.folded" "$tmp/out" "pfdiff"
pfdiff -n "$b" "$a" >"$tmp/out" && expect_same "$fd/diff-ba-n.folded" "$tmp/out" "pfdiff -n"
pfdiff --strip-hex "$b" "$a" >"$tmp/out" && expect_same "$fd/diff-ba-s.folded" "$tmp/out" "pfdiff -s"
pfdiff --report -N 3 "$b" "$a" >"$tmp/out" && expect_same "$fd/report.txt" "$tmp/out" "pfdiff --report -N 3"

# Sorted files (as pfcollapse writes them) take the streaming path: the
# same lines, in constant memory.
LC_ALL=C sort "$b" >"$tmp/b.sorted"
LC_ALL=C sort "$a" >"$tmp/a.sorted"
pfdiff "$tmp/b.sorted" "$tmp/a.sorted" >"$tmp/out" && expect_same "$fd/diff-ba.folded" "$tmp/out" "pfdiff, sorted files"
pfdiff -n "$tmp/b.sorted" "$tmp/a.sorted" >"$tmp/out" && expect_same "$fd/diff-ba-n.folded" "$tmp/out" "pfdiff -n, sorted files"
# A stack repeated within a sorted file is summed (a slower merge than the
# one for files without repeats): the same as the in-memory path reading
# standard input.
cat "$b" "$b" "$a" | LC_ALL=C sort >"$tmp/rep.sorted"
for opt in "" -n; do
	pfdiff $opt "$tmp/rep.sorted" "$tmp/a.sorted" >"$tmp/out" || fail "pfdiff $opt, repeats"
	pfdiff $opt - "$tmp/a.sorted" <"$tmp/rep.sorted" >"$tmp/want" || fail "pfdiff $opt, stdin"
	expect_same "$tmp/want" "$tmp/out" "pfdiff $opt, sorted file with repeated stacks"
	pfdiff $opt "$tmp/a.sorted" "$tmp/rep.sorted" >"$tmp/out" || fail "pfdiff $opt, repeats after"
	pfdiff $opt "$tmp/a.sorted" - <"$tmp/rep.sorted" >"$tmp/want" || fail "pfdiff $opt, stdin after"
	expect_same "$tmp/want" "$tmp/out" "pfdiff $opt, repeated stacks in AFTER"
done
[ "$(wc -l <"$tmp/out")" -eq 9 ] || fail "repeated stacks: expected 9 stacks, got $(wc -l <"$tmp/out")"
printf 'a;b 1\nc 1 2\nnot folded\n' >"$tmp/bad.sorted"
status=0
pfdiff "$tmp/b.sorted" "$tmp/bad.sorted" >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q 'bad.sorted:3: not a folded stack line' "$tmp/err" &&
	echo "ok: sorted, bad line: error before output" || fail "sorted, bad line (status $status)"

# The differential graph, through a pipe.
pfdiff "$b" "$a" | pfflame | sed '/^<script/,/^<\/script>/d' >"$tmp/diff.svg"
expect_same "$fd/diff-ba.svg" "$tmp/diff.svg" "pfdiff | pfflame"

# gzip and standard input.
gzip -c "$a" >"$tmp/after.gz"
pfdiff - "$tmp/after.gz" <"$b" >"$tmp/out" && expect_same "$fd/diff-ba.folded" "$tmp/out" "stdin and gzip"

# expect_error STATUS PATTERN CMD...: fails with STATUS, says PATTERN, no output.
expect_error() {
	want=$1 pattern=$2
	shift 2
	status=0
	"$@" >"$tmp/out" 2>"$tmp/err" || status=$?
	if [ "$status" -ne "$want" ]; then
		fail "$*: exit status $status, expected $want"
	elif ! grep -q -- "$pattern" "$tmp/err"; then
		fail "$*: message"
		cat "$tmp/err" >&2
	elif [ -s "$tmp/out" ]; then
		fail "$*: wrote output"
	else
		echo "ok: $pattern"
	fi
}
printf 'a;b 1\nnot folded\n' >"$tmp/bad.folded"
expect_error 1 "^pfdiff: .*bad.folded:2: not a folded stack line" pfdiff "$b" "$tmp/bad.folded"
expect_error 1 "^pfdiff: .*diff-ba.folded:1: differential input" pfdiff "$fd/diff-ba.folded" "$a"
expect_error 1 "^pfdiff: $tmp/none: No such file" pfdiff "$tmp/none" "$a"
expect_error 2 "two folded files needed" pfdiff "$b"
expect_error 2 "too many files" pfdiff "$b" "$a" "$a"
expect_error 2 "bad --top" pfdiff --report -N x "$b" "$a"
finish
