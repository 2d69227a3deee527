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

# C++: methods of two classes inlined into one function keep their class
# (addr2line -C's names, which perl reads), and the C++ runtime's
# operator new, without debug information, is named by its demangled
# symbol, not _Znwm.
cxx=${CXX:-c++}
if command -v "$cxx" >/dev/null 2>&1; then
	cat >"$tmp/inl.cc" <<'CC'
struct Foo {
	__attribute__((always_inline)) long run(long *p, long n)
	{ long s = 0; for (long i = 0; i < n; i++) s += p[i] * 3; return s; }
};
struct Bar {
	__attribute__((always_inline)) long run(long *p, long n)
	{ long s = 0; for (long i = 0; i < n; i++) s += p[i] * 5; return s; }
};
__attribute__((noinline)) long outer(long n)
{
	long *p = new long[n]();
	long s = Foo().run(p, n) + Bar().run(p, n);
	delete[] p;
	return s;
}
int main(int argc, char **) { return (int)outer(argc * 10) & 1; }
CC
	"$cxx" -g -O2 -o "$tmp/inl" "$tmp/inl.cc" || fail "cannot build $tmp/inl.cc"
	foo=$(readelf --debug-dump=decodedline "$tmp/inl" |
		awk '$1 == "inl.cc" && $2 == 3 && $3 ~ /^0x/ { print substr($3, 3); exit }')
	bar=$(readelf --debug-dump=decodedline "$tmp/inl" |
		awk '$1 == "inl.cc" && $2 == 7 && $3 ~ /^0x/ { print substr($3, 3); exit }')
	stdcxx=$(ldd "$tmp/inl" | awk '/libstdc\+\+/ { print $3 }')
	new=$(nm -D "$stdcxx" 2>/dev/null | awk '$3 ~ /^_Znwm(@|$)/ { print $1; exit }')
	if [ -n "$foo" ] && [ -n "$bar" ] && [ -n "$new" ]; then
		{
			printf 'inl 100 1.000001: 1 page-faults: \n\t%s outer+0x20 (%s)\n\n' "$foo" "$tmp/inl"
			printf 'inl 100 1.000002: 1 page-faults: \n\t%s outer+0x40 (%s)\n\n' "$bar" "$tmp/inl"
			printf 'inl 100 1.000003: 1 page-faults: \n\t%x _Znwm+0x4 (%s)\n' \
				$((0x$new + 4)) "$stdcxx"
			printf '\t%s outer+0x10 (%s)\n\n' "$foo" "$tmp/inl"
		} >"$tmp/cxx.txt"
		printf '%s\n' 'inl;outer;Bar::run 1' 'inl;outer;Foo::run 1' \
			'inl;outer;Foo::run;operator new 1' >"$tmp/cxx.exp"
		pfcollapse --inline "$tmp/cxx.txt" | sort >"$tmp/cxx.out"
		expect_same "$tmp/cxx.exp" "$tmp/cxx.out" "--inline: qualified C++ names"
	else
		echo "skip: C++: no line for inl.cc:3/7 or no _Znwm in $stdcxx"
	fi
fi

# --context alone is a usage error.
pfcollapse --context "$tmp/in.txt" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--context without --inline: exit status 2"

finish
