#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh [SERIES [ARCH]]: build a test kernel from Debian's
# linux-source-SERIES (6.12 unless told) for ARCH (arm64 unless told; arm:
# 32-bit ARM, the QEMU virt board's cortex-a15): allnoconfig plus
# tools/testbed/kernel.config, plus kernel-ARCH.config and
# kernel-SERIES.config where they exist (what that architecture or series
# needs on top). The build directory is keyed by the source package
# version, the fragments and the cross compiler, so a warm run finds it
# done. Prints the build directory (the KDIR for the module). With
# SERCAM_CACHED_ONLY set, a kernel not in the cache is not built: exit 3.
set -eu
. "$(dirname "$0")/lib.sh"

series=${1:-6.12}
arch=${2:-arm64}
tb_kernel_arch "$arch"

tbdir=$SERCAM_TOP/tools/testbed
frags=("$tbdir/kernel.config")
for f in "$tbdir/kernel-$arch.config" "$tbdir/kernel-$series.config"; do
	[ ! -f "$f" ] || frags+=("$f")
done
src=$(tb_src "$series")
ccver=$("${TB_CROSS}gcc" -dumpfullversion)
key=$(basename "$src")-$( (cat "${frags[@]}"; echo "$ccver") | sha256sum | cut -c1-12)
# each series and architecture its own cache directory (tb_prune clears
# a directory's other entries); make check's 6.12 arm64 kernel where it
# always was
cachedir=$SERCAM_CACHE/kernel
[ "$series-$arch" = 6.12-arm64 ] || cachedir=$SERCAM_CACHE/kernel-$series-$arch
out=$cachedir/$key
mk=(make -s -C "$src" O="$out" ARCH="$TB_KARCH" CROSS_COMPILE="$TB_CROSS")

if [ -f "$out/.sercam-complete" ]; then
	printf '%s\n' "$out"
	exit 0
fi
[ -z "${SERCAM_CACHED_ONLY:-}" ] || exit 3

tb_log "building the $series $arch test kernel in $out (cold: about 10 minutes on 2 cores)"
tb_prune "$out"
mkdir -p "$out"
start=$(date +%s)
cat "${frags[@]}" >"$out/fragment.config"
"${mk[@]}" KCONFIG_ALLCONFIG="$out/fragment.config" allnoconfig >/dev/null

# Every line of the fragments must have survived Kconfig's dependencies.
bad=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	if ! grep -qx -- "$line" "$out/.config"; then
		tb_log "fragment: '$line' did not take in $series $arch (dependency missing?)"
		bad=1
	fi
done <"$out/fragment.config"
[ $bad -eq 0 ] || tb_die "fix ${frags[*]#"$SERCAM_TOP/"}"

"${mk[@]}" -j"$JOBS" "$TB_IMAGE" modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; tb_die "kernel build failed (log: $out/build.log)"; }
touch "$out/.sercam-complete"
tb_log "$series $arch test kernel built in $(($(date +%s) - start)) s"
printf '%s\n' "$out"
