#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfcollapse --inline and --context: build a small program with inlined
# functions, write perf-script text with an address inside the innermost
# inlined body, and check the expansion and source lines libdw gives.
# Needs a C compiler and readelf (binutils); skips without them.
. "${top_srcdir:-.}/tests/lib.sh"

cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc)"
command -v readelf >/dev/null 2>&1 || skip "no readelf"
"$cc" -g -O2 -o "$tmp/inline" "$data/collapse/inline.c" ||
	skip "cannot build $data/collapse/inline.c"

# An address whose line is leaf's loop body.
addr=$(readelf --debug-dump=decodedline "$tmp/inline" |
	awk '$1 == "inline.c" && $2 == 11 && $3 ~ /^0x/ { print $3; exit }')
[ -n "$addr" ] || skip "no line table entry for inline.c:11"
addr=${addr#0x}

{
	printf 'inline 100 1.000001: 1 page-faults: \n'
	printf '\t%s outer+0x20 (%s)\n' "$addr" "$tmp/inline"
	printf '\t7fff00000000 [unknown] (%s)\n' "$tmp/inline"
	printf '\t7f0000001000 libfn+0x10 (%s/missing.so)\n' "$tmp"
	printf '\tffffffff81000c82 asm_exc_page_fault+0x22 ([kernel.kallsyms])\n'
	printf '\n'
} >"$tmp/in.txt"
# perl's order: the call chain is printed leaf first, folded root first.

printf '%s\n' 'inline;asm_exc_page_fault;libfn;[inline];outer;middle;leaf 1' \
	>"$tmp/inline.exp"
pfcollapse --inline "$tmp/in.txt" >"$tmp/inline.out" || fail "--inline: exit status $?"
expect_same "$tmp/inline.exp" "$tmp/inline.out" "--inline"

printf '%s\n' 'inline;asm_exc_page_fault;libfn;[inline];outer:inline.c:23;middle:inline.c:17;leaf:inline.c:11 1' \
	>"$tmp/context.exp"
pfcollapse --inline --context "$tmp/in.txt" >"$tmp/context.out" ||
	fail "--context: exit status $?"
expect_same "$tmp/context.exp" "$tmp/context.out" "--inline --context"

# Without --inline the same text folds by symbol.
printf '%s\n' 'inline;asm_exc_page_fault;libfn;[inline];outer 1' >"$tmp/plain.exp"
pfcollapse "$tmp/in.txt" >"$tmp/plain.out"
expect_same "$tmp/plain.exp" "$tmp/plain.out" "no --inline"

# --context alone is a usage error.
pfcollapse --context "$tmp/in.txt" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--context without --inline: exit status 2"

finish
