#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mjpeg.sh [SIZE [COUNT [ffmpeg]]]: the JPEG format offered by its
# Motion-JPEG name too, for applications that ask for nothing else
# (camera-streamer; see the user guide's table of applications). MJPG is
# listed after JPEG with the same sizes; a client that sets MJPG by fourcc
# keeps it and gets the camera's frames byte for byte. With "ffmpeg", so
# does FFmpeg's "mjpeg" input format, which now gets MJPG itself (about
# 10 s more: make check's ffmpeg row already runs FFmpeg in MJPG).
size=${1:-320x240}
count=${2:-3}
with_ffmpeg=$3
w=${size%x*} h=${size#*x}
dev=$(sercam_dev.sh) || { echo "1..0 # SKIP no sercam video node"; exit 0; }
echo "TAP version 13"
echo "1..$([ "$with_ffmpeg" = ffmpeg ] && echo 6 || echo 5)"

# the camera numbers its frames from 1: new ones are above the count
frames() { sercam_emu status | sed -n 's/.*frames=\([0-9]*\).*/\1/p'; }

# 1: the format list, in order
fmts=$(v4l2-ctl -d "$dev" --list-formats | sed -n "s/.*\]: '\([A-Z0-9 ]*\)'.*/\1/p" | tr '\n' ' ')
case " $fmts" in
*" JPEG "*"MJPG "*) echo "ok 1 - ENUM_FMT lists JPEG, then MJPG ($fmts)" ;;
*) echo "not ok 1 - ENUM_FMT lists '$fmts', want JPEG then MJPG" ;;
esac

# 2: the same sizes and intervals under both names
v4l2-ctl -d "$dev" --list-formats-ext >/tmp/mjpeg-ext.txt
ext() { awk -v f="'$1'" '/\]: '"'"'/ { on = index($0, f) > 0; next } on' /tmp/mjpeg-ext.txt; }
ext JPEG >/tmp/mjpeg-jpeg.txt
ext MJPG >/tmp/mjpeg-mjpg.txt
if [ -s /tmp/mjpeg-jpeg.txt ] && cmp -s /tmp/mjpeg-jpeg.txt /tmp/mjpeg-mjpg.txt; then
	echo "ok 2 - MJPG has JPEG's $(grep -c Size /tmp/mjpeg-jpeg.txt) sizes and their intervals"
else
	diff /tmp/mjpeg-jpeg.txt /tmp/mjpeg-mjpg.txt | head -5 | sed 's/^/# /'
	echo "not ok 2 - MJPG's sizes and intervals differ from JPEG's"
fi

# 3: S_FMT to MJPG keeps it; G_FMT says so
v4l2-ctl -d "$dev" --set-fmt-video=width=$w,height=$h,pixelformat=MJPG
got=$(v4l2-ctl -d "$dev" --get-fmt-video)
if echo "$got" | grep -q "Pixel Format *: 'MJPG'" &&
	echo "$got" | grep -q "Width/Height *: $w/$h"; then
	echo "ok 3 - S_FMT MJPG $size: G_FMT reports MJPG at $size"
else
	echo "$got" | sed 's/^/# /'
	echo "not ok 3 - S_FMT MJPG $size not kept"
fi

# 4: a capture in MJPG: the camera's frames, byte for byte, in order
after=$(frames)
out=/tmp/mjpeg-v4l2ctl.mjpg
rm -f $out
v4l2-ctl -d "$dev" --stream-mmap --stream-count=$count --stream-to=$out \
	>/tmp/mjpeg-v4l2ctl.log 2>&1
if sercam_verify $out "$after" $count $size >/tmp/mjpeg-verify.tap 2>&1; then
	echo "ok 4 - v4l2-ctl in MJPG: $count frames identical to the camera's, decodable at $size"
else
	grep '^not ok\|^#' /tmp/mjpeg-verify.tap | head -5 | sed 's/^/# /'
	echo "not ok 4 - v4l2-ctl in MJPG against the camera's frames"
fi

# 5: back to JPEG by name
v4l2-ctl -d "$dev" --set-fmt-video=width=$w,height=$h,pixelformat=JPEG
if v4l2-ctl -d "$dev" --get-fmt-video | grep -q "Pixel Format *: 'JPEG'"; then
	echo "ok 5 - S_FMT JPEG after MJPG: G_FMT reports JPEG"
else
	echo "not ok 5 - S_FMT JPEG after MJPG"
fi

[ "$with_ffmpeg" = ffmpeg ] || exit 0
# 6: FFmpeg's mjpeg input format tries MJPG first: it must get it now, and
# the packets it copies out must be the camera's frames
after=$(frames)
out=/tmp/mjpeg-ffmpeg.mjpg
rm -f $out
if ffmpeg -hide_banner -nostdin -loglevel debug -f v4l2 -input_format mjpeg \
	-video_size $size -i "$dev" -frames:v $count -c:v copy -f mjpeg $out \
	>/tmp/mjpeg-ffmpeg.log 2>&1 &&
	! grep -q 'The V4L2 driver changed the pixel format' /tmp/mjpeg-ffmpeg.log &&
	sercam_verify $out "$after" $count $size >/tmp/mjpeg-ffverify.tap 2>&1; then
	echo "ok 6 - ffmpeg -input_format mjpeg got MJPG; its $count packets are the camera's frames"
else
	grep 'pixel format\|rror' /tmp/mjpeg-ffmpeg.log | head -3 | sed 's/^/# /'
	grep '^not ok' /tmp/mjpeg-ffverify.tap 2>/dev/null | head -3 | sed 's/^/# /'
	echo "not ok 6 - ffmpeg -input_format mjpeg in MJPG"
fi
