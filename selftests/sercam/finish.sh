#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unload the camera families and sercam, then ask kmemleak for leaks
# explicitly.
echo "TAP version 13"
echo "1..2"
mods=$(lsmod | awk '$1 ~ /^sercam_/ { print $1 }')
if rmmod $mods sercam 2>/tmp/rmmod.err || ! lsmod | grep -q '^sercam '; then
	echo "ok 1 - $mods sercam unload"
else
	sed 's/^/# /' /tmp/rmmod.err
	echo "not ok 1 - rmmod $mods sercam"
fi
k=/sys/kernel/debug/kmemleak
if [ ! -w $k ]; then
	echo "ok 2 - kmemleak scan # SKIP no kmemleak"
	exit 0
fi
echo scan >$k
cat $k >/tmp/kmemleak.txt
if [ -s /tmp/kmemleak.txt ]; then
	sed 's/^/# /' /tmp/kmemleak.txt | head -n 60
	echo "not ok 2 - kmemleak found unreferenced objects"
else
	echo "ok 2 - kmemleak: no leaks"
fi
