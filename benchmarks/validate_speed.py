"""Benchmark: wall time of `bdg validate` on every shipped spec, interpreter start included.

Goal (issue 2): under 1 second on a 2-core machine. Run:

    python benchmarks/validate_speed.py [--runs 10]

It runs the installed `bdg` in a fresh process each time (so interpreter start, imports and the
unit registry are all counted) and prints the minimum, median and maximum wall time, plus the
wall time of `python -c pass` for reference.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time

GOAL_SECONDS = 1.0


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    """Run the benchmark and print its figures; exit 1 if the median misses the goal."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    bdg = shutil.which("bdg") or str(__import__("pathlib").Path(sys.executable).parent / "bdg")
    listing = subprocess.run(
        [bdg, "specs", "--format", "json"], check=True, capture_output=True, text=True
    )
    ids = [row["id"] for row in json.loads(listing.stdout)]
    command = [bdg, "validate", "--quiet", *ids]
    _time(command)  # warm the file cache
    times = sorted(_time(command) for _ in range(args.runs))
    bare = min(_time([sys.executable, "-c", "pass"]) for _ in range(args.runs))
    median = statistics.median(times)
    print(f"bdg validate on {len(ids)} shipped specs, {args.runs} runs:")
    print(f"  min {times[0]:.3f} s   median {median:.3f} s   max {times[-1]:.3f} s")
    print(f"  (python -c pass: {bare:.3f} s)   goal: under {GOAL_SECONDS:.1f} s")
    return 0 if median < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
