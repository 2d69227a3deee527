#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfflame end to end: SVGs for the inputs in tests/data/flame against golden
# files (whose frame geometry was checked against flamegraph.pl's for the
# same input and options), determinism, gzip and multi-file input, --text,
# and the errors for empty, unparsable and partly bad input.
. "$top_srcdir/tests/lib.sh"

fd="$data/flame"

# The embedded script changes more often than the layout: compare without it.
noscript() {
	sed '/^<script/,/^<\/script>/d'
}

# golden NAME INPUT [OPTION]...: pfflame's output equals flame/NAME.svg.
golden() {
	name=$1 input=$2
	shift 2
	if pfflame "$@" "$fd/$input" >"$tmp/$name.full" 2>"$tmp/$name.err"; then
		noscript <"$tmp/$name.full" >"$tmp/$name.svg"
		expect_same "$fd/$name.svg" "$tmp/$name.svg" "pfflame $* $input"
	else
		fail "pfflame $* $input exited with $?"
		cat "$tmp/$name.err" >&2
	fi
}

golden basic basic.folded
golden basic-hash basic.folded --hash
golden basic-java basic.folded --colors=java --hash --title "Java & co" --subtitle "sub <title>"
golden basic-inverted basic.folded --inverted --colors=mem --bgcolors=blue
golden basic-reverse basic.folded --reverse --colors=perl
golden basic-flamechart basic.folded --flamechart --colors=js
golden basic-chain basic.folded --colors=chain
golden basic-minwidth basic.folded --minwidth=1% --width=600 --height=20 \
	--fontsize=10 --fontwidth=0.7 --countname=faults --nametype=Frame: \
	--notes "run 42" --factor=2 --total=2000 --search-color=red
golden diff diff.folded
golden diff-negate diff.folded --negate
golden frac frac.folded --colors=aqua --bgcolors=#ffffff

# The same input gives the same bytes, whatever the palette.
for opt in "" --hash --random "--colors=purple"; do
	# shellcheck disable=SC2086
	pfflame $opt "$fd/basic.folded" >"$tmp/a.svg"
	# shellcheck disable=SC2086
	pfflame $opt "$fd/basic.folded" >"$tmp/b.svg"
	cmp -s "$tmp/a.svg" "$tmp/b.svg" && echo "ok: deterministic ${opt:-default}" ||
		fail "output differs between runs with ${opt:-default}"
done

# gzip, standard input and several files read as one.
gzip -c "$fd/basic.folded" >"$tmp/basic.folded.gz"
pfflame "$tmp/basic.folded.gz" | noscript >"$tmp/gz.svg"
expect_same "$fd/basic.svg" "$tmp/gz.svg" "gzip input"
pfflame <"$fd/basic.folded" | noscript >"$tmp/stdin.svg"
expect_same "$fd/basic.svg" "$tmp/stdin.svg" "standard input"
head -n 7 "$fd/basic.folded" >"$tmp/part1"
tail -n +8 "$fd/basic.folded" >"$tmp/part2"
pfflame "$tmp/part2" "$tmp/part1" | noscript >"$tmp/multi.svg"
expect_same "$fd/basic.svg" "$tmp/multi.svg" "two files"

# --cp: palette.map in the current directory is read, extended and kept.
mkdir "$tmp/cp"
printf 'compute->rgb(1,2,3)\n' >"$tmp/cp/palette.map"
(cd "$tmp/cp" && pfflame --cp "$fd/basic.folded" >cp.svg) || fail "pfflame --cp"
grep -q '<title>compute (120 samples, 20.07%)</title><rect [^>]*fill="rgb(1,2,3)"' "$tmp/cp/cp.svg" &&
	echo "ok: --cp uses palette.map" || fail "--cp uses palette.map"
grep -q '^compute->rgb(1,2,3)$' "$tmp/cp/palette.map" && grep -q '^malloc->rgb(' "$tmp/cp/palette.map" &&
	sed 's/->.*//' "$tmp/cp/palette.map" | LC_ALL=C sort -c && echo "ok: --cp extends palette.map, sorted" ||
	fail "--cp extends palette.map"
