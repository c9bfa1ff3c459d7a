"""The original simulator's preprocessing, in pandas, as a peer for the `pandas` figure suite.

Stages, as the original ran them:
  read_csv -> drop rows without a crime description -> keep descriptions containing ASSAULT|BURGLARY|ROBBERY
  -> row-wise apply: report time = date occurred + time occurred (HHMM) + a random whole number of minutes in [30, 90)
  -> drop reports not after the simulation start
  -> shuffle, np.array_split among N officers, sort each officer's part by report time.

Usage: original_pipeline.py CSV OFFICERS SEED [START]
  START is 'YYYY-MM-DD HH:MM' (local wall-clock time); reports not after it are dropped. By default midnight on or
  before the earliest report time, as in the library.
Prints one JSON line: {"rows": ..., "kept": ..., "officers": [...sizes...], "seconds": ...}; seconds cover the stages
above, not the interpreter's start-up or the imports.
"""

import json
import random
import sys
import time
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

CRIMES_OF_INTEREST = "ASSAULT|BURGLARY|ROBBERY"

# Column names of the two LAPD layouts: (description, date occurred, time occurred).
LAYOUTS = [
    ("Crime Code Description", "Date Occurred", "Time Occurred"),  # 2010-2019
    ("Crm Cd Desc", "DATE OCC", "TIME OCC"),  # 2020-present
]


def main(argv):
    path, officers, seed = argv[1], int(argv[2]), int(argv[3])
    start = datetime.strptime(argv[4], "%Y-%m-%d %H:%M") if len(argv) > 4 else None
    random.seed(seed)
    began = time.perf_counter()

    # 1. Load.
    df = pd.read_csv(path)
    rows = len(df)
    df.columns = [c.strip() for c in df.columns]
    description, date_occurred, time_occurred = next(l for l in LAYOUTS if l[0] in df.columns)

    # 2. Filter the crimes of interest. The library matches ignoring case; LAPD descriptions are upper case, so
    #    case=False keeps exactly the rows the original's case-sensitive match kept.
    df = df.dropna(subset=[description])
    df = df[df[description].str.contains(CRIMES_OF_INTEREST, case=False, regex=True)]

    # 3. Simulate the report time, one row at a time as the original did.
    def report_time(row):
        day = datetime.strptime(str(row[date_occurred])[:10], "%m/%d/%Y")
        hhmm = int(row[time_occurred])
        occurred = day + timedelta(hours=hhmm // 100, minutes=hhmm % 100)
        return occurred + timedelta(minutes=random.randrange(30, 90))

    df["Report Time"] = df.apply(report_time, axis=1)
    if start is None:
        start = df["Report Time"].min().normalize() - timedelta(microseconds=1) if len(df) else datetime(1970, 1, 1)
    df = df[df["Report Time"] > start]

    # 4. Partition: shuffle, split into nearly equal parts, sort each part by report time.
    df = df.sample(frac=1, random_state=seed)
    parts = [part.sort_values("Report Time") for part in np.array_split(df, officers)]

    elapsed = time.perf_counter() - began
    print(json.dumps({"rows": rows, "kept": int(sum(len(p) for p in parts)), "officers": [len(p) for p in parts], "seconds": elapsed}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
