#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every command of pfdiff(1)'s EXAMPLES, so the page cannot go stale.
. "${top_srcdir:-.}/tests/lib.sh"

mkdir "$tmp/run"
cp "$data/flame/before.folded" "$data/flame/after.folded" "$tmp/run/"

cd "$tmp/run" || exit 99
run_examples "$top_srcdir/man/pfdiff.1"
grep -q 'rgb(255,' diff.svg || fail "diff.svg has red frames"
grep -q '^app;main;run;helper@0x\.\.\.;page_fault 23 12$' diff.folded || fail "diff.folded: -n -s"
grep -q '^Functions by self count that grew most:$' "$tmp/out.3" || fail "--strip-comm --report"
grep -q '^Stacks that grew most:$' "$tmp/out.5" || fail "the report"
finish
