#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: build sercam-dkms_<version>_all.deb with plain dpkg-deb.
#   make-deb.sh [OUTDIR]     (the top of the repository unless given)
#
# The version is dkms.conf's PACKAGE_VERSION (its only source). The
# package holds:
#   /usr/src/sercam-<version>/       the files git tracks of the module's
#                                    build (Kbuild, Makefile, dkms.conf,
#                                    drivers/, include/) and of
#                                    sercam-attach (tools/sercam-attach/)
#   /usr/share/sercam/overlays/      every dts/*.dtso compiled (dtc -@)
#                                    to .dtbo, with its source (below)
#   /lib/udev/rules.d/, /lib/systemd/system/
#                                    sercam-attach's rule and unit
#   /usr/share/man/man8/, /usr/share/doc/sercam-dkms/
#                                    its manual page; README, user guide,
#                                    bindings
# The postinst builds sercam-attach into /usr/sbin (Architecture: all:
# no binary in the package) and runs DKMS; prerm and postrm undo both.
# Prints the package's path.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
pkg=$top/tools/deb
outdir=${1:-$top}
build=${SERCAM_BUILD:-$top/build}/make-deb

die() { printf 'make deb: error: %s\n' "$*" >&2; exit 1; }

for t in dpkg-deb dtc git gzip; do
	command -v "$t" >/dev/null || die "$t is missing (tools/testbed/deps.sh installs it)"
done
git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	die "$top is not a git checkout: the package holds the files git tracks"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ -n "$version" ] || die "dkms.conf has no PACKAGE_VERSION=\"...\" line"
# a Debian version without a revision, and a path component
[[ $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]] ||
	die "dkms.conf: PACKAGE_VERSION '$version' is not a Debian upstream version (digits first; letters, digits, . + ~)"
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$top/dkms.conf")
[ "$name" = sercam ] || die "dkms.conf: PACKAGE_NAME is '$name', not sercam"

root=$build/root
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$build"

# the source DKMS builds, as git tracks it (no build products); the
# working tree's contents, so that an edit can be packaged and tried
src=$root/usr/src/sercam-$version
mkdir -p "$src"
(cd "$top" && git ls-files -z -- Kbuild Makefile dkms.conf drivers include \
	tools/sercam-attach) | (cd "$top" && xargs -0 cp --parents -t "$src")
for f in Kbuild Makefile dkms.conf drivers/media/serial/sercam/Makefile \
	tools/sercam-attach/sercam-attach.c; do
	[ -f "$src/$f" ] || die "$f is not in git: cannot package it"
done

# the overlays, compiled as the user guide says (dtc -@): a Raspberry
# Pi's (rpi-F.dtso) under the name its dtoverlay= line uses, sercam-F.dtbo
# (rpi-sercam.dtso: sercam.dtbo), to be copied to /boot/firmware/overlays/;
# QEMU virt's in qemu-virt/; every source in source/
ov=$root/usr/share/sercam/overlays
mkdir -p "$ov/qemu-virt" "$ov/source"
for d in "$top"/dts/*.dtso; do
	b=$(basename "$d" .dtso)
	case $b in
	rpi-sercam) o=$ov/sercam.dtbo ;;
	rpi-*) o=$ov/sercam-${b#rpi-}.dtbo ;;
	*) o=$ov/qemu-virt/$b.dtbo ;;
	esac
	[ ! -e "$o" ] || die "dts/$b.dtso: a second overlay named ${o#"$root"}"
	dtc -@ -q -I dts -O dtb -o "$o" "$d" || die "dtc failed on dts/$b.dtso"
	install -m 0644 "$d" "$ov/source/"
done

# sercam-attach's rule and unit where Debian's packages put theirs (the
# administrator's own in /etc override them by name); the program is
# the postinst's
att=$top/tools/sercam-attach
install -D -m 0644 "$att/90-sercam-attach.rules" \
	"$root/lib/udev/rules.d/90-sercam-attach.rules"
mkdir -p "$root/lib/systemd/system"
sed 's|@SBINDIR@|/usr/sbin|g' "$att/sercam-attach@.service.in" \
	>"$root/lib/systemd/system/sercam-attach@.service"
install -D -m 0644 "$att/sercam-attach.8" "$root/usr/share/man/man8/sercam-attach.8"
gzip -9n "$root/usr/share/man/man8/sercam-attach.8"

doc=$root/usr/share/doc/sercam-dkms
mkdir -p "$doc"
install -m 0644 "$pkg/copyright" "$doc/copyright"
install -m 0644 "$top/README.md" "$top/Documentation/sercam.rst" \
	"$top/Documentation/metafmt-sercam-pixy.rst" "$doc/"
cp -r "$top/Documentation/devicetree" "$doc/devicetree"
printf 'sercam (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- %s  %s\n' \
	"$version" "$(git -C "$top" describe --always --dirty)" \
	"$(sed -n 's/^Maintainer: //p' "$pkg/control.in")" \
	"$(git -C "$top" log -1 --format=%cD)" | gzip -9n >"$doc/changelog.gz"

for s in postinst prerm postrm; do
	sed "s/@VERSION@/$version/g" "$pkg/$s" >"$root/DEBIAN/$s"
	chmod 0755 "$root/DEBIAN/$s"
done
find "$root" -path "$root/DEBIAN" -prune -o -type d -exec chmod 0755 {} + -o \
	-type f -exec chmod u+w,go-w {} +
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$pkg/control.in" >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
	LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"

deb=$outdir/sercam-dkms_${version}_all.deb
mkdir -p "$outdir"
# the commit's time in the package, not the build's
SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct) \
	dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
printf '%s\n' "$deb"
