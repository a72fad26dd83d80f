#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, the VC0706 and ASCII U# families, in the guest (see
# tools/bench/ucam_bench.c and the bench-vc0706* and bench-ascii-u* plans):
# 640x480 (N640 frames) and 320x240 (N320 frames).
#   ucam_bench.sh vc0706 driver N640 N320           the driver, at the
#   ucam_bench.sh ascii-u driver N640 N320          boot's max-speed
#   ucam_bench.sh vc0706 reader N640 N320 RATE...   Adafruit_VC0706's way on
#                                                   the raw UART, each RATE
#   ucam_bench.sh ascii-u reader N640 N320 RATE...  UG per picture, likewise
# The readers take the sizes in turns (640, 320 at the first rate, 320,
# 640 at the next): a VC0706 size change is a reset. CSV lines go to
# /results/FAMILY.csv.
family=$1
what=$2
n640=${3:-3}
n320=${4:-4}
shift 4
csv=/results/$family.csv
tty=/dev/ttyAMA0
echo "TAP version 13"
n=0
run() {
	n=$((n + 1))
	if ucam_bench "$@" >/tmp/ucam.csv 2>/tmp/ucam.err; then
		ok=ok
	else
		ok="not ok"
	fi
	sed 's/^/# /' /tmp/ucam.err /tmp/ucam.csv
	cat /tmp/ucam.csv >>"$csv"
	echo "$ok $n - ucam_bench $*"
}
case $family/$what in
vc0706/driver | ascii-u/driver)
	run driver "$family" driver 640x480 "$n640"
	run driver "$family" driver 320x240 "$n320" ;;
vc0706/reader | ascii-u/reader)
	how=adafruit
	[ "$family" = vc0706 ] || how=ug
	sizes="640x480 320x240"
	for rate in "$@"; do
		for s in $sizes; do
			f=$n640
			[ "$s" = 640x480 ] || f=$n320
			run "$how" "$how" "$s" "$f" $tty "$rate"
		done
		# the other way round at the next rate
		# shellcheck disable=SC2086 # split into the two sizes
		set -- $sizes
		sizes="$2 $1"
	done ;;
*)
	echo "not ok 1 - ucam_bench.sh: unknown '$family $what'"
	exit 1 ;;
esac
echo "1..$n"
