#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The OV528 part of make bench: collect ov528.csv from each guest run
(tools/bench/ov528_bench.c says what the columns are), print the figures
and the ratios, write ov528.csv, ov528.json and ov528.txt.

    ov528-report.py OUTDIR RUNDIR...
"""

import csv
import datetime
import json
import os
import sys

import benchrows

FIELDS = ["kind", "label", "addr", "baud", "size", "frames", "good", "bad",
          "fps", "jpeg_bytes", "payload_Bps", "efficiency", "ceiling",
          "of_ceiling", "asymptote", "pkg_size", "reply_ms", "capture_ms",
          "gap_us", "requests_per_frame", "retries", "timeouts"]
TEXT = ("kind", "label", "addr", "size")


def load(dirs):
    return benchrows.load("ov528", "OV528", dirs, FIELDS, TEXT)


def pick(rows, label, addr=None):
    for r in rows:
        if r["label"] == label and (addr is None or r["addr"] == addr):
            return r
    return None


def text(rows):
    out = []
    w = out.append
    lone, reader = pick(rows, "lone"), pick(rows, "pyserial")
    ref = lone or reader
    if ref:
        w(f"OV528, {ref['size']} JPEG at {ref['baud']:.0f} baud, "
          f"{ref['pkg_size']:.0f}-byte packages, camera reply "
          f"{ref['reply_ms']:g} ms, capture {ref['capture_ms']:g} ms "
          f"(camemu defaults)")
        w("")
    w(f"{'run':>13} {'camera':>6} {'good':>6} {'fps':>7} {'JPEG B':>7} "
      f"{'B/s':>6} {'effic.':>6} {'ceiling':>7} {'of ceil':>7} "
      f"{'gap us':>6} {'req/fr':>6} {'retry':>5} {'t/o':>4}")
    for r in rows:
        bus = r["label"].startswith("bus") and r["addr"] != "total"
        # a bus camera's period includes the others' frames: no efficiency
        eff = "     -" if bus else f"{r['efficiency']:6.3f}"
        ceil = "      -" if bus else f"{r['ceiling']:7.3f}"
        ofc = "      -" if bus else f"{r['of_ceiling']:7.3f}"
        gap = "     -" if r["gap_us"] < 0 else f"{r['gap_us']:6.0f}"
        w(f"{r['label']:>13} {r['addr']:>6} {r['good']:3.0f}/{r['frames']:<2.0f} "
          f"{r['fps']:7.4f} {r['jpeg_bytes']:7.0f} {r['payload_Bps']:6.0f} "
          f"{eff} {ceil} {ofc} {gap} {r['requests_per_frame']:6.1f} "
          f"{r['retries']:5.0f} {r['timeouts']:4.0f}")
    w("")
    if lone:
        w(f"1. driver efficiency {lone['efficiency']:.4f} against the protocol's "
          f"ceiling {lone['ceiling']:.4f} for {lone['pkg_size']:.0f}-byte packages "
          f"and a {lone['reply_ms']:g} ms reply (per-package asymptote "
          f"{lone['asymptote']:.4f}): {lone['of_ceiling']:.3f} of the ceiling "
          f"(goal: 0.97 or more)")
    if lone and reader:
        ratio = lone["fps"] / reader["fps"]
        # the most any host could have: a frame period at the ceiling
        best = []
        for r in (lone, reader):
            floor = r["jpeg_bytes"] / (r["ceiling"] * r["baud"] / 10)
            best.append(1 / (floor + r["capture_ms"] / 1000))
        w(f"2. driver {lone['fps']:.4f} fps, pyserial-style reader "
          f"{reader['fps']:.4f} fps (efficiency {reader['efficiency']:.4f}, "
          f"{reader['of_ceiling']:.3f} of the ceiling): {ratio:.3f}x (goal: 1.3x); "
          f"a host at the ceiling would make {best[1] / reader['fps']:.3f}x")
    ad, fx = pick(rows, "bus-adaptive", "total"), pick(rows, "bus-fixed30", "total")
    if ad or fx:
        per = []
        for n in ("1", "2", "3"):
            a, f = pick(rows, "bus-adaptive", n), pick(rows, "bus-fixed30", n)
            per.append(f"camera {n} {a['fps'] if a else 0:.4f} / "
                       f"{f['fps'] if f else 0:.4f}")
        w("3. three cameras on one RS-485 bus (turnaround 2 ms), fps adaptive "
          "(driver) / fixed 30 ms gap (user space): " + ", ".join(per) +
          f"; total {ad['fps'] if ad else 0:.4f} / {fx['fps'] if fx else 0:.4f}" +
          (f": {ad['fps'] / fx['fps']:.3f}x" if ad and fx else ""))
    return "\n".join(out) + "\n"


def main():
    out, runs = sys.argv[1], sys.argv[2:]
    rows = load(runs)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "ov528.csv"), "w", newline="") as f:
        cw = csv.writer(f)
        cw.writerow(FIELDS)
        for r in rows:
            cw.writerow([r[k] for k in FIELDS])
    t = text(rows)
    meta = {"date": datetime.date.today().isoformat(),
            "command": "make bench",
            "guest": "arm64 QEMU virt under TCG (software emulation), "
                     "OV528 cameras emulated by tools/camemu with their "
                     "default timing",
            "rows": rows}
    with open(os.path.join(out, "ov528.json"), "w") as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(out, "ov528.txt"), "w") as f:
        f.write(t)
    print(t, end="")
    print(f"results in {out}/ (ov528.csv, ov528.json, ov528.txt)")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
