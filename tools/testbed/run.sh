#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Entry point of `make check`, `make demo`, `make bench`, `make fuzz`,
# `make check-long` and `make check-kernels`; `run.sh plan NAME [guest.py options]` boots one plan
# of tools/testbed/plans and `run.sh job NAME...` runs make check's side
# jobs by name (for development). Installs what is missing, builds (or finds in the
# cache) the test kernel and guest userspace, builds the module, the camera
# emulator and the selftests, then runs the target.
set -eu
. "$(dirname "$0")/lib.sh"

target=${1:-check}
tb=$SERCAM_TOP/tools/testbed
# check-kernels' alone (below): make check's own kernel is built always
cached_only=${SERCAM_CACHED_ONLY:-}
unset SERCAM_CACHED_ONLY

"$tb/deps.sh"

# use_kernel SERIES ARCH: build (or find in the cache) the test kernel
# from linux-source-SERIES for ARCH and its guest userspace, and make them
# the ones the functions below build for and boot: kdir, ksrc, kver,
# rootfs, TB_KARCH, TB_CROSS, TB_IMAGE, guest_arch, and modsrc, the tree
# the modules are built in. make check's 6.12 arm64 builds in the source
# tree; another kernel's in a copy of it in $SERCAM_BUILD (the caller's
# own), so that the two do not rebuild each other's objects.
use_kernel() {
	tb_kernel_arch "$2"
	guest_arch=$2
	kdir=$("$tb/build-kernel.sh" "$1" "$2")
	rootfs=$("$tb/build-rootfs.sh" "$2")
	ksrc=$(tb_src "$1")
	kver=$(make -s -C "$ksrc" O="$kdir" ARCH="$TB_KARCH" kernelrelease)
	modsrc=$SERCAM_TOP harnsrc=$tb/harness
	mkdir -p "$SERCAM_BUILD"
	if [ "$1-$2" != 6.12-arm64 ]; then
		modsrc=$SERCAM_BUILD/src harnsrc=$SERCAM_BUILD/src/harness
		mkdir -p "$modsrc"
		# the sources, not make check's objects beside them
		local skip=(--exclude='*.o' --exclude='*.ko' --exclude='*.mod'
			--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a'
			--exclude=modules.order --exclude=Module.symvers)
		rsync -a --delete "${skip[@]}" "$SERCAM_TOP/Makefile" "$SERCAM_TOP/Kbuild" \
			"$SERCAM_TOP/drivers" "$SERCAM_TOP/include" "$modsrc/"
		rsync -a --delete "${skip[@]}" "$tb/harness/" "$harnsrc/"
	fi
}

use_kernel 6.12 arm64

build_module() {
	tb_log "building sercam.ko against the $kver $guest_arch test kernel (W=1, sparse)"
	make -s -C "$modsrc" KDIR="$kdir" ARCH="$TB_KARCH" \
		CROSS_COMPILE="$TB_CROSS" W=1 C=2 modules >"$SERCAM_BUILD/module.log" 2>&1 ||
		{ cat "$SERCAM_BUILD/module.log" >&2; tb_die "module build failed"; }
	if grep -E 'warning:|error:' "$SERCAM_BUILD/module.log" >&2; then
		tb_die "the module build has warnings"
	fi
	# the harness's own test module (WARN_ON on load)
	make -s -C "$kdir" M="$harnsrc" ARCH="$TB_KARCH" \
		CROSS_COMPILE="$TB_CROSS" modules >/dev/null
}

build_tools() {
	tb_log "building the camera emulator and the selftests"
	# the guest's C compiler: on 32-bit ARM with the 64-bit time_t and
	# file offsets that Debian's armhf (trixie, the guest's userspace)
	# is built with, and its compiler defaults to (bookworm's cross
	# compiler does not)
	local cc=${TB_CROSS}gcc
	[ "$guest_arch" != arm ] || cc="$cc -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64"
	make -s -C "$SERCAM_TOP/tools/camemu" O="$SERCAM_BUILD/camemu" >&2
	make -s -C "$SERCAM_TOP/selftests/sercam" O="$SERCAM_BUILD/selftests" \
		CC="$cc" SYSROOT="$rootfs/rootfs" KSRC="$ksrc" >&2
	make -s -C "$SERCAM_TOP/tools/bench" O="$SERCAM_BUILD/selftests" \
		CC="$cc" SYSROOT="$rootfs/rootfs" KSRC="$ksrc" >&2
	# the example program a test runs, built as a user would
	$cc -O2 -Wall -Wextra -Werror --sysroot="$rootfs/rootfs" \
		-I"$SERCAM_TOP/include/uapi" -o "$SERCAM_BUILD/selftests/pixy-objects" \
		"$SERCAM_TOP/tools/examples/pixy-objects.c"
	make -s -C "$SERCAM_TOP/tools/sercam-attach" O="$SERCAM_BUILD/sercam-attach" \
		CC="$cc" SYSROOT="$rootfs/rootfs" >&2
}

# plan_rows DIR PLAN: PLAN of the plans in DIR with each line "@rows FROM
# ROW..." replaced by those rows of plan FROM, as they are there (make
# check-kernels' plans take their rows from the families' own)
plan_rows() {
	local dir=$1 plan=$2 line from row n
	while IFS= read -r line; do
		case $line in
		@rows*)
			# shellcheck disable=SC2086
			set -- $line
			from=$2
			shift 2
			[ -f "$dir/$from" ] || tb_die "plans/$plan: no plan '$from'"
			for row; do
				n=$(awk -v r="$row" '$1 == r' "$dir/$from" | wc -l)
				[ "$n" -eq 1 ] || tb_die "plans/$plan: plan '$from' has $n rows '$row'"
				awk -v r="$row" '$1 == r' "$dir/$from"
			done
			;;
		*) printf '%s\n' "$line" ;;
		esac
	done <"$dir/$plan"
}

