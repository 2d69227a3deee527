#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --help and the manual page of each tool must list the same long options:
# every --option that `TOOL --help` prints is described in man/TOOL.1's
# OPTIONS section, and every option described there is in --help.  Tools
# not built (yet) are skipped, so the test grows with the suite.
#
# Options are taken from the option column only: lines whose first
# non-blank character is "-", up to the first gap of two spaces or a tab
# where the description starts; so prose that mentions another program's
# options does not count.  "--opt=ARG" and "--opt[=ARG]" count as "--opt".
. "$top_srcdir/tests/lib.sh"

command -v mandoc >/dev/null 2>&1 || skip "mandoc is not installed"
command -v col >/dev/null 2>&1 || skip "col (bsdextrautils) is not installed"
LC_ALL=C
export LC_ALL

# long_options: read text on stdin, print its long options, sorted, unique.
long_options() {
	sed -n 's/^[[:space:]]*\(-.*\)$/\1/p' |
		sed 's/\(  \|\t\).*//' |
		grep -oE -- '--[[:alnum:]][[:alnum:]-]*' |
		sort -u
}

# options_section PAGE: the OPTIONS section of PAGE as plain text.
options_section() {
	mandoc -T ascii -O width=200 "$1" | col -bx |
		awk '/^[A-Z][A-Z ]*$/ { in_opts = ($0 == "OPTIONS"); next }
		     in_opts'
}

tools=pfcollapse
for t in "$top_builddir"/tools/pf*; do
	name=${t##*/}
	[ -f "$t" ] && [ -x "$t" ] || continue
	[ "$name" = pfcollapse ] || tools="$tools $name"
done

checked=0
for tool in $tools; do
	bin="$top_builddir/tools/$tool"
	if ! [ -x "$bin" ]; then
		echo "skip: $tool is not built"
		continue
	fi
	page="$top_srcdir/man/$tool.1"
	if ! [ -f "$page" ]; then
		fail "$tool has no manual page man/$tool.1"
		continue
	fi
	checked=$((checked + 1))

	status=0
	"$bin" --help >"$tmp/$tool.help" 2>&1 || status=$?
	if [ "$status" -ne 0 ]; then
		fail "$tool --help exits with status $status"
		continue
	fi
	long_options <"$tmp/$tool.help" >"$tmp/$tool.help.opts"
	options_section "$page" | long_options >"$tmp/$tool.man.opts"

	if ! [ -s "$tmp/$tool.man.opts" ]; then
		fail "man/$tool.1 has no OPTIONS section listing long options"
		continue
	fi
	only_help=$(comm -23 "$tmp/$tool.help.opts" "$tmp/$tool.man.opts")
	only_man=$(comm -13 "$tmp/$tool.help.opts" "$tmp/$tool.man.opts")
	[ -z "$only_help" ] ||
		fail "$tool: in --help but not in man/$tool.1 OPTIONS:" $only_help
	[ -z "$only_man" ] ||
		fail "$tool: in man/$tool.1 OPTIONS but not in --help:" $only_man
	[ -n "$only_help$only_man" ] ||
		echo "ok: $tool: $(wc -l <"$tmp/$tool.help.opts") long options agree"
done
[ "$checked" -gt 0 ] || skip "no tool is built yet"
finish
