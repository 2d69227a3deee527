#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pprof output read back by two independent readers.  `go tool pprof`
# (Debian's golang-go): -raw totals equal the folded totals, -top names
# the hottest function of the text, -traces shows the folded stacks, and
# -proto merges two recordings with totals adding up.  The npm package
# pprof-format (pure JavaScript; installed into the build tree at test
# time, skipped offline) decodes the same files and checks the structure
# (tests/pprof-check.js).  Covers pfscript --format=pprof on bundled and
# fresh recordings, pfcollapse --format=pprof and pfflame --pprof.
. "${top_srcdir:-.}/tests/lib.sh"

command -v go >/dev/null 2>&1 || skip "go is not installed (./install-deps --all)"
go tool pprof -h >/dev/null 2>&1 || skip "go tool pprof does not run"
export GOFLAGS=-mod=mod HOME="${HOME:-$tmp}" GOCACHE="$tmp/gocache"
pp() { go tool pprof "$@" 2>/dev/null; }

# pprof-format for node, once per build tree (flock: tests may run at once).
node_mods=
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	nd="$top_builddir/tests/pprof-node"
	mkdir -p "$nd"
	(
		flock 9
		[ -f "$nd/node_modules/pprof-format/package.json" ] ||
			(cd "$nd" && timeout 300 npm install --no-audit --no-fund --silent \
				--prefix "$nd" pprof-format@2.3.2) >/dev/null 2>&1
	) 9>"$nd/.lock"
	[ -f "$nd/node_modules/pprof-format/package.json" ] && node_mods="$nd/node_modules"
fi
[ -n "$node_mods" ] || echo "note: npm package pprof-format unavailable (offline?): JavaScript checks skipped"

# raw_total FILE.pb.gz [COLUMN]: the sum of a value column of -raw's samples.
raw_total() {
	pp -raw "$1" | awk -v col="${2:-1}" '
		/^Samples:/ { on = 1; next }
		/^[A-Z][a-z]*:?$/ && on && !/^Samples/ { on = 0 }
		on && /^ *[0-9][0-9 ]*:/ { split($0, v, ":"); n = split(v[1], f, " "); sum += f[col] }
		END { printf "%d\n", sum }'
}

# traces FILE.pb.gz: -traces as folded stacks, the comm label first when
# there is one, sorted; " (inline)" marks dropped.
traces() {
	pp -traces "$1" | awk '
		function flush() { if (st != "") sum[(comm != "" ? comm ";" : "") st] += c; st = ""; comm = ""; c = 0 }
		/^-----/ { flush(); inside = 1; next }
		!inside { next }
		$1 == "comm:" { comm = $2; next }
		$1 == "thread_comm:" || $1 == "pid:" || $1 == "tid:" { next }
		{ line = $0; sub(/ \(inline\)$/, "", line) }
		c == 0 && line ~ /^ +[0-9]+ +[^ ]/ { c = line; sub(/^ +/, "", c); sub(/ .*/, "", c); sub(/^ +[0-9]+ +/, "", line); st = line; next }
		{ sub(/^ +/, "", line); st = line ";" st }
		END { flush(); for (s in sum) print s, sum[s] }' | LC_ALL=C sort
}

# folded_total FILE: the sum of the counts.
folded_total() {
	awk '{ s += $NF } END { printf "%d\n", s }' "$1"
}

# node_check FILE.pb.gz TOTAL [LABELS]: pprof-format decodes it, totals.
node_check() {
	[ -n "$node_mods" ] || return 0
	if ! node "$top_srcdir/tests/pprof-check.js" "$node_mods" "$1" >"$tmp/node.out" 2>"$tmp/node.err"; then
		fail "$1: pprof-format: $(head -n 1 "$tmp/node.err")"
		return
	fi
	head -n 1 "$tmp/node.out" | grep -q " $2\$" ||
		fail "$1: pprof-format total $(head -n 1 "$tmp/node.out"), folded $2"
	[ -z "${3-}" ] || grep -qx "labels $3" "$tmp/node.out" ||
		fail "$1: labels $(grep labels "$tmp/node.out"), expected $3"
	echo "ok: pprof-format reads $(basename "$1")"
}

