#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The verdict of a test run: one line "N passed, N failed[, N skipped]".

With --tap, prints the run's results as one TAP stream instead (for a
side run whose results count in another run's verdict).

Counts every TAP test in RESULTS/host/*.tap (host unit tests) and in the
guest's step outputs (RESULTS/guest/guest.tap, one "# step NAME" section
per step). Nested KTAP (KUnit) counts its leaf tests, not the suite lines
above them. A plan announcing more tests than ran counts the missing ones
as failed. Exits non-zero when a test failed, the guest kernel log has a
splat (BUG, WARNING, Oops, KASAN, UBSAN, lockdep, hung task, kmemleak
report), or the guest hung (RESULTS/guest/steps.txt says which step).

A failed test is printed with the diagnostics ("# ..." lines) its test
printed before it, a few lines each: CI keeps only what this prints.
"""

import glob
import os
import re
import sys

RESULT = re.compile(r"^(\s*)(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?([^#]*)(?:#\s*(.*))?$")
PLAN = re.compile(r"^(\s*)1\.\.(\d+)(?:\s*#\s*(SKIP.*))?", re.I)
SPLATS = [
    (re.compile(r"\bBUG:"), "BUG"),
    (re.compile(r"\bWARNING:"), "WARNING"),
    (re.compile(r"\bOops\b|Internal error:"), "Oops"),
    (re.compile(r"\bKASAN\b"), "KASAN"),
    (re.compile(r"\bUBSAN\b"), "UBSAN"),
    (re.compile(r"possible circular locking|possible recursive locking|"
                r"inconsistent lock state|lockdep is turned off|"
                r"DEBUG_LOCKS_WARN_ON"), "lockdep"),
    (re.compile(r"unreferenced object 0x|suspected memory leak"), "kmemleak"),
    (re.compile(r"blocked for more than \d+ seconds"), "hung task"),
    (re.compile(r"soft lockup|hard LOCKUP|rcu_.*stall"), "lockup"),
    (re.compile(r"Kernel panic"), "panic"),
]
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
# Diagnostics kept for a failed test, and for a whole run's summary.
NOTES_PER_FAILURE = 8
NOTES_IN_ALL = 80


def parse_tap(text):
    """Leaf results of a TAP/KTAP text (ok, name, directive, the
    diagnostics printed since the result before), and the missing count
    of its plan."""
    results = []
    plan = None
    notes = []
    for line in text.splitlines():
        line = TIMESTAMP.sub("", line)
        m = PLAN.match(line)
        if m and not m.group(1) and plan is None:
            plan = int(m.group(2))
            if plan == 0 and m.group(3):
                # "1..0 # SKIP why": the whole program skipped
                return [(True, "all", m.group(3), [])], 0
            continue
        if line.lstrip().startswith("#"):
            note = line.strip().lstrip("#").strip()
            if note and not note.startswith(("Totals:", "Planned tests")):
                notes.append(note)
            continue
        m = RESULT.match(line)
        if not m:
            continue
        indent, status, _num, name, directive = m.groups()
        results.append((len(indent), status == "ok", name.strip(),
                        (directive or "").strip(), notes[-NOTES_PER_FAILURE:]))
        notes = []
    leaves = []
    for i, (depth, ok, name, directive, why) in enumerate(results):
        if i and results[i - 1][0] > depth:
            continue  # a parent: its subtests are counted
        leaves.append((ok, name, directive, why))
    top = sum(1 for r in results if r[0] == 0)
    missing = max(0, plan - top) if plan is not None else 0
    return leaves, missing


def sections(path):
    """The guest's TAP stream, split into its steps."""
    with open(path, errors="replace") as f:
        name, buf = None, []
        for line in f:
            if line.startswith("# step "):
                if name:
                    yield name, "".join(buf)
                name, buf = line[7:].strip(), []
            else:
                buf.append(line)
        if name:
            yield name, "".join(buf)


def main():
    args = [a for a in sys.argv[1:] if a != "--tap"]
    tap = "--tap" in sys.argv
    res = args[0] if args else "results"
    streams = []
    for path in sorted(glob.glob(os.path.join(res, "host", "*.tap"))):
        with open(path, errors="replace") as f:
            streams.append(("host/" + os.path.basename(path)[:-4], f.read()))
    gtap = os.path.join(res, "guest", "guest.tap")
    if os.path.exists(gtap):
        streams += [("guest/" + n, t) for n, t in sections(gtap)]

    passed = failed = skipped = 0
    notes_left = NOTES_IN_ALL
    problems = []
    for source, text in streams:
        leaves, missing = parse_tap(text)
        if not leaves and not missing:
            problems.append(f"{source}: no TAP results")
            failed += 1
        for ok, name, directive, why in leaves:
            if directive.upper().startswith("SKIP"):
                skipped += 1
            elif ok:
                passed += 1
            else:
                failed += 1
                problems.append(f"{source}: not ok - {name}")
                for note in why:
                    if notes_left > 0:
                        problems.append(f"    # {note}")
                        notes_left -= 1
        if missing:
            failed += missing
            problems.append(f"{source}: {missing} planned test(s) never ran")

    guest = os.path.join(res, "guest")
    steps = os.path.join(guest, "steps.txt")
    if os.path.exists(steps):
        with open(steps) as f:
            problems += [l.strip() for l in f if l.startswith("HUNG")]
    hung = any(p.startswith("HUNG") for p in problems)

    # the console has every message up to a hang; dmesg.txt (the end of
    # a finished run) also has the ones below the console's log level
    logs = [p for p in (os.path.join(guest, "console.log"),
                        os.path.join(guest, "dmesg.txt")) if os.path.exists(p)]
    splats = []
    for log in logs:
        with open(log, errors="replace") as f:
            for line in f:
                for pat, what in SPLATS:
                    if pat.search(line):
                        msg = f"{what}: {line.strip()}"
                        if msg not in splats:
                            splats.append(msg)
                        break
    if not logs and os.path.isdir(guest):
        problems.append("no guest kernel log")
        hung = True
    log = " and ".join(logs)

    if tap:
        # the run as one TAP stream: its tests, then its kernel log and end
        n = 0
        print("TAP version 13")
        for source, text in streams:
            leaves, missing = parse_tap(text)
            for ok, name, directive, why in leaves:
                n += 1
                skip = f" # {directive}" if directive.upper().startswith("SKIP") else ""
                for note in why if not ok else []:
                    print(f"# {note}")
                print(f"{'ok' if ok else 'not ok'} {n} - {source}: {name}{skip}")
            for _ in range(missing):
                n += 1
                print(f"not ok {n} - {source}: a planned test never ran")
        for s in splats[:20]:
            print("# kernel log:", s)
        n += 1
        print(f"{'not ok' if splats else 'ok'} {n} - kernel log without splats")
        n += 1
        hangs = [p for p in problems if p.startswith("HUNG")]
        print(f"{'not ok' if hangs else 'ok'} {n} - every step finished"
              f"{': ' + hangs[0] if hangs else ''}")
        print(f"1..{n}")
        return 0
    for p in problems:
        print(p)
    for s in splats[:20]:
        print("kernel log:", s)
    if splats:
        print(f"{len(splats)} kernel log line(s) report a problem ({log})")
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed or splats or hung else 0


if __name__ == "__main__":
    sys.exit(main())
