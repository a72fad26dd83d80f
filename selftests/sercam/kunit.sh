#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load the KUnit suite of the protocol core and hand over its KTAP results.
modprobe sxh485_proto_kunit || { echo "1..1"; echo "not ok 1 modprobe sxh485_proto_kunit"; exit 1; }
r=/sys/kernel/debug/kunit/sxh485_proto/results
[ -r $r ] || { echo "1..1"; echo "not ok 1 no $r"; exit 1; }
cat $r
rmmod sxh485_proto_kunit
