#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every manual page in man/ must be clean for both formatters people use:
# mandoc's linter (-T lint, style messages included) and groff through
# man --warnings, run the way lintian runs it.  Pages are found by listing
# man/, so pages added later are linted without touching this test.
. "$top_srcdir/tests/lib.sh"

command -v mandoc >/dev/null 2>&1 || skip "mandoc is not installed"
command -v man >/dev/null 2>&1 || skip "man (man-db) is not installed"

pages=0
for page in "$top_srcdir"/man/*.[1-8]; do
	[ -f "$page" ] || continue
	pages=$((pages + 1))
	name=${page##*/}
	before=$failures

	out=$(mandoc -T lint -W all "$page" 2>&1)
	if [ -n "$out" ]; then
		fail "mandoc -T lint: $name"
		printf '%s\n' "$out" >&2
	fi

	# man-db's own warnings go to stderr; the rendered page is discarded.
	out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
	if [ -n "$out" ]; then
		fail "man --warnings: $name"
		printf '%s\n' "$out" >&2
	fi
	[ "$failures" -ne "$before" ] || echo "ok: $name"
done
[ "$pages" -gt 0 ] || fail "no manual pages found in $top_srcdir/man"
finish