# check NAME DATA [OPTIONS]: pfscript --format=pprof against --format=folded.
check() {
	name=$1 in=$2
	shift 2
	pfscript -q -i "$in" "$@" --format=folded >"$tmp/$name.folded" 2>/dev/null
	pfscript -q -i "$in" "$@" --format=pprof >"$tmp/$name.pb.gz" 2>"$tmp/err" ||
		{ fail "$name: pfscript --format=pprof: $(head -n 1 "$tmp/err")"; return; }
	pfscript -q -i "$in" "$@" --format=pprof | cmp -s - "$tmp/$name.pb.gz" ||
		fail "$name: the same input gives the same bytes"
	want=$(folded_total "$tmp/$name.folded")
	got=$(raw_total "$tmp/$name.pb.gz")
	[ "$got" = "$want" ] && echo "ok: $name: -raw total $got" ||
		fail "$name: -raw total $got, folded total $want"
	# The folded text skips frames named "(...)" as stackcollapse-perf.pl
	# does, and stacks without frames, which -traces does not show.
	traces "$tmp/$name.pb.gz" | awk '{ c = $NF; k = $0; sub(/ [0-9]+$/, "", k)
		n = split(k, f, ";"); s = f[1]
		for (i = 2; i <= n; i++) if (substr(f[i], 1, 1) != "(") s = s ";" f[i]
		sum[s] += c }
		END { for (k in sum) if (k ~ /;/) print k, sum[k] }' | LC_ALL=C sort >"$tmp/$name.traces"
	# A sample without frames keeps its address in pprof: the stacks
	# -traces has besides the folded ones add up to the frameless ones.
	awk 'NR == FNR { if ($0 ~ /;/) want[$0] = 1; else bare += $NF; next }
		$0 in want { delete want[$0]; next }
		{ extra += $NF }
		END { for (k in want) { print "missing: " k; bad = 1 }
		      if (extra != bare) { print "extra " extra + 0 ", frameless " bare + 0; bad = 1 }
		      exit bad }' "$tmp/$name.folded" "$tmp/$name.traces" >"$tmp/$name.cmp" &&
		echo "ok: $name: -traces shows the folded stacks" ||
		{ fail "$name: -traces shows the folded stacks"; head "$tmp/$name.cmp" >&2; }
	node_check "$tmp/$name.pb.gz" "$want" "comm,pid,thread_comm,tid"
}

