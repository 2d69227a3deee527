#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz the option parsers of the tools, which parse inline in main(): run
# the real binaries on generated command lines, made of the options their
# --help lists and awkward values (empty, negative, 2^64 and more, huge,
# not numbers, invalid UTF-8).  Every run must end (time limit), by exit
# 0, 1 or 2, never a signal, and a failure must say why on stderr as
# "TOOL: ...".  make check runs FUZZ_OPTION_CASES (30) command lines per
# tool from a fixed seed; `make fuzz` runs for FUZZ_SECONDS per tool with a
# seed from the clock (printed, so that a failure can be replayed with
# FUZZ_SEED).
. "${top_srcdir:-.}/tests/lib.sh"

cases=${FUZZ_OPTION_CASES:-30}
seconds=${FUZZ_SECONDS:-0}
seed=${FUZZ_SEED:-1}
[ "$seconds" -gt 0 ] && [ -z "${FUZZ_SEED:-}" ] && seed=$(date +%s)
echo "seed $seed"

long=$(head -c 5000 /dev/zero | tr '\0' a)
# One value per line; the generator picks among them.
printf '%s\n' "" 0 1 2 -1 3.5 abc 1e3 0x10 18446744073709551615 \
	18446744073709551616 99999999999999999999999 - , : =x page-faults \
	cpu-clock faults:u major-faults,minor-faults sched:sched_switch no:such \
	fp dwarf dwarf,0 dwarf,99999999 fp,8 hot mem chain blue '%' 50% \
	"$(printf 'x\377\376')" "$long" >"$tmp/values"

# gen TOOL: command lines for TOOL, one argument a line, cases apart by "@@".
gen() {
	"$1" --help 2>/dev/null |
		grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[ ,]*//' | sort -u |
		grep -vxE -- "$2" >"$tmp/opts"
	[ -s "$tmp/opts" ] || { fail "$1 --help lists no options"; return; }
	awk -v seed="$3" -v n="$4" '
		FILENAME == ARGV[1] { opt[no++] = $0; next }
		{ val[nv++] = $0 }
		END {
			srand(seed)
			for (c = 0; c < n; c++) {
				k = 1 + int(rand() * 4)
				for (i = 0; i < k; i++) {
					o = opt[int(rand() * no)]
					v = val[int(rand() * nv)]
					r = rand()
					if (r < 0.2)
						print o
					else if (r < 0.6 && o ~ /^--/)
						print o "=" v
					else {
						print o
						print v
					}
				}
				print "@@"
			}
		}' "$tmp/opts" "$tmp/values"
}

# try TOOL ARGS...: one run, checked.
try() {
	tool=$1
	timeout 20 "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	runs=$((runs + 1))
	cmd=$(printf '%s' "$*" | cut -c 1-300)
	# getopt's own messages start with argv[0], a path under make check.
	# pfrecord runs a stray word as the command: 127 or 126, as shells do.
	if [ "$rc" -eq 124 ]; then
		fail "$cmd: no result within 20s"
	elif [ "$tool" = pfrecord ] && { [ "$rc" -eq 127 ] || [ "$rc" -eq 126 ]; } &&
	     grep -q '^pfrecord: .*: \(command not found\|cannot run: .*\)$' "$tmp/err"; then
		:
	elif [ "$rc" -gt 2 ]; then
		fail "$cmd: exit status $rc$( [ "$rc" -gt 128 ] && echo " (signal $((rc - 128)))")"
	elif [ "$rc" -ne 0 ] && ! grep -q "^\([^ ]*/\)\{0,1\}$tool: " "$tmp/err"; then
		fail "$cmd: exit status $rc without a '$tool: ' message: $(head -n 1 "$tmp/err" | cut -c 1-200)"
	fi
}

# fuzz TOOL EXCLUDED-OPTIONS FIXED-ARGS...: run generated lines, the fixed
# arguments (input files, the recorded command) after them.
fuzz() {
	tool=$1
	exclude=$2
	shift 2
	printf '%s\n' "$@" >"$tmp/fixed"
	round=0
	start=$(date +%s)
	while :; do
		rm -rf "$tmp/cases"
		mkdir "$tmp/cases"
		gen "$tool" "$exclude" $((seed + round)) "$cases" |
			awk -v dir="$tmp/cases" '/^@@$/ { n++; next } { print > (dir "/" (n + 1000)) }'
		for c in "$tmp"/cases/*; do
			set --
			while IFS= read -r a; do set -- "$@" "$a"; done <"$c"
			while IFS= read -r a; do set -- "$@" "$a"; done <"$tmp/fixed"
			try "$tool" "$@"
		done
		round=$((round + 1))
		[ "$seconds" -gt 0 ] && [ $(($(date +%s) - start)) -lt "$seconds" ] || break
	done
}

# A generated "--" or an option that takes the next word as its value can
# leave the tools' default outputs (pfrecord's pf.data, pfflame --cp's
# palette.map) in the working directory: keep it the scratch one.
cd "$tmp" || exit 99
runs=0
folded="$data/flame/basic.folded"
fuzz pfcollapse '--help|-h|--version|-V' "$data/collapse/quirks.txt"
fuzz pfscript '--help|-h|--version|-V' -i "$data/script/true-fp.data"
fuzz pfflame '--help|-h|--version|-V|--cp' "$folded"
fuzz pfdiff '--help|-h|--version|-V' "$data/flame/before.folded" "$data/flame/after.folded"
# pfrecord: not the options that attach to other processes or run for a
# set time; the recorded command is `true`, the output goes to $tmp.
fuzz pfrecord '--help|-h|--version|-V|-p|--pid|-t|--tid|-a|--all-cpus|--duration|-o|--output|-r|--repeat' \
	-o "$tmp/pf.data" -- true
echo "ok: $runs generated command lines"
finish
