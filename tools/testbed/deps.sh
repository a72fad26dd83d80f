#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing sercam needs, with apt-get, and only
# what is missing. Uses sudo when not run as root. Safe to run every time:
# with everything present it costs one dpkg-query.
set -eu

pkgs=(
	# build the module and the test kernel
	make gcc libc6-dev bc bison flex libssl-dev libelf-dev cpio kmod
	xz-utils zstd rsync python3 python3-yaml
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	# make check-kernels' 32-bit ARM guest (kernel, module, selftests)
	gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
	linux-source-6.12 linux-source-6.1
	sparse
	# boot it
	qemu-system-arm qemu-utils device-tree-compiler e2fsprogs
	# guest userspace, unpacked from arm64 .debs
	mmdebstrap
	# host tools: the camera emulator, fuzzer, binding checks
	libjpeg-dev clang libclang-rt-14-dev dt-schema yamllint
)

missing=()
for p in "${pkgs[@]}"; do
	case $p in \#*) continue ;; esac
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "[deps] installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them once.
if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
	$sudo apt-get update -q >/dev/null
	$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
