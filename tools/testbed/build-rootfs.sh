#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-rootfs.sh [ARCH]: build the guest's userspace: Debian packages of the
# guest architecture (arm64 unless told; arm: Debian's armhf) unpacked
# without running them (mmdebstrap --variant=extract), made into an ext4
# image that the guest mounts read-only. The image is keyed by the package
# list, so it is built once. The same tree is the sysroot the selftests are
# cross-built against, which is how they link Debian's libjpeg-turbo and
# OpenSSL for the guest. Prints the directory holding rootfs/ and
# rootfs.ext4. With SERCAM_CACHED_ONLY set, one not in the cache is not
# built: exit 3.
#
# build-rootfs.sh apps: the arm64 one plus OpenCV's Python binding, for
# the applications job alone: it more than doubles the image (819 MB to
# 1717 MB; OpenCV pulls in VTK, GDAL and two LLVMs) and the cold build
# (about 1 to 5 minutes), so make check's guests do without it. Kept
# beside the other, each pruning only its own kind.
set -eu
. "$(dirname "$0")/lib.sh"

# Debian 13: its v4l-utils (1.30) knows the 6.8+ buffer API of the test
# kernel (bookworm's 1.22 reads vb2's max_num_buffers as a reserved field
# and fails every driver in CREATE_BUFS). The guest userspace is
# independent of the host's release.
suite=${SERCAM_GUEST_SUITE:-trixie}
mirror=${SERCAM_MIRROR:-http://deb.debian.org/debian}
pkgs=busybox-static,v4l-utils,ffmpeg,gstreamer1.0-tools,gstreamer1.0-plugins-good,gstreamer1.0-plugins-base,libc6-dev,libjpeg62-turbo-dev,libssl-dev,kmod
kind=rootfs arch=${1:-arm64}
if [ "$arch" = apps ]; then
	pkgs=$pkgs,python3-opencv,python3-numpy
	kind=rootfs-apps arch=arm64
fi
tb_kernel_arch "$arch"

# arm64's key and directory as they always were; another architecture's
# in a directory of its own (tb_prune clears a directory's other entries)
arch_key=() cachedir=$SERCAM_CACHE/$kind
[ "$TB_DEB" = arm64 ] || arch_key=("$TB_DEB") cachedir=$SERCAM_CACHE/$kind-$TB_DEB
key=$(printf '%s\n' "$suite" "$mirror" "$pkgs" "v3" "${arch_key[@]}" | sha256sum | cut -c1-12)
out=$cachedir/$key
if [ -f "$out/.sercam-complete" ]; then
	printf '%s\n' "$out"
	exit 0
fi
[ -z "${SERCAM_CACHED_ONLY:-}" ] || exit 3

tb_log "unpacking the $TB_DEB guest userspace into $out (cold: a few minutes)"
tb_prune "$out"
rm -rf "$out" && mkdir -p "$out"
start=$(date +%s)
mmdebstrap --quiet --variant=extract --architectures="$TB_DEB" \
	--include="$pkgs" "$suite" "$out/rootfs" "$mirror" >"$out/mmdebstrap.log" 2>&1 ||
	{ tail -n 30 "$out/mmdebstrap.log" >&2; tb_die "mmdebstrap failed"; }

r=$out/rootfs
# Nothing was configured, so give the tree what a running system expects.
for d in proc sys dev tmp run sercam results mnt lib/modules; do mkdir -p "$r/$d"; done
chmod 1777 "$r/tmp"
ln -sf /proc/self/mounts "$r/etc/mtab"
# Libraries chosen through update-alternatives (BLAS and LAPACK, which
# ffmpeg pulls in) get their links from maintainer scripts, which an
# extract never runs: make them.
lib=$r/usr/lib/$("${TB_CROSS}gcc" -dumpmachine)
for alt in "$lib"/blas/lib*.so.? "$lib"/lapack/lib*.so.?; do
	[ -e "$alt" ] || continue
	[ -e "$lib/${alt##*/}" ] || ln -s "${alt#"$lib"/}" "$lib/${alt##*/}"
done
# busybox-static provides the shell and the small tools
for t in sh ash; do [ -e "$r/bin/$t" ] || ln -sf busybox "$r/bin/$t"; done

size_mb=$(($(du -sm "$r" | cut -f1) * 5 / 4 + 64))
mkfs.ext4 -q -F -L sercam-root -d "$r" "$out/rootfs.ext4" "${size_mb}M" >&2
touch "$out/.sercam-complete"
tb_log "guest userspace ready in $(($(date +%s) - start)) s (${size_mb} MB image)"
printf '%s\n' "$out"
