"""The whole-process contenders of ``national_scale.py``: each run is a fresh interpreter.

    python benchmarks/national_workers.py ours DIR OUT [--backend duckdb] [--explain] [--profile]
    python benchmarks/national_workers.py handwritten DIR OUT
    python benchmarks/national_workers.py naive DIR OUT [--every 100]

``DIR`` holds the input files ``national_data.write_inputs`` writes (``spec.yaml``,
``org_units.csv``, ``observations.parquet``); ``OUT`` receives the results compared between
contenders (``target, org_unit, period, value, status, threshold, expected, change_previous``).
The last line of stdout is JSON: the phases timed inside the process (``perf_counter``), written
last so the parent can subtract the writing, and the memory high-water mark (``VmHWM`` of
``/proc/self/status``) after each phase. ``VmHWM`` belongs to this process's own address space;
``ru_maxrss`` does not: after ``fork``/``exec`` it starts at the parent's peak (see
``national_scale.py``).

Only the standard library is imported before the contender's own imports, which are timed.
"""

from __future__ import annotations

import time

_START = time.perf_counter()
_START_EPOCH = time.time()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

KEYS = ["target", "org_unit", "period"]
COMPARED = ["value", "status", "threshold", "expected", "change_previous"]
HERE = Path(__file__).resolve().parent


def hwm_mb() -> float:
    """Peak resident memory of this process so far (``VmHWM``), in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not on Linux: ru_maxrss (bytes on macOS)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


class Phases:
    """Consecutive timed phases, with the memory high-water mark at the end of each."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {"start": _START}
        self.memory: dict[str, float] = {}
        self._last = _START

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self._last
        self.memory[name] = hwm_mb()
        self._last = now

    def report(self, compute: list[str], **extra: Any) -> dict[str, Any]:
        seconds = {k: v for k, v in self.seconds.items() if k != "start"}
        return {
            "started_epoch": _START_EPOCH,
            "phases_seconds": seconds,
            "phases_hwm_mb": self.memory,
            "compute_seconds": sum(seconds[k] for k in compute),
            "write_seconds": seconds.get("write", 0.0),
            "hwm_before_write_mb": self.memory[compute[-1]],
            "hwm_mb": hwm_mb(),
            "cpu_seconds_self": sum(os.times()[:2]),
            **extra,
        }