# The tree the guest's initramfs carries: modules, tests, plans.
build_payload() {
	local p=$SERCAM_BUILD/payload
	rm -rf "$p" && mkdir -p "$p/sercam/tests" "$p/lib/modules"
	make -s -C "$ksrc" O="$kdir" ARCH="$TB_KARCH" INSTALL_MOD_PATH="$p" \
		modules_install >/dev/null
	make -s -C "$kdir" M="$modsrc" ARCH="$TB_KARCH" CROSS_COMPILE="$TB_CROSS" \
		CONFIG_VIDEO_SERCAM=m CONFIG_VIDEO_SERCAM_KUNIT_TEST=m \
		INSTALL_MOD_PATH="$p" modules_install >/dev/null
	depmod -b "$p" "$kver"
	mkdir -p "$p/sercam/harness"
	cp "$harnsrc/sercam_warn_test.ko" "$p/sercam/harness/"
	cp "$tb/guest/run-plan.sh" "$p/sercam/"
	cp -r "$tb/plans" "$p/sercam/plans"
	local f
	for f in "$tb"/plans/*; do
		grep -q '^@rows' "$f" || continue
		plan_rows "$tb/plans" "${f##*/}" >"$p/sercam/plans/${f##*/}"
	done
	cp -r "$SERCAM_BUILD/selftests/." "$p/sercam/tests/"
	mkdir -p "$p/sercam/bin"
	cp "$SERCAM_BUILD/sercam-attach/sercam-attach" "$p/sercam/bin/"
}

# guest_cmd PLAN OUTDIR [guest.py options]: the command that boots the
# guest; with PAYLOAD set, with that tree instead of build_payload's (the
# deb job: the modules DKMS built)
guest_cmd() {
	local plan=$1 out=$2
	shift 2
	echo python3 "$tb/guest.py" --arch "$guest_arch" \
		--kernel "$kdir/arch/$TB_KARCH/boot/$TB_IMAGE" \
		--rootfs "$rootfs/rootfs.ext4" --busybox "$rootfs/rootfs/bin/busybox" \
		--payload "${PAYLOAD:-$SERCAM_BUILD/payload}" --camemu "$SERCAM_BUILD/camemu/camemu" \
		--plan "$plan" --out "$out" "$@"
}

# guest_run PLAN OUTDIR [guest.py options]
guest_run() {
	local out=$2
	rm -rf "$out" && mkdir -p "$out"
	tb_log "booting the guest: plan '$1' (results in $out)"
	$(guest_cmd "$@")
}

# stream_run FRAMING TAP [PLAN [RATE]]: the JPEG stream family's plan for
# one framing (PLAN: stream-FRAMING unless named), camemu playing a
# camera that streams 320x240 JPEGs at RATE baud (230400); the
# markers run's frames carry an EXIF thumbnail, the length run's restart
# markers.
stream_run() {
	local framing=$1 dir=$SERCAM_BUILD/stream-$1 plan=${3:-stream-$1}
	local rate=${4:-230400} extra=()

	case $framing in
	markers) extra=(--camemu-arg=--exif --camemu-arg=1) ;;
	length) extra=(--camemu-arg=--restart --camemu-arg=4) ;;
	esac
	rm -rf "$dir" && mkdir -p "$dir"
	sed -e "s/openmv,framing = \"jpeg\"/openmv,framing = \"$framing\"/" \
		-e "s/current-speed = <[0-9]*>/current-speed = <$rate>/" \
		"$SERCAM_TOP/dts/qemu-virt-stream.dtso" >"$dir/overlay.dtso"
	guest_run "$plan" "$dir/guest" --rate "$rate" \
		--overlay "$dir/overlay.dtso" \
		--camemu-arg=--family --camemu-arg=stream \
		--camemu-arg=--framing --camemu-arg="$framing" \
		--camemu-arg=--res --camemu-arg=320x240 \
		"${extra[@]}" >/dev/null 2>&1
	python3 "$tb/verdict.py" --tap "$dir" >"$2"
}

# pm_overlay OUT: the SXH485 overlay with the cameras' supply switched by
# a fixed regulator (the test kernel's stand-in for a load switch) and
# max-speed 115200 above the power-on rate (the guest runs at 57600)
pm_overlay() {
	sed -e 's/^\(\t\tsxh,address = .*\)$/\1\n\t\tmax-speed = <115200>;\n\t\tvdd-supply = <\&sercam_vdd>;/' \
		"$SERCAM_TOP/dts/qemu-virt-sercam.dtso" >"$1"
	cat >>"$1" <<'DTS'

&{/} {
	sercam_vdd: regulator-sercam {
		compatible = "regulator-fixed";
		regulator-name = "sercam-vdd";
		regulator-min-microvolt = <3300000>;
		regulator-max-microvolt = <3300000>;
	};
};
DTS
}

