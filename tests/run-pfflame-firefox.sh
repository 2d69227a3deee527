#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfflame's SVGs in headless Firefox (Debian's firefox-esr), driven over
# WebDriver BiDi by tests/browser/firefox-test.js through puppeteer-core:
# the same hovers, zooms, searches and reopened URLs as the Chromium test,
# with real mouse and keyboard events.  Screenshots are left in
# tests/browser/ of the build tree.  Skipped only without node or Firefox;
# puppeteer-core comes from tests/browser's lock file, which the Chromium
# test installs too.
. "$top_srcdir/tests/lib.sh"

command -v node >/dev/null 2>&1 || skip "node is not installed"
firefox=
for f in "${FIREFOX:-}" /usr/bin/firefox-esr /usr/bin/firefox; do
	[ -n "$f" ] && [ -x "$f" ] && { firefox=$f; break; }
done
[ -n "$firefox" ] || skip "firefox-esr is not installed"

bdir="$top_builddir/tests/browser"
mods="$bdir/node_modules"
mkdir -p "$bdir"

# npm writes node_modules/.package-lock.json when an install is complete.
installed() {
	[ -f "$mods/.package-lock.json" ] && [ -f "$mods/puppeteer-core/package.json" ]
}

# Is npm (the Chromium test's `npm ci`, when make check runs tests in
# parallel) working in $bdir?  Two installs at once break each other.
busy() {
	for p in /proc/[0-9]*; do
		[ "$p/cwd" -ef "$bdir" ] && tr '\0' ' ' <"$p/cmdline" | grep -q npm &&
			return 0
	done 2>/dev/null
	return 1
}

# Installs also take a lock on the lock file (flock(1), util-linux), so
# that tests doing the same never install at once.
exec 9<"$top_srcdir/tests/browser/package-lock.json"
command -v flock >/dev/null 2>&1 && flock 9
if ! installed; then
	# let a test started at the same moment begin its install
	sleep 3
	i=0
	while busy && [ $i -lt 600 ]; do
		sleep 1
		i=$((i + 1))
	done
fi
if ! installed; then
	command -v npm >/dev/null 2>&1 || skip "npm is not installed"
	[ "$bdir" -ef "$top_srcdir/tests/browser" ] ||
		cp "$top_srcdir/tests/browser/package.json" \
		   "$top_srcdir/tests/browser/package-lock.json" "$bdir/"
	(cd "$bdir" && npm ci --no-audit --no-fund --loglevel=error) ||
		{ echo "FAIL: npm ci in $bdir" >&2; exit 1; }
fi
exec 9<&-

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
