#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# OV528 sleep: once nobody has had the node open for the autosuspend delay
# (2 s), the bus powers down and the camera is put to sleep (POWER OFF);
# opening the node again wakes it with the SYNC loop (the emulated camera
# wants 25 SYNCs after sleep), and its frames are its own.
echo "TAP version 13"
echo "1..3"
st() { sercam_emu status | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
wakes0=$(sercam_emu stats | sed -n 's/^stat wakes //p')
sercam_capture 160x128 1 mmap >/tmp/ov528-sleep1.tap 2>&1
i=0
while [ "$(st asleep)" != 1 ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
if [ "$(st asleep)" = 1 ]; then
	echo "ok 1 - nobody has the node open: the camera sleeps ($i x 0.1 s after the close)"
else
	echo "# camera: $(sercam_emu status)"
	grep '^not ok' /tmp/ov528-sleep1.tap | head -3 | sed 's/^/# first capture: /'
	dev=$(sercam_dev.sh)
	pw=/sys/class/video4linux/${dev#/dev/}/device/power
	echo "# bus: runtime $(cat "$pw/runtime_status" 2>/dev/null), usage $(cat "$pw/runtime_usage" 2>/dev/null)"
	dmesg | grep -i ov528 | tail -5 | sed 's/^/# /'
	echo "not ok 1 - the camera is not asleep after the last close"
fi
if sercam_capture 160x128 2 mmap >/tmp/ov528-sleep2.tap 2>&1; then
	echo "ok 2 - opened again, it was woken and its frames are its own"
else
	grep '^not ok' /tmp/ov528-sleep2.tap | head -3 | sed 's/^/# /'
	echo "not ok 2 - capture after sleep"
fi
wakes=$(sercam_emu stats | sed -n 's/^stat wakes //p')
if [ "$wakes" -gt "${wakes0:-0}" ]; then
	echo "ok 3 - woken by SYNCs ($((wakes - ${wakes0:-0})) wake(s) since the start)"
else
	echo "not ok 3 - no wake counted by the camera ($wakes0 -> $wakes)"
fi
