#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# asciiu_single.sh: after a capture from an ASCII U# camera set to have no
# continuous mode (camemu "set continuous 0", by the plan's row before
# this one): the driver asked for UC, was refused (UE#) twice, said so in
# the kernel log, and asked for each picture with UG (the camera's log and
# the driver's count agree). Then gives the camera its continuous mode
# back.
echo "TAP version 13"
echo "1..4"
. tap.sh
refused=$(sercam_emu stats | sed -n 's/^stat cmds_unsupported //p')
ug=$(sercam_emu log | grep -c ' UG[0-9]#')
single=$(sed -n 's/^single_requests: //p' /sys/kernel/debug/sercam/*/video*/stats | head -1)
echo "# camera: $refused UC refused, $ug UG asked; driver: $single single requests"
[ "$refused" = 2 ]
check $? 1 "UC refused twice (UE#), then no more"
dmesg | grep -q 'refuses continuous mode (UC): a picture at a time (UG)'
check $? 2 "the kernel log says the camera has no continuous mode"
[ -n "$single" ] && [ "$ug" -ge 3 ]
check $? 3 "each picture asked for with UG ($ug)"
[ "$single" = "$ug" ]
check $? 4 "the driver's single_requests is the camera's UG count"
sercam_emu set continuous 1 >/dev/null
exit $fail
