#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load sercam: the probe must find the emulated camera and make a node.
echo "TAP version 13"
echo "1..2"
if modprobe sercam; then
	echo "ok 1 - modprobe sercam"
else
	echo "not ok 1 - modprobe sercam"
fi
if dev=$(sercam_dev.sh); then
	echo "ok 2 - probe found the camera: $dev"
	dmesg | grep -i sercam | sed 's/^/# /'
else
	dmesg | tail -n 20 | sed 's/^/# /'
	echo "not ok 2 - no sercam video node after probe"
fi
