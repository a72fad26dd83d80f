#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# compliance.sh [SIZE [ADDR [FOURCC]]]: v4l2-compliance with streaming
# (-s) on the first sercam node (with ADDR: the node of the camera at that
# address on a bus; "" for none), in FOURCC (v4l2-ctl's name, JPEG unless
# given): every check it makes is a TAP test, plus its totals: 0 failed
# and 0 warnings.
size=${1:-160x160}
addr=$2
fourcc=${3:-JPEG}
if ! dev=$(sercam_dev.sh ${addr:+"$addr"}); then
	[ -n "$addr" ] ||
		{ echo "1..0 # SKIP no sercam video node"; exit 0; }
	printf 'TAP version 13\n1..1\nnot ok 1 - no node for camera %s\n' "$addr"
	exit 1
fi
out=/tmp/compliance$addr.txt
# "default": the format the driver chose for this link, as an application
# that sets none gets it
[ "$size" = default ] ||
	v4l2-ctl -d "$dev" --set-fmt-video=width=${size%x*},height=${size#*x},pixelformat=$fourcc
v4l2-compliance -d "$dev" -s 3 >"$out" 2>&1
rc=$?
echo "TAP version 13"
[ -z "$addr" ] || echo "# camera $addr: $dev"
awk -v rc=$rc '
	/^[ \t]*test .*: (OK|FAIL)/ {
		line = $0; sub(/^[ \t]*/, "", line)
		n++
		if (line ~ /: FAIL/) printf "not ok %d - %s\n", n, line
		else printf "ok %d - %s\n", n, line
	}
	/^[ \t]*(warn|fail):/ { msg = $0; sub(/^[ \t]*/, "", msg); printf "# %s\n", msg; next }
	/[Ww]arn/ && !/^Total for/ { msg = $0; sub(/^[ \t]*/, "", msg); printf "# %s\n", msg }
	/^Total for/ {
		total = $0
		failed = $0; sub(/.*Failed: /, "", failed); sub(/,.*/, "", failed)
		warns = $0; sub(/.*Warnings: /, "", warns)
	}
	END {
		n++
		if (total != "" && failed == 0 && warns == 0 && rc == 0)
			printf "ok %d - %s\n", n, total
		else
			printf "not ok %d - totals: %s (exit %d)\n", n, total, rc
		printf "1..%d\n", n
	}' "$out"
