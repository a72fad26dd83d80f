#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# attach.sh MODE [ARGS]: the SXH485 on a plain tty, through sercam-attach
# (the guest booted without a camera node: its PL011 is $SERCAM_TTY).
#
#   bad           what sercam-attach must refuse, with the message and
#                 errno: a path that is not a tty, an unknown family, bad
#                 properties (the common parser's and the attach's own;
#                 for the SXH485, every case of badconfig-test.sh)
#   up [ARGS]     attach in the background (--daemon), ARGS added to
#                 sercam-attach's (--max-speed N, --prop P=V): the node
#                 appears and is sercam's; its pid goes to
#                 /tmp/sercam-attach.pid
#   busy          a second attach of the same tty: EBUSY, the first stays
#   fg            in the foreground, then SIGINT: exit 0, the node goes
#   cycles N [ARGS]
#                 N attach/detach cycles (SIGTERM), each checked; ARGS
#                 as for up (what the family needs: --max-speed, --prop)
#   down          SIGTERM to the one "up" started: it detaches
tty=${SERCAM_TTY:-/dev/ttyAMA0}
family=${SERCAM_FAMILY:-sxh485}
speed=${SERCAM_SPEED:-115200}
pidfile=/tmp/sercam-attach.pid
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { if eval "$1"; then ok "$2"; else nok "$2"; fi; }
show() { sed 's/^/# /' "$@"; }

# wait_gone PID: the process exited (or is a zombie), within 20 s
wait_gone() {
	i=0
	while [ $i -lt 200 ]; do
		[ -d /proc/$1 ] || return 0
		grep -q '^State:.*Z' /proc/$1/status 2>/dev/null && return 0
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}

# wait_node_gone DEV: within 10 s
wait_node_gone() {
	i=0
	while [ -e "$1" ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	[ ! -e "$1" ]
}

# refused NAME EXPECT-ERRNO EXPECT-TEXT SERCAM-ATTACH-ARGS...: exit 1,
# the errno's name and the text on stderr
refused() {
	name=$1 err=$2 text=$3
	shift 3
	sercam-attach "$@" >/tmp/att.out 2>/tmp/att.err
	rc=$?
	show /tmp/att.err
	if [ $rc -eq 1 ] && grep -q "($err)" /tmp/att.err &&
	   grep -q -- "$text" /tmp/att.err; then
		ok "$name: exit 1, $err, \"$text\""
	else
		nok "$name: exit $rc, wanted 1 with $err and \"$text\""
	fi
	# nothing may be left attached (but another's attach, if busy)
	[ "$err" = EBUSY ] ||
		check '! ls /sys/bus/platform/devices/ | grep -q sercam-tty' \
			"$name: no sercam device left"
}

# attached: the first sercam node, in $dev; 0 if there is one
attached() {
	dev=$(sercam_dev.sh)
}

echo "TAP version 13"
case $1 in
bad)
	refused "not a tty" ENOTTY "is not a tty" --speed "$speed" /dev/null
	refused "no such path" ENOENT "No such file" /dev/ttyNOSUCH
	refused "unknown family" ENOENT "no such camera family" \
		--family nosuch --speed "$speed" "$tty"
	check 'dmesg | grep -q "no camera family \"nosuch\""' \
		"the kernel log names the unknown family"
	refused "rate out of range" EINVAL "current-speed = 5: not a UART rate" \
		--family "$family" --speed 5 "$tty"
	refused "address out of range" EINVAL "camera address 300 is not in" \
		--family "$family" --speed "$speed" --address 300 "$tty"
	refused "unknown property" EINVAL "has no property sxh,nosuch" \
		--family "$family" --speed "$speed" --prop sxh,nosuch=1 "$tty"
	refused "not a number" EINVAL "\"fast\" is not a u32" \
		--family "$family" --prop max-speed=fast "$tty"
	refused "a string property's bad value" EINVAL 'sxh,transfer = "sideways"' \
		--family "$family" --speed "$speed" --prop sxh,transfer=sideways "$tty"
	refused "bus camera without reg" EINVAL "camera without reg" \
		--family "$family" --speed "$speed" --prop camera@1/sxh,transfer=whole "$tty"
	refused "address and bus" EINVAL "one or the other" \
		--address 1 --bus 1,2 "$tty"
	# the devicetree's bad configurations (badconfig-test.sh boots a
	# few of them), through the same parser from a software node
	[ "$family" = sxh485 ] && {
	refused "current-speed missing" EINVAL "current-speed missing" \
		--family "$family" "$tty"
	refused "current-speed 0" EINVAL "current-speed = 0: not a UART rate" \
		--family "$family" --speed 0 "$tty"
	refused "absurd current-speed" EINVAL "current-speed = 99999999: not a UART rate" \
		--family "$family" --speed 99999999 "$tty"
	refused "max-speed the camera cannot switch to" EINVAL \
		"max-speed = 230400: a SXH485 camera cannot be switched to that rate" \
		--family "$family" --speed "$speed" --max-speed 230400 "$tty"
	refused "address 0" EINVAL "camera address 0 is not in 1..254" \
		--family "$family" --speed "$speed" --address 0 "$tty"
	refused "address 255 (broadcast)" EINVAL "camera address 255 is not in 1..254" \
		--family "$family" --speed "$speed" --address 255 "$tty"
	refused "resolution table not in triplets" EINVAL \
		"sxh,resolutions must be 1 to 8 <code width height> triplets" \
		--family "$family" --speed "$speed" --prop sxh,resolutions=5,640 "$tty"
	refused "resolution with an odd width" EINVAL \
		"sxh,resolutions entry 0 <5 641 480>: code must be 0..255, sizes even" \
		--family "$family" --speed "$speed" --prop sxh,resolutions=5,641,480 "$tty"
	refused "resolution code repeated" EINVAL \
		"sxh,resolutions entry 1 repeats a code or size" \
		--family "$family" --speed "$speed" \
		--prop sxh,resolutions=5,640,480,5,320,240 "$tty"
	}
	# /dev/ptmx opens only with devpts mounted beside it
	grep -q ' /dev/pts devpts' /proc/mounts ||
		{ mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; } 2>/dev/null
	if [ -c /dev/ptmx ] && grep -q ' /dev/pts devpts' /proc/mounts; then
		refused "a pty master" EOPNOTSUPP "cannot set sercam's line discipline" \
			--speed "$speed" /dev/ptmx
	fi
	# a refused attach leaves the tty usable: the next one works
	;;
