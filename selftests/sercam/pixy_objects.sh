#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The example program tools/examples/pixy-objects reads the Pixy's
# metadata node: it prints the frames asked for, and the objects it prints
# for a frame are, in order, the blocks of one frame the emulated camera
# sent (its manifest line, "ok" blocks).
echo "TAP version 13"
echo "1..3"
out=/tmp/pixy-objects.txt
if pixy-objects -n 20 >$out 2>/tmp/pixy-objects.err; then
	echo "ok 1 - pixy-objects -n 20 ran"
else
	sed 's/^/# /' /tmp/pixy-objects.err
	echo "not ok 1 - pixy-objects -n 20"
fi
n=$(grep -c '^frame ' $out)
if [ "$n" = 20 ]; then
	echo "ok 2 - it printed 20 frames"
else
	echo "not ok 2 - it printed $n frames"
fi
# Each printed frame with objects as the manifest would list it:
# " blocks=K b=SIG,X,Y,W,H,ANGLE,CC,ok ..."
awk '
	function flush() { if (k > 0) print " blocks=" k s; s = ""; k = 0 }
	/^frame / { flush() }
	/^  sig=/ {
		split($0, f, /[ =]+/)
		cc = ($0 ~ / cc /) ? 1 : 0
		a = cc ? f[14] : 0
		s = s sprintf(" b=%s,%s,%s,%s,%s,%s,%d,ok", f[3], f[5], f[7], f[9], f[11], a, cc)
		k++
	}
	END { flush() }' $out >/tmp/pixy-objects.want
sercam_emu frames >/tmp/pixy-manifest.txt
total=0 found=0
while IFS= read -r want; do
	total=$((total + 1))
	grep -qF -- "$want" /tmp/pixy-manifest.txt && found=$((found + 1))
done </tmp/pixy-objects.want
if [ $total -gt 0 ] && [ $found = $total ]; then
	echo "ok 3 - the objects of all $total frames with objects are a camera frame's blocks"
else
	head -3 /tmp/pixy-objects.want | sed 's/^/# printed:/'
	echo "not ok 3 - $found of $total printed frames match a camera frame"
fi
