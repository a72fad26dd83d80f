#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Power management, on a bus with a switched supply (a fixed regulator)
# and max-speed above the power-on rate (tools/testbed/run.sh makes that
# overlay):
# - runtime PM: with no node open the UART closes and the supply goes off;
#   the camera, power-cycled meanwhile, is found again when the node is
#   opened: a control set then reaches it at once, and frames are its own;
# - a camera back at another rate is moved up to max-speed again;
# - system sleep (/sys/power/pm_test = devices, suspend to idle) in the
#   middle of a stream: the stream goes on, every frame the camera's.
echo "TAP version 13"
echo "1..8"
dev=$(sercam_dev.sh) || { echo "Bail out! no sercam node"; exit 1; }
dbg=$(ls -d /sys/kernel/debug/sercam/*/ | head -1)
name=$(basename "$dbg")
pm=/sys/bus/serial/devices/$name/power
field() { sed -n "s/^$1: //p" "$dbg/bus"; }
# the driver's enable count on the supply (the fixed regulator itself, with
# no switch of its own, counts as always on)
users() {
	awk -v c="$name-vdd" '$1 == c { print $2 }' \
		/sys/kernel/debug/regulator/regulator_summary
}
# wait_status S: until the bus's runtime PM status is S (at most 10 s)
wait_status() {
	i=0
	while [ "$(cat "$pm/runtime_status")" != "$1" ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	[ "$(cat "$pm/runtime_status")" = "$1" ]
}
mark=$(dmesg | wc -l)
since() { dmesg | tail -n +$((mark + 1)); }
# looked N WHEN: the camera was looked for (and found) since the mark
looked() {
	if since | grep -q "camera 1 on .* answers at"; then
		echo "ok $1 - the camera was looked for again $2"
	else
		since | grep sercam | sed 's/^/# /' | tail -3
		echo "not ok $1 - no look $2"
	fi
}
echo "# bus $name, autosuspend $(cat "$pm/autosuspend_delay_ms") ms"

if wait_status suspended && [ "$(field uart)" = closed ] &&
   [ "$(field power)" = off ] && [ "$(users)" = 0 ]; then
	echo "ok 1 - nobody has the node open: bus suspended, UART closed, supply off"
else
	echo "# status $(cat "$pm/runtime_status") uart $(field uart) power $(field power) users $(users)"
	echo "not ok 1 - idle bus not suspended"
fi

# the camera loses everything while off (the emulator cannot see the
# regulator: it is told); a control set on opening must still reach it
sercam_emu powercycle >/dev/null
mark=$(dmesg | wc -l)
if v4l2-ctl -d "$dev" -c brightness=77 &&
   sercam_emu status | grep -q " bright=77 "; then
	echo "ok 2 - brightness set right after the bus powered up reached the camera at once"
else
	sercam_emu status | sed 's/^/# /'
	echo "not ok 2 - control after resume"
fi
looked 3 "after power-up"

wait_status suspended
sercam_emu powercycle >/dev/null
if sercam_capture 320x240 3 mmap >/tmp/pm-capture.tap 2>&1; then
	echo "ok 4 - after power-up the frames are the camera's"
else
	grep '^not ok' /tmp/pm-capture.tap | sed 's/^/# /' | head -3
	echo "not ok 4 - capture after runtime resume"
fi

# back at another rate (a camera that saved one): moved up to max-speed
wait_status suspended
sercam_emu powercycle rate=19200 >/dev/null
mark=$(dmesg | wc -l)
max=$(field max_baud)
if sercam_capture 320x240 2 mmap >/tmp/pm-rate.tap 2>&1 &&
   [ "$(field baud)" = "$max" ] &&
   sercam_emu status | grep -q " rate=$max " &&
   since | grep -q "moved to $max baud (from 19200)"; then
	echo "ok 5 - camera found at 19200 and moved back up to $max"
else
	grep '^not ok' /tmp/pm-rate.tap | sed 's/^/# /' | head -3
	since | grep sercam | sed 's/^/# /' | tail -3
	echo "# baud $(field baud), camera: $(sercam_emu status)"
	echo "not ok 5 - back to max-speed"
fi

# system sleep in the middle of a stream (two frames in)
frames() { sed -n 's/^frames: //p' "$dbg"/video*/stats | head -1; }
f0=$(frames)
sercam_capture 320x240 8 mmap >/tmp/pm-sleep.tap 2>&1 &
cap=$!
i=0
while [ "$(frames)" -lt $((f0 + 2)) ] && [ $i -lt 300 ]; do
	i=$((i + 1))
	sleep 0.1
done
mark=$(dmesg | wc -l)
echo devices >/sys/power/pm_test
t0=$(date +%s)
if echo freeze >/sys/power/state; then
	echo "ok 6 - suspend to idle (pm_test devices) took $(($(date +%s) - t0)) s"
else
	since | tail -5 | sed 's/^/# /'
	echo "not ok 6 - system suspend failed"
fi
echo none >/sys/power/pm_test
if wait $cap; then
	echo "ok 7 - the stream went on across system sleep, every frame the camera's"
else
	grep '^not ok\|^#' /tmp/pm-sleep.tap | sed 's/^/# /' | head -5
	echo "not ok 7 - stream across system sleep"
fi
looked 8 "after system resume, before its next frame"
