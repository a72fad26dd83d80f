#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vc0706_chunk.sh down|up: the VC0706 reads adapt to the link, as the
# debugfs file "vc0706" shows them.
#   down  right after a fault row: the chunk is below its 8192 bytes and
#         frames are still read twice
#   up    then 16 clean frames: the chunk is back at 8192 and nothing is
#         read twice any more
echo "TAP version 13"
echo "1..2"
dev=$(sercam_dev.sh) || { echo "Bail out! no sercam node"; exit 1; }
info() { sed -n "s/^$1 \([0-9]*\).*/\1/p" /sys/kernel/debug/sercam/*/video*/vc0706 | head -1; }
ok() { if [ "$1" = 0 ]; then echo "ok $2 - $3"; else echo "not ok $2 - $3"; fail=1; fi; }
fail=0
if [ "$1" = up ]; then
	v4l2-ctl -d "$dev" --set-fmt-video=width=160,height=120,pixelformat=JPEG \
		--stream-mmap --stream-count=16 --stream-to=/dev/null >/dev/null 2>&1
fi
chunk=$(info chunk) verify=$(info verify_frames)
echo "# chunk $chunk, verify_frames $verify"
case $1 in
down)
	[ -n "$chunk" ] && [ "$chunk" -lt 8192 ]
	ok $? 1 "the chunk was halved after broken reads ($chunk)"
	[ -n "$verify" ] && [ "$verify" -gt 0 ]
	ok $? 2 "frames are still read twice ($verify)"
	;;
up)
	[ "$chunk" = 8192 ]
	ok $? 1 "after 16 clean frames the chunk is back at 8192 ($chunk)"
	[ "$verify" = 0 ]
	ok $? 2 "and nothing is read twice ($verify)"
	;;
*)
	echo "usage: vc0706_chunk.sh down|up" >&2
	exit 1
	;;
esac
exit $fail
