#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# lib/README's layering, checked: every "folder/..." include in lib/ names
# the folder itself or one the README allows for it, so no folder reaches
# into one above it and no cycle appears between folders.
. "$top_srcdir/tests/lib.sh"

allowed() {
	case $1 in
	util) echo "" ;;
	perfdata|demangle|folded) echo "util" ;;
	symbols) echo "util perfdata demangle" ;;
	record) echo "util perfdata symbols" ;;
	collapse) echo "util symbols demangle" ;;
	script) echo "util perfdata symbols demangle" ;;
	flame|diff) echo "util folded" ;;
	export) echo "util perfdata symbols demangle collapse script" ;;
	*) echo "?" ;;
	esac
}

n=0
for dir in "$top_srcdir"/lib/*/; do
	folder=$(basename "$dir")
	[ "$folder" = pf ] && continue
	ok=$(allowed "$folder")
	[ "$ok" = "?" ] && { fail "lib/$folder is not in lib/README's layers"; continue; }
	for f in "$dir"*.c "$dir"*.h; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's/^#include "\([a-z0-9_-]*\)\/[^"]*"$/\1/p' "$f"); do
			n=$((n + 1))
			[ "$inc" = "$folder" ] && continue
			case " $ok " in
			*" $inc "*) ;;
			*) fail "lib/$folder/$(basename "$f") includes from $inc/" ;;
			esac
		done
		# A header included without its folder would hide the layer.
		if grep -q '^#include "[^/"]*-int\.h"' "$f"; then
			fail "lib/$folder/$(basename "$f"): include private headers by folder"
		fi
	done
done
# The printer reads the reader's and the machine's state through their
# public accessors, not their private structs.
for f in "$top_srcdir"/lib/script/*.[ch]; do
	if grep -q '^#include "[a-z]*/[^"]*-int\.h"' "$f" &&
	   grep '^#include "[a-z]*/[^"]*-int\.h"' "$f" | grep -qv '"\(script\|util\)/'; then
		fail "lib/script/$(basename "$f") includes another folder's private header"
	fi
done
# The library never prints or exits: messages reach the caller through
# pf_errmsg() and callbacks (standard output only as the default output
# stream a caller may replace).
grep -nE '\bstderr\b|\bperror *\(|\b_?exit *\(|\bprintf *\(|\bputs *\(' \
	"$top_srcdir"/lib/*/*.c >"$tmp/prints" && fail "lib/ prints: $(cat "$tmp/prints")"
[ "$n" -gt 50 ] || fail "only $n folder includes found: is lib/ laid out by folder?"
[ "$failures" -eq 0 ] && echo "ok: $n includes in lib/ respect the layers"
finish
