#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Stacks unwound from DWARF on every linker's layout (issue 15 item 1):
# tests/progs/layout.c and its shared library, built with GNU ld (PIE and
# not), gold, lld (whose code sits at a virtual address other than its file
# offset), mold, a library linked at a non-zero base as prelink leaves
# them, and a Rust program (rustc links with its own lld) when rustc is
# installed.  Each is recorded once with pfrecord --call-graph dwarf, and
# the stacks of pfscript and of perf script on that file are folded by the
# same folder (stackcollapse-perf.pl, or pfcollapse when the perl script is
# not on PATH) and must be equal, except where perf's unwinder gives up: a
# stack perf cut short (not from _start) may be deeper in pfscript, from
# _start, with the same leaf frames and count; the test says how many.  The
# program's own chains main;a;b;c and main;lib_touch;lib_fill must be there
# whole, and the program's frames must have their source lines.
. "${top_srcdir:-.}/tests/lib.sh"

command -v perf >/dev/null 2>&1 || skip "perf is not installed"
src="$top_srcdir/tests/progs"
pfrecord -e page-faults -c 1 --call-graph dwarf -o "$tmp/probe.data" -- true \
	>/dev/null 2>"$tmp/probe.err" ||
	skip "pfrecord cannot record here: $(head -n 1 "$tmp/probe.err")"
if command -v stackcollapse-perf.pl >/dev/null 2>&1; then
	fold=stackcollapse-perf.pl
else
	fold=pfcollapse
fi
built=0
only=

# deeper PERF PF: pair the stacks only one side has.  Each of perf's must
# be matched by one of pfscript's with the same count, from _start, ending
# in perf's frames but perf's outermost (a wrong guess where it stopped).
# Prints the number paired and the number left unpaired.
deeper() {
	comm -23 "$1" "$2" >"$1.only"
	comm -13 "$1" "$2" >"$2.only"
	awk -F';' '
	NR == FNR { perf[NR] = $0; nperf = NR; next }
	{ pf[FNR] = $0; npf = FNR }
	END {
		paired = 0
		for (i = 1; i <= nperf; i++) {
			n = split(perf[i], f, ";")
			if (n < 3 || f[2] == "_start")
				continue
			tail = ""
			for (k = 3; k <= n; k++)
				tail = tail ";" f[k]
			for (j = 1; j <= npf; j++) {
				if (used[j] || index(pf[j], f[1] ";_start;") != 1)
					continue
				if (length(pf[j]) > length(tail) &&
				    substr(pf[j], length(pf[j]) - length(tail) + 1) == tail) {
					used[j] = 1
					done[i] = 1
					paired++
					break
				}
			}
		}
		left = 0
		for (i = 1; i <= nperf; i++)
			if (!done[i])
				left++
		for (j = 1; j <= npf; j++)
			if (!used[j])
				left++
		print paired, left
	}' "$1.only" "$2.only"
}

