#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the throwaway Debian 12 (amd64) system that the deb job installs
# sercam-dkms into: mmdebstrap --variant=apt (dpkg and apt, nothing else)
# plus DKMS and the arm64 cross compiler, so that DKMS builds the modules
# for the arm64 test kernel. Kept as a tarball under $SERCAM_CACHE, keyed
# by the suite, the mirror and the package list, so it is built once; each
# run unpacks a fresh copy (tools/testbed/deb-test.sh). Prints the
# tarball's path.
set -eu
. "$(dirname "$0")/lib.sh"

suite=bookworm
mirror=${SERCAM_MIRROR:-http://deb.debian.org/debian}
# dkms's own dependencies bring gcc and make; libc6-dev is the package's
# (sercam-attach is built in its postinst); the cross compiler builds the
# modules for the arm64 test kernel
pkgs=dkms,make,gcc,libc6-dev,kmod,gcc-aarch64-linux-gnu

key=$(printf '%s\n' "$suite" "$mirror" "$pkgs" "v1" | sha256sum | cut -c1-12)
out=$SERCAM_CACHE/debroot/$key
if [ -f "$out/.sercam-complete" ]; then
	printf '%s\n' "$out/root.tar"
	exit 0
fi

tb_log "building the Debian 12 system for the package test in $out (cold: a few minutes)"
tb_prune "$out"
rm -rf "$out" && mkdir -p "$out"
start=$(date +%s)
mmdebstrap --quiet --variant=apt --architectures=amd64 --include="$pkgs" \
	"$suite" "$out/root.tar" "deb $mirror $suite main" \
	"deb $mirror $suite-updates main" >"$out/mmdebstrap.log" 2>&1 ||
	{ tail -n 30 "$out/mmdebstrap.log" >&2; tb_die "mmdebstrap failed"; }
touch "$out/.sercam-complete"
tb_log "package test system ready in $(($(date +%s) - start)) s ($(du -sm "$out/root.tar" | cut -f1) MB)"
printf '%s\n' "$out/root.tar"
