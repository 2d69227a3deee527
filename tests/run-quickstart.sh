#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's main job (tests/demo.sh, run by `make demo`) works: it writes
# a flame graph and prints the hottest stacks, recording the demo program
# when the kernel allows and the bundled sample otherwise.
. "$top_srcdir/tests/lib.sh"

cd "$tmp" || exit 99
$SHELL "$top_srcdir/tests/demo.sh" >out 2>&1 || { cat out >&2; fail "demo.sh exited non-zero"; finish; }
cat out

grep -q '^<svg' pf.svg && grep -q '</svg>' pf.svg || fail "pf.svg is not an SVG"
grep -q 'Hottest stacks' out || fail "no hottest stacks printed"
if [ -s pf.data ]; then
	# Recorded for real: the demo's three faulting functions lead.
	for fn in touch_pages grow_vector; do
		grep -q ";$fn [0-9]" pf.folded || fail "no stack ends in $fn"
		grep -q "<title>$fn (" pf.svg || fail "$fn not drawn in pf.svg"
	done
	grep -q 'Captured and wrote' out || fail "no pfrecord summary"
else
	grep -q 'bundled sample' out || fail "fallback not announced"
fi
finish
