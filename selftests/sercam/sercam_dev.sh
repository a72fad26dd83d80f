#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the first video node driven by sercam; fail when there is none.
for d in /dev/video*; do
	[ -e "$d" ] || continue
	v4l2-ctl -d "$d" -D 2>/dev/null | grep -q 'Driver name *: sercam' &&
		{ echo "$d"; exit 0; }
done
exit 1
