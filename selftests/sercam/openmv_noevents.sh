#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# openmv_noevents.sh: an OpenMV camera that keeps its own caps, events
# off. The driver asks for NOTIFY events in SET_CAPS at every session;
# this camera's firmware (protocol.init(events=False)) NAKs SET_CAPS with
# INVALID, so the driver must live without events: poll LOCK at its own
# pace and deliver the camera's frames byte for byte all the same.
# The camera is power-cycled into that state and back.
dev=$(sercam_dev.sh) || { echo "1..0 # SKIP no sercam video node"; exit 0; }
echo "TAP version 13"
echo "1..6"
. tap.sh
node=${dev##*/}
stat() {
	sed -n "s/^$1: *//p" /sys/kernel/debug/sercam/*/"$node"/stats
}
info() {
	cat /sys/kernel/debug/sercam/*/"$node"/openmv
}
emu_stat() {
	sercam_emu stats | sed -n "s/^stat $1 //p"
}

# the camera boots with events off and refuses every SET_CAPS
sercam_emu set caps crc,seq,ack >/dev/null &&
	sercam_emu fault "nak 1000000 2 op=02" >/dev/null &&
	sercam_emu powercycle >/dev/null
check $? 1 "camera: boot caps crc,seq,ack; SET_CAPS refused (NAK INVALID)"

before=$(dmesg | wc -l)
events=$(stat events)
naks=$(emu_stat fault_nak)
out=$(sercam_stream clean 4 2>&1)
r=$?
echo "$out" | grep -v '^TAP\|^1\.\.' | sed 's/^/# /'
check $r 2 "4 frames byte for byte from the camera without events"

now=$(emu_stat fault_nak)
echo "# SET_CAPS refused: $naks before, $now after"
[ -n "$now" ] && [ "$now" -gt "${naks:-0}" ]
check $? 3 "the driver asked for events (SET_CAPS) and was refused"

caps=$(info | sed -n 's/^caps //p')
echo "# debugfs caps: $caps"
[ "$caps" = 0x7 ]
check $? 4 "the driver knows the camera's own caps: crc, seq, ack, no events (0x7)"

log=$(dmesg | tail -n +$((before + 1)))
echo "$log" | grep -q 'refused SET_CAPS' && [ "$(stat events)" = "$events" ]
check $? 5 "it says SET_CAPS was refused, and no event came ($(stat events) events)"

# back to the stock camera for the rows after this one
for c in "fault clear" "set caps crc,seq,ack,events" powercycle; do
	sercam_emu $c | grep -v '^ok$' | sed "s/^/# $c: /"
done
out=$(sercam_stream clean 2 2>&1)
r=$?
[ $r = 0 ] || echo "$out" | sed 's/^/# /'
caps=$(info | sed -n 's/^caps //p')
echo "# debugfs caps: $caps; the camera's:$(sercam_emu status | grep -o ' caps=[^ ]*')"
[ $r = 0 ] && [ "$caps" = 0xf ]
check $? 6 "power-cycled to stock firmware: good frames, events on again (caps 0xf)"
exit $fail
