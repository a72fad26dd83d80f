#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the driver, as TAP:
# 1. the W=1 C=2 (sparse on every file) build against the 6.12 test kernel is clean
#    (its log is $SERCAM_BUILD/module.log, from run.sh);
# 2. checkpatch.pl --strict finds nothing in the driver; in the compat
#    header only its expected LINUX_VERSION_CODE warning;
# 3. the driver builds against Debian's linux-source-6.1 without warnings
#    (W=1), through the compat header. The 6.1 tree is configured with the
#    same fragment and prepared once, cached like the test kernel.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
echo "1..3"
log=$SERCAM_BUILD/module.log
if [ -f "$log" ] && ! grep -E 'warning:|error:' "$log" >/dev/null; then
	echo "ok 1 - W=1 C=2 (sparse) build against 6.12 is clean"
else
	grep -E 'warning:|error:' "$log" 2>/dev/null | head -n 10 | sed 's/^/# /'
	echo "not ok 1 - W=1 C=2 (sparse) build against 6.12 is clean"
fi

ksrc=$(tb_src 6.12)
drv=$SERCAM_TOP/drivers/media/serial/sercam
# the sources in git, not what Kbuild generated next to them (*.mod.c)
files=$(cd "$SERCAM_TOP" && git ls-files 'drivers/*.[ch]' 'include/*.h')
# shellcheck disable=SC2086
out=$(cd "$SERCAM_TOP" && perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree \
	--terse -f $files 2>&1 | grep -E 'ERROR|WARNING|CHECK' |
	grep -v 'sercam-compat.h.*LINUX_VERSION_CODE should be avoided')
if [ -z "$out" ]; then
	echo "ok 2 - checkpatch --strict is clean"
else
	echo "$out" | head -n 10 | sed 's/^/# /'
	echo "not ok 2 - checkpatch --strict is clean"
fi

src61=$(tb_src 6.1 2>/dev/null) || {
	echo "not ok 3 - build against 6.1 # linux-source-6.1 is missing"
	exit 0
}
frag=$SERCAM_TOP/tools/testbed/kernel.config
k61=$SERCAM_CACHE/kernel-6.1/$(basename "$src61")-$( (cat "$frag"; "${CROSS_COMPILE}gcc" -dumpfullversion) | sha256sum | cut -c1-12)
mk61=(make -s -C "$src61" O="$k61" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE")
if [ ! -f "$k61/.sercam-complete" ]; then
	tb_prune "$k61"
	mkdir -p "$k61"
	{ "${mk61[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig &&
	  "${mk61[@]}" -j"$JOBS" modules_prepare; } >"$k61/prepare.log" 2>&1 &&
		touch "$k61/.sercam-complete"
fi
work=$SERCAM_BUILD/compat-6.1
rm -rf "$work" && mkdir -p "$work"
cp -r "$SERCAM_TOP/Kbuild" "$SERCAM_TOP/Makefile" "$SERCAM_TOP/include" "$work/"
mkdir -p "$work/drivers/media/serial"
cp -r "$drv" "$work/drivers/media/serial/"
# No Module.symvers in a prepared tree: modpost cannot resolve the
# kernel's symbols, which is no compile problem.
make -s -C "$work" KDIR="$k61" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" W=1 \
	KBUILD_MODPOST_WARN=1 modules >"$work/build.log" 2>&1
rc=$?
warn=$(grep -E '\.[ch]:[0-9]+:[0-9]+: (warning|error)' "$work/build.log")
if [ $rc -eq 0 ] && [ -z "$warn" ] && [ -f "$work/drivers/media/serial/sercam/sercam.ko" ]; then
	echo "ok 3 - builds against linux-source-6.1 ($(basename "$src61")) with W=1, no warnings"
else
	{ echo "$warn"; tail -n 5 "$work/build.log"; } | head -n 12 | sed 's/^/# /'
	echo "not ok 3 - builds against linux-source-6.1 with W=1"
fi