# The host tests. The fuzzing pass is bounded by time, not work, so it
# runs beside the rest (after the emulator's tests, which time its wire,
# and the protocol tests, whose build shares a header link with it); the
# caller waits for the pid in $fuzz_pid.
host_tests() {
	local out=$1
	mkdir -p "$out"
	tb_log "host unit tests"
	make -s -C "$SERCAM_TOP/tools/camemu" O="$SERCAM_BUILD/camemu" check \
		>"$out/camemu.tap" 2>"$out/camemu.err" || true
	make -s -C "$SERCAM_TOP/tools/host" O="$SERCAM_BUILD/host" KSRC="$ksrc" check \
		>"$out/proto.tap" 2>"$out/proto.err" || true
	# the fuzzers one after the other, 10 to 20 s each: a regression
	# pass over each corpus and a little more (make fuzz is the long run)
	{
		make -s --no-print-directory -C "$SERCAM_TOP/tools/host" \
			O="$SERCAM_BUILD/host" KSRC="$ksrc" FUZZ_CHECK_SECONDS=20 \
			fuzz-check >"$out/fuzz.tap" 2>"$out/fuzz.err"
		make -s --no-print-directory -C "$SERCAM_TOP/tools/host" \
			O="$SERCAM_BUILD/host" KSRC="$ksrc" FUZZ_CHECK_SECONDS=15 \
			fuzz-check-stream >"$out/fuzz-stream.tap" 2>"$out/fuzz-stream.err"
		make -s --no-print-directory -C "$SERCAM_TOP/tools/host" \
			O="$SERCAM_BUILD/host" KSRC="$ksrc" FUZZ_CHECK_SECONDS=10 \
			fuzz-check-ov528 >"$out/fuzz-ov528.tap" 2>"$out/fuzz-ov528.err"
		make -s --no-print-directory -C "$SERCAM_TOP/tools/host" \
			O="$SERCAM_BUILD/host" KSRC="$ksrc" FUZZ_CHECK_SECONDS=10 \
			fuzz-check-openmv >"$out/fuzz-openmv.tap" 2>"$out/fuzz-openmv.err"
		make -s --no-print-directory -C "$SERCAM_TOP/tools/host" \
			O="$SERCAM_BUILD/host" KSRC="$ksrc" FUZZ_CHECK_SECONDS=10 \
			fuzz-check-vc0706 >"$out/fuzz-vc0706.tap" 2>"$out/fuzz-vc0706.err"
		make -s --no-print-directory -C "$SERCAM_TOP/tools/host" \
			O="$SERCAM_BUILD/host" KSRC="$ksrc" FUZZ_CHECK_SECONDS=10 \
			fuzz-check-pixy >"$out/fuzz-pixy.tap" 2>"$out/fuzz-pixy.err"
		make -s --no-print-directory -C "$SERCAM_TOP/tools/host" \
			O="$SERCAM_BUILD/host" KSRC="$ksrc" FUZZ_CHECK_SECONDS=10 \
			fuzz-check-asciiu >"$out/fuzz-asciiu.tap" 2>"$out/fuzz-asciiu.err"
		make -s --no-print-directory -C "$SERCAM_TOP/tools/host" \
			O="$SERCAM_BUILD/host" KSRC="$ksrc" FUZZ_CHECK_SECONDS=10 \
			fuzz-check-jpeg >"$out/fuzz-jpeg.tap" 2>"$out/fuzz-jpeg.err"
	} &
	fuzz_pid=$!
	"$tb/dt-check.sh" "$ksrc" >"$out/devicetree.tap" 2>"$out/devicetree.err" || true
	"$tb/static-checks.sh" >"$out/static.tap" 2>"$out/static.err" || true
}