(cd "$tmp/cp" && pfflame --cp --colors=mem "$fd/basic.folded" >cp2.svg) || fail "pfflame --cp again"
cmp -s "$tmp/cp/cp.svg" "$tmp/cp/cp2.svg" && fail "--cp: palette differs from the first run" || :
sed '/^<script/,/^<\/script>/d; /<stop /d' "$tmp/cp/cp.svg" | grep 'fill="rgb' >"$tmp/cp/a"
sed '/^<script/,/^<\/script>/d; /<stop /d' "$tmp/cp/cp2.svg" | grep 'fill="rgb' >"$tmp/cp/b"
expect_same "$tmp/cp/a" "$tmp/cp/b" "--cp keeps colours across palettes"

# --text
pfflame --text -N 5 "$fd/basic.folded" >"$tmp/basic.txt"
expect_same "$fd/basic.txt" "$tmp/basic.txt" "--text -N 5"

# Counts past 2^53 stay exact (doubles would round them) in the text and in
# the SVG's titles; control characters in names are escaped in the text,
# which goes to terminals (the SVG escapes for XML, as it always did).
printf 'a;b 9007199254740993\na;c 2\n' >"$tmp/big.folded"
pfflame --text "$tmp/big.folded" >"$tmp/out" || fail "--text, big counts: exit status $?"
grep -q '^Total: 9,007,199,254,740,995 samples in 2 stacks, 3 functions$' "$tmp/out" &&
	grep -q '^  9,007,199,254,740,993 .*  b$' "$tmp/out" && echo "ok: --text: exact counts" ||
	fail "--text: exact counts past 2^53"
pfflame "$tmp/big.folded" >"$tmp/out" || fail "SVG, big counts: exit status $?"
grep -q '<title>all (9,007,199,254,740,995 samples, 100%)</title>' "$tmp/out" &&
	grep -q '<title>b (9,007,199,254,740,993 samples' "$tmp/out" && echo "ok: SVG: exact counts" ||
	fail "SVG: exact counts past 2^53"
printf 'app;ev\033[2Jil\rx\tz 5\n' >"$tmp/ctl.folded"
pfflame --text "$tmp/ctl.folded" >"$tmp/out" || fail "--text, control characters: exit status $?"
if LC_ALL=C grep -q "$(printf '[\033\r]')" "$tmp/out"; then
	fail "--text: control characters escaped"
else
	grep -q '  ev\\x1b\[2Jil\\rx\\tz$' "$tmp/out" && echo "ok: --text escapes control characters" ||
		fail "--text: escape form"
fi

# Partly bad input: drawn, with the skipped lines counted on stderr.
pfflame "$fd/skip.folded" >"$tmp/skip.svg" 2>"$tmp/skip.err" || fail "skip.folded: exit $?"
grep -q '^pfflame: skipped 2 lines that are not folded stacks (first at .*skip.folded:2)$' \
	"$tmp/skip.err" && echo "ok: skipped lines reported" || { fail "skipped lines"; cat "$tmp/skip.err" >&2; }
grep -q '<title>run (7 samples' "$tmp/skip.svg" && echo "ok: good lines kept" || fail "good lines"

# Nothing usable: an error naming the first bad line, no output.
expect_error() {
	what=$1 pattern=$2
	shift 2
	status=0
	"$@" >"$tmp/out" 2>"$tmp/err" || status=$?
	if [ "$status" -ne 1 ]; then
		fail "$what: exit status $status, expected 1"
	elif ! grep -q -- "$pattern" "$tmp/err"; then
		fail "$what: message"
		cat "$tmp/err" >&2
	elif [ -s "$tmp/out" ]; then
		fail "$what: wrote output"
	else
		echo "ok: $what"
	fi
}
expect_error "unparsable input" "^pfflame: .*bad.folded:1: not a folded stack line" \
	pfflame "$fd/bad.folded"
expect_error "empty input" "^pfflame: .*no stack counts found" pfflame "$fd/empty.folded"
expect_error "missing file" "^pfflame: $tmp/nonexistent: No such file" pfflame "$tmp/nonexistent"
printf 'a;b 1\n' | gzip -c | head -c 12 >"$tmp/trunc.gz"
expect_error "truncated gzip" "^pfflame: .*trunc.gz" pfflame "$tmp/trunc.gz"

status=0
pfflame --colors=nosuch "$fd/basic.folded" >/dev/null 2>"$tmp/err" || status=$?
[ "$status" -eq 2 ] && grep -q "unknown palette 'nosuch'" "$tmp/err" &&
	echo "ok: unknown palette is a usage error" || fail "unknown palette: status $status"

finish
