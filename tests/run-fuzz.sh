#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Replay every fuzz harness (tests/fuzz/fuzz_*.c, linked with the plain
# driver tests/fuzz/driver.c) over its seed corpus and its regressions,
# the inputs that once crashed it, plus a few mutations of each: nothing
# may crash or hang.  `make fuzz` does the real fuzzing, with libFuzzer.
. "${top_srcdir:-.}/tests/lib.sh"

fuzz="$top_srcdir/tests/fuzz"
for t in script perfdata folded diff lines tracefmt provisional; do
	set -- "$fuzz/corpus/$t"
	[ -d "$fuzz/regressions/$t" ] && set -- "$@" "$fuzz/regressions/$t"
	out=$(FUZZ_MUTATIONS=${FUZZ_MUTATIONS:-30} timeout 300 \
		"$top_builddir/tests/fuzz/fuzz_$t" "$@" 2>&1) ||
		fail "fuzz_$t: exit status $?: $(printf '%s\n' "$out" | tail -5)"
	printf '%s\n' "$out"
done
finish
