#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the EXAMPLES of libsuperslab(3), so the page cannot go stale: each
# shell command (with the built library in place of libsuperslab.so.0),
# then the example program, compiled against the built library.
. "${top_srcdir:-.}/tests/lib.sh"
lib="$top_builddir/alloc/.libs/libsuperslab.so.0"
[ -f "$lib" ] || skip "no shared libsuperslab"
[ -r /etc/services ] || skip "the examples read /etc/services (netbase)"

# The lines between .EX and .EE of the EXAMPLES section, unescaped.
man_examples "$top_srcdir/man/libsuperslab.3" >"$tmp/examples"
grep '^\$ ' "$tmp/examples" | sed "s/^\$ //; s|libsuperslab.so.0|$lib|g" >"$tmp/commands"
sed -n '/^#include/,$p' "$tmp/examples" >"$tmp/app.c"
[ -s "$tmp/commands" ] && [ -s "$tmp/app.c" ] || fail "no examples found"

while IFS= read -r cmd; do
	case $cmd in
	pfrecord*|*" pfrecord "*)
		# ASan must be the first library of an ASan program: never
		# preload the allocator into the sanitizer build's tools.
		if grep -q 'enable-sanitizers' "$top_builddir/config.status" 2>/dev/null; then
			echo "skipped (pfrecord is built with ASan): $cmd"
			continue
		fi
		# Needs pfrecord --stat and perf_event_open rights.
		if ! pfrecord --help 2>/dev/null | grep -q -- '--stat' ||
		   ! pfrecord --stat -- true >/dev/null 2>&1; then
			echo "skipped (pfrecord --stat unavailable): $cmd"
			continue
		fi ;;
	esac
	if sh -ec "$cmd" >"$tmp/out" 2>"$tmp/err"; then
		echo "ok: $cmd"
	else
		fail "$cmd"
		cat "$tmp/err" >&2
	fi
	case $cmd in
	*SUPERSLAB_STATS=1*)
		grep -q '^superslab: stats: refills [1-9]' "$tmp/err" || fail "no statistics: $cmd" ;;
	esac
done <"$tmp/commands"

cc=$(command -v cc || command -v gcc) || skip "no C compiler for the example program"
"$cc" -I"$top_srcdir/alloc" -o "$tmp/app" "$tmp/app.c" \
	-L"$top_builddir/alloc/.libs" -lsuperslab || fail "example program: compile"
LD_LIBRARY_PATH="$top_builddir/alloc/.libs" "$tmp/app" >"$tmp/out" || fail "example program: run"
printf 'usable size 112\nsuperslabs reserved: 4\n' >"$tmp/want"
expect_same "$tmp/want" "$tmp/out" "example program output"
finish
