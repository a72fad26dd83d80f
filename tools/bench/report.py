#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Collect the benchmark's CSV from each guest run; print a table, write
bench.csv, bench.json and an SVG plot of efficiency against baud rate.

    report.py OUTDIR RUNDIR...
"""

import csv
import datetime
import io
import json
import os
import sys

FIELDS = ["baud", "size", "mode", "noise", "frames", "good", "flagged", "fps",
          "payload_Bps", "efficiency", "capture_ms", "first_frame_s",
          "latency_ms", "latency_max_ms", "thread_cpu_ms", "rx_cpu_ms",
          "guest_cpu_ms",
          "pkt_size", "pkt_sizes", "retries", "crc_errors"]
COLOURS = {"160x160": "#1b9e77", "320x240": "#d95f02", "640x480": "#7570b3",
           "1280x960": "#e7298a"}


def load(dirs):
    rows = []
    for d in dirs:
        path = os.path.join(d, "bench.csv")
        if not os.path.exists(path):
            print(f"no results in {d}", file=sys.stderr)
            continue
        for rec in csv.reader(open(path)):
            if len(rec) == len(FIELDS):
                row = dict(zip(FIELDS, rec))
                for k in FIELDS:
                    if k not in ("size", "mode", "noise", "pkt_sizes"):
                        row[k] = float(row[k])
                rows.append(row)
    return rows


def table(rows):
    out = io.StringIO()
    out.write(f"{'baud':>7} {'size':>9} {'mode':>6} {'noise':>5} {'good':>6} "
              f"{'fps':>6} {'bytes/s':>8} {'effic.':>6} {'1st fr':>6} "
              f"{'lat ms':>7} {'thr ms':>6} {'rx ms':>6} {'cpu ms':>6} {'packet':>6} "
              f"{'retry':>5}\n")
    for r in rows:
        out.write(f"{r['baud']:7.0f} {r['size']:>9} {r['mode']:>6} {r['noise']:>5} "
                  f"{r['good']:3.0f}/{r['frames']:<2.0f} {r['fps']:6.3f} "
                  f"{r['payload_Bps']:8.0f} {r['efficiency']:6.3f} "
                  f"{r['first_frame_s']:6.2f} {r['latency_ms']:7.0f} "
                  f"{r['thread_cpu_ms']:6.1f} {r['rx_cpu_ms']:6.2f} {r['guest_cpu_ms']:6.1f} "
                  f"{r['pkt_size']:6.0f} {r['retries']:5.0f}\n")
    return out.getvalue()


def svg(rows, path):
    bauds = sorted({r["baud"] for r in rows})
    if not bauds:
        return
    W, H, L, R, T, B = 760, 440, 70, 250, 50, 60
    ymin, ymax = 0.75, 1.02

    def x(baud):
        i = bauds.index(baud)
        return L + (W - L - R) * (i + 0.5) / len(bauds)

    def y(v):
        return T + (H - T - B) * (ymax - min(max(v, ymin), ymax)) / (ymax - ymin)

    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
         f'font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{(L + W - R) / 2}" y="22" text-anchor="middle" font-size="14">'
         f'sercam: JPEG bytes against the wire limit</text>',
         f'<text x="{(L + W - R) / 2}" y="38" text-anchor="middle" fill="#555">'
         f'arm64 QEMU/TCG guest, emulated SXH485 (default timing)</text>']
    for v in (0.75, 0.8, 0.85, 0.9, 0.95, 1.0):
        s.append(f'<line x1="{L}" x2="{W - R}" y1="{y(v)}" y2="{y(v)}" stroke="#ddd"/>')
        s.append(f'<text x="{L - 8}" y="{y(v) + 4}" text-anchor="end">{v:.2f}</text>')
    s.append(f'<line x1="{L}" x2="{W - R}" y1="{y(1)}" y2="{y(1)}" stroke="black" '
             f'stroke-width="2"/>')
    s.append(f'<text x="{L + 6}" y="{y(1) - 6}">wire limit: baud/10 bytes/s</text>')
    for b in bauds:
        s.append(f'<text x="{x(b)}" y="{H - B + 20}" text-anchor="middle">{b:.0f}</text>')
    s.append(f'<text x="{(L + W - R) / 2}" y="{H - 15}" text-anchor="middle">baud</text>')
    s.append(f'<text x="18" y="{(T + H - B) / 2}" text-anchor="middle" '
             f'transform="rotate(-90 18 {(T + H - B) / 2})">efficiency</text>')
    series = []
    for size, colour in COLOURS.items():
        for mode, dash in (("whole", ""), ("packet", ' stroke-dasharray="5,4"')):
            series.append((f"{size} {mode}", colour, dash,
                           [r for r in rows if r["noise"] == "0" and
                            r["size"] == size and r["mode"] == mode]))
    series.append(("640x480, 1e-4 bit errors", "black", ' stroke-dasharray="2,3"',
                   [r for r in rows if r["noise"] != "0"]))
    ly = T + 10
    for label, colour, dash, sel in series:
        pts = sorted((r["baud"], r["efficiency"]) for r in sel)
        if not pts:
            continue
        line = " ".join(f"{x(b):.1f},{y(e):.1f}" for b, e in pts)
        s.append(f'<polyline points="{line}" fill="none" stroke="{colour}" '
                 f'stroke-width="2"{dash}/>')
        for b, e in pts:
            s.append(f'<circle cx="{x(b):.1f}" cy="{y(e):.1f}" r="3" fill="{colour}"/>')
        s.append(f'<line x1="{W - R + 15}" x2="{W - R + 45}" y1="{ly}" y2="{ly}" '
                 f'stroke="{colour}" stroke-width="2"{dash}/>')
        s.append(f'<text x="{W - R + 52}" y="{ly + 4}">{label}</text>')
        ly += 20
    s.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(s) + "\n")


def main():
    out, runs = sys.argv[1], sys.argv[2:]
    rows = load(runs)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "bench.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        for r in rows:
            w.writerow([r[k] for k in FIELDS])
    meta = {"date": datetime.date.today().isoformat(),
            "command": "make bench",
            "guest": "arm64 QEMU virt under TCG (software emulation), "
                     "camera emulated by tools/camemu with its default timing",
            "rows": rows}
    with open(os.path.join(out, "bench.json"), "w") as f:
        json.dump(meta, f, indent=1)
    text = table(rows)
    with open(os.path.join(out, "bench.txt"), "w") as f:
        f.write(text)
    svg(rows, os.path.join(out, "efficiency.svg"))
    print(text, end="")
    print(f"results in {out}/ (bench.csv, bench.json, bench.txt, efficiency.svg)")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
