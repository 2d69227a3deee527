#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfflame's SVGs in a real browser: headless Chromium (Debian's package),
# driven by tests/browser/flame-test.js through playwright-core, hovers,
# zooms, searches, reopens the URL and takes screenshots (left in
# tests/browser/ of the build tree).  Skipped only without node or
# Chromium; playwright-core is installed from the lock file on first run
# (browser_modules in tests/lib.sh).
. "$top_srcdir/tests/lib.sh"

command -v node >/dev/null 2>&1 || skip "node is not installed"
chrome=
for c in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
	[ -n "$c" ] && [ -x "$c" ] && { chrome=$c; break; }
done
[ -n "$chrome" ] || skip "chromium is not installed"

browser_modules

pfflame "$data/flame/basic.folded" >"$tmp/basic.svg" || fail "pfflame basic"
pfflame "$data/flame/diff.folded" >"$tmp/diff.svg" || fail "pfflame diff"
# A tree of some 2,000 frames, eight levels of fn_LEVEL_BRANCH, wide and
# narrow; --minwidth=0 also draws frames that round to no width, and
# --nameattr gives some frames a class and makes others links (<a>).
awk 'BEGIN {
	for (i = 0; i < 1500; i++) {
		s = "main"
		for (k = 1; k <= 8; k++)
			s = s ";fn_" k "_" int(i / 3 ^ (8 - k)) % 5
		print s, (i % 17 == 0 ? 400 : 1 + i % 5)
	}
}' >"$tmp/tree.folded"
printf 'fn_3_1\tclass=three\nfn_4_2\thref=https://example.org/fn_4_2\tclass=four\n' >"$tmp/tree.attrs"
pfflame --minwidth=0 --nameattr="$tmp/tree.attrs" "$tmp/tree.folded" >"$tmp/tree.svg" ||
	fail "pfflame tree"
grep -q '<a xlink:href="https://example.org/fn_4_2"' "$tmp/tree.svg" || fail "no link in tree.svg"
NODE_PATH="$mods" node "$top_srcdir/tests/browser/flame-test.js" \
	"$chrome" "$tmp/profile" "$bdir" "$tmp/basic.svg" "$tmp/diff.svg" "$tmp/tree.svg" ||
	fail "browser checks"
finish
