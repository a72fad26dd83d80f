#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, the OV528 family, in the guest (see tools/bench/ov528_bench.c
# and the bench-ov528* plans): 640x480 JPEGs at 115200, 512-byte packages.
#   ov528_bench.sh driver FRAMES      the driver, a lone camera
#   ov528_bench.sh reader FRAMES      a pyserial-style reader on the raw UART
#   ov528_bench.sh bus FRAMES         the driver, cameras 1, 2, 3 on one bus
#   ov528_bench.sh busreader FRAMES   cameras 1, 2, 3 from user space with a
#                                     fixed 30 ms gap before each command
# CSV lines go to /results/ov528.csv.
what=$1
frames=${2:-6}
csv=/results/ov528.csv
tty=/dev/ttyAMA0
echo "TAP version 13"
echo "1..1"
case $what in
driver)
	set -- driver lone 640x480 "$frames" ;;
reader)
	set -- reader pyserial 640x480 "$frames" $tty 10 0 512 0 ;;
bus)
	devs=
	for n in 1 2 3; do
		d=$(sercam_dev.sh $n) || { echo "not ok 1 - no node for camera $n"; exit 1; }
		devs="$devs $d"
	done
	# shellcheck disable=SC2086
	set -- driver bus-adaptive 640x480 "$frames" $devs ;;
busreader)
	set -- reader bus-fixed30 640x480 "$frames" $tty 0 30 512 1 2 3 ;;
*)
	echo "not ok 1 - ov528_bench.sh: unknown '$what'"
	exit 1 ;;
esac
if ov528_bench "$@" >/tmp/ov528.csv 2>/tmp/ov528.err; then
	ok=ok
else
	ok="not ok"
fi
sed 's/^/# /' /tmp/ov528.err /tmp/ov528.csv
cat /tmp/ov528.csv >>$csv
echo "$ok 1 - ov528_bench $*"
[ "$ok" = ok ]
