#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the release the way packagers do and check what comes out: the
# tarball (make distcheck), the Debian packages built from that tarball
# (dpkg-buildpackage, then lintian, which must report no errors) and the
# RPMs built from it (rpmbuild -tb; --nodeps where rpm does not own the
# system's packages).  Not part of `make check`: it rebuilds everything;
# .ci/run calls it after the tests.
#
#   .ci/check-packaging.sh            run from anywhere in the source tree
#   KEEP=1 .ci/check-packaging.sh     keep the scratch directory
#   DISTCHECK=no .ci/check-packaging.sh   make dist only (quicker, while
#                                       working on the packaging itself)
#
# The package builds run with tests off (DEB_BUILD_OPTIONS=nocheck,
# rpmbuild --nocheck): make distcheck has just run them on the same tarball.
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -le 2 ] || jobs=2
work=$(mktemp -d "${TMPDIR:-/tmp}/pftools-packaging.XXXXXX")
# Some tests run the built tools as an unprivileged user: let it in.
chmod 755 "$work"
if [ "${KEEP:-}" = 1 ]; then
	echo "scratch directory kept: $work"
else
	trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
fi

step() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
die() { echo "check-packaging: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: run ./install-deps --all"; }
# The Debian half needs a Debian system; the RPM half runs anywhere.
debian=no
command -v dpkg >/dev/null 2>&1 && debian=yes
need autoreconf
need rpmbuild
[ $debian = no ] || { need dpkg-buildpackage; need lintian; }

# The tarball -------------------------------------------------------------
target=distcheck
[ "${DISTCHECK:-yes}" = no ] && target=dist
step "make $target"
if ! [ -x "$srcdir/configure" ]; then
	(cd "$srcdir" && autoreconf -fi)
fi
# A tree configured in place (as .ci/run does) cannot also be configured
# out of tree: then build the tarball there.
if [ -f "$srcdir/config.status" ]; then
	build=$srcdir
else
	build=$work/build
	mkdir "$build"
	(cd "$build" && "$srcdir/configure" -q)
fi
if ! (cd "$build" && make -j"$jobs" $target) >"$work/$target.log" 2>&1; then
	grep -E '^(FAIL|ERROR|XPASS):' "$work/$target.log" >&2 || tail -60 "$work/$target.log" >&2
	die "make $target failed (above; full log: $work/$target.log with KEEP=1)"
fi
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$build/Makefile")
[ -f "$build/pftools-$version.tar.gz" ] || die "make $target left no pftools-$version.tar.gz"
mv "$build/pftools-$version.tar.gz" "$work/"
tarball="$work/pftools-$version.tar.gz"

# Build leftovers in debian/ or files only a git checkout has must not ship.
tar -tzf "$tarball" >"$work/tarball.list"
if grep -E '/debian/(tmp|\.debhelper|files$|[^/]*\.substvars$|pftools/|lib[a-z]+[0-9]*(-dev)?/)' "$work/tarball.list"; then
	die "the tarball carries debian/ build output (above): build packages out of tree"
fi
for f in configure Makefile.in rpm/pftools.spec debian/rules debian/control; do
	grep -qx "pftools-$version/$f" "$work/tarball.list" || die "the tarball lacks $f"
done
echo "$tarball: $(wc -l <"$work/tarball.list") entries"

