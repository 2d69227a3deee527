#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfscript --format=gecko: valid JSON in the Firefox Profiler's Gecko
# format, checked against its documented schema (firefox-devtools/profiler
# src/types/gecko-profile.ts at version 31, by tests/gecko-check.js; no
# profiler importer runs offline), whose threads hold every sample with the
# stacks pfcollapse folds, with COMM, EXIT and lost-sample markers.
. "${top_srcdir:-.}/tests/lib.sh"

command -v node >/dev/null 2>&1 || skip "node is not installed"

# check NAME DATA [OPTIONS]: the samples per thread are the folded stacks
# (frames named "(...)" aside, which stackcollapse-perf.pl drops).
check() {
	name=$1 in=$2
	shift 2
	pfscript -q -i "$in" "$@" --format=gecko >"$tmp/$name.json" 2>"$tmp/err" ||
		{ fail "$name: pfscript --format=gecko: $(head -n 1 "$tmp/err")"; return; }
	pfscript -q -i "$in" "$@" --format=gecko | cmp -s - "$tmp/$name.json" ||
		fail "$name: the same input gives the same bytes"
	if ! node "$top_srcdir/tests/gecko-check.js" "$tmp/$name.json" >"$tmp/$name.out" 2>"$tmp/err"; then
		fail "$name: not a Gecko profile: $(head -n 1 "$tmp/err")"
		return
	fi
	echo "ok: $name: valid Gecko JSON"
	grep -v '^markers ' "$tmp/$name.out" | awk '{ c = $NF; k = $0; sub(/ [0-9]+$/, "", k)
		n = split(k, f, ";"); s = f[1]
		for (i = 2; i <= n; i++) if (substr(f[i], 1, 1) != "(") s = s ";" f[i]
		sum[s] += c } END { for (k in sum) print k, sum[k] }' | LC_ALL=C sort >"$tmp/$name.got"
	pfscript -q -i "$in" "$@" | pfcollapse --tid --count-samples 2>/dev/null |
		sed 's|^[^;]*-[0-9?]*/\([0-9]*\)|\1|' | LC_ALL=C sort >"$tmp/$name.want"
	expect_same "$tmp/$name.want" "$tmp/$name.got" "$name: every sample in its thread with its stack"
}

check true-fp "$data/script/true-fp.data"
check true-pipe "$data/script/true-pipe.data"
check true-fp-3 "$data/script/true-fp.data" --max-stack=3
grep -q '^markers COMM ' "$tmp/true-fp.out" || fail "true-fp: COMM markers"

record_demo || finish
# Two threads: each gets its own thread in the profile.
pfrecord -q -e page-faults -c 1 -g -o "$tmp/sh.data" -- sh -c "$demo; $demo" >/dev/null
check fp "$tmp/fp.data"
check dwarf "$tmp/dwarf.data"
check d "$tmp/d.data" --data-frame
check sh "$tmp/sh.data"
grep -q '^markers EXIT ' "$tmp/fp.out" || fail "fp: an EXIT marker"
[ "$(node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(p.threads.length)' "$tmp/sh.json")" -ge 3 ] ||
	fail "sh: a thread per process"
node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1]));
	const cats = p.meta.categories.map((c) => c.name);
	const used = new Set(p.threads.flatMap((t) => t.frameTable.data.map((f) => cats[f[6]])));
	if (!used.has("Kernel") || !used.has("User")) process.exit(1);' "$tmp/fp.json" ||
	fail "fp: kernel and user frames in their categories"

# Lost samples are markers (a 1-page ring and 4 KiB stack copies lose some).
pfrecord -q -m 1 -e page-faults -c 1 --call-graph dwarf,4096 -o "$tmp/lost.data" -- "$demo" >/dev/null 2>&1
pfscript -q -i "$tmp/lost.data" --format=gecko >"$tmp/lost.json" 2>"$tmp/lost.err"
chunks=$(sed -n 's/.*the kernel lost [0-9]* samples in \([0-9]*\) chunks.*/\1/p' "$tmp/lost.err")
if [ -n "$chunks" ]; then
	node "$top_srcdir/tests/gecko-check.js" "$tmp/lost.json" >"$tmp/lost.out" || fail "lost: valid Gecko JSON"
	grep -qx "markers LOST $chunks" "$tmp/lost.out" && echo "ok: $chunks LOST markers" ||
		fail "lost: $chunks chunks, markers: $(grep LOST "$tmp/lost.out")"
else
	echo "note: the kernel lost nothing this time"
fi
finish
