#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test guest: the steps of /sercam/plans/<plan>, one per
# line as "<name> <limit-seconds> <command...>". Each step's stdout is TAP;
# it is kept in /results/<name>.tap and streamed to the host on the
# sercam.tap port. Step markers on the console let the host enforce each
# step's time limit and name the one that hangs.
export PATH=/sercam/bin:/sercam/tests:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LC_ALL=C
plan=${1:-check}

# /init has linked the virtio-serial ports by name
export SERCAM_CTL=/dev/virtio-ports/sercam.ctl
tapdev=/dev/virtio-ports/sercam.tap

echo "sercam guest: kernel $(uname -r), plan $plan"
while read -r name limit cmd; do
	case $name in ''|\#*) continue ;; esac
	echo "@@sercam-step begin $name $limit"
	sh -c "$cmd" </dev/null >"/results/$name.tap" 2>"/results/$name.err"
	rc=$?
	{ echo "# step $name"; cat "/results/$name.tap"; } >"$tapdev"
	echo "@@sercam-step end $name rc=$rc"
done <"/sercam/plans/$plan"

echo "@@sercam-step begin collect 120"
dmesg >/results/dmesg.txt
touch /results/finished
tar -cf /dev/virtio-ports/sercam.results -C /results .
echo "@@sercam-step end collect rc=0"
poweroff -f