# check_job NAME RES [PLAN]: one of make check's guests beside the main
# one; its TAP goes to RES/NAME.tap. With PLAN, the guest is set up as
# for NAME (its overlay, rate and camera) but runs PLAN (where NAME is a
# family's job: make check-kernels' plans; sxh485: the main guest's)
check_job() {
	local job=$1 res=$2 d=$SERCAM_BUILD/$1 plan=${3:-$1}

	case $job in
	stream-*)
		stream_run "${job#stream-}" "$res/$job.tap" "${3:-}" "${STREAM_RATE:-230400}"
		return
		;;
	badconfig | badconfig-long)
		# make check: a property missing and a bad array, each its own
		# boot (the attach plan refuses every case, from a software
		# node); make check-long: every case
		rm -rf "$d"
		[ "$job" = badconfig-long ] || export BADCONFIG_CASES="1 8"
		"$tb/badconfig-test.sh" "$d" "$SERCAM_TOP/dts/qemu-virt-sercam.dtso" -- \
			$(guest_cmd badconfig "$d/none" --timeout 300) >"$res/$job.tap"
		unset BADCONFIG_CASES
		return
		;;
	deb)
		# the Debian package: built, installed in a Debian 12 chroot
		# where DKMS builds the modules for the test kernel, those
		# modules booted (the SXH485 at 230400, make check's capture
		# rows), the package purged without a trace
		rm -rf "$d"
		"$tb/deb-test.sh" "$d" "$kdir" "$kver" "$SERCAM_BUILD/payload" -- \
			$(PAYLOAD=$d/payload guest_cmd deb "$d/guest" --rate 230400) \
			>"$res/deb.tap"
		return
		;;
	esac
	rm -rf "$d" && mkdir -p "$d"
	# an attach-F-usb job: attach-F's plan with the camera on the
	# USB-serial adapter; the plan finds its tty in SERCAM_TTY, which
	# the kernel command line puts in init's environment
	local usb=()
	[[ $job != attach-*-usb ]] || usb=(--usb-serial --append SERCAM_TTY=/dev/ttyUSB0)
	case $job in
	rs485)
		# the bus overlay with a camera 5 that is not there: cameras 1
		# and 2 must work all the same. Written last, it comes first in
		# the merged tree (fdtoverlay adds the children in reverse), so
		# the probe looks for the bus rate on it first.
		sed '0,/^\t};$/s//\t\tcamera@5 {\n\t\t\treg = <5>;\n\t\t};\n&/' \
			"$SERCAM_TOP/dts/rs485-bus-sercam.dtso" >"$d/bus.dtso"
		guest_run rs485 "$d/guest" --rate 230400 --overlay "$d/bus.dtso" \
			--camemu-arg=--camera --camemu-arg=addr=1 \
			--camemu-arg=--camera --camemu-arg=addr=2 >/dev/null 2>&1
		;;
	pm)
		# power management: the camera's overlay with a switched
		# supply and max-speed above the power-on rate
		pm_overlay "$d/pm.dtso"
		guest_run pm "$d/guest" --rate 57600 --overlay "$d/pm.dtso" \
			>/dev/null 2>&1
		;;
	sxh485)
		# the SXH485 as make check's main guest has it (at 230400)
		guest_run "${3:-check}" "$d/guest" --rate 230400 >/dev/null 2>&1
		;;
	ov528 | ov528-rates)
		# the OV528 family: a lone camera at address 0, synced at
		# 115200 and moved to max-speed 230400
		guest_run "$plan" "$d/guest" --rate 115200 \
			--overlay "$SERCAM_TOP/dts/qemu-virt-ov528-max.dtso" \
			--camemu-arg=--family --camemu-arg=ov528 >/dev/null 2>&1
		;;
	ov528-bus | ov528-bus-long)
		# and three on one RS-485 bus
		guest_run "$job" "$d/guest" --rate 115200 \
			--overlay "$SERCAM_TOP/dts/rs485-bus-ov528.dtso" \
			--camemu-arg=--family --camemu-arg=ov528 \
			--camemu-arg=--camera --camemu-arg=addr=1 \
			--camemu-arg=--camera --camemu-arg=addr=2 \
			--camemu-arg=--camera --camemu-arg=addr=3 \
			--camemu-arg=--turnaround --camemu-arg=2 >/dev/null 2>&1
		;;
	openmv | openmv-long)
		# an OpenMV camera on stock firmware, the OpenMV Protocol
		guest_run "$plan" "$d/guest" --rate 230400 --timeout 3600 \
			--overlay "$SERCAM_TOP/dts/qemu-virt-openmv.dtso" \
			--camemu-arg=--family --camemu-arg=omvp >/dev/null 2>&1
		;;
	attach)
		# no camera node in the devicetree: the PL011 is a plain tty
		# (ttyAMA0) that sercam-attach attaches the SXH485 to
		guest_run attach "$d/guest" --rate 115200 --overlay none \
			>/dev/null 2>&1
		;;
	attach-usb)
		# the same camera on a USB-serial adapter (QEMU's FTDI on an
		# XHCI: ttyUSB0), unplugged and plugged in again by the host
		# when the plan asks; 200 attach/detach cycles (make
		# check-long: about 4 minutes, 2 of them the cycles)
		guest_run attach-usb "$d/guest" --rate 115200 --overlay none \
			--usb-serial --timeout 3600 >/dev/null 2>&1
		;;
	attach-ov528 | attach-ov528-usb)
		# and an OV528 the same way (not in make check: the OV528's
		# own guest covers the family); each attach-F job also as
		# attach-F-usb, on the USB-serial adapter (see $usb)
		guest_run attach-ov528 "$d/guest" --rate 115200 --overlay none \
			"${usb[@]}" --camemu-arg=--family --camemu-arg=ov528 >/dev/null 2>&1
		;;
	attach-pixy | attach-pixy-usb)
		# and a Pixy: a metadata node over the line discipline
		guest_run attach-pixy "$d/guest" --rate 19200 --overlay none \
			"${usb[@]}" --camemu-arg=--family --camemu-arg=pixy >/dev/null 2>&1
		;;
	attach-stream | attach-stream-usb)
		# the JPEG stream family (jpeg framing, given by --prop) at
		# 115200, make check's stream rate
		guest_run attach-stream "$d/guest" --rate 115200 --overlay none \
			"${usb[@]}" --camemu-arg=--family --camemu-arg=stream \
			--camemu-arg=--framing --camemu-arg=jpeg \
			--camemu-arg=--res --camemu-arg=320x240 >/dev/null 2>&1
		;;
	attach-openmv | attach-openmv-usb)
		# the OpenMV Protocol at the overlay's 230400
		guest_run attach-openmv "$d/guest" --rate 230400 --overlay none \
			"${usb[@]}" --camemu-arg=--family --camemu-arg=omvp >/dev/null 2>&1
		;;
	attach-vc0706 | attach-vc0706-usb)
		# a VC0706 at its power-on 38400, moved to 115200 (--max-speed)
		guest_run attach-vc0706 "$d/guest" --rate 38400 --overlay none \
			"${usb[@]}" --camemu-arg=--family --camemu-arg=vc0706 \
			--camemu-arg=--set --camemu-arg=boot-ms=300 >/dev/null 2>&1
		;;
	attach-ascii-u | attach-ascii-u-usb)
		# an ASCII U# camera at its power-on 19200, moved to 57600
		# (--max-speed); JPEG quality 25, as in the ascii-u job
		guest_run attach-ascii-u "$d/guest" --rate 19200 --overlay none \
			"${usb[@]}" --camemu-arg=--family --camemu-arg=ascii-u \
			--camemu-arg=--quality --camemu-arg=25 >/dev/null 2>&1
		;;
	vc0706 | vc0706-faults)
		# a VC0706 camera powered up at 38400, moved to 115200
		guest_run "$plan" "$d/guest" --rate 38400 \
			--overlay "$SERCAM_TOP/dts/qemu-virt-vc0706.dtso" \
			--camemu-arg=--family --camemu-arg=vc0706 \
			--camemu-arg=--set --camemu-arg=boot-ms=300 >/dev/null 2>&1
		;;
	vc0706-verify)
		# and with vimicro,verify-reads: every chunk read twice, so
		# that bit errors in the picture's data are seen
		sed 's/^\(\t\tcurrent-speed = .*\)$/\1\n\t\tvimicro,verify-reads;/' \
			"$SERCAM_TOP/dts/qemu-virt-vc0706.dtso" >"$d/verify.dtso"
		grep -q verify-reads "$d/verify.dtso" || tb_die "vc0706-verify: no overlay"
		guest_run "$job" "$d/guest" --rate 38400 --overlay "$d/verify.dtso" \
			--camemu-arg=--family --camemu-arg=vc0706 \
			--camemu-arg=--set --camemu-arg=boot-ms=300 >/dev/null 2>&1
		;;
	pixy)
		# a Pixy at its default 19200, six objects (two of them
		# colour codes): frames longer than 20 ms, some dropped
		guest_run "$plan" "$d/guest" --rate 19200 \
			--overlay "$SERCAM_TOP/dts/qemu-virt-pixy.dtso" \
			--camemu-arg=--family --camemu-arg=pixy >/dev/null 2>&1
		;;
	apps)
		# what users run against a camera (OpenCV among them), on the
		# SXH485 at make check's 230400, in a guest userspace of its
		# own: OpenCV more than doubles the image
		local rootfs
		rootfs=$("$tb/build-rootfs.sh" apps)
		guest_run apps "$d/guest" --rate 230400 >/dev/null 2>&1
		;;
	ascii-u | ascii-u-long)
		# an ASCII U# camera at its power-on 19200, moved to 57600;
		# JPEG quality 25 (the camera's default is 60): smaller
		# pictures, the same checks, and v4l2-compliance's streaming
		# (wire-bound at 57600) in half the time
		guest_run "$plan" "$d/guest" --rate 19200 \
			--overlay "$SERCAM_TOP/dts/qemu-virt-ascii-u.dtso" \
			--camemu-arg=--family --camemu-arg=ascii-u \
			--camemu-arg=--quality --camemu-arg=25 >/dev/null 2>&1
		;;
	*)
		tb_die "no such check job: $job"
		;;
	esac
	python3 "$tb/verdict.py" --tap "$d" >"$res/$job.tap"
}

