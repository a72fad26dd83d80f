#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kunit.sh SUITE: load the KUnit module of a pure core (SUITE_kunit) and
# hand over the suite's KTAP results.
s=${1:-sxh485_proto}
modprobe ${s}_kunit || { echo "1..1"; echo "not ok 1 modprobe ${s}_kunit"; exit 1; }
r=/sys/kernel/debug/kunit/$s/results
[ -r $r ] || { echo "1..1"; echo "not ok 1 no $r"; exit 1; }
cat $r
rmmod ${s}_kunit
