#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Entry point of `make check`, `make demo`, `make bench`, `make fuzz` and
# `make check-long`. Installs what is missing, builds (or finds in the
# cache) the test kernel and guest userspace, builds the module, the camera
# emulator and the selftests, then runs the target.
set -eu
. "$(dirname "$0")/lib.sh"

target=${1:-check}
tb=$SERCAM_TOP/tools/testbed

"$tb/deps.sh"

kdir=$("$tb/build-kernel.sh")
rootfs=$("$tb/build-rootfs.sh")
ksrc=$(tb_src 6.12)
kver=$(make -s -C "$ksrc" O="$kdir" ARCH=arm64 kernelrelease)
mkdir -p "$SERCAM_BUILD"

build_module() {
	tb_log "building sercam.ko against the test kernel (W=1)"
	make -s -C "$SERCAM_TOP" KDIR="$kdir" ARCH=arm64 \
		CROSS_COMPILE="$CROSS_COMPILE" W=1 modules >"$SERCAM_BUILD/module.log" 2>&1 ||
		{ cat "$SERCAM_BUILD/module.log" >&2; tb_die "module build failed"; }
	if grep -E 'warning:|error:' "$SERCAM_BUILD/module.log" >&2; then
		tb_die "the module build has warnings"
	fi
}

build_tools() {
	tb_log "building the camera emulator and the selftests"
	make -s -C "$SERCAM_TOP/tools/camemu" O="$SERCAM_BUILD/camemu" >&2
	make -s -C "$SERCAM_TOP/selftests/sercam" O="$SERCAM_BUILD/selftests" \
		CC="${CROSS_COMPILE}gcc" SYSROOT="$rootfs/rootfs" KSRC="$ksrc" >&2
}

# The tree the guest's initramfs carries: modules, tests, plans.
build_payload() {
	local p=$SERCAM_BUILD/payload
	rm -rf "$p" && mkdir -p "$p/sercam/tests" "$p/lib/modules"
	make -s -C "$ksrc" O="$kdir" ARCH=arm64 INSTALL_MOD_PATH="$p" \
		modules_install >/dev/null
	make -s -C "$kdir" M="$SERCAM_TOP" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" \
		CONFIG_VIDEO_SERCAM=m CONFIG_VIDEO_SERCAM_KUNIT_TEST=m \
		INSTALL_MOD_PATH="$p" modules_install >/dev/null
	depmod -b "$p" "$kver"
	cp "$tb/guest/run-plan.sh" "$p/sercam/"
	cp -r "$tb/plans" "$p/sercam/plans"
	cp -r "$SERCAM_BUILD/selftests/." "$p/sercam/tests/"
}

# guest_run PLAN OUTDIR [guest.py options]
guest_run() {
	local plan=$1 out=$2
	shift 2
	rm -rf "$out" && mkdir -p "$out"
	tb_log "booting the guest: plan '$plan' (results in $out)"
	python3 "$tb/guest.py" --kernel "$kdir/arch/arm64/boot/Image" \
		--rootfs "$rootfs/rootfs.ext4" --busybox "$rootfs/rootfs/bin/busybox" \
		--payload "$SERCAM_BUILD/payload" --camemu "$SERCAM_BUILD/camemu/camemu" \
		--plan "$plan" --out "$out" "$@"
}

host_tests() {
	local out=$1
	mkdir -p "$out"
	tb_log "host unit tests"
	make -s -C "$SERCAM_TOP/tools/camemu" O="$SERCAM_BUILD/camemu" check \
		>"$out/camemu.tap" 2>"$out/camemu.err" || true
	make -s -C "$SERCAM_TOP/tools/host" O="$SERCAM_BUILD/host" KSRC="$ksrc" check \
		>"$out/proto.tap" 2>"$out/proto.err" || true
	"$tb/dt-check.sh" "$ksrc" >"$out/devicetree.tap" 2>"$out/devicetree.err" || true
}

build_module
build_tools
build_payload

case $target in
check)
	start=$(date +%s)
	res=$SERCAM_TOP/results
	rm -rf "$res"
	# the host tests run beside the guest: they need no wire timing
	host_tests "$res/host" &
	host=$!
	rc=0
	# 230400: the fastest rate QEMU's PL011 carries faithfully, and half
	# the wire time of 115200 (the camera runs custom firmware here)
	guest_run check "$res/guest" --rate 230400 || rc=$?
	wait $host
	python3 "$tb/verdict.py" "$res" || rc=$((rc ? rc : 1))
	tb_log "make check took $(($(date +%s) - start)) s"
	exit $rc
	;;
demo)
	out=$SERCAM_TOP/demo-out
	guest_run demo "$SERCAM_BUILD/demo" --rate 115200
	python3 "$tb/demo-report.py" "$SERCAM_BUILD/demo" "$out"
	;;
*)
	tb_die "unknown target '$target'"
	;;
esac
