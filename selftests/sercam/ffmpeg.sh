#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ffmpeg and GStreamer capture from the node like from any webcam; the
# files they write must play, and hold the camera's frames.
dev=$(sercam_dev.sh) || { echo "1..0 # SKIP no sercam video node"; exit 0; }
echo "TAP version 13"
echo "1..5"
v4l2-ctl -d "$dev" --set-fmt-video=width=640,height=480,pixelformat=JPEG
rm -f /tmp/out.mkv
if ffmpeg -hide_banner -nostdin -loglevel error -f v4l2 -input_format mjpeg \
	-i "$dev" -frames:v 5 -c:v copy /tmp/out.mkv 2>/tmp/ffmpeg.err; then
	echo "ok 1 - ffmpeg -f v4l2 -input_format mjpeg -i $dev -frames:v 5 out.mkv"
else
	sed 's/^/# /' /tmp/ffmpeg.err | head
	echo "not ok 1 - ffmpeg capture"
fi
probe=$(ffprobe -v error -count_frames -select_streams v:0 \
	-show_entries stream=codec_name,width,height,nb_read_frames \
	-of csv=p=0 /tmp/out.mkv 2>&1)
if [ "$probe" = "mjpeg,640,480,5" ]; then
	echo "ok 2 - out.mkv holds 5 MJPEG frames at 640x480"
else
	echo "not ok 2 - ffprobe says '$probe', want mjpeg,640,480,5"
fi
if ffmpeg -hide_banner -nostdin -v error -xerror -i /tmp/out.mkv -f null - 2>/tmp/play.err; then
	echo "ok 3 - out.mkv plays: every frame decodes without error"
else
	sed 's/^/# /' /tmp/play.err | head
	echo "not ok 3 - out.mkv does not decode cleanly"
fi

# GStreamer's v4l2src, frames to files
rm -f /tmp/gst-*.jpg
after=$(sercam_emu status | sed -n 's/.*frames=\([0-9]*\).*/\1/p')
if gst-launch-1.0 -q v4l2src device="$dev" num-buffers=5 ! image/jpeg,width=320,height=240 ! \
	multifilesink location=/tmp/gst-%02d.jpg >/tmp/gst.err 2>&1; then
	echo "ok 4 - gst-launch-1.0 v4l2src num-buffers=5 ! image/jpeg ! multifilesink"
else
	sed 's/^/# /' /tmp/gst.err | head
	echo "not ok 4 - gst-launch-1.0 v4l2src"
fi
cat /tmp/gst-*.jpg >/tmp/gst-all.jpg 2>/dev/null
if sercam_verify /tmp/gst-all.jpg "$after" 5 320x240 >/tmp/gst-verify.tap 2>&1; then
	echo "ok 5 - GStreamer's 5 files are the camera's frames, in order"
else
	grep '^not ok' /tmp/gst-verify.tap | head -3 | sed 's/^/# /'
	echo "not ok 5 - GStreamer's files against the camera's frames"
fi
