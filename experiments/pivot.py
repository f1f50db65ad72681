#!/usr/bin/env python3
"""Pivot sweep.py's runs.csv into a Markdown table: one row per value of --rows, one column per
value of --cols, each cell "mean(a) / mean(b)" over the seeds of that grid point (e.g. test
error / DP violation).

  experiments/pivot.py runs/fermi/runs.csv --rows problem.fermi_lambda --cols epsilon \
      --cell test_error --cell test_dp_gap
"""
import argparse
import csv
import statistics
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("runs")
    p.add_argument("--rows", required=True)
    p.add_argument("--cols", required=True)
    p.add_argument("--cell", action="append", required=True, help="metric (repeatable)")
    p.add_argument("--digits", type=int, default=3)
    args = p.parse_args()
    with open(args.runs, newline="") as f:
        runs = list(csv.DictReader(f))
    for key in [args.rows, args.cols] + args.cell:
        if runs and key not in runs[0]:
            print(f"pivot.py: {args.runs} has no column '{key}'", file=sys.stderr)
            return 2
    rows, cols, cells = [], [], {}
    for r in runs:
        if r[args.rows] not in rows:
            rows.append(r[args.rows])
        if r[args.cols] not in cols:
            cols.append(r[args.cols])
        for m in args.cell:
            if r.get(m):
                cells.setdefault((r[args.rows], r[args.cols], m), []).append(float(r[m]))
    fmt = f"{{:.{args.digits}f}}"
    print(f"| {args.rows} \\ {args.cols} | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for row in rows:
        out = []
        for col in cols:
            vals = [cells.get((row, col, m), []) for m in args.cell]
            out.append(" / ".join(fmt.format(statistics.fmean(v)) if v else "-" for v in vals))
        print(f"| {row} | " + " | ".join(out) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
