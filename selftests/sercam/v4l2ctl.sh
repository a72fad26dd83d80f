#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# v4l2-ctl streams COUNT frames at every frame size the driver offers; the
# stream file must be, byte for byte, frames the emulated camera sent, in
# order (sercam_verify).
count=${1:-20}
dev=$(sercam_dev.sh) || { echo "1..0 # SKIP no sercam video node"; exit 0; }
sizes=$(v4l2-ctl -d "$dev" --list-framesizes=JPEG | sed -n 's/.*Discrete \([0-9]*x[0-9]*\).*/\1/p')
echo "TAP version 13"
echo "1..$(echo $sizes | wc -w)"
i=0 fail=0
for s in $sizes; do
	i=$((i + 1))
	w=${s%x*} h=${s#*x}
	# the camera numbers its frames from 1: new ones are above the count
	after=$(sercam_emu status | sed -n 's/.*frames=\([0-9]*\).*/\1/p')
	out=/tmp/stream-$s.jpg
	v4l2-ctl -d "$dev" --set-fmt-video=width=$w,height=$h,pixelformat=JPEG \
		--stream-mmap --stream-count=$count --stream-to=$out >/tmp/v4l2ctl-$s.log 2>&1
	if sercam_verify $out $after $count $s >/tmp/verify-$s.tap 2>&1; then
		echo "ok $i - v4l2-ctl $count frames at $s identical to the camera's, in order"
	else
		grep '^not ok\|^#' /tmp/verify-$s.tap | head -5 | sed 's/^/# /'
		echo "not ok $i - v4l2-ctl $count frames at $s"
		fail=1
	fi
	rm -f $out
done
exit $fail
