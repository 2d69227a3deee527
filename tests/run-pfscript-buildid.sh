#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build-ids (issue 15 item 4): pfrecord copies the binaries a recording
# used into perf's build-id cache (~/.debug, perf's own layout, so perf
# script finds them too); a binary rebuilt in place after recording is
# never used for the old recording: pfscript takes the cached copy, or,
# with none, prints [unknown] and says once which file changed.  Also
# --no-buildid-cache, --symfs (the files under another root) and
# -k/--vmlinux (kernel symbols from an ELF file, relocated to where the
# recorded kernel's text was).
. "${top_srcdir:-.}/tests/lib.sh"

cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc)"
mkdir -p "$tmp/home" "$tmp/empty" "$tmp/nocache"
app="$tmp/app"
cat >"$tmp/v1.c" <<'C'
#include <stdlib.h>
__attribute__((noinline)) void old_fill(volatile char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
}
int main(void) { size_t n = 64 << 12; char *p = malloc(n); old_fill(p, n); return p[0] != 1; }
C
sed 's/old_fill/new_touch/g; s/p\[i\] = 1;/p[i] = 2; p[0] = 3;/' \
	"$tmp/v1.c" >"$tmp/v2.c"
"$cc" -O1 -g -fno-omit-frame-pointer -o "$app" "$tmp/v1.c" || skip "cannot build a program"
cp "$app" "$tmp/app.v1"
HOME="$tmp/home" pfrecord -q -e page-faults -c 1 -g -o "$tmp/app.data" -- "$app" \
	>/dev/null 2>"$tmp/rec.err" ||
	skip "pfrecord cannot record here: $(head -n 1 "$tmp/rec.err")"

# The cache, as perf lays it out: .build-id/XX/REST -> ../../PATH/ID/elf.
id=$(readelf -n "$app" 2>/dev/null | awk '/Build ID/ { print $3 }')
[ -n "$id" ] || skip "the compiler writes no build-id"
link="$tmp/home/.debug/.build-id/$(printf %.2s "$id")/${id#??}"
[ "$(readlink "$link")" = "../..$app/$id" ] ||
	fail "cache link $link -> $(readlink "$link"), expected ../..$app/$id"
cmp -s "$link/elf" "$app" && echo "ok: the binary is in the build-id cache" ||
	fail "no copy of $app in $link/elf"
HOME="$tmp/nocache" pfrecord -q -N -e page-faults -c 1 -g -o "$tmp/n.data" -- "$app" \
	>/dev/null 2>&1 || fail "pfrecord -N failed"
[ -e "$tmp/nocache/.debug" ] && fail "pfrecord -N wrote $tmp/nocache/.debug" ||
	echo "ok: -N leaves the cache alone"

# Before the rebuild: the program's own names.
HOME="$tmp/empty" pfscript -i "$tmp/app.data" 2>"$tmp/err" | pfcollapse >"$tmp/before"
grep -q ';old_fill ' "$tmp/before" || fail "no old_fill frame before the rebuild"
[ -s "$tmp/err" ] && fail "warnings before the rebuild: $(head -n 1 "$tmp/err")"

# Rebuilt in place: the cached copy gives the recording's names.
"$cc" -O1 -g -fno-omit-frame-pointer -o "$app" "$tmp/v2.c"
HOME="$tmp/home" pfscript -i "$tmp/app.data" 2>"$tmp/err" | pfcollapse >"$tmp/cached"
expect_same "$tmp/before" "$tmp/cached" "rebuilt: the names of the build-id cache's copy"
[ -s "$tmp/err" ] && fail "warnings with the cached copy: $(head -n 1 "$tmp/err")"
if command -v perf >/dev/null 2>&1; then
	HOME="$tmp/home" perf script -i "$tmp/app.data" 2>/dev/null | pfcollapse >"$tmp/perf"
	expect_same "$tmp/perf" "$tmp/cached" "rebuilt: perf script finds pfrecord's cache entry too"
fi

# No copy: [unknown], and one warning that names the file.
HOME="$tmp/empty" pfscript -i "$tmp/app.data" 2>"$tmp/err" | pfcollapse >"$tmp/changed"
grep -q 'new_touch\|old_fill' "$tmp/changed" &&
	fail "rebuilt, no cache: names from the new binary: $(grep -m1 'new_touch\|old_fill' "$tmp/changed")"
