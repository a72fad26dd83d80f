#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the first video node driven by sercam (with an argument: the one
# of the camera at that address); fail when there is none.
for d in /dev/video*; do
	[ -e "$d" ] || continue
	info=$(v4l2-ctl -d "$d" -D 2>/dev/null)
	echo "$info" | grep -q 'Driver name *: sercam' || continue
	[ -z "$1" ] || echo "$info" | grep -q "Card type *: .* camera $1\$" || continue
	echo "$d"
	exit 0
done
exit 1
