#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# openmv_pixfmt.sh: raw frames in the pixel format the OpenMV camera's
# script chose. The host cannot choose it (sensor.set_pixformat() in the
# script does): the driver offers GREY and RGB565 and must take only
# frames in the one streaming asked for.
#  1. the script in GRAYSCALE: GREY 160x120 frames, byte for byte;
#  2. the node in RGB565 while the script makes GRAY frames: no frame is
#     delivered good, each is counted (wrong_format), and RGB565 frames
#     come good again once the script is back in RGB565;
#  3. the kernel log names the cause.
# The camera's script is left in RGB565, the node in RGB565 80x60 (the
# compliance rows set it back).
dev=$(sercam_dev.sh) || { echo "1..0 # SKIP no sercam video node"; exit 0; }
echo "TAP version 13"
echo "1..3"
. tap.sh

sercam_emu set pixformat gray >/dev/null &&
	out=$(sercam_capture 160x120 3 mmap grey 2>&1)
r=$?
echo "$out" | grep -v '^TAP\|^1\.\.' | sed 's/^/# /'
check $r 1 "GREY 160x120 from a script in sensor.GRAYSCALE: 3 frames byte for byte"
sercam_emu set pixformat rgb565 >/dev/null

before=$(dmesg | wc -l)
v4l2-ctl -d "$dev" --set-fmt-video=width=80,height=60,pixelformat=RGBP &&
	out=$(sercam_stream set "pixformat gray" "pixformat rgb565" 3 wrong_format 2>&1)
r=$?
echo "$out" | grep -v '^TAP\|^1\.\.' | sed 's/^/# /'
check $r 2 "RGB565 asked, GRAY sent: none good, counted; RGB565 again once the script is"

log=$(dmesg | tail -n +$((before + 1)))
echo "$log" | grep 'raw GRAY frame' | head -n 1 | sed 's/^/# /'
echo "$log" | grep -q 'a raw GRAY frame, not the RGB565 asked for: .*sensor\.set_pixformat(sensor\.RGB565)'
check $? 3 "the kernel log says the script sends GRAY, and how to get RGB565"
exit $fail