# check_lane QUEUE RES: take the first job off QUEUE (a file, a name a
# line, shared by both lanes under a lock) and run it, until none is left
check_lane() {
	local job

	while job=$(flock "$1.lock" sh -c 'head -n1 "$0" && sed -i 1d "$0"' "$1") &&
		[ -n "$job" ]; do
		# lane two's starvable jobs run at nice 19 beside the main
		# guest only: once it is done they get their share
		flock -n "$queue.main" true && renice -n 0 $BASHPID >/dev/null
		tb_log "check job '$job' at $(($(date +%s) - start)) s"
		check_job "$job" "$2" || [ -s "$2/$job.tap" ] ||
			printf 'TAP version 13\nnot ok 1 - %s ran\n1..1\n' "$job" >"$2/$job.tap"
	done
}

# make check-kernels builds for its own kernels (below)
if [ "$target" != check-kernels ]; then
	build_module
	build_tools
	build_payload
fi

case $target in
check)
	start=$(date +%s)
	res=$SERCAM_TOP/results
	rm -rf "$res"
	queue=$SERCAM_BUILD/side-jobs
	# The guests beside the main one. Those in the first list stand
	# being starved of CPU: lane two runs them at low priority while the
	# main guest (whose wire timing comes first) runs. Those in the
	# second time their frames against v4l2-compliance's and the
	# emulator's clocks: both lanes take them in turn, at the same
	# priority, once the main guest is done; longest first.
	printf '%s\n' badconfig rs485 pm >"$queue.beside"
	# The JPEG stream family's guest at 115200: at 230400 beside another
	# guest it lost bytes (a starved guest drains its PL011 slower than
	# the wire, and a streaming camera does not wait); its other two
	# framings are in check-long, at 230400 on a quiet machine.
	export STREAM_RATE=115200
	# A third list, "first", is taken out of the second: its jobs are
	# judged against the camera's clock to a few milliseconds (Pixy's
	# frame clock), or against v4l2-compliance's 2 s with frames that
	# take most of it (OpenMV at 230400). Beside another guest at the
	# same priority a 2-core host stalls them (seen: Pixy's guest stalled
	# around most of its frames, an OpenMV frame later than 2 s). Lane
	# one runs them right after the main guest, lane two still yielding.
	printf '%s\n' pixy openmv >"$queue.first"
	printf '%s\n' ov528 stream-jpeg vc0706 attach ov528-bus ascii-u >"$queue.after"
	# held while the main guest and the "first" list run
	exec 9>"$queue.main"
	flock 9
	(
		exec 9>&-
		renice -n 19 $BASHPID >/dev/null
		host_tests "$res/host"
		tb_log "host tests done at $(($(date +%s) - start)) s"
		rm -rf "$SERCAM_BUILD/harness" && mkdir -p "$SERCAM_BUILD/harness"
		"$tb/harness-test.sh" "$SERCAM_BUILD/harness" -- \
			$(guest_cmd harness "$SERCAM_BUILD/harness/guest" --timeout 300) \
			>"$res/host/harness.tap"
		check_lane "$queue.beside" "$res/host"
		flock "$queue.main" true
		renice -n 0 $BASHPID >/dev/null
		check_lane "$queue.after" "$res/host"
		wait "$fuzz_pid" || true
		tb_log "lane two done at $(($(date +%s) - start)) s"
	) &
	side=$!
	rc=0
	# Lane one: the main guest, then the second list.
	# 230400: the fastest rate QEMU's PL011 carries faithfully, and half
	# the wire time of 115200 (the camera runs custom firmware here)
	guest_run check "$res/guest" --rate 230400 || rc=$?
	tb_log "guest done at $(($(date +%s) - start)) s"
	check_lane "$queue.first" "$res/host"
	exec 9>&-
	check_lane "$queue.after" "$res/host"
	wait $side
	python3 "$tb/verdict.py" "$res" || rc=$((rc ? rc : 1))
	tb_log "make check took $(($(date +%s) - start)) s"
	exit $rc
	;;
