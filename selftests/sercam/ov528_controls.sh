#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# OV528 controls, as the emulated camera reports them: brightness, contrast
# and exposure bias reach it at once as one CBE (contrast, brightness,
# exposure, 0..4 each), the power-line frequency as LIGHT (0 50 Hz, 1
# 60 Hz); a camera that NAKs CBE (a C328) has those three inactive, and
# its power-line control still works. The node is held open meanwhile:
# the last close puts the camera to sleep, and asleep it forgets them.
echo "TAP version 13"
echo "1..5"
dev=$(sercam_dev.sh) || { echo "Bail out! no sercam node"; exit 1; }
st() { sercam_emu status | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
inactive() { v4l2-ctl -d "$dev" -l | grep -q "^ *$1 .*flags=inactive"; }
exec 3<"$dev"

if v4l2-ctl -d "$dev" -c brightness=4 -c contrast=0 -c auto_exposure_bias=3 &&
   [ "$(st cbe)" = 0,4,3 ]; then
	echo "ok 1 - brightness 4, contrast 0, exposure +1 EV reached the camera as CBE 0,4,3"
else
	echo "# camera: cbe=$(st cbe)"
	echo "not ok 1 - CBE"
fi
if v4l2-ctl -d "$dev" -c power_line_frequency=2 && [ "$(st light)" = 1 ] &&
   v4l2-ctl -d "$dev" -c power_line_frequency=1 && [ "$(st light)" = 0 ]; then
	echo "ok 2 - power-line frequency 60 Hz then 50 Hz reached the camera as LIGHT 1, 0"
else
	echo "# camera: light=$(st light)"
	echo "not ok 2 - LIGHT"
fi

# a camera without CBE, from power-on
exec 3<&-
rmmod sercam_ov528
sercam_emu set cbe 0 >/dev/null && sercam_emu powercycle >/dev/null
modprobe sercam-ov528
dev=$(sercam_dev.sh)
exec 3<"$dev"
# the camera is found (and asked for CBE) in the background: wait for it
i=0
while ! inactive brightness && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
if inactive brightness && inactive contrast && inactive auto_exposure_bias; then
	echo "ok 3 - a camera that NAKs CBE: brightness, contrast, exposure inactive"
else
	v4l2-ctl -d "$dev" -l | sed 's/^/# /'
	echo "not ok 3 - CBE controls on a camera without CBE"
fi
if ! inactive power_line_frequency &&
   v4l2-ctl -d "$dev" -c power_line_frequency=2 && [ "$(st light)" = 1 ]; then
	echo "ok 4 - and its power-line control still reaches it"
else
	echo "not ok 4 - LIGHT on a camera without CBE"
fi
if sercam_capture 160x128 2 mmap >/tmp/ov528-nocbe.tap 2>&1; then
	echo "ok 5 - and it captures"
else
	grep '^not ok' /tmp/ov528-nocbe.tap | sed 's/^/# /' | head -3
	echo "not ok 5 - capture from a camera without CBE"
fi
exec 3<&-
rmmod sercam_ov528
sercam_emu set cbe 1 >/dev/null && sercam_emu powercycle >/dev/null
modprobe sercam-ov528
sercam_dev.sh >/dev/null
