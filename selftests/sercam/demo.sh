#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo, in the guest: 10 frames with v4l2-ctl, 10 with ffmpeg, into
# /results/demo (the host copies them to ./demo-out/), with the frame rate
# each achieved.
n=${1:-10}
out=/results/demo
mkdir -p $out
dev=$(sercam_dev.sh) || { echo "1..0 # SKIP no sercam video node"; exit 0; }
echo "TAP version 13"
echo "1..2"
v4l2-ctl -d "$dev" --set-fmt-video=width=640,height=480,pixelformat=JPEG
after=$(sercam_emu status | sed -n 's/.*frames=\([0-9]*\).*/\1/p')
t0=$(cut -d" " -f1 /proc/uptime)
v4l2-ctl -d "$dev" --stream-mmap --stream-count=$n --stream-to=/tmp/demo.mjpeg >/tmp/demo-v4l2ctl.log 2>&1
t1=$(cut -d" " -f1 /proc/uptime)
echo "v4l2-ctl $n $t0 $t1" >>$out/timing.txt
if sercam_verify /tmp/demo.mjpeg "$after" $n 640x480 $out/v4l2ctl-%02d.jpg >/tmp/demo-verify.tap 2>&1; then
	echo "ok 1 - v4l2-ctl: $n frames, each the camera's"
else
	grep '^not ok' /tmp/demo-verify.tap | head -3 | sed 's/^/# /'
	echo "not ok 1 - v4l2-ctl frames"
fi
t0=$(cut -d" " -f1 /proc/uptime)
ffmpeg -hide_banner -nostdin -loglevel error -f v4l2 -input_format mjpeg -i "$dev" \
	-frames:v $n -c:v copy $out/ffmpeg-%02d.jpg 2>/tmp/demo-ffmpeg.err
rc=$?
t1=$(cut -d" " -f1 /proc/uptime)
echo "ffmpeg $n $t0 $t1" >>$out/timing.txt
if [ $rc = 0 ] && [ "$(ls $out/ffmpeg-*.jpg | wc -l)" = "$n" ]; then
	echo "ok 2 - ffmpeg: $n frames"
else
	sed 's/^/# /' /tmp/demo-ffmpeg.err | head
	echo "not ok 2 - ffmpeg frames"
fi
