#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The VC0706 and ASCII U# parts of make bench: collect FAMILY.csv from
each guest run (tools/bench/ucam_bench.c says what the columns are), print
a markdown table of the driver against the protocol's ceiling and against
the user-space reader, write FAMILY.csv, FAMILY.json and FAMILY.md.

    ucam-report.py vc0706|ascii-u OUTDIR RUNDIR...
"""

import csv
import datetime
import json
import os
import sys

import benchrows

FIELDS = ["kind", "family", "label", "baud", "size", "frames", "good", "bad",
          "fps", "jpeg_bytes", "payload_Bps", "efficiency", "ceiling",
          "of_ceiling", "ceiling_fps", "own_ceiling", "chunk", "cmd_ms",
          "capture_ms", "requests_per_frame", "retries", "timeouts"]
TEXT = ("kind", "family", "label", "size")
# the goal: the driver's fps against the reader's, at this rate
GOAL = {"vc0706": (2.0, 115200), "ascii-u": (None, None)}
READER = {"vc0706": "Adafruit_VC0706's way (32-byte chunks)",
          "ascii-u": "UG per picture"}
CAMERA = {"vc0706": "camemu --family vc0706 (boot-ms 300, else its defaults: "
                    "1 ms reply, frames frozen at once)",
          "ascii-u": "camemu --family ascii-u (its defaults: 1 ms reply, "
                     "capture 100 ms at 640x480, 1 byte of padding)"}


def load(family, dirs):
    return benchrows.load(family, family, dirs, FIELDS, TEXT)


def pick(rows, kind, baud, size):
    for r in rows:
        if r["kind"] == kind and r["baud"] == baud and r["size"] == size:
            return r
    return None


def keys(rows):
    """(baud, size) in order: rates up, 640x480 before 320x240."""
    seen = {(r["baud"], r["size"]) for r in rows}
    return sorted(seen, key=lambda k: (k[0], -int(k[1].split("x")[0])))


def text(family, rows):
    out = []
    w = out.append
    goal, goal_rate = GOAL[family]
    w(f"{family}: the driver against the protocol's ceiling and against "
      f"{READER[family]} on the bare UART; {CAMERA[family]}")
    w("")
    w("| rate | size | driver fps | JPEG B/s | efficiency | ceiling | "
      "of the ceiling | reader fps | reader efficiency | reader's own "
      "ceiling | driver / reader, fps | and B/s |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    ratios = {}
    for baud, size in keys(rows):
        d, r = pick(rows, "driver", baud, size), pick(rows, "reader", baud, size)
        dc = (f"{d['fps']:.4f} | {d['payload_Bps']:.0f} | {d['efficiency']:.3f} | "
              f"{d['ceiling']:.3f} | **{d['of_ceiling']:.3f}**" if d else
              "- | - | - | - | -")
        rc = (f"{r['fps']:.4f} | {r['efficiency']:.3f} | {r['own_ceiling']:.3f}"
              if r else "- | - | -")
        # the pictures differ a little between runs: B/s as well as fps
        ratio = "- | -"
        if d and r and r["fps"] > 0:
            ratios[(baud, size)] = d["fps"] / r["fps"]
            ratio = (f"**{ratios[(baud, size)]:.2f}x** | "
                     f"{d['payload_Bps'] / r['payload_Bps']:.2f}x")
        w(f"| {baud:.0f} | {size} | {dc} | {rc} | {ratio} |")
    w("")
    w("Runs (frames good of timed, JPEG bytes a frame, requests a frame, "
      "retries, timeouts):")
    w("")
    for r in rows:
        w(f"- {r['label']} {r['baud']:.0f} {r['size']}: "
          f"{r['good']:.0f}/{r['frames']:.0f} good, {r['jpeg_bytes']:.0f} B, "
          f"{r['requests_per_frame']:.1f} req/frame, {r['retries']:.0f} retries, "
          f"{r['timeouts']:.0f} timeouts")
    w("")
    for (baud, size) in ratios:
        r = pick(rows, "reader", baud, size)
        w(f"{baud:.0f} baud, {size}: a host at the ceiling would make "
          f"{r['ceiling_fps'] / r['fps']:.2f}x the reader's frames per second.")
    w("")
    if goal:
        for (baud, size), x in ratios.items():
            if baud != goal_rate:
                continue
            verdict = "met" if x >= goal else "NOT met"
            w(f"Goal at {goal_rate}: the driver at {goal:g}x the reader's frames "
              f"per second or more; {size}: {x:.2f}x, {verdict}.")
    return "\n".join(out) + "\n"


def main():
    family, out, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows = load(family, runs)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, family + ".csv"), "w", newline="") as f:
        cw = csv.writer(f)
        cw.writerow(FIELDS)
        for r in rows:
            cw.writerow([r[k] for k in FIELDS])
    t = text(family, rows)
    meta = {"date": datetime.date.today().isoformat(),
            "command": f'BENCH_FAMILIES="{family}" make bench',
            "guest": "arm64 QEMU virt under TCG (software emulation), "
                     + CAMERA[family],
            "rows": rows}
    with open(os.path.join(out, family + ".json"), "w") as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(out, family + ".md"), "w") as f:
        f.write(t)
    print(t, end="")
    print(f"results in {out}/ ({family}.csv, {family}.json, {family}.md)")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
