#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unload sercam, then ask kmemleak for leaks explicitly.
echo "TAP version 13"
echo "1..2"
if ! lsmod | grep -q '^sercam ' || rmmod sercam; then
	echo "ok 1 - sercam unloads"
else
	echo "not ok 1 - rmmod sercam"
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
