#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Rust v0 symbols end to end, when rustc is installed: a small program
# built with -C symbol-mangling-version=v0 is recorded with pfrecord and
# its generic functions and closures appear demangled in pfscript's
# stacks, as rustfilt shows them.
. "${top_srcdir:-.}/tests/lib.sh"

command -v rustc >/dev/null 2>&1 || skip "rustc is not installed"
cat >"$tmp/rfdemo.rs" <<'RS'
use std::hint::black_box;
pub struct Pages<T>(Vec<T>);
impl<T: Copy + Default> Pages<T> {
    #[inline(never)]
    pub fn touch(n: usize) -> Pages<T> {
        let mut v = vec![T::default(); n];
        (0..n).step_by(4096).for_each(|i| v[i] = black_box(T::default()));
        Pages(v)
    }
}
#[inline(never)]
fn fill<const N: usize>() -> usize { Pages::<u8>::touch(N << 20).0.len() }
fn main() { println!("{}", black_box(fill::<8>())); }
RS
rustc -O -g -C symbol-mangling-version=v0 -C force-frame-pointers=yes \
	-o "$tmp/rfdemo" "$tmp/rfdemo.rs" >"$tmp/rustc.log" 2>&1 ||
	skip "rustc cannot build here: $(head -n 1 "$tmp/rustc.log")"
nm "$tmp/rfdemo" | grep -q ' _RNvCs' || skip "rustc did not use v0 mangling"
pfrecord -e page-faults -c 1 -g -o "$tmp/rust.data" -- "$tmp/rfdemo" \
	>/dev/null 2>"$tmp/rec.err" ||
	skip "pfrecord failed: $(head -n 1 "$tmp/rec.err")"
pfscript -i "$tmp/rust.data" >"$tmp/rust.pf" || fail "pfscript failed"
grep -q ' rfdemo::fill::<8>+0x' "$tmp/rust.pf" || fail "no rfdemo::fill::<8> frame"
grep -q ' <rfdemo::Pages<u8>>::touch+0x' "$tmp/rust.pf" ||
	fail "no <rfdemo::Pages<u8>>::touch frame"
grep -q ' _R[A-Z]' "$tmp/rust.pf" && fail "v0 names left mangled: $(grep -m1 ' _R[A-Z]' "$tmp/rust.pf")"
pfscript -i "$tmp/rust.data" --no-demangle >"$tmp/raw.pf" || fail "pfscript --no-demangle"
grep -q ' _RINvCs[0-9a-zA-Z_]*6rfdemo4fill' "$tmp/raw.pf" ||
	fail "--no-demangle does not keep the v0 name"
echo "ok: Rust v0 frames demangled"
finish
