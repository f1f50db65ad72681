#!/usr/bin/env python3
"""Plot a trade-off from sweep.py's runs.csv files: one panel per value of --panel, one curve
per runs.csv (an arm of the experiment), one point per value of that arm's --sweep key (mean
over seeds, with standard-deviation bars).

  experiments/plot_tradeoff.py --panel epsilon --x test_dp_gap --y test_error \
      --arm "FERMI (lambda)=runs/fermi/runs.csv:problem.fermi_lambda" \
      --arm "constrained (tolerance)=runs/constrained/runs.csv:problem.tolerance" \
      --out experiments/results/fairness_hmda.png
"""
import argparse
import csv
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def mean_sd(values):
    if not values:
        return float("nan"), 0.0
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--arm", action="append", required=True, help="label=runs.csv:sweep_key")
    p.add_argument("--panel", required=True, help="grid key with one panel per value")
    p.add_argument("--x", required=True)
    p.add_argument("--y", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    arms = []
    for a in args.arm:
        try:
            label, rest = a.split("=", 1)
            path, key = rest.rsplit(":", 1)
        except ValueError:
            print(f"plot_tradeoff.py: --arm '{a}': expected label=runs.csv:key", file=sys.stderr)
            return 2
        arms.append((label, load(path), key))
    panels = []
    for _, rows, _ in arms:
        for r in rows:
            if r[args.panel] not in panels:
                panels.append(r[args.panel])
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.2), sharey=True,
                             squeeze=False)
    for ax, panel in zip(axes[0], panels):
        for label, rows, key in arms:
            pts = {}
            for r in rows:
                if r[args.panel] == panel and r.get(args.x) and r.get(args.y):
                    pts.setdefault(r[key], ([], []))
                    pts[r[key]][0].append(float(r[args.x]))
                    pts[r[key]][1].append(float(r[args.y]))
            xs, ys, xe, ye, names = [], [], [], [], []
            for name, (xv, yv) in pts.items():
                mx, sx = mean_sd(xv)
                my, sy = mean_sd(yv)
                xs.append(mx), ys.append(my), xe.append(sx), ye.append(sy), names.append(name)
            ax.errorbar(xs, ys, xerr=xe, yerr=ye, marker="o", capsize=2, label=label)
            for x, y, n in zip(xs, ys, names):
                ax.annotate(n, (x, y), fontsize=6, xytext=(2, 2), textcoords="offset points")
        ax.set_title(f"{args.panel} = {panel}", fontsize=9)
        ax.set_xlabel(args.x)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(args.y)
    axes[0][-1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"plot_tradeoff.py: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
