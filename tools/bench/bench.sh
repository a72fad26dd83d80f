#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, in the guest (one boot per link rate): every frame size in
# whole-image and in packet mode on a clean link, then 640x480 with bit
# errors in the default (auto) mode. CSV lines go to /results/bench.csv.
frames=${1:-6}
noisy=${2:-30}
csv=/results/bench.csv
echo "TAP version 13"
n=0
run() {
	n=$((n + 1))
	if sercam_bench "$@" >>$csv 2>/tmp/bench.err; then
		echo "ok $n - $*"
	else
		sed 's/^/# /' /tmp/bench.err
		echo "not ok $n - $*"
	fi
}
for mode in whole packet; do
	sercam_transfer.sh $mode
	for s in 160x160 320x240 640x480; do
		run $s $frames $mode
	done
	run 1280x960 $((frames / 2)) $mode
done
sercam_transfer.sh auto
run 640x480 $noisy auto 1e-4
echo "1..$n"