def _profile_top(function: Any, limit: int = 15) -> list[dict[str, Any]]:
    """Run ``function`` under cProfile: the functions with most cumulative time."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(function)
    stats = pstats.Stats(profile)
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "bdg_indicators" not in file and "polars" not in file:
            continue
        short = file.split("site-packages/")[-1].split("src/")[-1]
        rows.append(
            {
                "function": f"{short}:{line}({name})",
                "calls": calls,
                "own_s": round(own, 4),
                "cumulative_s": round(cumulative, 4),
            }
        )
    rows.sort(key=lambda r: -r["cumulative_s"])
    return rows[:limit]


# ---------------------------------------------------------------- ours


def ours(args: argparse.Namespace) -> dict[str, Any]:
    phases = Phases()
    import bdg_indicators as bdg

    phases.done("import")
    spec = bdg.load_spec(args.dir / "spec.yaml")
    phases.done("load_spec")
    tree = bdg.load_org_units(args.dir / "org_units.csv")
    phases.done("load_org_units")
    obs = bdg.read_observations(args.dir / "observations.parquet", spec, org_units=tree)
    phases.done("read_observations")
    result = bdg.evaluate(spec, obs, org_units=tree, backend=args.backend)
    phases.done("evaluate")
    table = result.to_polars().select(*KEYS, *COMPARED)
    phases.done("to_polars")
    table.write_parquet(args.out)
    phases.done("write")
    compute = ["load_spec", "load_org_units", "read_observations", "evaluate", "to_polars"]
    extra: dict[str, Any] = {
        "backend": args.backend,
        "rows_used": obs.rows_used,
        "rows_rejected": obs.rows_rejected,
        "results": table.height,
    }
    if args.explain:
        extra["statuses"] = dict(table.group_by("status").len().sort("status").iter_rows())
        extra["explain"] = _explain(result, table, tree, spec, args.profile)
    if args.profile:
        extra["profile_evaluate"] = _profile_top(
            lambda: bdg.evaluate(spec, obs, org_units=tree, backend=args.backend)
        )
    return phases.report(compute, **extra)


def _explain(result: Any, table: Any, tree: Any, spec: Any, profile: bool) -> dict[str, Any]:
    """Explanation timings after the evaluation: a first call, then 20 communes, two provinces
    and the country twice (a comparison target and a change target); each explanation's status
    is checked against the result table."""
    import polars as pl

    targets = [t.id for _, t in spec.targets()]
    years = [str(y) for y in range(2015, 2025)]
    communes = [u.code for u in tree if u.level == "commune"]
    provinces = [u.code for u in tree if u.level == "province"]
    country = next(u.code for u in tree if u.level == "country")
    cases = [
        (targets[i % len(targets)], communes[(i * 997) % len(communes)], years[(i * 3) % 10])
        for i in range(21)
    ]
    province_cases = [("1.1", provinces[0], "2020"), ("2.3", provinces[-1], "2024")]
    country_cases = [("1.1", country, "2020"), ("2.3", country, "2024")]
    checked = [*cases, *province_cases, *country_cases]
    want = dict(
        table.join(pl.DataFrame(checked, schema=KEYS, orient="row"), on=KEYS)
        .select(pl.concat_list(KEYS).list.join("|"), "status")
        .iter_rows()
    )
    mismatches: list[dict[str, Any]] = []
    sizes: dict[str, dict[str, int]] = {}

    def timed(case: tuple[str, str, str]) -> float:
        start = time.perf_counter()
        explanation = result.explain(*case)
        seconds = time.perf_counter() - start
        key = "|".join(case)
        if explanation.status != want.get(key):
            mismatches.append({"case": case, "explain": explanation.status, "table": want[key]})
        sizes[key] = {"children": len(explanation.children), "rows": len(explanation.rows)}
        return seconds * 1000

    first = timed(cases[0])  # lazy imports and any index the result builds on first use
    commune_ms = [timed(case) for case in cases[1:]]
    province_ms = [timed(case) for case in province_cases]
    country_ms = [timed(case) for case in country_cases]
    figures: dict[str, Any] = {
        "first_call_ms": first,
        "first_case": cases[0],
        "commune_cases": cases[1:],
        "commune_ms": commune_ms,
        "commune_median_ms": statistics.median(commune_ms),
        "commune_max_ms": max(commune_ms),
        "province_cases": province_cases,
        "province_ms": province_ms,
        "province_max_ms": max(province_ms),
        "country_cases": country_cases,
        "country_ms": country_ms,
        "country_max_ms": max(country_ms),
        "sizes": {k: v for k, v in sizes.items() if k.split("|")[1] in {country, *provinces}},
        "status_mismatches": mismatches,
    }
    from bdg_indicators import explanation_text

    start = time.perf_counter()
    explanation_text(result.explain(*province_cases[0]))
    figures["province_with_text_ms"] = (time.perf_counter() - start) * 1000
    if profile:
        figures["province_profile"] = _profile_top(lambda: result.explain(*province_cases[0]))
    return figures


# ---------------------------------------------------------------- hand-written Polars


def handwritten(args: argparse.Namespace) -> dict[str, Any]:
    phases = Phases()
    sys.path.insert(0, str(HERE))
    import handwritten_polars as hw
    import polars as pl

    phases.done("import")
    observations = pl.read_parquet(args.dir / "observations.parquet")
    units = hw.read_org_units(args.dir / "org_units.csv")
    phases.done("read")
    table = hw.evaluate(observations, units).select(*KEYS, *COMPARED)
    phases.done("evaluate")
    table.write_parquet(args.out)
    phases.done("write")
    return phases.report(["read", "evaluate"], results=table.height)


# ---------------------------------------------------------------- naive pint


def naive(args: argparse.Namespace) -> dict[str, Any]:
    """The naive approach on every ``every``-th commune, extrapolated to all of them."""
    phases = Phases()
    sys.path.insert(0, str(HERE))
    import handwritten_polars as hw
    import naive_pint
    import polars as pl

    from bdg_indicators.units import registry

    registry()  # building the registry is a one-off, not per value
    phases.done("import")
    observations = pl.read_parquet(args.dir / "observations.parquet")
    units = hw.read_org_units(args.dir / "org_units.csv")
    phases.done("read")
    run = naive_pint.run(observations, units, args.every)
    phases.done("sample")
    results = run.pop("results")
    run.pop("sample")
    years, targets = 10, 20
    full_results = targets * len(units) * years
    run["load_factor"] = observations.height / run["sample_rows"]
    run["judge_factor"] = full_results / run["sample_results"]
    run["extrapolated_compute_seconds"] = (
        run["load_seconds"] * run["load_factor"] + run["judge_seconds"] * run["judge_factor"]
    )
    pl.DataFrame(
        results,
        schema={
            "target": pl.String,
            "org_unit": pl.String,
            "period": pl.String,
            "value": pl.Float64,
            "status": pl.String,
            "threshold": pl.Float64,
            "change_previous": pl.Float64,
        },
    ).write_parquet(args.out)
    phases.done("write")
    return phases.report(["read", "sample"], **run)


WORKERS = {"ours": ours, "handwritten": handwritten, "naive": naive}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("contender", choices=sorted(WORKERS))
    parser.add_argument("dir", type=Path, help="folder with the input files")
    parser.add_argument("out", type=Path, help="Parquet file for the compared results")
    parser.add_argument("--backend", default="polars", choices=["polars", "duckdb"])
    parser.add_argument("--explain", action="store_true", help="time explanations afterwards")
    parser.add_argument("--profile", action="store_true", help="profile a second evaluate")
    parser.add_argument("--every", type=int, default=100, help="naive: every n-th commune")
    args = parser.parse_args()
    print(json.dumps(WORKERS[args.contender](args), default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
