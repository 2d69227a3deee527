#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfflame's SVGs in a real browser: headless Chromium (Debian's package),
# driven by tests/browser/flame-test.js through playwright-core, hovers,
# zooms, searches, reopens the URL and takes screenshots (left in
# tests/browser/ of the build tree).  Skipped only without node or
# Chromium; playwright-core is installed from the lock file on first run.
. "$top_srcdir/tests/lib.sh"

command -v node >/dev/null 2>&1 || skip "node is not installed"
chrome=
for c in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
	[ -n "$c" ] && [ -x "$c" ] && { chrome=$c; break; }
done
[ -n "$chrome" ] || skip "chromium is not installed"

bdir="$top_builddir/tests/browser"
mkdir -p "$bdir"
if ! [ -f "$bdir/node_modules/playwright-core/package.json" ]; then
	command -v npm >/dev/null 2>&1 || skip "npm is not installed"
	[ "$bdir" -ef "$top_srcdir/tests/browser" ] ||
		cp "$top_srcdir/tests/browser/package.json" \
		   "$top_srcdir/tests/browser/package-lock.json" "$bdir/"
	(cd "$bdir" && npm ci --no-audit --no-fund --loglevel=error) ||
		{ echo "FAIL: npm ci in $bdir" >&2; exit 1; }
fi

pfflame "$data/flame/basic.folded" >"$tmp/basic.svg" || fail "pfflame basic"
pfflame "$data/flame/diff.folded" >"$tmp/diff.svg" || fail "pfflame diff"
NODE_PATH="$bdir/node_modules" node "$top_srcdir/tests/browser/flame-test.js" \
	"$chrome" "$tmp/profile" "$bdir" "$tmp/basic.svg" "$tmp/diff.svg" ||
	fail "browser checks"
finish
