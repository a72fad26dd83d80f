#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# openmv_info.sh: what an OpenMV camera tells of itself reaches the user.
# G_PARM reports the frame rate the camera's frame header gives (the
# emulator's fps, changed mid-way), LOG_STATUS its firmware version and
# frame rate, the debugfs file "openmv" the session's parameters.
dev=$(sercam_dev.sh) || { echo "1..0 # SKIP no sercam video node"; exit 0; }
echo "TAP version 13"
echo "1..4"
. tap.sh
# fps FPS: G_PARM's frames per second after a few frames at FPS
fps() {
	sercam_emu set fps "$1" >/dev/null
	v4l2-ctl -d "$dev" --stream-mmap --stream-count=3 --stream-to=/dev/null \
		>/dev/null 2>&1
	v4l2-ctl -d "$dev" --get-parm | sed -n 's/.*Frames per second: *\([0-9.]*\).*/\1/p'
}
for n in 1 2; do
	want=$([ $n = 1 ] && echo 10 || echo 4)
	got=$(fps $want)
	echo "# camera at $want fps: G_PARM says $got"
	[ "${got%.*}" = "$want" ]
	check $? $n "G_PARM follows the camera's frame rate ($want fps)"
done
sercam_emu set fps 10 >/dev/null
# only what LOG_STATUS adds; the log itself stays whole for the verdict
# (dmesg -c here once hid what came before from its splat scan)
before=$(dmesg | wc -l)
v4l2-ctl -d "$dev" --log-status >/dev/null 2>&1
log=$(dmesg | tail -n +$((before + 1)))
echo "$log" | grep -E 'firmware|fps_milli' | sed 's/^/# /'
echo "$log" | grep -q 'firmware: 50000' && echo "$log" | grep -q 'fps_milli: 4000'
check $? 3 "LOG_STATUS gives the firmware version and the frame rate"
info=$(cat /sys/kernel/debug/sercam/*/video*/openmv 2>/dev/null)
echo "$info" | sed 's/^/# /'
echo "$info" | grep -q '^firmware 5\.0\.0$' && echo "$info" | grep -q '^stream_channel 3$' &&
	echo "$info" | grep -q '^max_payload 4082 (board 4082)$'
check $? 4 "debugfs: versions, stream channel, payload"
exit $fail
