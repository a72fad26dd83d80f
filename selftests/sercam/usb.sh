#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# usb.sh MODE: the USB-serial adapter of a guest booted with guest.py
# --usb-serial (QEMU's usb-serial, an FTDI FT232, wired to the emulated
# camera), $SERCAM_TTY (/dev/ttyUSB0). The host unplugs and plugs it when
# asked on the sercam.host port (QMP device_del and device_add).
#
#   present       the adapter's tty is there, bound to ftdi_sio
#   unplug        the host unplugs it: the tty goes
#   plug          the host plugs it in again: the tty comes back, ftdi_sio's
#   unplug-fg     sercam-attach in the foreground on it, the adapter
#                 unplugged: it says the port went away and exits 2 (its
#                 "the port went away"), the node and the tty go
tty=${SERCAM_TTY:-/dev/ttyUSB0}
family=${SERCAM_FAMILY:-sxh485}
speed=${SERCAM_SPEED:-115200}
host=/dev/virtio-ports/sercam.host
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { if eval "$1"; then ok "$2"; else nok "$2"; fi; }
show() { sed 's/^/# /' "$@"; }

# host WORDS: a request to the host; its answer on stdout (a # line)
host() {
	SERCAM_CTL=$host sercam_emu "$@" >/tmp/usb-host.out
	rc=$?
	show /tmp/usb-host.out
	return $rc
}

# wait_for COND SECONDS: COND (a shell test) true within SECONDS
wait_for() {
	i=0
	while ! eval "$1"; do
		i=$((i + 1))
		[ $i -le $(($2 * 10)) ] || return 1
		sleep 0.1
	done
}

# exited PID: the process is gone or a zombie
exited() {
	[ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# driver: the name of the driver $tty's port is bound to
driver() {
	d=$(readlink "/sys/class/tty/${tty##*/}/device/driver" 2>/dev/null)
	echo "${d##*/}"
}

echo "TAP version 13"
[ -e "$host" ] || { echo "1..0 # SKIP no $host: not booted with --usb-serial"; exit 0; }
case $1 in
present)
	check 'wait_for "[ -c $tty ]" 30' "$tty is there"
	check '[ "$(driver)" = ftdi_sio ]' "an FTDI adapter: driver $(driver)"
	;;
unplug)
	check 'host usb unplug' "the host unplugged the adapter"
	check 'wait_for "[ ! -e $tty ]" 10' "$tty went"
	check '! ls /sys/bus/platform/devices/ | grep -q sercam-tty' \
		"no sercam device left"
	;;
plug)
	check 'host usb plug' "the host plugged the adapter in"
	check 'wait_for "[ -c $tty ]" 30' "$tty is back"
	ls /dev/ttyUSB* 2>/dev/null | show
	check '[ "$(driver)" = ftdi_sio ]' "an FTDI adapter: driver $(driver)"
	;;
unplug-fg)
	sercam-attach --family "$family" --speed "$speed" "$tty" \
		>/tmp/att.out 2>/tmp/att.err &
	pid=$!
	check 'wait_for "grep -q ^/dev/video /tmp/att.out || [ ! -d /proc/$pid ]" 30 &&
	       grep -q ^/dev/video /tmp/att.out' "sercam-attach in the foreground on $tty"
	node=$(awk '/^\/dev\/video/ { print $1; exit }' /tmp/att.out)
	check 'host usb unplug' "the host unplugged the adapter"
	# it exits promptly (gone, or a zombie until waited for), or is
	# killed
	check 'wait_for "exited $pid" 10' "sercam-attach exited within 10 s"
	kill -KILL $pid 2>/dev/null
	wait $pid
	rc=$?
	show /tmp/att.out /tmp/att.err
	check '[ $rc -eq 2 ]' "sercam-attach exited 2, the port went away ($rc)"
	check 'grep -q "went away\|hung up" /tmp/att.err' "it said so"
	check '[ -z "$node" ] || wait_for "[ ! -e $node ]" 10' "the node $node went"
	check 'wait_for "[ ! -e $tty ]" 10' "$tty went"
	;;
*)
	echo "usage: usb.sh present|unplug|plug|unplug-fg" >&2
	exit 2
	;;
esac
echo "1..$n"