demo)
	out=$SERCAM_TOP/demo-out
	guest_run demo "$SERCAM_BUILD/demo" --rate 115200
	python3 "$tb/demo-report.py" "$SERCAM_BUILD/demo" "$out"
	;;
check-long)
	# What CI does not need: the fault matrix (about 70 minutes of wire
	# time), the stream family's and the OV528 family's rows (v4l2-
	# compliance on every camera of the OV528 bus among them), then a
	# 10-minute fuzzing run of each fuzzer.
	start=$(date +%s)
	res=$SERCAM_TOP/results-long
	rm -rf "$res"
	rc=0
	guest_run long "$res/guest" --rate 230400 --timeout 14400 || rc=$?
	# the JPEG stream family's long rows, on a guest of its own
	mkdir -p "$res/host"
	stream_run jpeg "$res/host/stream-long.tap" stream-long
	# and its three framings' rows at 230400, alone (make check runs
	# the jpeg one at 115200, beside another guest)
	for f in jpeg length markers; do
		stream_run "$f" "$res/host/stream-$f.tap"
	done
	# the OV528 family's rows: a lone camera at 115200
	rm -rf "$SERCAM_BUILD/ov528-long" && mkdir -p "$SERCAM_BUILD/ov528-long"
	guest_run ov528-long "$SERCAM_BUILD/ov528-long/guest" --rate 115200 \
		--timeout 14400 --overlay "$SERCAM_TOP/dts/qemu-virt-ov528.dtso" \
		--camemu-arg=--family --camemu-arg=ov528 >/dev/null 2>&1
	python3 "$tb/verdict.py" --tap "$SERCAM_BUILD/ov528-long" \
		>"$res/host/ov528-long.tap"
	# the OV528 rates (a minute of the driver's retries)
	check_job ov528-rates "$res/host"
	# v4l2-compliance on each camera of the OV528 bus
	check_job ov528-bus-long "$res/host"
	# the OpenMV Protocol's rows that make check leaves out
	check_job openmv-long "$res/host"
	# and the ASCII U# camera's
	check_job ascii-u-long "$res/host"
	# the VC0706's fault rows, and bit errors with every chunk read twice
	check_job vc0706-faults "$res/host"
	check_job vc0706-verify "$res/host"
	# the applications (OpenCV) on a guest userspace of their own
	check_job apps "$res/host"
	# every bad devicetree configuration, a boot each (make check: two)
	check_job badconfig-long "$res/host"
	# sercam-attach on a USB-serial adapter: unplugged mid-frame,
	# plugged in again, 200 attach/detach cycles
	check_job attach-usb "$res/host"
	# and every other family through sercam-attach, on the plain PL011
	# and on the adapter
	for f in ov528 pixy stream openmv vc0706 ascii-u; do
		check_job "attach-$f" "$res/host"
		check_job "attach-$f-usb" "$res/host"
	done
	# the Debian package, DKMS and the purge (deb-test.sh)
	check_job deb "$res/host"
	# a pipeline is tee's status: the verdict's own decides
	python3 "$tb/verdict.py" "$res" >"$res/verdict.txt" || rc=$((rc ? rc : 1))
	cat "$res/verdict.txt"
	splats=$(grep -c '^kernel log:' "$res/verdict.txt" || true)
	python3 "$tb/matrix-report.py" "$res/guest/guest.tap" "$splats" | tee "$res/matrix.md"
	python3 "$tb/matrix-report.py" "$SERCAM_BUILD/ov528-long/guest/guest.tap" "$splats" |
		tee "$res/matrix-ov528.md"
	make -s --no-print-directory -C "$SERCAM_TOP/tools/host" O="$SERCAM_BUILD/host" \
		KSRC="$ksrc" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-600}" || rc=1
	tb_log "make check-long took $(($(date +%s) - start)) s"
	exit $rc
	;;
