#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The OpenMV Protocol part of make bench: collect openmv.csv from each
guest run (tools/bench/openmv_bench.c says what the columns are), print
the figures and the ratios, write openmv.csv, openmv.json and openmv.txt.

    openmv-report.py OUTDIR RUNDIR...
"""

import csv
import datetime
import json
import os
import sys

import benchrows

FIELDS = ["kind", "label", "baud", "size", "frames", "good", "bad", "fps",
          "jpeg_bytes", "payload_Bps", "efficiency", "ceiling", "of_ceiling",
          "ceiling_fps", "max_payload", "poll_ms", "cmd_ms", "camera_fps",
          "camera_wait_ms", "requests_per_frame", "busy", "retries",
          "timeouts"]
TEXT = ("kind", "label", "size")
NAMES = {"driver": "driver", "lib": "openmv-python way",
         "cli": "its viewer's loop"}


def load(dirs):
    return benchrows.load("openmv", "OpenMV", dirs, FIELDS, TEXT)


def pick(rows, label, baud, size):
    for r in rows:
        if r["label"] == label and r["baud"] == baud and r["size"] == size:
            return r
    return None


def text(rows):
    out = []
    w = out.append
    if rows:
        r = rows[0]
        w(f"OpenMV Protocol, camemu --family omvp: poll tick {r['poll_ms']:g} ms, "
          f"reply {r['cmd_ms']:g} ms, script at {r['camera_fps']:g} fps, "
          f"payload {r['max_payload']:.0f} (driver and reader alike)")
        w("")
    w(f"{'run':>18} {'baud':>6} {'size':>7} {'good':>5} {'fps':>7} {'JPEG B':>6} "
      f"{'B/s':>6} {'effic.':>6} {'ceiling':>7} {'of ceil':>7} {'ceil fps':>8} "
      f"{'req/fr':>6} {'busy':>4} {'retry':>5} {'t/o':>3}")
    for r in rows:
        w(f"{NAMES.get(r['label'], r['label']):>18} {r['baud']:6.0f} {r['size']:>7} "
          f"{r['good']:2.0f}/{r['frames']:<2.0f} {r['fps']:7.3f} {r['jpeg_bytes']:6.0f} "
          f"{r['payload_Bps']:6.0f} {r['efficiency']:6.3f} {r['ceiling']:7.3f} "
          f"{r['of_ceiling']:7.3f} {r['ceiling_fps']:8.3f} "
          f"{r['requests_per_frame']:6.2f} {r['busy']:4.0f} {r['retries']:5.0f} "
          f"{r['timeouts']:3.0f}")
    w("")
    seen = []
    for r in rows:
        key = (r["baud"], r["size"])
        if key in seen:
            continue
        seen.append(key)
        d, lib, cli = (pick(rows, n, *key) for n in ("driver", "lib", "cli"))
        head = f"{key[0]:.0f} baud, {key[1]}:"
        if d:
            w(f"{head} driver efficiency {d['efficiency']:.4f} against the ceiling "
              f"{d['ceiling']:.4f}: {d['of_ceiling']:.3f} of it (goal: 0.9)")
            head = " " * len(head)
        if d and lib:
            # what a host at the ceiling would make, against the reader
            w(f"{head} driver {d['fps']:.3f} fps, openmv-python way "
              f"{lib['fps']:.3f} fps: {d['fps'] / lib['fps']:.3f}x (goal: 1.3x); "
              f"a host at the ceiling would make {lib['ceiling_fps'] / lib['fps']:.3f}x")
        if d and cli:
            w(f"{head} against its viewer's loop ({cli['fps']:.3f} fps): "
              f"{d['fps'] / cli['fps']:.3f}x")
    return "\n".join(out) + "\n"


def main():
    out, runs = sys.argv[1], sys.argv[2:]
    rows = load(runs)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "openmv.csv"), "w", newline="") as f:
        cw = csv.writer(f)
        cw.writerow(FIELDS)
        for r in rows:
            cw.writerow([r[k] for k in FIELDS])
    t = text(rows)
    meta = {"date": datetime.date.today().isoformat(),
            "command": "make bench",
            "guest": "arm64 QEMU virt under TCG (software emulation), an "
                     "OpenMV camera on stock firmware emulated by "
                     "tools/camemu --family omvp --fps 1000",
            "rows": rows}
    with open(os.path.join(out, "openmv.json"), "w") as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(out, "openmv.txt"), "w") as f:
        f.write(t)
    print(t, end="")
    print(f"results in {out}/ (openmv.csv, openmv.json, openmv.txt)")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
