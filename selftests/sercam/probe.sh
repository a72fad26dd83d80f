#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Probe: a camera that powers on at another rate than the devicetree says
# is found by scanning; with no camera, the node is there, the log names the
# UART, the rates tried and the address, and the camera plugged in later is
# found when used; a camera with the two quirks sxh485.md says to tolerate
# is found and works.
echo "TAP version 13"
echo "1..8"
rate=$(sercam_emu status | sed -n 's/.* rate=\([0-9]*\).*/\1/p')

# the kernel log stays whole for the verdict: read only what comes after
mark=$(dmesg | wc -l)
since() { dmesg | tail -n +$((mark + 1)); }
rmmod sercam_sxh485 2>/dev/null
sercam_emu set poweron-rate 57600 >/dev/null && sercam_emu powercycle >/dev/null
mark=$(dmesg | wc -l)
modprobe sercam-sxh485
if dev=$(sercam_dev.sh); then
	echo "ok 1 - camera at 57600 found while the devicetree says $rate: $dev"
else
	since | sed 's/^/# /' | tail -5
	echo "not ok 1 - camera at 57600 not found"
fi
# the cameras are found in the background; a capture waits for that
if sercam_capture 160x160 2 mmap >/tmp/probe-capture.tap 2>&1; then
	echo "ok 2 - frames at 57600 are the camera's"
else
	grep '^not ok' /tmp/probe-capture.tap | sed 's/^/# /' | head -3
	echo "not ok 2 - capture at 57600"
fi
if since | grep -q "camera(s) on .* at 57600 baud"; then
	echo "ok 3 - the driver runs the link at 57600"
else
	since | grep sercam | sed 's/^/# /' | tail -3
	echo "not ok 3 - link rate after the scan"
fi
rmmod sercam_sxh485
sercam_emu set poweron-rate "$rate" >/dev/null && sercam_emu powercycle >/dev/null

# Booted (loaded) with the camera unplugged: the node is there at once,
# discovery names what it tried, and the camera plugged in later is found
# when the node is used, without unbind/bind.
sercam_emu unplug >/dev/null
mark=$(dmesg | wc -l)
t0=$(date +%s)
modprobe sercam-sxh485
if dev=$(sercam_dev.sh); then
	echo "ok 4 - no camera: the node is there all the same ($dev, modprobe took $(($(date +%s) - t0)) s)"
else
	echo "not ok 4 - no node with the camera unplugged"
fi
# discovery runs in the background: wait for its verdict (bounded)
i=0
while [ $i -lt 300 ] && ! since | grep -q "no SXH485 camera"; do
	i=$((i + 1))
	sleep 0.1
done
msg=$(since | grep "no SXH485 camera")
echo "# $msg"
case $msg in
*"no SXH485 camera at address 1 on "*pl011*": no answer at $rate 115200 57600 38400 19200 9600 4800 baud; looking again when used"*)
	echo "ok 5 - dev_err names the UART, the rates tried and the address" ;;
*)	echo "not ok 5 - the discovery error message" ;;
esac
sercam_emu plug >/dev/null
if sercam_capture 160x160 2 mmap >/tmp/probe-late.tap 2>&1 &&
   since | grep -q "SXH485 camera 1 on .* answers at"; then
	echo "ok 6 - the camera plugged in later is found when used, and captures"
else
	grep '^not ok' /tmp/probe-late.tap | sed 's/^/# /' | head -3
	since | grep sercam | tail -3 | sed 's/^/# /'
	echo "not ok 6 - the camera plugged in later"
fi
rmmod sercam_sxh485
sercam_emu unplug >/dev/null
# plugged back with the manual's "Tolerate" quirks on: replies that start
# EB 90, and a test reply (0x01) without its status byte
sercam_emu fault ebheader 1 >/dev/null && sercam_emu fault nostatus 1 >/dev/null
sercam_emu plug >/dev/null
modprobe sercam-sxh485
if sercam_dev.sh >/dev/null; then
	echo "ok 7 - camera plugged back, replying EB 90 and without a test status: the node is back"
else
	echo "not ok 7 - no node after plugging the camera back"
fi
if sercam_capture 160x160 2 mmap >/tmp/probe-tolerate.tap 2>&1; then
	echo "ok 8 - and its frames (headers EB 90) are the camera's"
else
	grep '^not ok' /tmp/probe-tolerate.tap | sed 's/^/# /' | head -3
	echo "not ok 8 - capture from a camera replying EB 90"
fi
sercam_emu fault ebheader 0 >/dev/null && sercam_emu fault nostatus 0 >/dev/null
