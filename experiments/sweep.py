#!/usr/bin/env python3
"""Run a grid of saddle-train runs and collect their summaries into one table.

Each run is `saddle-train DECK --set k=v ... --output OUT/<tag>`; its summary.csv (key,value
rows) becomes one row of OUT/runs.csv together with the grid values and the seed. Rows with
the same grid values (all seeds) are then averaged into OUT/table.csv and OUT/table.md
(mean and sample standard deviation over seeds).

The grid pseudo-key `epsilon` sets privacy.target_epsilon (the noise is calibrated by the
deck's accountant to spend exactly that epsilon over run.rounds, per silo); `epsilon=inf`
turns privacy off (privacy.enabled = false). Every other grid key is a deck key.

Example (experiment 1 of issue 6, one arm):
  experiments/sweep.py --deck inputs/fairness_hmda.toml --out runs/fermi \
      --grid problem.constraint=fermi_dp --grid problem.fermi_lambda=0,0.25,0.5,1,2 \
      --grid epsilon=0.5,1,3,9,inf --seeds 5

Exit status: 0 if every run finished (exit 0), 1 otherwise (failed runs are listed); 2 for a
bad command line.
"""
import argparse
import csv
import itertools
import math
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

# summary.csv keys reported per grid point (mean +- std over seeds), in table order.
REPORTED = ["test_error", "test_dp_gap", "test_eo_gap", "train_error", "train_dp_gap",
            "epsilon_spent"]


def parse_grid(items):
    grid = []
    for item in items:
        if "=" not in item:
            sys.exit(f"sweep.py: --grid '{item}': expected key=v1,v2,...")
        key, values = item.split("=", 1)
        vals = [v.strip() for v in values.split(",") if v.strip()]
        if not vals:
            sys.exit(f"sweep.py: --grid '{item}': no values")
        grid.append((key.strip(), vals))
    return grid


def overrides_for(point, seed, base_seed):
    sets = [f"run.seed={base_seed + seed}"]
    for key, value in point:
        if key == "epsilon":
            if value in ("inf", "infinity"):
                sets.append("privacy.enabled=false")
            else:
                sets += ["privacy.enabled=true", f"privacy.target_epsilon={value}"]
        else:
            sets.append(f"{key}={value}")
    return sets


def tag_for(point, seed):
    parts = [f"{k.split('.')[-1]}-{v}" for k, v in point] + [f"seed-{seed}"]
    return "_".join(parts).replace("/", "-")


def read_summary(path):
    out = {}
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if len(row) == 2 and row[0] != "key":
                try:
                    out[row[0]] = float(row[1])
                except ValueError:
                    out[row[0]] = row[1]
    if "epsilon" in out:  # what the run spent; "epsilon" is the grid's pseudo-key
        out["epsilon_spent"] = out.pop("epsilon")
    for split in ("train", "test"):
        if f"{split}_accuracy" in out:
            out[f"{split}_error"] = 1.0 - out[f"{split}_accuracy"]
    return out


def run_one(args, point, seed):
    tag = tag_for(point, seed)
    out_dir = os.path.join(args.out, tag)
    cmd = list(args.launcher) + [args.train_exe, args.deck, "--output", out_dir]
    for s in overrides_for(point, seed, args.base_seed) + args.set:
        cmd += ["--set", s]
    summary = os.path.join(out_dir, "summary.csv")
    if args.collect_only:  # re-read the runs already in OUT
        return tag, point, seed, 0 if os.path.exists(summary) else 1, (
            read_summary(summary) if os.path.exists(summary) else None)
    with open(os.path.join(args.out, tag + ".log"), "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    if rc != 0 or not os.path.exists(summary):
        return tag, point, seed, rc, None
    return tag, point, seed, rc, read_summary(summary)


def fmt(values):
    finite = [v for v in values if isinstance(v, float) and math.isfinite(v)]
    if not finite:
        return "inf" if values else ""
    mean = statistics.fmean(finite)
    if len(finite) < 2:
        return f"{mean:.4f}"
    return f"{mean:.4f} ± {statistics.stdev(finite):.4f}"


def write_tables(args, grid, results):
    keys = [k for k, _ in grid]
    with open(os.path.join(args.out, "runs.csv"), "w", newline="") as f:
        w = csv.writer(f)
        metric_names = sorted({m for *_, s in results if s for m in s})
        w.writerow(keys + ["seed", "exit"] + metric_names)
        for tag, point, seed, rc, s in results:
            w.writerow([v for _, v in point] + [seed, rc] +
                       [(s or {}).get(m, "") for m in metric_names])
    groups = {}
    for _, point, _, _, s in results:
        if s:
            groups.setdefault(tuple(v for _, v in point), []).append(s)
    reported = [m for m in REPORTED if any(m in s for runs in groups.values() for s in runs)]
    rows = []
    for values in itertools.product(*[vals for _, vals in grid]):
        runs = groups.get(values, [])
        rows.append(list(values) + [len(runs)] +
                    [fmt([r[m] for r in runs if m in r]) for m in reported])
    header = keys + ["seeds"] + reported
    with open(os.path.join(args.out, "table.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write("| " + " | ".join(header) + " |\n")
        f.write("|" + "---|" * len(header) + "\n")
        for r in rows:
            f.write("| " + " | ".join(str(c) for c in r) + " |\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--deck", required=True)
    p.add_argument("--out", required=True, help="folder for the runs and the tables")
    p.add_argument("--grid", action="append", default=[], help="key=v1,v2,... (repeatable)")
    p.add_argument("--set", action="append", default=[], help="fixed override for every run")
    p.add_argument("--seeds", type=int, default=1, help="seeds per grid point (run.seed offsets)")
    p.add_argument("--base-seed", type=int, default=1)
    p.add_argument("--train-exe", default=os.environ.get("SADDLE_TRAIN", "build/saddle-train"))
    p.add_argument("--launcher", default="", help="command prefix, e.g. 'mpirun -n 4'")
    p.add_argument("--jobs", type=int, default=1, help="runs at once")
    p.add_argument("--collect-only", action="store_true",
                   help="do not run: rebuild the tables from the runs already in OUT")
    args = p.parse_args()
    if args.seeds < 1 or args.jobs < 1:
        print("sweep.py: --seeds and --jobs must be >= 1", file=sys.stderr)
        return 2
    if not os.path.isfile(args.deck):
        print(f"sweep.py: deck '{args.deck}' not found", file=sys.stderr)
        return 2
    args.launcher = args.launcher.split()
    grid = parse_grid(args.grid)
    os.makedirs(args.out, exist_ok=True)
    points = [list(zip([k for k, _ in grid], vals))
              for vals in itertools.product(*[vals for _, vals in grid])]
    jobs = [(pt, s) for pt in points for s in range(args.seeds)]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda j: run_one(args, *j), jobs))
    write_tables(args, grid, results)
    failed = [(tag, rc) for tag, _, _, rc, s in results if s is None]
    for tag, rc in failed:
        print(f"sweep.py: run {tag} failed (exit {rc}); see {args.out}/{tag}.log", file=sys.stderr)
    print(f"sweep.py: {len(results) - len(failed)}/{len(results)} runs; table in {args.out}/table.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
