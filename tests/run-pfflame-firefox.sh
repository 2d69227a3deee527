#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfflame's SVGs in headless Firefox (Debian's firefox-esr), driven over
# WebDriver BiDi by tests/browser/firefox-test.js through puppeteer-core:
# the same hovers, zooms, searches and reopened URLs as the Chromium test,
# with real mouse and keyboard events.  Screenshots are left in
# tests/browser/ of the build tree.  Skipped only without node or Firefox;
# puppeteer-core comes from tests/browser's lock file (browser_modules in
# tests/lib.sh, shared with the Chromium test).
. "$top_srcdir/tests/lib.sh"

command -v node >/dev/null 2>&1 || skip "node is not installed"
firefox=
for f in "${FIREFOX:-}" /usr/bin/firefox-esr /usr/bin/firefox; do
	[ -n "$f" ] && [ -x "$f" ] && { firefox=$f; break; }
done
[ -n "$firefox" ] || skip "firefox-esr is not installed"

browser_modules

pfflame "$data/flame/basic.folded" >"$tmp/basic.svg" || fail "pfflame basic"
pfflame "$data/flame/diff.folded" >"$tmp/diff.svg" || fail "pfflame diff"
# A tree of 1,366 frames, five levels of four fn_LEVEL_BRANCH callees,
# every frame drawn.
awk 'BEGIN {
	for (i = 0; i < 1024; i++) {
		s = "main"
		for (k = 1; k <= 5; k++)
			s = s ";fn_" k "_" int(i / 4 ^ (5 - k)) % 4
		print s, 1 + i % 3
	}
}' >"$tmp/tree.folded"
pfflame --minwidth=0 "$tmp/tree.folded" >"$tmp/tree.svg" || fail "pfflame tree"
mkdir -p "$tmp/home"
# timeout sends SIGTERM, on which puppeteer closes Firefox before exiting.
NODE_PATH="$mods" timeout 900 node "$top_srcdir/tests/browser/firefox-test.js" \
	"$firefox" "$tmp/home" "$bdir" \
	"$data/flame/basic.folded" "$tmp/basic.svg" \
	"$data/flame/diff.folded" "$tmp/diff.svg" "$tmp/tree.folded" "$tmp/tree.svg" ||
	fail "Firefox checks"
finish