check-kernels)
	# Every camera family on the kernels users run besides make check's
	# 6.12 arm64: Debian 12's 6.1 (arm64) and 32-bit ARM (6.12, armhf
	# userspace), each family's guest as make check sets it up, running
	# plans/kernels-FAMILY (rows taken from the family's own plans). One
	# guest at a time. KERNELS and KERNEL_FAMILIES choose (for
	# development); SERIES-ARCH, as build-kernel.sh takes them.
	# SERCAM_CACHED_ONLY (CI): run only if every kernel and guest
	# userspace is in the cache already, else say which is not and stop,
	# passing (building them cold takes about 40 minutes on 2 cores).
	kernels=${KERNELS:-6.1-arm64 6.12-arm}
	if [ -n "$cached_only" ]; then
		missing=
		for k in $kernels; do
			SERCAM_CACHED_ONLY=1 "$tb/build-kernel.sh" "${k%-*}" "${k##*-}" >/dev/null ||
				missing="$missing, the $k kernel"
			SERCAM_CACHED_ONLY=1 "$tb/build-rootfs.sh" "${k##*-}" >/dev/null ||
				missing="$missing, the ${k##*-} guest userspace"
		done
		if [ -n "$missing" ]; then
			tb_log "make check-kernels NOT RUN: not in the cache: ${missing#, } (SERCAM_CACHED_ONLY; 'make check-kernels' builds them)"
			exit 0
		fi
	fi
	start=$(date +%s)
	res=$SERCAM_TOP/results-kernels
	rm -rf "$res" && mkdir -p "$res/host"
	base=$SERCAM_BUILD
	export STREAM_RATE=115200
	rc=0
	for k in $kernels; do
		SERCAM_BUILD=$base/kernels/$k
		use_kernel "${k%-*}" "${k##*-}"
		build_module
		build_tools
		build_payload
		tb_log "kernel $kver ($k) ready at $(($(date +%s) - start)) s"
		for fam in ${KERNEL_FAMILIES:-sxh485 ov528 openmv pixy vc0706 ascii-u stream}; do
			job=$fam
			[ "$fam" != stream ] || job=stream-jpeg
			tb_log "$k: $fam at $(($(date +%s) - start)) s"
			mkdir -p "$SERCAM_BUILD/tap"
			check_job "$job" "$SERCAM_BUILD/tap" "kernels-$fam" ||
				[ -s "$SERCAM_BUILD/tap/$job.tap" ] ||
				printf 'TAP version 13\nnot ok 1 - %s ran\n1..1\n' "$job" \
					>"$SERCAM_BUILD/tap/$job.tap"
			cp "$SERCAM_BUILD/tap/$job.tap" "$res/host/$k-$fam.tap"
		done
	done
	SERCAM_BUILD=$base
	# a pipeline is tee's status: the verdict's own decides
	python3 "$tb/verdict.py" "$res" >"$res/verdict.txt" || rc=1
	cat "$res/verdict.txt"
	tb_log "make check-kernels took $(($(date +%s) - start)) s"
	exit $rc
	;;
fuzz)
	make -s --no-print-directory -C "$SERCAM_TOP/tools/host" O="$SERCAM_BUILD/host" \
		KSRC="$ksrc" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-600}"
	;;
pm-overlay)
	# for development: run.sh plan pm --rate 57600 --overlay <this>
	pm_overlay "${2:?output file}"
	;;
plan)
	# for development: one plan, e.g. run.sh plan check --rate 230400
	plan=${2:?which plan}
	shift 2
	# the attach plans boot without a camera node: sercam-attach makes it
	# (an --overlay given after this one wins); attach-usb with the camera
	# on a USB-serial adapter
	case $plan in
	attach-usb*) set -- --overlay none --usb-serial "$@" ;;
	attach*) set -- --overlay none "$@" ;;
	apps) rootfs=$("$tb/build-rootfs.sh" apps) ;;
	esac
	guest_run "$plan" "$SERCAM_BUILD/plan-$plan/guest" "$@"
	python3 "$tb/verdict.py" "$SERCAM_BUILD/plan-$plan"
	;;
job)
	# for development: make check's side jobs by name, as make check
	# runs them (their overlays and camemu options), one after another,
	# e.g. run.sh job rs485 ov528-bus
	shift
	res=$SERCAM_BUILD/jobs
	mkdir -p "$res"
	for job in "$@"; do
		tb_log "check job '$job'"
		check_job "$job" "$res" || true
		grep '^not ok' "$res/$job.tap" || true
		echo "$job: $(grep -c '^ok' "$res/$job.tap") passed, $(grep -c '^not ok' "$res/$job.tap") failed"
	done
	;;