# hottest NAME DATA: -top's first function is the leaf of most samples in
# the text (when one leaf leads).
hottest() {
	pfscript -q -i "$2" | awk '
		/^[^\t]/ && NF { want = 1; next }
		want && /^\t/ { s = $0; sub(/^\t *[0-9a-f]+ /, "", s); sub(/ \([^()]*\)$/, "", s)
			sub(/\+0x[0-9a-f]+$/, "", s); n[s]++; want = 0 }
		END { for (s in n) print n[s] "\t" s }' | sort -rn >"$tmp/leaves"
	[ "$(sed -n 1p "$tmp/leaves" | cut -f1)" != "$(sed -n 2p "$tmp/leaves" | cut -f1)" ] || return 0
	want=$(sed -n '1s/^[0-9]*\t//p' "$tmp/leaves")
	got=$(pp -top "$tmp/$1.pb.gz" | awk '/flat%/ { on = 1; next }
		on { sub(/^ *[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +/, ""); sub(/ \(inline\)$/, ""); print; exit }')
	[ "$got" = "$want" ] && echo "ok: $1: -top names $got" ||
		fail "$1: -top names '$got', the text's hottest leaf is '$want'"
}

for f in true-fp true-pipe; do
	check "$f" "$data/script/$f.data"
	check "$f-3" "$data/script/$f.data" --max-stack=3
done
pp -proto "$tmp/true-fp.pb.gz" "$tmp/true-pipe.pb.gz" >"$tmp/merged.pb.gz"
sum=$(( $(raw_total "$tmp/true-fp.pb.gz") + $(raw_total "$tmp/true-pipe.pb.gz") ))
[ "$(raw_total "$tmp/merged.pb.gz")" = "$sum" ] && echo "ok: -proto merges, totals add up" ||
	fail "-proto a b: total $(raw_total "$tmp/merged.pb.gz"), expected $sum"

# Folded stacks to pprof: -traces gives them back exactly.
pfcollapse --format=pprof "$data/script/true-fp.data" >"$tmp/c.pb.gz"
pfcollapse "$data/script/true-fp.data" >"$tmp/c.folded"
traces "$tmp/c.pb.gz" >"$tmp/c.traces"
expect_same "$tmp/c.folded" "$tmp/c.traces" "pfcollapse --format=pprof: the folded stacks"
node_check "$tmp/c.pb.gz" "$(folded_total "$tmp/c.folded")" comm
pfcollapse --tid --format=pprof "$data/script/true-fp.data" >"$tmp/ct.pb.gz"
pp -traces "$tmp/ct.pb.gz" | grep -q '^ *tid: *[0-9][0-9]*$' || fail "pfcollapse --tid --format=pprof: tid labels"
pfflame --pprof "$tmp/c.folded" >"$tmp/f.pb.gz"
traces "$tmp/f.pb.gz" >"$tmp/f.traces"
expect_same "$tmp/c.folded" "$tmp/f.traces" "pfflame --pprof: the folded stacks"
printf 'a;b 1.5\n' >"$tmp/frac.folded"
pfflame --pprof "$tmp/frac.folded" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "frac.folded: line 1: pprof counts are whole numbers" "$tmp/err" ||
	fail "pfflame --pprof: a fraction is refused with its line"

# Fresh recordings of the C++ demo.
record_demo || finish
check fp "$tmp/fp.data"
hottest fp "$tmp/fp.data"
check dwarf "$tmp/dwarf.data"
hottest dwarf "$tmp/dwarf.data"
check dwarf-noinl "$tmp/dwarf.data" --no-inline
check d "$tmp/d.data" --data-frame
pp -traces "$tmp/dwarf.pb.gz" | grep -q ' (inline)$' || fail "dwarf: inline frames are Lines of one location"
pp -raw "$tmp/fp.pb.gz" | grep -q '/cxxdemo [0-9a-f]\{40\} ' || fail "fp: the demo's mapping has its build id"
pp -raw "$tmp/fp.pb.gz" | grep -q ' \[kernel.kallsyms\] ' || fail "fp: kernel frames have their mapping"
pp -proto "$tmp/fp.pb.gz" "$tmp/dwarf.pb.gz" >"$tmp/m.pb.gz"
sum=$(( $(raw_total "$tmp/fp.pb.gz") + $(raw_total "$tmp/dwarf.pb.gz") ))
[ "$(raw_total "$tmp/m.pb.gz")" = "$sum" ] && echo "ok: -proto merges two recordings" ||
	fail "-proto fp dwarf: total $(raw_total "$tmp/m.pb.gz"), expected $sum"

# Lost samples become a comment (a 1-page ring and 4 KiB stack copies
# lose some).
pfrecord -q -m 1 -e page-faults -c 1 --call-graph dwarf,4096 -o "$tmp/lost.data" -- "$demo" >/dev/null 2>&1
pfscript -q -i "$tmp/lost.data" --format=pprof >"$tmp/lost.pb.gz" 2>"$tmp/lost.err"
said=$(sed -n 's/.*the kernel lost \([0-9]*\) samples in \([0-9]*\) chunks.*/lost \1 samples in \2 chunks/p' "$tmp/lost.err")
if [ -n "$said" ]; then
	pp -comments "$tmp/lost.pb.gz" | grep -qx "$said" && echo "ok: $said, a comment" ||
		fail "lost samples: no comment '$said'"
else
	echo "note: the kernel lost nothing this time"
fi
finish