# Debian ------------------------------------------------------------------
if [ $debian = yes ]; then
	debversion=$(dpkg-parsechangelog -l "$srcdir/debian/changelog" -SVersion)
	[ "${debversion%-*}" = "$version" ] ||
		die "debian/changelog is at $debversion, configure.ac at $version: add a changelog entry (dch -v $version-1)"

	step "dpkg-buildpackage -us -uc -b"
	mkdir "$work/deb"
	tar -xzf "$tarball" -C "$work/deb"
	cp "$tarball" "$work/deb/pftools_$version.orig.tar.gz"
	(
		cd "$work/deb/pftools-$version"
		DEB_BUILD_OPTIONS="nocheck parallel=$jobs" \
			dpkg-buildpackage -us -uc -b >"$work/deb/build.log" 2>&1
	) || {
		tail -60 "$work/deb/build.log" >&2
		! grep -q '^dpkg-gensymbols: error' "$work/deb/build.log" ||
			echo "symbols went away: if on purpose, run debian/update-symbols BUILDDIR" >&2
		die "dpkg-buildpackage failed (log above)"
	}
	grep -E '^dpkg-gensymbols: (warning|error)' -A20 "$work/deb/build.log" || true

	step "lintian"
	changes=$(ls "$work"/deb/pftools_*.changes)
	# Errors fail, warnings and notes show.  The package is not uploaded to
	# Debian, so its first changelog entry closes no ITP bug.
	lintian --fail-on error --display-info --tag-display-limit 0 \
		--suppress-tags initial-upload-closes-no-bugs "$changes" ||
		die "lintian reports errors"

	step "lintian (source package)"
	mkdir "$work/src"
	tar -xzf "$tarball" -C "$work/src"
	cp "$tarball" "$work/src/pftools_$version.orig.tar.gz"
	(cd "$work/src" && dpkg-source -b "pftools-$version") >"$work/src/build.log" 2>&1 ||
		{ cat "$work/src/build.log" >&2; die "dpkg-source -b failed (log above)"; }
	# debian/ ships in the release tarball itself, so the Debian diff is empty.
	lintian --fail-on error --display-info --tag-display-limit 0 \
		--suppress-tags no-debian-changes "$work"/src/pftools_*.dsc ||
		die "lintian reports errors in the source package"

	step "Debian package contents"
	for deb in "$work"/deb/*.deb; do
		echo "--- ${deb##*/}"
		dpkg-deb -f "$deb" Package Version Architecture Depends
		dpkg-deb -c "$deb" | awk '$6 !~ /\/$/ { print "  " $6 ($7 ? " " $7 " " $8 : "") }'
	done

	# What was packaged must work from where it is installed: unpack all the
	# .debs into one root, run every tool's --help against the packaged libpf,
	# preload the packaged allocator into a program, and build libpf(3)'s
	# example with the packaged headers, .so and .pc file.
	step "Debian packages, unpacked: smoke test"
	root=$work/deb/root
	for deb in "$work"/deb/*.deb; do
		case $deb in *-dbgsym_*) continue ;; esac
		dpkg-deb -x "$deb" "$root"
	done
	multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	libdir=$root/usr/lib/$multiarch
	for tool in "$root"/usr/bin/*; do
		LD_LIBRARY_PATH=$libdir "$tool" --help >/dev/null ||
			die "${tool##*/} --help fails from the package"
		echo "ok: ${tool##*/} --help"
	done
	LD_PRELOAD=$libdir/libsuperslab.so.0 sh -c 'seq 1 20000 | sort -rn | head -n1' >"$work/preload.out" ||
		die "a program fails with the packaged libsuperslab preloaded"
	[ "$(cat "$work/preload.out")" = 20000 ] || die "wrong output with libsuperslab preloaded"
	LD_PRELOAD=$libdir/libsuperslab.so.0 grep -q libsuperslab /proc/self/maps ||
		die "LD_PRELOAD of the packaged libsuperslab.so.0 did not load it"
	echo "ok: LD_PRELOAD=libsuperslab.so.0 sort"
	awk '/^\.EX/ { n++; next } /^\.EE/ { if (n == 1) exit } n == 1' "$srcdir/man/libpf.3" |
		sed -e 's/\\-/-/g' -e 's/\\e/\\/g' >"$work/count.c"
	# shellcheck disable=SC2046
	cc -o "$work/count" "$work/count.c" $(PKG_CONFIG_SYSROOT_DIR=$root \
		PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs libpf) ||
		die "libpf(3)'s example does not build against libpf-dev"
	[ "$(printf 'a\nb\n' | LD_LIBRARY_PATH=$libdir "$work/count")" = 2 ] ||
		die "libpf(3)'s example, built against libpf-dev, miscounts"
	echo "ok: libpf(3) example built with pkg-config libpf from libpf-dev"
else
	step "not a Debian system: no .deb packages built"
fi

# RPM ---------------------------------------------------------------------
step "rpmbuild -tb"
mkdir -p "$work/rpm"
# On a system whose packages rpm does not know (Debian), the BuildRequires
# cannot be checked: --nodeps.
nodeps=
rpm -q rpm >/dev/null 2>&1 || nodeps=--nodeps
rpmbuild $nodeps --nocheck -tb "$tarball" \
	--define "_topdir $work/rpm" \
	--define "_smp_mflags -j$jobs" >"$work/rpm/build.log" 2>&1 ||
	{ tail -60 "$work/rpm/build.log" >&2; die "rpmbuild failed (log above)"; }

step "RPM package contents"
for pkg in "$work"/rpm/RPMS/*/*.rpm; do
	echo "--- ${pkg##*/}"
	rpm -qp --qf '%{NAME} %{VERSION}-%{RELEASE} %{ARCH}\n' "$pkg" 2>/dev/null
	rpm -qpl "$pkg" 2>/dev/null | sed 's/^/  /'
done

# The same smoke test for the RPMs, unpacked with rpm2archive.
step "RPM packages, unpacked: smoke test"
root=$work/rpm/root
mkdir "$root"
for pkg in "$work"/rpm/RPMS/*/*.rpm; do
	case $pkg in *-debuginfo-*|*-debugsource-*) continue ;; esac
	rpm2archive - <"$pkg" | tar -xzf - -C "$root"
done
libdir=$root/usr/lib64
[ -f "$libdir/libpf.so.0" ] || libdir=$root/usr/lib
for tool in "$root"/usr/bin/*; do
	LD_LIBRARY_PATH=$libdir "$tool" --help >/dev/null ||
		die "${tool##*/} --help fails from the RPM"
	echo "ok: ${tool##*/} --help"
done
LD_PRELOAD=$libdir/libsuperslab.so.0 grep -q libsuperslab /proc/self/maps ||
	die "LD_PRELOAD of the RPM's libsuperslab.so.0 did not load it"
echo "ok: LD_PRELOAD=libsuperslab.so.0"

step "packaging checks passed"
