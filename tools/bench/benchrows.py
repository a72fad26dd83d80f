# SPDX-License-Identifier: GPL-2.0
"""What the bench report scripts share: reading the rows each guest run
wrote (NAME.csv, no header, one row of FIELDS per measurement)."""

import csv
import os
import sys


def load(name, what, dirs, fields, text):
    """Rows of NAME.csv from each run directory in DIRS, as dicts keyed by
    FIELDS, numbers as floats but for the fields in TEXT; rows of another
    length are skipped, a run without the file is named on stderr (WHAT:
    the family as the message calls it)."""
    rows = []
    for d in dirs:
        path = os.path.join(d, name + ".csv")
        if not os.path.exists(path):
            print(f"no {what} results in {d}", file=sys.stderr)
            continue
        with open(path) as f:
            for rec in csv.reader(f):
                if len(rec) == len(fields):
                    row = dict(zip(fields, rec))
                    for k in fields:
                        if k not in text:
                            row[k] = float(row[k])
                    rows.append(row)
    return rows
