#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad devicetree configurations, one boot each (serdev reads a UART's
# children only when the UART registers): the probe must fail with a
# dev_err that names the cause, register no video node, leave the module
# unloadable and the kernel log clean. TAP on stdout.
#   badconfig-test.sh OUTDIR OVERLAY -- guest.py command (without --overlay)
# BADCONFIG_CASES="1 8": only those cases (make check boots two: the
# same checks read the same properties from a software node in the attach
# plan, one boot for all; make check-long boots every case).
set -u
out=$1 base=$2
shift 3
tb=$(dirname "$0")

# name | sed expression applied to the overlay | expected kernel message
cases=(
	"current-speed missing|/current-speed = <[0-9]*>;/d|current-speed missing: the cameras' power-on baud rate is required"
	"current-speed 0|s/current-speed = <[0-9]*>/current-speed = <0>/|current-speed = 0: not a UART rate (1200..12000000)"
	"absurd current-speed|s/current-speed = <[0-9]*>/current-speed = <99999999>/|current-speed = 99999999: not a UART rate"
	"max-speed the camera cannot switch to|s/sxh,address/max-speed = <230400>;\n\t\tsxh,address/|max-speed = 230400: a SXH485 camera cannot be switched to that rate"
	"address 0|s/sxh,address = <1>/sxh,address = <0>/|camera address 0 is not in 1..254"
	"address 255 (broadcast)|s/sxh,address = <1>/sxh,address = <255>/|camera address 255 is not in 1..254"
	"resolution table not in triplets|s/sxh,address = <1>;/sxh,address = <1>;\n\t\tsxh,resolutions = <0x05 640>;/|sxh,resolutions must be 1 to 8 <code width height> triplets"
	"resolution with an odd width|s/sxh,address = <1>;/sxh,address = <1>;\n\t\tsxh,resolutions = <0x05 641 480>;/|sxh,resolutions entry 0 <5 641 480>: code must be 0..255, sizes even and 16..4096"
	"resolution code repeated|s/sxh,address = <1>;/sxh,address = <1>;\n\t\tsxh,resolutions = <0x05 640 480 0x05 320 240>;/|sxh,resolutions entry 1 repeats a code or size"
)
only=${BADCONFIG_CASES:-$(seq ${#cases[@]})}
echo "TAP version 13"
echo "1..$(echo $only | wc -w)"
n=0 i=0
for c in "${cases[@]}"; do
	i=$((i + 1))
	case " $(echo $only) " in *" $i "*) ;; *) continue ;; esac
	n=$((n + 1))
	IFS='|' read -r name expr want <<<"$c"
	dir=$out/$n
	mkdir -p "$dir"
	sed "$expr" "$base" >"$dir/overlay.dtso"
	"$@" --overlay "$dir/overlay.dtso" --out "$dir/guest" >"$dir/run.log" 2>&1
	verdict=$(python3 "$tb/verdict.py" "$dir" 2>&1)
	vrc=$?
	if grep -qF "$want" "$dir/guest/dmesg.txt" 2>/dev/null && [ $vrc -eq 0 ]; then
		echo "ok $n - $name: probe fails with \"$want\""
	else
		grep -h 'sercam' "$dir/guest/dmesg.txt" 2>/dev/null | tail -n 3 | sed 's/^/# /'
		echo "$verdict" | sed 's/^/# /'
		echo "not ok $n - $name: want \"$want\", no node, clean unload"
	fi
done
