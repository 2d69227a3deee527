#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfdiff end to end: difffolded.pl's output (checked against it, sorted) for
# the plain, -n and -s cases, the --report tables, the pipe into pfflame,
# gzip and standard input, --strip-comm, unsorted input, 64-bit counts,
# escaped names, and the errors for bad or mismatched input.
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

# --strip-comm: two builds with different program names share their stacks.
sed 's/^app;/app-port;/' "$a" >"$tmp/port.folded"
pfdiff "$b" "$tmp/port.folded" >"$tmp/out" || fail "different names: exit status $?"
grep -q '^app;main;run;compute 300 0$' "$tmp/out" ||
	fail "without --strip-comm the names keep the stacks apart"
sed 's/^app;//' "$fd/diff-ba.folded" >"$tmp/want"
pfdiff --strip-comm "$b" "$tmp/port.folded" >"$tmp/out" || fail "--strip-comm: exit status $?"
expect_same "$tmp/want" "$tmp/out" "pfdiff --strip-comm"
pfdiff --strip-comm --report "$b" "$tmp/port.folded" | grep -q '^  *410  *1,197  *+787  *98.13%  run$' ||
	fail "pfdiff --strip-comm --report"

# Unsorted input is joined as sorted input is.
sort -r "$b" >"$tmp/b.rev"
sort -r "$a" | gzip >"$tmp/a.rev.gz"
pfdiff "$tmp/b.rev" "$tmp/a.rev.gz" >"$tmp/out" && expect_same "$fd/diff-ba.folded" "$tmp/out" "unsorted input"

# Counts are 64-bit integers throughout: exact past 2^53, where doubles
# round, and never printed in exponent form; decimals only from decimals.
printf 'a;b 9007199254740993\nc 1\n' >"$tmp/big1.folded"
printf 'a;b 18446744073709551615\n' >"$tmp/big2.folded"
printf 'a;b 9007199254740993 18446744073709551615\nc 1 0\n' >"$tmp/want"
pfdiff "$tmp/big1.folded" "$tmp/big2.folded" >"$tmp/out" && expect_same "$tmp/want" "$tmp/out" "pfdiff: counts past 2^53"
sort -r "$tmp/big1.folded" >"$tmp/big1.rev"
pfdiff "$tmp/big1.rev" "$tmp/big2.folded" >"$tmp/out" && expect_same "$tmp/want" "$tmp/out" "pfdiff: counts past 2^53, unsorted"
printf 'a;b 18446744073709549567 18446744073709551615\nc 2047 0\n' >"$tmp/want"
pfdiff -n "$tmp/big1.folded" "$tmp/big2.folded" >"$tmp/out" &&
	expect_same "$tmp/want" "$tmp/out" "pfdiff -n: exact scaling of large counts"
pfdiff --report "$tmp/big1.folded" "$tmp/big2.folded" >"$tmp/out"
grep -q '^Total: before 9,007,199,254,740,994, after 18,446,744,073,709,551,615, change +18,437,736,874,454,810,621' "$tmp/out" ||
	fail "pfdiff --report: exact totals"
printf 'a;b 1.5\nc 2\n' >"$tmp/frac.folded"
printf 'a;b 1.5 0\nc 2 0\n' >"$tmp/want"
pfdiff "$tmp/frac.folded" "$tmp/empty.folded" 2>/dev/null >/dev/null
: >"$tmp/empty.folded"
pfdiff "$tmp/frac.folded" "$tmp/empty.folded" >"$tmp/out" && expect_same "$tmp/want" "$tmp/out" "pfdiff: decimals"

# Names from recordings are data: control characters in them cannot forge
# report lines or reach the terminal.
printf 'app;ev\033[2Jil\rx\tz 1\n' >"$tmp/ctl.folded"
printf 'app;ev\033[2Jil\rx\tz 5\n' >"$tmp/ctl2.folded"
pfdiff --report "$tmp/ctl.folded" "$tmp/ctl2.folded" >"$tmp/out" 2>&1 || fail "report with control characters: exit status $?"
if LC_ALL=C grep -q "$(printf '[\033\r]')" "$tmp/out"; then
	fail "report: control characters escaped"
else
	grep -q 'app;ev\\x1b\[2Jil\\rx\\tz$' "$tmp/out" && echo "ok: report escapes control characters" ||
		fail "report: escape form"
fi

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
printf 'a;b 18446744073709551615\na;b 1\n' >"$tmp/sum.folded"
expect_error 1 "^pfdiff: $tmp/sum.folded:2: counts add up to more than 64 bits" \
	pfdiff "$tmp/sum.folded" "$a"
printf 'a;b 18446744073709551616\n' >"$tmp/over.folded"
expect_error 1 "^pfdiff: $tmp/over.folded:1: count does not fit in 64 bits" \
	pfdiff "$a" "$tmp/over.folded"
finish
