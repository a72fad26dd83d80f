#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Copy the demo's JPEGs to ./demo-out/ and say what they are.

Each file is checked against the emulated camera's manifest (SHA-256): a
file that is not exactly a frame the camera sent is reported as such.
Prints each file's size and camera frame, and each tool's frame rate.
"""

import glob
import hashlib
import os
import shutil
import sys


def main():
    run, out = sys.argv[1], sys.argv[2]
    demo = os.path.join(run, "demo")
    manifest = {}
    with open(os.path.join(run, "manifest.txt")) as f:
        for line in f:
            fields = dict(w.split("=", 1) for w in line.split() if "=" in w)
            if "sha256" in fields:
                # "frame N addr=A res=WxH ... sha256=HEX"
                manifest[fields["sha256"]] = line.split()[1]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    bad = 0
    files = sorted(glob.glob(os.path.join(demo, "*.jpg")))
    for path in files:
        data = open(path, "rb").read()
        digest = hashlib.sha256(data).hexdigest()
        name = os.path.basename(path)
        shutil.copy(path, os.path.join(out, name))
        frame = manifest.get(digest)
        ok = data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9" and frame
        bad += not ok
        what = f"camera frame {frame}" if frame else "NOT a frame the camera sent"
        print(f"{name:20s} {len(data):7d} bytes  {what}")
    timing = os.path.join(demo, "timing.txt")
    if os.path.exists(timing):
        for line in open(timing):
            tool, n, t0, t1 = line.split()
            secs = float(t1) - float(t0)
            print(f"{tool}: {n} frames in {secs:.1f} s, start-up included = {int(n) / secs:.2f} frames/s "
                  f"(640x480 at 115200 baud, QEMU/TCG guest)")
    print(f"{len(files)} JPEGs in {out}/")
    if not files or bad:
        print(f"demo FAILED: {bad} bad file(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
