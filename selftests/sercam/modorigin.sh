#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# modorigin.sh DIR: every sercam module loaded was loaded from
# /lib/modules/$(uname -r)/DIR/ (the deb job: DKMS's updates/dkms), and
# at least one is loaded.
dir=/lib/modules/$(uname -r)/${1:?which directory}
loaded=$(lsmod | awk '$1 ~ /^sercam/ { printf "%s ", $1 }')
count=$(echo "$loaded" | wc -w)
echo "TAP version 13"
echo "1..$((count + 1))"
if [ "$count" -gt 0 ]; then
	echo "ok 1 - sercam modules loaded: $loaded"
else
	echo "not ok 1 - no sercam module loaded"
fi
i=1
for m in $loaded; do
	i=$((i + 1))
	f=$(modinfo -n "$m" 2>/dev/null)
	case $f in
	"$dir"/*) echo "ok $i - $m from $f" ;;
	*) echo "not ok $i - $m from ${f:-nowhere}, not $dir" ;;
	esac
done
