#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The test bed's own test, as TAP: one guest boot whose plan has a failing
# selftest, loads a module that calls WARN_ON() and then hangs. The verdict
# must be red, and must say each of the three, and the hang must be cut at
# its step's time limit.
#   harness-test.sh RUN_DIR -- guest_run arguments
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
echo "1..4"
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
	echo "not ok 4 - the hung step is named and cut at its limit (boot took $took s)"
fi
