#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The C program in libpf(3)'s EXAMPLES must compile against the built
# library and count lines of plain and gzip input, so the page cannot drift
# from the API.  The program is the first .EX/.EE block of man/libpf.3.
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

# Undo the roff escapes the page uses in code.
awk '/^\.EX/ { n++; next } /^\.EE/ { if (n == 1) exit } n == 1' \
	"$top_srcdir/man/libpf.3" |
	sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/\\(dq/"/g' -e 's/\\e/\\/g' \
	>"$tmp/count.c"
grep -q 'pf_lines_open' "$tmp/count.c" || fail "no example program found in libpf.3"

if $cc -std=gnu11 -Wall -Werror $san -I"$top_srcdir/lib" "$tmp/count.c" \
	-L"$libdir" -Wl,-rpath,"$libdir" -lpf -o "$tmp/count" 2>"$tmp/cc.err"; then
	echo "ok: the example compiles without warnings"
else
	fail "the example does not compile"
	cat "$tmp/cc.err" >&2
	finish
fi

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
finish