# check NAME [CHAIN...]: record $tmp/NAME/prog and compare the two tools'
# stacks (those matching $only); each CHAIN must appear in a stack from
# _start.
check() {
	name=$1
	dir="$tmp/$name"
	shift
	pfrecord -q -m 4096 -e page-faults -c 1 --call-graph dwarf -o "$dir/rec.data" \
		-- "$dir/prog" >/dev/null 2>"$dir/rec.err" ||
		{ fail "$name: pfrecord: $(head -n 1 "$dir/rec.err")"; return; }
	perf script -i "$dir/rec.data" 2>/dev/null | $fold | grep -e "$only" | sort \
		>"$dir/perf.folded"
	pfscript -i "$dir/rec.data" >"$dir/pf.txt" || fail "$name: pfscript failed"
	$fold "$dir/pf.txt" | grep -e "$only" | sort >"$dir/pf.folded"
	[ -s "$dir/pf.folded" ] || fail "$name: no stacks"
	if cmp -s "$dir/perf.folded" "$dir/pf.folded"; then
		echo "ok: $name: same stacks as perf script"
	else
		read -r paired left <<-EOF
		$(deeper "$dir/perf.folded" "$dir/pf.folded")
		EOF
		if [ "$left" -eq 0 ]; then
			echo "ok: $name: same stacks as perf script, $paired deeper where perf stops"
		else
			expect_same "$dir/perf.folded" "$dir/pf.folded" "$name: same stacks as perf script"
		fi
	fi
	pfcollapse "$dir/pf.txt" >"$dir/pf.pfcollapse"
	# Source lines of the program's own frames: clang writes no
	# .debug_aranges, where libdw alone finds no unit for an address.
	if [ -z "$only" ]; then
		pfscript -i "$dir/rec.data" -F +srcline | grep -q '^  layout\.c:[0-9]' ||
			fail "$name: no source line of layout.c"
	fi
	[ $# -gt 0 ] || set -- "main;a;b;c;" "main;lib_touch;lib_fill;"
	for chain in "$@"; do
		grep -q "_start;.*$chain" "$dir/pf.pfcollapse" ||
			fail "$name: no whole stack _start;...;$chain"
	done
}

# build NAME CC LINKER [PROGRAM-FLAGS]: the program and its library linked
# by LINKER (-fuse-ld=...), the library with $LIB_LDFLAGS too.
build() {
	name=$1 cc=$2 ld=$3 progflags=${4-}
	dir="$tmp/$name"
	mkdir -p "$dir"
	command -v "$cc" >/dev/null 2>&1 || { echo "skip: $name: no $cc"; return 1; }
	if "$cc" -O2 -g -fPIC -shared -o "$dir/liblayout.so" "$src/layout-lib.c" \
		"$ld" $LIB_LDFLAGS 2>"$dir/cc.err" &&
	   "$cc" -O2 -g $progflags -o "$dir/prog" "$src/layout.c" -L"$dir" -llayout \
		-Wl,-rpath,"$dir" "$ld" 2>>"$dir/cc.err"; then
		built=$((built + 1))
		return 0
	fi
	echo "skip: $name: $(head -n 1 "$dir/cc.err")"
	return 1
}

LIB_LDFLAGS=
build gnu-pie gcc -fuse-ld=bfd -pie && check gnu-pie
build gnu-nopie gcc -fuse-ld=bfd -no-pie && check gnu-nopie
build gold gcc -fuse-ld=gold && check gold
build lld clang -fuse-ld=lld && check lld
build lld-nopie clang -fuse-ld=lld -no-pie && check lld-nopie
build mold gcc -fuse-ld=mold && check mold
# prelink(8) gave each library its own non-zero base address.
LIB_LDFLAGS=-Wl,-Ttext-segment=0x40000000
build prelinked gcc -fuse-ld=bfd && check prelinked
LIB_LDFLAGS=
[ $built -gt 0 ] || skip "no compiler and linker could build the programs"

if command -v rustc >/dev/null 2>&1; then
	mkdir -p "$tmp/rust"
	cat >"$tmp/rust/prog.rs" <<'RS'
use std::hint::black_box;
#[inline(never)]
fn c(v: &mut Vec<u8>) { for i in (0..v.len()).step_by(4096) { v[i] = 1; } black_box(&v); }
#[inline(never)]
fn b(v: &mut Vec<u8>) { c(v); black_box(&v); }
#[inline(never)]
fn a(v: &mut Vec<u8>) { b(v); black_box(&v); }
fn main() {
    let mut v = Vec::with_capacity(512 << 10);
    unsafe { v.set_len(512 << 10); }
    a(&mut v);
    println!("{}", black_box(v[4096]));
}
RS
	if rustc -O -g -o "$tmp/rust/prog" "$tmp/rust/prog.rs" >"$tmp/rust/rustc.log" 2>&1; then
		# The program's stacks: Rust's runtime start-up runs glibc's
		# assembly wrappers, whose several names at one address addr2line
		# and pfscript choose differently.
		only=';prog::main;'
		check rust "main;prog::a;prog::b;prog::c" "prog::main;prog::a"
	else
		echo "skip: rust: $(head -n 1 "$tmp/rust/rustc.log")"
	fi
else
	echo "skip: rust: rustc is not installed"
fi
finish
