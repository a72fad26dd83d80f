#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# OV528 rates, on a line whose devicetree asks for max-speed above the
# power-on rate (the ov528 guest: current-speed 115200, max-speed 230400,
# see run.sh). The module is reloaded for each case; the node is held open
# meanwhile, since the last close puts the camera to sleep, which makes it
# forget its rate.
# - a camera synced at 57600 by an earlier host is found by scanning and
#   moved to max-speed with SET BAUD RATE; its frames are its own;
# - a camera left at max-speed (a host rebooted while the camera kept
#   its power) is found there again;
# - SET BAUD RATE refused (NAK, the emulator's log shows the NAK struck
#   0x07): the driver stays at the rate it found and captures there; at
#   its retry 10 s later the camera switches but its ACK is lost (a reply
#   with another camera's address): the driver tells it to come back and
#   stays; at the next retry, 20 s later, it moves up.
# The emulator's auto-baud table and faults are restored at the end.
echo "TAP version 13"
echo "1..14"
st() { sercam_emu status | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
emustat() { sercam_emu stats | sed -n "s/^stat $1 //p"; }
field() { sed -n "s/^$1: //p" /sys/kernel/debug/sercam/*/bus | head -1; }
# the commands the camera heard since "log clear": "id params" each
cmds() { sercam_emu log | awk '$1 == "cmd" { print $4, $5 }'; }
# the kernel log stays whole for the verdict: read only what comes after
mark=$(dmesg | wc -l)
since() { dmesg | tail -n +$((mark + 1)); }
# wait_log PATTERN: until the kernel log has PATTERN since the mark (30 s)
wait_log() {
	i=0
	while ! since | grep -q "$1" && [ $i -lt 300 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	since | grep -q "$1"
}
# capture N TEST WHAT [SIZE]: N frames, every byte the camera's
capture() {
	if sercam_capture "${4:-160x128}" "$1" mmap >/tmp/ov528-rates.tap 2>&1; then
		echo "ok $2 - $3"
	else
		grep '^not ok\|^# DQBUF' /tmp/ov528-rates.tap | head -3 | sed 's/^/# /'
		echo "not ok $2 - $3"
	fi
}
# reload: the module again, with the node held open (fd 3)
reload() {
	exec 3<&-
	rmmod sercam_ov528
	"$@" >/dev/null
	mark=$(dmesg | wc -l)
	modprobe sercam-ov528
	dev=$(sercam_dev.sh) || { echo "Bail out! no node after reload"; exit 1; }
	exec 3<"$dev"
}
# moved FROM: the kernel log says the cameras moved up from FROM
moved() { wait_log "cameras on .* moved to $max baud (from $1)"; }
# the seconds since boot at which the kernel logged PATTERN (last one)
logged_at() { since | grep "$1" | tail -1 | sed -n 's/^\[ *\([0-9]*\)\..*/\1/p'; }
uptime_s() { cut -d. -f1 /proc/uptime; }

table=$(st autobaud)
max=$(field max_baud)
echo "# max-speed $max, power-on $(field poweron_baud), camera's auto-baud table $table"

# 1. synced at 57600 before the driver came: found by scanning, moved up
bc=$(emustat baud_changes)
reload sercam_emu set rate 57600
if moved 57600 && [ "$(st rate)" = "$max" ] && [ "$(field baud)" = "$max" ] &&
   [ "$(emustat baud_changes)" -gt "$bc" ]; then
	echo "ok 1 - camera synced at 57600: found by scanning, moved to $max (baud changes $bc -> $(emustat baud_changes))"
else
	since | grep sercam | tail -3 | sed 's/^/# /'
	echo "# link $(field baud), camera rate $(st rate), baud changes $bc -> $(emustat baud_changes)"
	echo "not ok 1 - camera at 57600 moved to max-speed"
fi
capture 2 2 "and its frames at $max are its own"

# 2. left at max-speed, awake: a driver loaded again must look there too
bc=$(emustat baud_changes)
reload sercam_emu set rate "$max"
if wait_log "camera(s) on .* at $max baud" && [ "$(st rate)" = "$max" ] &&
   [ "$(emustat baud_changes)" = "$bc" ]; then
	echo "ok 3 - camera left at max-speed ($max) found there after a reload"
else
	since | grep sercam | tail -3 | sed 's/^/# /'
	echo "# link $(field baud), camera rate $(st rate)"
	echo "not ok 3 - camera left at max-speed found again"
fi
capture 1 4 "and its frames are its own"

# 3. SET BAUD RATE refused. A camera with no rate, whose auto-baud table
# lacks the power-on rate: it locks at 57600 through its auto-baud path
# (SYNCs that never meet the fault), so the first command it would ACK
# is the driver's SET BAUD RATE.
naks=$(emustat fault_nak)
sent=$(emustat naks)
reload sh -c "sercam_emu set autobaud 9600,19200,38400,57600 >/dev/null &&
	sercam_emu set rate 0 >/dev/null && sercam_emu log clear >/dev/null &&
	sercam_emu fault nak 1 >/dev/null"
if wait_log "camera 0 did not answer at $max baud, staying at 57600; trying again in 10 s" &&
   [ "$(field baud)" = 57600 ] && [ "$(st rate)" = 57600 ]; then
	echo "ok 5 - SET BAUD RATE refused: the driver stays at 57600"
else
	since | grep sercam | tail -3 | sed 's/^/# /'
	echo "# link $(field baud), camera rate $(st rate)"
	echo "not ok 5 - staying at the found rate"
fi
warned=$(logged_at "staying at 57600; trying again in 10 s")
# the first command after the sync (SYNCs 0d, the host's ACK 0e) was SET
# BAUD RATE to 230400 (d1 07, d2 01), and the one NAK went to it
first=$(cmds | awk '$1 != "0d" && $1 != "0e" { print; exit }')
echo "# the camera heard: $(cmds | awk '{ printf "%s ", $1 }')"
if [ "$first" = "07 07010000" ] && [ "$(emustat fault_nak)" = $((naks + 1)) ]; then
	echo "ok 6 - the NAK struck SET BAUD RATE ($first), the first command after the sync"
else
	echo "# first command after the sync: '$first', NAKs injected $naks -> $(emustat fault_nak)"
	echo "not ok 6 - the NAK hit SET BAUD RATE"
fi
# one frame: the retry must not come before the fault below is set
capture 1 7 "at 57600 the frames are the camera's"

# 4. Switched, answer lost: at the retry (10 s after the warning, with
# nothing sent meanwhile) SET BAUD RATE's ACK carries another camera's
# address. The camera did switch; the driver, hearing no ACK, sends SET
# BAUD RATE 57600 at 230400, and the camera comes back.
sercam_emu log clear >/dev/null
wrong=$(emustat fault_wrongaddr)
sercam_emu fault wrongaddr 1 >/dev/null
bc=$(emustat baud_changes)
i=0
while [ "$(uptime_s)" -le $((${warned:-0} + 11)) ] && [ $i -lt 200 ]; do
	i=$((i + 1))
	sleep 0.1
done
capture 1 8 "after the retry's lost ACK the frames at 57600 are the camera's"
echo "# the camera heard: $(cmds | awk '{ printf "%s:%s ", $1, $2 }')"
back=$(cmds | awk '$1 == "07" { printf "%s ", $2 }')
if [ "$back" = "07010000 1f010000 " ] &&
   [ "$(emustat baud_changes)" = $((bc + 2)) ] && [ "$(st rate)" = 57600 ] &&
   since | grep -q "staying at 57600; trying again in 20 s"; then
	echo "ok 9 - switched but its ACK lost: told to come back to 57600 (SET BAUD RATE $back), next try in 20 s"
else
	echo "# SET BAUD RATE sent: '$back'; baud changes $bc -> $(emustat baud_changes), camera rate $(st rate)"
	since | grep sercam | tail -3 | sed 's/^/# /'
	echo "not ok 9 - camera switched without a heard ACK brought back"
fi
if [ "$(emustat fault_wrongaddr)" = $((wrong + 1)) ] &&
   ! sercam_emu faults | grep -q '^fault'; then
	echo "ok 10 - the lost ACK was the fault's (used up)"
else
	sercam_emu faults | sed 's/^/# /'
	echo "not ok 10 - the wrongaddr fault struck"
fi

# 5. the next retry, 20 s later, moves up: frames meanwhile, each checked
# (for at most 40 s after the warning)
t0=$(uptime_s)
warned=$(logged_at "staying at 57600; trying again in 20 s")
i=0
bad=
while ! since | grep -q "moved to $max baud (from 57600)" &&
      [ "$(uptime_s)" -le $((${warned:-$t0} + 40)) ]; do
	i=$((i + 1))
	sercam_capture 80x64 1 mmap >/tmp/ov528-rates-wait.tap 2>&1 ||
		{ bad=1; grep '^not ok' /tmp/ov528-rates-wait.tap | head -3 | sed 's/^/# /'; break; }
done
if [ -z "$bad" ] && since | grep -q "moved to $max baud (from 57600)" &&
   [ "$(st rate)" = "$max" ] && [ "$(field baud)" = "$max" ]; then
	echo "ok 11 - the retry moved the camera up to $max ($i frames meanwhile, all the camera's, $(($(uptime_s) - t0)) s)"
else
	since | grep sercam | tail -3 | sed 's/^/# /'
	echo "not ok 11 - moved up at a later retry"
fi
capture 2 12 "and at $max its frames are its own"
# the injected NAK was sent; others (two seen once in make check on a
# loaded machine, cause not identified yet) are reported, not failed: the
# frames above are the camera's either way
naks=$(emustat naks)
if [ "$naks" -ge $((sent + 1)) ]; then
	[ "$naks" = $((sent + 1)) ] ||
		echo "# $((naks - sent - 1)) NAK(s) besides the injected one"
	echo "ok 13 - the camera sent the injected NAK ($sent -> $naks)"
else
	echo "not ok 13 - NAKs the camera sent: $sent -> $naks"
fi

# restore the emulator for the steps after this one
exec 3<&-
sercam_emu fault clear >/dev/null
if sercam_emu set autobaud "$table" >/dev/null && [ "$(st autobaud)" = "$table" ]; then
	echo "ok 14 - the emulator's auto-baud table is back ($table)"
else
	echo "not ok 14 - auto-baud table not restored"
fi
