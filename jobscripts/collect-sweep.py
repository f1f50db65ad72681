#!/usr/bin/env python3
"""Gather the final metrics of every task of a sweep (jobscripts/sweep.sbatch) into one table.

    collect-sweep.py SWEEP_DIR [--output FILE] [--strict]

SWEEP_DIR holds task-<i>/ folders, each with params.csv (the task's axis values) and, when the
run finished, saddle-train's summary.csv (key,value). The table (default SWEEP_DIR/table.csv)
has one row per task: task, the axis values, status (done or missing: no summary.csv), then
every summary key. --strict: exit 1 when a task has no summary. Standard library only.
"""
import argparse
import csv
import pathlib
import re
import sys


def read_pairs(path):
    """key,value rows of a CSV with a key,value header, in file order."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != ["key", "value"]:
        raise ValueError(f"{path}: expected a 'key,value' header")
    return {r[0]: r[1] for r in rows[1:] if len(r) == 2}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=pathlib.Path)
    parser.add_argument("--output", type=pathlib.Path)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()

    tasks = sorted((p for p in args.sweep_dir.glob("task-*") if p.is_dir()),
                   key=lambda p: int(re.sub(r"\D", "", p.name) or -1))
    if not tasks:
        print(f"collect-sweep: no task-<i> folder in {args.sweep_dir}", file=sys.stderr)
        return 2
    rows, param_keys, metric_keys = [], [], []
    for task in tasks:
        params = read_pairs(task / "params.csv") if (task / "params.csv").exists() else {}
        summary_path = task / "summary.csv"
        metrics = read_pairs(summary_path) if summary_path.exists() else {}
        for k in params:
            if k not in param_keys:
                param_keys.append(k)
        for k in metrics:
            if k not in metric_keys:
                metric_keys.append(k)
        status = "done" if metrics else "missing"
        rows.append((params, status, metrics))

    out = args.output or args.sweep_dir / "table.csv"
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(param_keys + ["status"] + metric_keys)
        for params, status, metrics in rows:
            w.writerow([params.get(k, "") for k in param_keys] + [status] +
                       [metrics.get(k, "") for k in metric_keys])
    missing = sum(1 for _, status, _ in rows if status != "done")
    print(f"collect-sweep: {len(rows)} task(s), {missing} without a summary -> {out}")
    return 1 if args.strict and missing else 0


if __name__ == "__main__":
    sys.exit(main())
