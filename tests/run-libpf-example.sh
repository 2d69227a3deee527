#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The C program in libpf(3)'s EXAMPLES must compile against the built
# library and count lines of plain and gzip input, so the page cannot drift
# from the API.  The programs are the first and the third .EX/.EE block of
# man/libpf.3 (the second is the build command); the third folds perf script
# text from standard input with pf_collapse.
. "$top_srcdir/tests/lib.sh"

# The compiler and sanitizer flags the library was built with: an ASan
# libpf only loads into a program linked with ASan too.
makevar() { sed -n "s/^$1 = //p" "$top_builddir/Makefile"; }
cc=$(makevar CC)
cc=${cc:-cc}
san=$(makevar SAN_LDFLAGS)
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc)"
libdir="$top_builddir/lib/.libs"
[ -f "$libdir/libpf.so" ] || skip "libpf.so is not built (static-only build?)"

# Block N of the page as C, with the roff escapes the page uses in code undone.
example() {
	awk -v want="$1" '/^\.EX/ { n++; next } /^\.EE/ { if (n == want) exit }
		n == want' "$top_srcdir/man/libpf.3" |
		sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/\\(dq/"/g' \
			-e 's/\\e/\\/g'
}
# Compile example block $1 into $tmp/$2; it must call the function $3.
build() {
	example "$1" >"$tmp/$2.c"
	grep -q "$3" "$tmp/$2.c" || fail "no $2 example program found in libpf.3"
	if $cc -std=gnu11 -Wall -Werror $san -I"$top_srcdir/lib" "$tmp/$2.c" \
		-L"$libdir" -Wl,-rpath,"$libdir" -lpf -o "$tmp/$2" 2>"$tmp/cc.err"; then
		echo "ok: the $2 example compiles without warnings"
	else
		fail "the $2 example does not compile"
		cat "$tmp/cc.err" >&2
		finish
	fi
}
build 1 count pf_lines_open
build 3 fold pf_collapse_new

printf 'one\ntwo\nthree' >"$tmp/plain"
gzip -c "$tmp/plain" >"$tmp/packed"
for input in plain packed; do
	out=$("$tmp/count" "$tmp/$input" 2>&1)
	[ "$out" = 3 ] && echo "ok: $input input: 3 lines" ||
		fail "$input input: expected 3, got: $out"
done
out=$(printf 'a\nb\n' | "$tmp/count" 2>&1)
[ "$out" = 2 ] && echo "ok: standard input: 2 lines" || fail "stdin: expected 2, got: $out"

status=0
"$tmp/count" "$tmp/missing" >"$tmp/err" 2>&1 || status=$?
[ "$status" -eq 1 ] && grep -q "^count: $tmp/missing: No such file" "$tmp/err" &&
	echo "ok: a missing file is reported with its name" ||
	fail "missing file: status $status, message: $(cat "$tmp/err")"

# Two samples of the same stack, the second without a blank line after it.
printf '%s\n' 'prog 123 [000] 1.000000: 1 page-faults:' \
	'	    1000 leaf+0x1 (/bin/prog)' '	    2000 main+0x2 (/bin/prog)' '' \
	'prog 123 [000] 1.000001: 2 page-faults:' \
	'	    1000 leaf+0x1 (/bin/prog)' '	    2000 main+0x2 (/bin/prog)' \
	>"$tmp/script.txt"
out=$("$tmp/fold" <"$tmp/script.txt" 2>&1)
[ "$out" = "prog;main;leaf 3" ] && echo "ok: fold sums the periods of a stack" ||
	fail "fold: expected 'prog;main;leaf 3', got: $out"
gzip -c "$tmp/script.txt" | "$tmp/fold" >"$tmp/fold.gz.out" 2>&1 &&
	[ "$(cat "$tmp/fold.gz.out")" = "prog;main;leaf 3" ] &&
	echo "ok: fold reads gzip input" || fail "fold: gzip input: $(cat "$tmp/fold.gz.out")"
status=0
printf 'a\000b\n' | "$tmp/fold" >"$tmp/err" 2>&1 || status=$?
[ "$status" -eq 1 ] && grep -q '^fold: line 1: ' "$tmp/err" &&
	echo "ok: fold rejects binary input with the line number" ||
	fail "binary input: status $status, message: $(cat "$tmp/err")"
finish
