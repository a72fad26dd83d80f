#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, the OpenMV Protocol family, in the guest (see
# tools/bench/openmv_bench.c and the bench-openmv* plans): 320x240 and
# 640x480 JPEGs at the boot's rate.
#   openmv_bench.sh driver FRAMES   the driver
#   openmv_bench.sh reader FRAMES   the vendor library's way on the raw
#                                   UART, then its viewer's loop
# CSV lines go to /results/openmv.csv.
what=$1
frames=${2:-16}
csv=/results/openmv.csv
tty=/dev/ttyAMA0
echo "TAP version 13"
n=0
run() {
	n=$((n + 1))
	if openmv_bench "$@" >/tmp/openmv.csv 2>/tmp/openmv.err; then
		ok=ok
	else
		ok="not ok"
	fi
	sed 's/^/# /' /tmp/openmv.err /tmp/openmv.csv
	cat /tmp/openmv.csv >>$csv
	echo "$ok $n - openmv_bench $*"
}
case $what in
driver)
	run driver driver 320x240 "$frames"
	run driver driver 640x480 $((frames / 2)) ;;
reader)
	for how in lib cli; do
		run reader "$how" 320x240 "$frames" $tty $how
		run reader "$how" 640x480 $((frames / 2)) $tty $how
	done ;;
*)
	echo "not ok 1 - openmv_bench.sh: unknown '$what'"
	exit 1 ;;
esac
echo "1..$n"
