#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# opencv.sh [SIZE [COUNT]]: OpenCV's V4L2 backend, cv2.VideoCapture(dev,
# cv2.CAP_V4L2), as a Python program uses it. The format OpenCV picks by
# itself (its own order tries MJPG before JPEG) and JPEG asked for by
# FOURCC: with CAP_PROP_CONVERT_RGB off each frame comes back as the
# compressed bytes, which must be the camera's frames, byte for byte; with
# it on, frames are decoded to SIZE, and must look like the camera's
# picture (cv2.imdecode of the raw frame read just before: the camera's
# frames differ only in the texture the frame number seeds).
size=${1:-320x240}
count=${2:-3}
dev=$(sercam_dev.sh) || { echo "1..0 # SKIP no sercam video node"; exit 0; }
python3 -c 'import cv2' 2>/tmp/opencv-import.err || {
	sed 's/^/# /' /tmp/opencv-import.err | head -3
	echo "1..0 # SKIP no OpenCV in this guest (the apps job's rootfs has it)"
	exit 0
}
exec python3 - "$dev" "$size" "$count" <<'EOF'
import subprocess
import sys

import cv2
import numpy as np

dev, size, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
w, h = (int(x) for x in size.split("x"))
n = 0
fails = 0


def tap(ok, what):
    global n, fails
    n += 1
    fails += not ok
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what), flush=True)


def frames():
    out = subprocess.run(["sercam_emu", "status"], capture_output=True,
                         text=True).stdout
    return int(out.split("frames=")[1].split()[0])


def fourcc(cap):
    v = int(cap.get(cv2.CAP_PROP_FOURCC))
    return "".join(chr((v >> (8 * i)) & 0xff) for i in range(4))


def raw_frames(cap, name):
    """COUNT frames as bytes, checked against the camera's by sercam_verify"""
    after = frames()
    path = "/tmp/opencv-%s.mjpg" % name
    got = []
    with open(path, "wb") as f:
        for _ in range(count):
            ok, fr = cap.read()
            if not ok or fr is None:
                break
            got.append(fr.tobytes())
            f.write(got[-1])
    v = subprocess.run(["sercam_verify", path, str(after), str(count), size],
                       capture_output=True, text=True)
    for line in v.stdout.splitlines():
        if line.startswith("not ok"):
            print("# " + line)
    tap(len(got) == count and v.returncode == 0,
        "%s, CONVERT_RGB 0: %d of %d frames read, identical to the camera's "
        "and decodable at %s" % (name, len(got), count, size))
    return got


print("TAP version 13")
print("1..8")
cap = cv2.VideoCapture(dev, cv2.CAP_V4L2)
tap(cap.isOpened(), "cv2.VideoCapture(%s, cv2.CAP_V4L2) opens" % dev)
if not cap.isOpened():
    sys.exit(1)
# OpenCV's own choice: the first of its list the driver keeps
tap(fourcc(cap) == "MJPG", "OpenCV picks %s by itself (want MJPG)" % fourcc(cap))
cap.set(cv2.CAP_PROP_FRAME_WIDTH, w)
cap.set(cv2.CAP_PROP_FRAME_HEIGHT, h)
cap.set(cv2.CAP_PROP_CONVERT_RGB, 0)
raw = raw_frames(cap, "MJPG")

# decoded: the right size, and the camera's picture
cap.set(cv2.CAP_PROP_CONVERT_RGB, 1)
ok, bgr = cap.read()
want = (h, w, 3)
tap(ok and bgr is not None and bgr.shape == want and bgr.dtype == np.uint8,
    "CONVERT_RGB 1: a frame decoded to %s (want %s)" %
    (None if bgr is None else bgr.shape, want))
ref = cv2.imdecode(np.frombuffer(raw[-1], np.uint8), cv2.IMREAD_COLOR) if raw else None
d = -1.0
if ok and ref is not None and bgr.shape == ref.shape:
    d = float(np.mean(np.abs(bgr.astype(np.int16) - ref.astype(np.int16))))
tap(0 <= d < 16, "the decoded frame is the camera's picture "
    "(mean difference %.1f from the previous frame's decode, want < 16)" % d)

# JPEG by FOURCC: kept, and the same bytes
ok = cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"JPEG"))
tap(ok and fourcc(cap) == "JPEG",
    "CAP_PROP_FOURCC JPEG is kept (FOURCC now %s)" % fourcc(cap))
cap.set(cv2.CAP_PROP_CONVERT_RGB, 0)
raw_frames(cap, "JPEG")
# and MJPG by FOURCC again
ok = cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))
tap(ok and fourcc(cap) == "MJPG",
    "CAP_PROP_FOURCC MJPG is kept (FOURCC now %s)" % fourcc(cap))
cap.release()
sys.exit(1 if fails else 0)
EOF