up)
	shift
	if out=$(sercam-attach --daemon --family "$family" --speed "$speed" \
		"$@" "$tty" 2>/tmp/att.err); then
		ok "sercam-attach --daemon --speed $speed $* $tty"
	else
		nok "sercam-attach --daemon --speed $speed $* $tty"
	fi
	echo "$out" | show
	show /tmp/att.err
	echo "$out" | sed -n 's/.*pid \([0-9]*\) keeps.*/\1/p' >$pidfile
	node=$(echo "$out" | awk '/^\/dev\/video/ { print $1; exit }')
	check '[ -n "$node" ] && [ -c "$node" ]' "it printed the video node: $node"
	check 'attached && [ "$dev" = "$node" ]' "the node is sercam's"
	# the module's name as lsmod gives it (sercam-ascii-u: sercam_ascii_u)
	check 'lsmod | grep -q "^sercam_$(echo "$family" | tr - _) "' \
		"the family's module was loaded by name"
	check '[ -d /proc/$(cat $pidfile) ]' "it stays, in the background"
	;;
busy)
	attached || { echo "1..0 # SKIP nothing attached"; exit 0; }
	first=$dev
	refused "attached already" EBUSY "attached already" \
		--family "$family" --speed "$speed" "$tty"
	check '[ -c "$first" ] && attached && [ "$dev" = "$first" ]' \
		"the first attach stays, $first"
	;;
fg)
	sercam-attach --family "$family" --speed "$speed" "$tty" \
		>/tmp/att.out 2>/tmp/att.err &
	pid=$!
	i=0
	while ! grep -q '^/dev/video' /tmp/att.out && [ -d /proc/$pid ] &&
	      [ $i -lt 300 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	node=$(awk '/^\/dev\/video/ { print $1; exit }' /tmp/att.out)
	check '[ -n "$node" ] && [ -c "$node" ]' "foreground: node $node"
	kill -INT $pid
	wait $pid
	rc=$?
	show /tmp/att.out /tmp/att.err
	check '[ $rc -eq 0 ]' "SIGINT: sercam-attach detached and exited 0 ($rc)"
	check 'wait_node_gone "$node"' "the node went with it"
	check 'grep -q "detached" /tmp/att.err' "it said so"
	;;
cycles)
	count=${2:-50}
	shift
	[ $# -eq 0 ] || shift
	bad=0
	moved=0
	t0=$(date +%s)
	c=0
	while [ $c -lt "$count" ]; do
		c=$((c + 1))
		out=$(sercam-attach --daemon --family "$family" --speed "$speed" \
			"$@" "$tty" 2>/tmp/att.err) || {
			show /tmp/att.err
			bad=$((bad + 1))
			echo "# cycle $c: attach failed"
			continue
		}
		pid=$(echo "$out" | sed -n 's/.*pid \([0-9]*\) keeps.*/\1/p')
		node=$(echo "$out" | awk '/^\/dev\/video/ { print $1; exit }')
		# the node and device name (sercam-tty.N-1) of the first
		# cycle every time: each cycle released the last one's
		# video device and device number (a reference kept would
		# move them on)
		name=$(echo "$out" | awk '/^\/dev\/video/ { print $1, $2; exit }')
		[ $c -gt 1 ] || first=$name
		if [ "$name" != "$first" ]; then
			moved=$((moved + 1))
			echo "# cycle $c: $name, the first was $first"
		fi
		# every other cycle: the node opened, and held across detach
		if [ $((c % 2)) -eq 0 ] && [ -n "$node" ]; then
			exec 5<"$node"
		fi
		kill -TERM "$pid"
		if ! wait_gone "$pid" || ! wait_node_gone "$node"; then
			bad=$((bad + 1))
			echo "# cycle $c: pid $pid or node $node stayed"
		fi
		exec 5<&-
	done
	t1=$(date +%s)
	check '[ $bad -eq 0 ]' "$count attach/detach cycles: $bad failed, $((t1 - t0)) s"
	check '[ $moved -eq 0 ]' "each cycle made the first's node and device again ($first): $moved did not"
	check '! ls /sys/bus/platform/devices/ | grep -q sercam-tty' \
		"no sercam device left"
	;;
down)
	pid=$(cat $pidfile 2>/dev/null)
	attached
	node=$dev
	check '[ -n "$pid" ] && kill -TERM "$pid"' "SIGTERM to sercam-attach ($pid)"
	check 'wait_gone "$pid"' "it exited"
	check '[ -z "$node" ] || wait_node_gone "$node"' "the node $node went"
	;;
*)
	echo "usage: attach.sh bad|up [ARGS]|busy|fg|cycles N [ARGS]|down" >&2
	exit 2
	;;
esac
echo "1..$n"