grep -q ';main' "$tmp/changed" && fail "rebuilt, no cache: main resolved in the new binary"
[ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	grep -q "^pfscript: $app: not the file the recording saw (build-id [0-9a-f]*, recorded $id)" "$tmp/err" &&
	echo "ok: rebuilt, no cache: [unknown] and one warning" ||
	{ fail "rebuilt, no cache: the warning"; cat "$tmp/err" >&2; }

# --symfs: the recording's files under another root.
mkdir -p "$tmp/root$tmp"
cp "$tmp/app.v1" "$tmp/root$app"
HOME="$tmp/empty" pfscript -i "$tmp/app.data" --symfs="$tmp/root" 2>"$tmp/err" |
	pfcollapse | grep ';old_fill ' >/dev/null &&
	echo "ok: --symfs finds the recorded binary" || fail "--symfs: no old_fill frame"

# Network look-ups are a choice, never a side effect: with DEBUGINFOD_URLS
# naming a local listener, pfscript looking for the missing debug info of a
# stripped binary must not connect (libdw's own search would).
if command -v python3 >/dev/null 2>&1 && command -v strip >/dev/null 2>&1; then
	strip -o "$tmp/stripped" "$tmp/app.v1"
	HOME="$tmp/nocache" pfrecord -q -N -e page-faults -c 1 -g -o "$tmp/s.data" -- \
		"$tmp/stripped" >/dev/null 2>&1 || fail "pfrecord of the stripped binary"
	python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
s.settimeout(20)
print(s.getsockname()[1], flush=True)
try:
    s.accept()
    open(sys.argv[1], "w").write("connected\n")
except OSError:
    pass
' "$tmp/connected" >"$tmp/port" &
	listener=$!
	n=0
	while [ ! -s "$tmp/port" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	DEBUGINFOD_URLS="http://127.0.0.1:$(cat "$tmp/port")" \
	DEBUGINFOD_CACHE_PATH="$tmp/debuginfod" DEBUGINFOD_TIMEOUT=2 HOME="$tmp/empty" \
		pfscript -i "$tmp/s.data" -F +srcline >/dev/null 2>&1
	kill "$listener" 2>/dev/null
	wait "$listener" 2>/dev/null
	[ -e "$tmp/connected" ] && fail "pfscript asked debuginfod without --debuginfod" ||
		echo "ok: no debuginfod look-up without --debuginfod"
fi

# -k: a stand-in vmlinux, one function from _text over a gigabyte, must
# name every kernel frame with its offset from where the recorded kernel's
# text began.
cat >"$tmp/k.s" <<'S'
	.text
	.globl kernel_stand_in
	.type kernel_stand_in, @function
kernel_stand_in:
	ret
	.size kernel_stand_in, 0x40000000
S
if "$cc" -nostdlib -static -no-pie -Wl,-Ttext=0x1000000 -Wl,--defsym=_text=0x1000000 \
	-Wl,-e,kernel_stand_in -o "$tmp/vmlinux" "$tmp/k.s" 2>/dev/null &&
   HOME="$tmp/empty" pfscript -i "$tmp/app.data" 2>/dev/null | grep -q '(\[kernel.kallsyms\])$'; then
	HOME="$tmp/empty" pfscript -i "$tmp/app.data" -k "$tmp/vmlinux" >"$tmp/k.out" 2>"$tmp/k.err" ||
		fail "-k: pfscript failed: $(head -n 1 "$tmp/k.err")"
	grep -q ' kernel_stand_in+0x[0-9a-f]* (\[kernel.kallsyms\])$' "$tmp/k.out" &&
		echo "ok: -k: kernel frames named from the vmlinux" ||
		fail "-k: no kernel frame named from $tmp/vmlinux"
	pfscript -i "$tmp/app.data" --vmlinux="$tmp/nonexistent" >/dev/null 2>"$tmp/k.err"
	grep -q "^pfscript: $tmp/nonexistent: .*; kernel symbols from kallsyms$" "$tmp/k.err" &&
		echo "ok: --vmlinux: a missing file is said once" ||
		fail "--vmlinux missing: $(head -n 1 "$tmp/k.err")"
else
	echo "skip: -k: no stand-in vmlinux, or no kernel frames recorded"
fi
finish