bench)
	# BENCH_FAMILIES: which families' benchmarks (all unless told)
	families=" ${BENCH_FAMILIES:-sxh485 ov528 openmv vc0706 ascii-u} "
	mkdir -p "$SERCAM_TOP/bench-out"
	if [[ $families == *" sxh485 "* ]]; then
		# one boot per link rate: the devicetree gives the camera's rate
		runs=()
		for rate in ${BENCH_RATES:-57600 115200 230400}; do
			guest_run bench "$SERCAM_BUILD/bench/$rate" --rate "$rate" || true
			runs+=("$SERCAM_BUILD/bench/$rate")
		done
		python3 "$SERCAM_TOP/tools/bench/report.py" "$SERCAM_TOP/bench-out" "${runs[@]}"
	fi
	if [[ $families == *" ov528 "* ]]; then
		# The OV528 family at 115200, 640x480, camemu's default timing:
		# the driver with a lone camera, a pyserial-style reader on the
		# bare UART, then three cameras on an RS-485 bus (transceivers
		# holding the line 2 ms) with the driver's adaptive gap and
		# read from user space with a fixed 30 ms one. One boot each.
		ob=$SERCAM_BUILD/bench-ov528
		tty_dtso=$SERCAM_TOP/tools/bench/qemu-virt-tty.dtso
		one=(--camemu-arg=--family --camemu-arg=ov528)
		bus=("${one[@]}" --camemu-arg=--camera --camemu-arg=addr=1
		     --camemu-arg=--camera --camemu-arg=addr=2
		     --camemu-arg=--camera --camemu-arg=addr=3
		     --camemu-arg=--turnaround --camemu-arg=2)
		guest_run bench-ov528 "$ob/driver" --rate 115200 \
			--overlay "$SERCAM_TOP/dts/qemu-virt-ov528.dtso" "${one[@]}" || true
		guest_run bench-ov528-tty "$ob/reader" --rate 115200 \
			--overlay "$tty_dtso" "${one[@]}" || true
		guest_run bench-ov528-bus "$ob/bus" --rate 115200 \
			--overlay "$SERCAM_TOP/dts/rs485-bus-ov528.dtso" "${bus[@]}" || true
		guest_run bench-ov528-bustty "$ob/bustty" --rate 115200 \
			--overlay "$tty_dtso" "${bus[@]}" || true
		python3 "$SERCAM_TOP/tools/bench/ov528-report.py" "$SERCAM_TOP/bench-out" \
			"$ob"/{driver,reader,bus,bustty}
	fi
	if [[ $families == *" openmv "* ]]; then
		# The OpenMV Protocol family at 230400 (the fastest rate QEMU's
		# PL011 carries faithfully) and 921600 (the protocol's usual
		# one; QEMU is the limit there), 320x240 and 640x480, camemu's
		# default timing (10 ms poll tick, 4082-byte payloads) with a
		# script fast enough (1000 fps) that the wire is the limit:
		# the driver, then the vendor library's way on the bare UART.
		# Two boots a rate.
		mb=$SERCAM_BUILD/bench-openmv
		omv=(--camemu-arg=--family --camemu-arg=omvp
		     --camemu-arg=--fps --camemu-arg=1000)
		runs=()
		for rate in ${OPENMV_RATES:-230400 921600}; do
			guest_run bench-openmv "$mb/$rate/driver" --rate "$rate" \
				--overlay "$SERCAM_TOP/dts/qemu-virt-openmv.dtso" "${omv[@]}" || true
			guest_run bench-openmv-tty "$mb/$rate/reader" --rate "$rate" \
				--overlay "$SERCAM_TOP/tools/bench/qemu-virt-tty.dtso" \
				"${omv[@]}" || true
			runs+=("$mb/$rate/driver" "$mb/$rate/reader")
		done
		python3 "$SERCAM_TOP/tools/bench/openmv-report.py" "$SERCAM_TOP/bench-out" \
			"${runs[@]}"
	fi
	if [[ $families == *" vc0706 "* ]]; then
		# The VC0706 family at 38400 (its power-on rate: a copy of the
		# overlay without max-speed) and 115200 (the overlay as it is),
		# 640x480 and 320x240, camemu's default timing but for a 300 ms
		# boot (each size change is an EEPROM write and a reset): the
		# driver at each rate, then Adafruit_VC0706's way on the bare
		# UART, at 38400 and then at 115200 (the reader moves the camera
		# there with set port, as the library's setBaud115200() does).
		# Three boots.
		vb=$SERCAM_BUILD/bench-vc0706
		vc=(--camemu-arg=--family --camemu-arg=vc0706
		    --camemu-arg=--set --camemu-arg=boot-ms=300)
		mkdir -p "$vb"
		sed '/max-speed/d' "$SERCAM_TOP/dts/qemu-virt-vc0706.dtso" >"$vb/38400.dtso"
		guest_run bench-vc0706 "$vb/38400/driver" --rate 38400 \
			--overlay "$vb/38400.dtso" "${vc[@]}" || true
		guest_run bench-vc0706 "$vb/115200/driver" --rate 38400 \
			--overlay "$SERCAM_TOP/dts/qemu-virt-vc0706.dtso" "${vc[@]}" || true
		guest_run bench-vc0706-tty "$vb/reader" --rate 38400 \
			--overlay "$SERCAM_TOP/tools/bench/qemu-virt-tty.dtso" \
			"${vc[@]}" || true
		python3 "$SERCAM_TOP/tools/bench/ucam-report.py" vc0706 \
			"$SERCAM_TOP/bench-out" "$vb"/{38400/driver,115200/driver,reader}
	fi
	if [[ $families == *" ascii-u "* ]]; then
		# The ASCII U# family at 38400 (a copy of the overlay with
		# max-speed 38400) and 57600 (its fastest: the overlay as it
		# is), 640x480 and 320x240, camemu's default timing: the driver
		# in continuous mode at each rate, then a picture at a time
		# (UG) on the bare UART at both (UI from the power-on 19200).
		# Three boots.
		ab=$SERCAM_BUILD/bench-ascii-u
		au=(--camemu-arg=--family --camemu-arg=ascii-u)
		mkdir -p "$ab"
		sed 's/max-speed = <[0-9]*>/max-speed = <38400>/' \
			"$SERCAM_TOP/dts/qemu-virt-ascii-u.dtso" >"$ab/38400.dtso"
		guest_run bench-ascii-u "$ab/38400/driver" --rate 19200 \
			--overlay "$ab/38400.dtso" "${au[@]}" || true
		guest_run bench-ascii-u "$ab/57600/driver" --rate 19200 \
			--overlay "$SERCAM_TOP/dts/qemu-virt-ascii-u.dtso" "${au[@]}" || true
		guest_run bench-ascii-u-tty "$ab/reader" --rate 19200 \
			--overlay "$SERCAM_TOP/tools/bench/qemu-virt-tty.dtso" \
			"${au[@]}" || true
		python3 "$SERCAM_TOP/tools/bench/ucam-report.py" ascii-u \
			"$SERCAM_TOP/bench-out" "$ab"/{38400/driver,57600/driver,reader}
	fi
	# the emulator's own real-time overhead on this machine (make check
	# tests its pacing in virtual time; this is the wall-clock figure)
	make -s -C "$SERCAM_TOP/tools/camemu" O="$SERCAM_BUILD/camemu" bench |
		tee "$SERCAM_TOP/bench-out/camemu.txt"
	# the JPEG stream family's receive parser on this machine (host
	# build; its directory is make check's, absent before a first check)
	mkdir -p "$SERCAM_BUILD/host"
	make -s --no-print-directory -C "$SERCAM_TOP/tools/host" \
		O="$SERCAM_BUILD/host" KSRC="$ksrc" bench |
		tee "$SERCAM_TOP/bench-out/stream-parser.txt"
	;;
*)
	tb_die "unknown target '$target'"
	;;
esac
