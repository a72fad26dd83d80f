#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The fault matrix as a table, from the '# matrix: ' lines of a guest run.

    matrix-report.py GUEST_TAP [SPLATS]
"""

import sys

COLS = ["fault", "mode", "size", "frames", "good", "flagged", "lost", "recovery s",
        "injected", "crc", "len", "proto", "timeouts", "resyncs", "retries",
        "run s"]


def main():
    rows = []
    for line in open(sys.argv[1], errors="replace"):
        if line.startswith("# matrix: "):
            rows.append(line[len("# matrix: "):].strip().split(","))
    splats = sys.argv[2] if len(sys.argv) > 2 else "?"
    print("| " + " | ".join(COLS) + " | splats |")
    print("|" + "---|" * (len(COLS) + 1))
    for r in rows:
        print("| " + " | ".join(r) + f" | {splats} |")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
