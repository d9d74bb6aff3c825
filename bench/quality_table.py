#!/usr/bin/python3
"""The table and plots of bench/quality_vs_torch.sh, from one or more of its
row files (tab-separated: configuration, side, seed, iteration, W1, floor),
so that runs of several settings (WGAN_ARGS, LABEL) can be shown together.

Prints one markdown table (per configuration and iteration: each side's
median W1 over the seeds with its range and the number of seeds, and the
floor) and draws OUT/CONFIG.png (W1 against iteration, each side's median,
the floor as a dashed line) with gnuplot.

Usage: bench/quality_table.py OUT ROWS [ROWS...]
"""
import collections
import statistics
import subprocess
import sys


def cell(values):
    if not values:
        return "–"
    return f"{statistics.median(values):.3f} [{min(values):.3f}, {max(values):.3f}] ({len(values)})"


def quoted(text):
    """A gnuplot string: double quotes, so that names may hold apostrophes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    out = sys.argv[1]
    rows = [line.rstrip("\n").split("\t") for path in sys.argv[2:] for line in open(path) if line.strip()]
    by = collections.defaultdict(list)
    floors = collections.defaultdict(list)
    for config, side, _seed, it, w1, floor in rows:
        by[config, side, int(it)].append(float(w1))
        floors[config].append(float(floor))
    configs = list(dict.fromkeys(r[0] for r in rows))
    sides = list(dict.fromkeys(r[1] for r in rows))
    print("W1 median [min, max] (seeds) of each side:\n")
    print("| configuration | iteration | " + " | ".join(sides) + " | floor |")
    print("|---|---|" + "---|" * len(sides) + "---|")
    for config in configs:
        its = sorted({k[2] for k in by if k[0] == config})
        floor = statistics.median(floors[config])
        here = [s for s in sides if any(k[0] == config and k[1] == s for k in by)]
        dat = f"{out}/{config}.dat"
        with open(dat, "w") as f:
            for it in its:
                medians = [by.get((config, s, it)) for s in here]
                f.write(f"{it} " + " ".join(f"{statistics.median(v)}" if v else "nan" for v in medians) + "\n")
                cells = [cell(by.get((config, s, it), [])) for s in sides]
                print(f"| {config} | {it} | " + " | ".join(cells) + f" | {floor:.3f} |")
        curves = ", ".join(f"'{dat}' using 1:{2 + i} with linespoints title {quoted(s + ' (median)')}"
                           for i, s in enumerate(here))
        script = (f"set terminal pngcairo noenhanced size 720,520; set output '{out}/{config}.png'; "
                  f"set title '{config}: exact W1 of generated vs held-out real samples'; "
                  f"set xlabel 'generator iteration'; set ylabel 'W1'; set key below; set yrange [0:*]; "
                  f"plot {curves}, {floor} with lines dashtype 2 title 'floor (two real samples)'")
        subprocess.run(["gnuplot", "-e", script], check=True)


if __name__ == "__main__":
    main()
