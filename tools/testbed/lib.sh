# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared settings of the test bed scripts. Sourced, never run.
#
# Everything expensive (the extracted kernel source, the test kernel, the
# guest root file system) lives under $SERCAM_CACHE, keyed by its inputs, so
# a warm run reuses it and a change of input rebuilds only what depends on it.

SERCAM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERCAM_CACHE=${SERCAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sercam}
SERCAM_BUILD=${SERCAM_BUILD:-$SERCAM_TOP/build}
JOBS=${JOBS:-$(($(nproc) + 1))}
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
export SERCAM_TOP SERCAM_CACHE SERCAM_BUILD JOBS CROSS_COMPILE

tb_log() { printf '[testbed] %s\n' "$*" >&2; }
tb_die() { printf '[testbed] error: %s\n' "$*" >&2; exit 1; }

# tb_kernel_arch ARCH: the guest architecture's settings: TB_KARCH (the
# kernel's ARCH=), TB_CROSS (its cross compiler prefix), TB_IMAGE (the
# boot image's make target and its path under arch/$TB_KARCH/boot), TB_DEB
# (the Debian architecture of its userspace). arm64, or arm: 32-bit ARM,
# hard float (a Raspberry Pi 2/3's Raspberry Pi OS, Debian's armhf).
tb_kernel_arch() {
	case $1 in
	arm64)
		TB_KARCH=arm64 TB_CROSS=$CROSS_COMPILE TB_IMAGE=Image TB_DEB=arm64 ;;
	arm)
		TB_KARCH=arm TB_CROSS=${CROSS_COMPILE_ARM:-arm-linux-gnueabihf-}
		TB_IMAGE=zImage TB_DEB=armhf ;;
	*) tb_die "no such guest architecture: $1 (arm64 or arm)" ;;
	esac
}

# tb_hash FILE...: a short hash of the files' contents, for cache keys.
tb_hash() { cat "$@" | sha256sum | cut -c1-12; }

# tb_prune DIR: remove the other (stale) entries next to cache entry DIR.
tb_prune() {
	local d
	for d in "$(dirname "$1")"/*; do
		[ "$d" = "$1" ] || [ ! -d "$d" ] || rm -rf "$d"
	done
}

# tb_debver PKG: the installed Debian version of PKG ("" when absent).
tb_debver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

# tb_src SERIES: extract Debian's linux-source-SERIES once per package
# version and print the tree's path.
tb_src() {
	local series=$1 ver dir tarball tmp
	ver=$(tb_debver "linux-source-$series")
	[ -n "$ver" ] || tb_die "linux-source-$series is not installed (run tools/testbed/deps.sh)"
	dir=$SERCAM_CACHE/src/linux-source-$series-$ver
	if [ ! -f "$dir/.sercam-extracted" ]; then
		tarball=/usr/src/linux-source-$series.tar.xz
		[ -f "$tarball" ] || tb_die "$tarball is missing"
		tb_log "extracting $tarball (once per version: $ver)"
		tmp=$dir.tmp.$$
		rm -rf "$tmp" && mkdir -p "$tmp"
		tar -xJf "$tarball" -C "$tmp" --strip-components=1
		rm -rf "$dir" && mv "$tmp" "$dir"
		touch "$dir/.sercam-extracted"
	fi
	printf '%s\n' "$dir"
}
