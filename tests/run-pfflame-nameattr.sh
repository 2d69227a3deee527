#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfflame --nameattr: classes, ids, extra attributes, links and titles for
# the frames of listed functions.  The golden file's frames were checked
# against flamegraph.pl's output for the same attribute file (which
# differs only where flamegraph.pl leaves "&" unescaped); then the errors.
. "$top_srcdir/tests/lib.sh"

fd="$data/flame"

pfflame --nameattr "$fd/nameattr.txt" "$fd/basic.folded" >"$tmp/full.svg" ||
	fail "pfflame --nameattr exited with $?"
sed '/^<script/,/^<\/script>/d' <"$tmp/full.svg" >"$tmp/out.svg"
expect_same "$fd/nameattr.svg" "$tmp/out.svg" "pfflame --nameattr"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$tmp/full.svg" && echo "ok: --nameattr output is well-formed XML" ||
		fail "--nameattr output is not well-formed XML"
fi
# Only the listed functions changed: the rest is the plain graph.
sed '/^<script/,/^<\/script>/d' <"$tmp/full.svg" | diff "$fd/basic.svg" - |
	grep -c '^>' >"$tmp/changed" || true
[ "$(cat "$tmp/changed")" -eq 5 ] && echo "ok: five lines changed from the plain graph" ||
	fail "expected five changed lines, got $(cat "$tmp/changed")"

# expect_error PATTERN ATTRFILE: exit 1, the message, no SVG.
expect_error() {
	status=0
	pfflame --nameattr "$2" "$fd/basic.folded" >"$tmp/err.svg" 2>"$tmp/err" || status=$?
	if [ "$status" -eq 1 ] && [ ! -s "$tmp/err.svg" ] && grep -q "$1" "$tmp/err"; then
		echo "ok: $1"
	else
		fail "expected exit 1 and '$1' (status $status): $(cat "$tmp/err")"
	fi
}
printf 'main\tclass=a\nno tab here\n' >"$tmp/notab"
expect_error "notab:2: expected \"function<TAB>name=value...\"" "$tmp/notab"
printf 'main\tclass\n' >"$tmp/noeq"
expect_error 'noeq:1: attribute "class" has no "=value"' "$tmp/noeq"
expect_error "$tmp/missing: No such file or directory" "$tmp/missing"
finish
