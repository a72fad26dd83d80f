#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs fuzz_sxh485 for tools/host/Makefile.
#
#   run-fuzz.sh fuzz  BIN CORPUS WORKDIR SECONDS
#	Fuzz for SECONDS on WORKDIR/corpus, a working copy of CORPUS (kept
#	between runs; seeds it lacks are copied in). libFuzzer's output goes
#	to stderr and to WORKDIR/fuzz.log; the last line on stdout gives the
#	executions, exec/s and crashes. Crash inputs go to WORKDIR/crashes/.
#
#   run-fuzz.sh check BIN CORPUS WORKDIR SECONDS
#	TAP 13 on stdout, nothing else: 1 - replay of CORPUS (-runs=0),
#	2 - a SECONDS fuzz pass on a fresh copy of it. libFuzzer's output
#	goes to WORKDIR/check-*.log.
#
# Extra libFuzzer options may be given in FUZZ_ARGS. Exits non-zero on a
# crash or when libFuzzer fails.

set -u

mode=$1 bin=$2 corpus=$3 work=$4 secs=$5

# stat::<name> from libFuzzer's final stats in log $1
stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

# the crash, leak, timeout or oom inputs libFuzzer wrote, from log $1
artifacts() {
	sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1"
}

seed_copy() {
	mkdir -p "$1"
	for f in "$corpus"/*; do
		[ -e "$1/${f##*/}" ] || cp "$f" "$1/"
	done
}

case $mode in
fuzz)
	mkdir -p "$work/crashes"
	seed_copy "$work/corpus"
	log=$work/fuzz.log
	rcf=$work/fuzz.rc
	t0=$(date +%s)
	# libFuzzer's progress stays visible (stderr) and is logged
	{
		"$bin" -max_total_time="$secs" -print_final_stats=1 \
			-artifact_prefix="$work/crashes/" ${FUZZ_ARGS:-} \
			"$work/corpus" 2>&1
		echo $? >"$rcf"
	} | tee "$log" >&2
	rc=$(cat "$rcf")
	took=$(($(date +%s) - t0))
	execs=$(stat "$log" number_of_executed_units)
	rate=$(stat "$log" average_exec_per_sec)
	crashes=$(artifacts "$log" | wc -l)
	echo "fuzz: ${execs:-?} execs in $took s, ${rate:-?} exec/s," \
	     "$crashes crashes (corpus: $(ls "$work/corpus" | wc -l) inputs," \
	     "log: $log)"
	for a in $(artifacts "$log"); do
		echo "fuzz: crash input: $a"
	done
	[ "$rc" = 0 ] && [ "$crashes" = 0 ]
	exit $?
	;;
check)
	mkdir -p "$work"
	fail=0
	echo "TAP version 13"
	echo "1..2"

	n=$(ls "$corpus" | wc -l)
	log=$work/check-replay.log
	"$bin" -runs=0 -artifact_prefix="$work/check-" "$corpus" >"$log" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q "^Done" "$log"; then
		echo "ok 1 - corpus replay ($n inputs)"
	else
		fail=1
		echo "not ok 1 - corpus replay ($n inputs)"
		echo "# exit status $rc, log: $log"
		for a in $(artifacts "$log"); do
			echo "# crash input: $a"
		done
	fi

	rm -rf "$work/check-corpus"
	seed_copy "$work/check-corpus"
	mkdir -p "$work/check-crashes"
	log=$work/check-fuzz.log
	"$bin" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$work/check-crashes/" ${FUZZ_ARGS:-} \
		"$work/check-corpus" >"$log" 2>&1
	rc=$?
	execs=$(stat "$log" number_of_executed_units)
	rate=$(stat "$log" average_exec_per_sec)
	crashes=$(artifacts "$log" | wc -l)
	line="fuzz $secs s: ${execs:-?} execs, ${rate:-?} exec/s, $crashes crashes"
	if [ $rc = 0 ] && [ "$crashes" = 0 ] && [ -n "$execs" ]; then
		echo "ok 2 - $line"
	else
		fail=1
		echo "not ok 2 - $line"
		echo "# exit status $rc, log: $log"
		for a in $(artifacts "$log"); do
			echo "# crash input: $a"
		done
	fi
	exit $fail
	;;
*)
	echo "usage: $0 fuzz|check BIN CORPUS WORKDIR SECONDS" >&2
	exit 2
	;;
esac
