#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# VC0706: the JPEG quality control reaches the camera at once as the
# compression ratio (quality 100 -> 0x36, 1 -> 0x8f, as vc0706.md maps
# them), and frames captured after it are smaller at the lower quality
# (four frames each: the first may have been taken before the change);
# TV out on and off reaches the camera as command 44 (01, 00).
echo "TAP version 13"
echo "1..5"
dev=$(sercam_dev.sh) || { echo "Bail out! no sercam node"; exit 1; }
st() { sercam_emu status | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
exec 3<"$dev"
fail=0
if v4l2-ctl -d "$dev" -c compression_quality=100 && [ "$(st compression)" = 0x36 ]; then
	echo "ok 1 - quality 100 reached the camera as compression 0x36"
else
	echo "# camera: compression=$(st compression)"
	echo "not ok 1 - quality 100"; fail=1
fi
size() {
	v4l2-ctl -d "$dev" --set-fmt-video=width=320,height=240,pixelformat=JPEG \
		--stream-mmap --stream-count=4 --stream-to=/tmp/q.jpg >/dev/null 2>&1
	stat -c %s /tmp/q.jpg
}
big=$(size)
if v4l2-ctl -d "$dev" -c compression_quality=1 && [ "$(st compression)" = 0x8f ]; then
	echo "ok 2 - quality 1 reached the camera as compression 0x8f"
else
	echo "# camera: compression=$(st compression)"
	echo "not ok 2 - quality 1"; fail=1
fi
small=$(size)
echo "# four 320x240 frames: $big bytes at quality 100, $small at quality 1"
if [ -n "$big" ] && [ -n "$small" ] && [ "$small" -lt "$big" ]; then
	echo "ok 3 - the frames at quality 1 are smaller"
else
	echo "not ok 3 - frame sizes"; fail=1
fi
v4l2-ctl -d "$dev" -c compression_quality=90 >/dev/null
if v4l2-ctl -d "$dev" -c tv_out=1 && [ "$(st tvout)" = 1 ]; then
	echo "ok 4 - TV out on reached the camera"
else
	echo "# camera: tvout=$(st tvout)"
	echo "not ok 4 - TV out on"; fail=1
fi
if v4l2-ctl -d "$dev" -c tv_out=0 && [ "$(st tvout)" = 0 ]; then
	echo "ok 5 - TV out off reached the camera"
else
	echo "# camera: tvout=$(st tvout)"
	echo "not ok 5 - TV out off"; fail=1
fi
exit $fail
