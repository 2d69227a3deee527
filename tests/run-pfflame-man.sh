#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every command of pfflame(1)'s EXAMPLES, so the page cannot go stale.
# A stand-in `perf` first on PATH answers `perf script` with a bundled
# recording, and the folded files the examples name are made from the test
# data, so the examples run without perf or a recording.
. "${top_srcdir:-.}/tests/lib.sh"

mkdir "$tmp/bin" "$tmp/run"
cat >"$tmp/bin/perf" <<EOT
#!/bin/sh
[ "\$1" = script ] || { echo "stand-in perf: only 'perf script'" >&2; exit 1; }
exec gzip -dc "$data/collapse/pf-python-fp.txt.gz"
EOT
chmod +x "$tmp/bin/perf"
PATH="$tmp/bin:$PATH"
cp "$data/flame/basic.folded" "$tmp/run/pf.folded"
cp "$data/flame/before.folded" "$tmp/run/before.folded"
cp "$data/flame/after.folded" "$tmp/run/after.folded"

cd "$tmp/run" || exit 99
run_examples "$top_srcdir/man/pfflame.1"
for svg in pf.svg icicle.svg alloc.svg diff.svg diff1.svg; do
	grep -q '^<g id="frames">$' "$svg" || fail "$svg is a flame graph"
done
grep -q '<title>all (.* faults, 100%)</title>' pf.svg || fail "pf.svg counts faults"
grep -q 'Icicle\|Page faults' icicle.svg || fail "icicle.svg has its title"
grep -q '^Top 10 functions by self samples:$' "$tmp/out.3" || fail "--text prints its tables"
gzip -t pf.pb.gz 2>/dev/null && [ -s pf.pb.gz ] || fail "pf.pb.gz is a gzip-compressed profile"
finish
