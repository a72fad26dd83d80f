#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# load.sh [MODULE]: load a camera family (sercam-sxh485 unless named; it
# brings sercam with it): the probe must give the camera a node.
m=${1:-sercam-sxh485}
echo "TAP version 13"
echo "1..2"
if modprobe $m; then
	echo "ok 1 - modprobe $m"
else
	echo "not ok 1 - modprobe $m"
fi
if dev=$(sercam_dev.sh); then
	echo "ok 2 - probe made the camera's node: $dev"
	dmesg | grep -i sercam | sed 's/^/# /'
else
	dmesg | tail -n 20 | sed 's/^/# /'
	echo "not ok 2 - no sercam video node after probe"
fi
