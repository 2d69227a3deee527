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

# The lines between .EX and .EE of the EXAMPLES section, unescaped.
sed -n '/^\.SH EXAMPLES/,/^\.SH /{ /^\.EX/,/^\.EE/p; }' "$top_srcdir/man/pfflame.1" |
	grep -v '^\.E[XE]' |
	sed 's/\\-/-/g; s/\\(aq/'"'"'/g; s/\\e/\\/g' >"$tmp/examples"
[ -s "$tmp/examples" ] || fail "no examples found"

cd "$tmp/run" || exit 99
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	if sh -ec "$cmd" >"$tmp/out.$n" 2>"$tmp/err"; then
		echo "ok: $cmd"
	else
		fail "$cmd"
		cat "$tmp/err" >&2
	fi
done <"$tmp/examples"
for svg in pf.svg icicle.svg alloc.svg diff.svg diff1.svg; do
	grep -q '^<g id="frames">$' "$svg" || fail "$svg is a flame graph"
done
grep -q '<title>all (.* faults, 100%)</title>' pf.svg || fail "pf.svg counts faults"
grep -q 'Icicle\|Page faults' icicle.svg || fail "icicle.svg has its title"
grep -q '^Top 10 functions by self samples:$' "$tmp/out.3" || fail "--text prints its tables"
finish
