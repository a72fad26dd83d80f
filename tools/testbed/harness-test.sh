#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The test bed's own test, as TAP: one guest boot whose plan has a failing
# selftest, loads a module that calls WARN_ON() and then hangs. The verdict
# must be red, and must say each of the three, and the hang must be cut at
# its step's time limit. A second boot starts the guest with no initial
# console (what happens when virtio-console registers hvc0 after the
# kernel opened /dev/console): its step must still be seen, on time.
#   harness-test.sh RUN_DIR -- guest.py command (plan harness, out RUN_DIR/guest)
set -u
out=$1
shift 2
tb=$(dirname "$0")
start=$(date +%s)
"$@" >/dev/null 2>&1
took=$(($(date +%s) - start))
verdict=$(python3 "$tb/verdict.py" "$out" 2>&1)
rc=$?
echo "TAP version 13"
echo "1..5"
echo "$verdict" | sed 's/^/# /'
if [ $rc -ne 0 ]; then echo "ok 1 - the verdict is red"; else echo "not ok 1 - the verdict is red"; fi
if echo "$verdict" | grep -q "guest/fail: not ok - made to fail"; then
	echo "ok 2 - a failing selftest is reported"
else
	echo "not ok 2 - a failing selftest is reported"
fi
if echo "$verdict" | grep -q "kernel log: WARNING:.*sercam_warn_test"; then
	echo "ok 3 - a WARN_ON() in the guest is reported"
else
	echo "not ok 3 - a WARN_ON() in the guest is reported"
fi
# the whole boot, with the 5 s limit of the hung step, well under a minute
if echo "$verdict" | grep -q "HUNG step 'hang' hung" && [ $took -lt 120 ]; then
	echo "ok 4 - the hung step is named and cut at its limit (boot took $took s)"
else
	# the reason guest.py gave, on the line CI shows
	why=$(grep -h '^HUNG' "$out/guest/steps.txt" 2>/dev/null | head -n 1)
	echo "not ok 4 - the hung step is named and cut at its limit (boot took $took s; ${why:-no HUNG line})"
fi

"$@" --plan noconsole --console hvc7 --out "$out/noconsole" --start-limit 120 >/dev/null 2>&1
steps=$(cat "$out/noconsole/steps.txt" 2>/dev/null)
if grep -q "unable to open an initial console" "$out/noconsole/dmesg.txt" 2>/dev/null &&
	echo "$steps" | grep -q "^quiet rc=0" && ! echo "$steps" | grep -q "^HUNG"; then
	echo "ok 5 - a guest with no initial console still shows its steps"
else
	echo "$steps" | sed 's/^/# /'
	echo "not ok 5 - a guest with no initial console still shows its steps"
fi
