#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the arm64 test kernel from Debian's linux-source-6.12: allnoconfig
# plus tools/testbed/kernel.config. The build directory is keyed by the
# source package version, the fragment and the cross compiler, so a warm run
# finds it done. Prints the build directory (the KDIR for the module).
set -eu
. "$(dirname "$0")/lib.sh"

frag=$SERCAM_TOP/tools/testbed/kernel.config
src=$(tb_src 6.12)
ccver=$("${CROSS_COMPILE}gcc" -dumpfullversion)
key=$(basename "$src")-$( (cat "$frag"; echo "$ccver") | sha256sum | cut -c1-12)
out=$SERCAM_CACHE/kernel/$key
mk=(make -s -C "$src" O="$out" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE")

if [ -f "$out/.sercam-complete" ]; then
	printf '%s\n' "$out"
	exit 0
fi

tb_log "building the test kernel in $out (cold: about 10 minutes on 2 cores)"
tb_prune "$out"
mkdir -p "$out"
start=$(date +%s)
"${mk[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig >/dev/null

# Every line of the fragment must have survived Kconfig's dependencies.
bad=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	if ! grep -qx -- "$line" "$out/.config"; then
		tb_log "kernel.config: '$line' did not take (dependency missing?)"
		bad=1
	fi
done <"$frag"
[ $bad -eq 0 ] || tb_die "fix tools/testbed/kernel.config"

"${mk[@]}" -j"$JOBS" Image modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; tb_die "kernel build failed (log: $out/build.log)"; }
touch "$out/.sercam-complete"
tb_log "test kernel built in $(($(date +%s) - start)) s"
printf '%s\n' "$out"
