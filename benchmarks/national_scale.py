"""Benchmark: a national-scale evaluation (34 provinces, 3,321 communes, 40 data items by sex,
2015-2024: 2,656,800 observation rows; 20 targets: 671,200 results).

    python benchmarks/national_scale.py            # full scale (a few minutes)
    python benchmarks/national_scale.py --quick    # 1/10 scale, smoke test

Contenders, each in a fresh process (so peak memory, ``ru_maxrss``, is its own):

- **ours**: ``bdg_indicators.read_observations`` on the Polars DataFrame, then
  ``bdg_indicators.evaluate`` over every target, org unit (every level) and year, with changes and
  verdicts; then ``result.explain`` for 20 commune cases (median), one province and the country.
- **handwritten**: the same values and verdicts written directly with Polars
  (``handwritten_polars.py``).
- **naive**: one pint ``Quantity`` and one Python object per value (``naive_pint.py``), timed on
  1% of the communes (all their rows) and extrapolated (load phase by rows, judge phase by
  results).

Results agree or the report says where: values within 1e-9 (relative), statuses equal; for every
status that differs, the exact single-case path (``explain``) says which side is right.
Figures are printed and written to ``benchmarks/results/national_scale.json``
(``national_scale_quick.json`` with ``--quick``).

Goals: read + evaluate under 5 s and 3 GB; ours/handwritten at most 1.5; naive/ours at least 100;
one commune explanation under 5 ms.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import national_data as nd  # noqa: E402
import polars as pl  # noqa: E402

GOALS = {
    "evaluate_seconds": 5.0,
    "peak_rss_mb": 3072.0,
    "ours_over_handwritten": 1.5,
    "naive_over_ours": 100.0,
    "explain_median_ms": 5.0,
}
KEYS = ["target", "org_unit", "period"]
COMPARED = ["value", "status", "threshold", "expected", "change_previous"]
NAIVE_EVERY = 100
"""The naive contender runs on every 100th commune: 1% of the observations."""


# ---------------------------------------------------------------- measuring


def _peak_mb() -> float:
    """Peak resident memory of this process so far (``ru_maxrss`` is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def _rss_mb() -> float:
    """Current resident memory."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def _profile_top(function: Any, limit: int = 10) -> list[dict[str, Any]]:
    """Run ``function`` under cProfile; the functions with the most cumulative time."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(function)
    stats = pstats.Stats(profile)
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "bdg_indicators" not in file and "polars" not in file and "{" not in name:
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


# ---------------------------------------------------------------- workers (fresh processes)


def _worker_ours(args: argparse.Namespace) -> dict[str, Any]:
    import bdg_indicators as bdg
    import bdg_indicators.evaluation as evaluation

    df = pl.read_parquet(args.data)
    tree = nd.org_unit_tree(args.communes)
    spec, spec_seconds = _timed(bdg.load_spec_text, nd.spec_yaml())
    # step timings inside evaluate (private helpers, looked up at call time; optional)
    steps: dict[str, float] = {}
    _wrap_steps(evaluation, steps)
    gc.collect()
    baseline_mb = _rss_mb()
    figures: dict[str, Any] = {"baseline_rss_mb": baseline_mb, "spec_load_seconds": spec_seconds}
    reads, evaluations, step_runs = [], [], []
    obs = result = None
    for run in range(args.repeat):
        obs = result = None  # a repeat must not hold the previous run's tables
        gc.collect()
        obs, seconds = _timed(bdg.read_observations, df, spec, org_units=tree)
        reads.append(seconds)
        if run == 0:
            figures["peak_rss_after_read_mb"] = _peak_mb()
        steps.clear()
        result, seconds = _timed(bdg.evaluate, spec, obs, org_units=tree, method="linear")
        evaluations.append(seconds)
        step_runs.append(dict(steps))
        if run == 0:
            figures["peak_rss_mb"] = _peak_mb()
    assert obs is not None
    assert result is not None
    figures["read_seconds"] = statistics.median(reads)
    figures["evaluate_seconds"] = statistics.median(evaluations)
    figures["read_runs"], figures["evaluate_runs"] = reads, evaluations
    figures["evaluate_steps_seconds"] = {
        step: statistics.median(r.get(step, 0.0) for r in step_runs) for step in step_runs[0]
    }
    figures["rows_used"] = obs.rows_used
    figures["rows_rejected"] = obs.rows_rejected
    figures["results"] = len(result)
    figures["exact_settled"] = result.exact_settled
    table = result.to_polars()
    figures["statuses"] = dict(table.group_by("status").len().sort("status").iter_rows())
    table.select(*KEYS, *COMPARED).write_parquet(args.out)
    # explanations: 20 commune cases, then one province and the country
    communes = [u.code for u in tree if u.level == "commune"]
    cases = [
        (
            nd.TARGETS[i % len(nd.TARGETS)].id,
            communes[(i * 997) % len(communes)],
            str(nd.YEARS[(i * 3) % len(nd.YEARS)]),
        )
        for i in range(20)
    ]
    # the first call pays for lazy imports and any index the result builds on first use
    _, seconds = _timed(result.explain, *cases[0])
    figures["explain_first_call_ms"] = seconds * 1000
    times = []
    for case in cases:
        _, seconds = _timed(result.explain, *case)
        times.append(seconds * 1000)
    figures["explain_commune_ms"] = times
    figures["explain_median_ms"] = statistics.median(times)
    figures["explain_profile"] = _profile_top(lambda: result.explain(*cases[1]))
    province = next(u.code for u in tree if u.level == "province")
    _, seconds = _timed(result.explain, "1.1", province, "2020")
    figures["explain_province_ms"] = seconds * 1000
    if not args.skip_country_explain:
        _, seconds = _timed(result.explain, "1.1", "VN", "2020")
        figures["explain_country_ms"] = seconds * 1000
    # which side is right where ours and the handwritten version disagree
    if args.compare and Path(args.compare).exists():
        figures["adjudication"] = _adjudicate(result, table, pl.read_parquet(args.compare))
    return figures


def _wrap_steps(evaluation: Any, steps: dict[str, float]) -> None:
    """Time evaluate's internal steps by wrapping the module's helpers (diagnostics only)."""
    import bdg_indicators._columnar as columnar

    def wrap(module: Any, name: str, label: str) -> None:
        inner = getattr(module, name, None)
        if inner is None:
            return

        def timed(*a: Any, **k: Any) -> Any:
            start = time.perf_counter()
            try:
                return inner(*a, **k)
            finally:
                steps[label] = steps.get(label, 0.0) + time.perf_counter() - start

        setattr(module, name, timed)

    wrap(columnar, "evaluate_table", "columnar engine (_columnar.evaluate_table)")
    wrap(evaluation, "_settle", "exact settling of near-threshold results (evaluation._settle)")
    wrap(evaluation, "_decorate", "decorate and sort (evaluation._decorate)")


def _adjudicate(result: Any, ours: pl.DataFrame, hand: pl.DataFrame) -> dict[str, Any]:
    joined = ours.join(hand, on=KEYS, suffix="_hand")
    differ = joined.filter(pl.col("status") != pl.col("status_hand"))
    examples = []
    verdicts = {"ours": 0, "handwritten": 0, "neither": 0}
    for row in differ.head(25).iter_rows(named=True):
        exact = result.explain(row["target"], row["org_unit"], row["period"]).verdict.status.value
        right = (
            "ours"
            if exact == row["status"]
            else "handwritten"
            if exact == row["status_hand"]
            else "neither"
        )
        verdicts[right] += 1
        examples.append(
            {
                **{k: row[k] for k in KEYS},
                "value": row["value"],
                "expected": row["expected"],
                "ours": row["status"],
                "handwritten": row["status_hand"],
                "exact_single_case": exact,
            }
        )
    return {
        "status_differences": differ.height,
        "checked": len(examples),
        "right": verdicts,
        "examples": examples,
    }


def _worker_handwritten(args: argparse.Namespace) -> dict[str, Any]:
    import handwritten_polars as hw

    df = pl.read_parquet(args.data)
    units = nd.org_unit_rows(args.communes)
    gc.collect()
    figures: dict[str, Any] = {"baseline_rss_mb": _rss_mb()}
    runs = []
    out = None
    for run in range(args.repeat):
        out = None
        gc.collect()
        out, seconds = _timed(hw.evaluate, df, units)
        runs.append(seconds)
        if run == 0:
            figures["peak_rss_mb"] = _peak_mb()
    assert out is not None
    figures["evaluate_seconds"] = statistics.median(runs)
    figures["evaluate_runs"] = runs
    figures["results"] = out.height
    out.write_parquet(args.out)
    return figures


def _worker_naive(args: argparse.Namespace) -> dict[str, Any]:
    import naive_pint

    df = pl.read_parquet(args.data)
    units = nd.org_unit_rows(args.communes)
    from bdg_indicators.units import registry

    registry()  # building the registry is a one-off, not per value
    gc.collect()
    figures: dict[str, Any] = {"baseline_rss_mb": _rss_mb()}
    run = naive_pint.run(df, units, NAIVE_EVERY)
    results = run.pop("results")
    run.pop("sample")
    figures.update(run)
    figures["peak_rss_mb"] = _peak_mb()
    full_results = len(nd.TARGETS) * len(units) * len(nd.YEARS)
    load_factor = df.height / run["sample_rows"]
    judge_factor = full_results / run["sample_results"]
    figures["load_factor"] = load_factor
    figures["judge_factor"] = judge_factor
    figures["extrapolated_seconds"] = (
        run["load_seconds"] * load_factor + run["judge_seconds"] * judge_factor
    )
    figures["extrapolated_x100_seconds"] = (run["load_seconds"] + run["judge_seconds"]) * 100
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
    return figures


WORKERS = {"ours": _worker_ours, "handwritten": _worker_handwritten, "naive": _worker_naive}


# ---------------------------------------------------------------- comparing


def _differences(
    ours: pl.DataFrame, other: pl.DataFrame, columns: list[str], where: pl.Expr | None = None
) -> dict[str, Any]:
    if where is not None:
        ours = ours.filter(where)
    joined = ours.join(other, on=KEYS, how="inner", suffix="_other")
    report: dict[str, Any] = {
        "rows_ours": ours.height,
        "rows_other": other.height,
        "rows_matched": joined.height,
    }
    for column in columns:
        a, b = pl.col(column), pl.col(f"{column}_other")
        if column == "status":
            bad = a.ne_missing(b)
        else:
            scale = pl.max_horizontal(a.abs(), pl.lit(1.0))
            bad = (a.is_null() != b.is_null()) | ((a - b).abs() > scale * 1e-9).fill_null(False)
        report[column] = joined.filter(bad).height
    bad_status = joined.filter(pl.col("status").ne_missing(pl.col("status_other")))
    report["status_examples"] = (
        bad_status.select(*KEYS, "value", "status", "status_other").head(5).to_dicts()
    )
    return report


# ---------------------------------------------------------------- main


def _run_worker(name: str, data: Path, out: Path, args: argparse.Namespace, **extra: str) -> Any:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        name,
        "--data",
        str(data),
        "--out",
        str(out),
        "--communes",
        str(args.communes),
        "--repeat",
        str(args.repeat),
    ]
    for key, value in extra.items():
        command += [f"--{key}", value]
    if args.skip_country_explain:
        command.append("--skip-country-explain")
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"worker {name} failed")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_wall_seconds"] = wall
    return figures


def _environment() -> dict[str, Any]:
    import narwhals
    import pint

    nproc = shutil.which("nproc")

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=HERE, check=False)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "src_modified": bool(git("status", "--porcelain", "--", "../src")),
        "nproc": int(subprocess.run([nproc], capture_output=True, text=True).stdout)
        if nproc
        else os.cpu_count(),
        "python": platform.python_version(),
        "polars": pl.__version__,
        "polars_threads": pl.thread_pool_size(),
        "narwhals": narwhals.__version__,
        "pint": pint.__version__,
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else a / b


def main() -> int:
    """Run the benchmark (or, with --worker, one contender) and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/10 scale smoke test")
    parser.add_argument("--repeat", type=int, default=1, help="runs per timing (median)")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-country-explain", action="store_true")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--compare", help=argparse.SUPPRESS)
    parser.add_argument("--communes", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args), default=str))
        return 0

    scale = 0.1 if args.quick else 1.0
    args.communes = nd.communes_for(scale)
    units = nd.org_unit_rows(args.communes)
    work = Path(tempfile.mkdtemp(prefix="bdg-national-"))
    try:
        df, generate_seconds = _timed(nd.observations, args.communes)
        data = work / "observations.parquet"
        df.write_parquet(data)
        figures: dict[str, Any] = {
            "scale": scale,
            "org_units": {
                "country": 1,
                "provinces": nd.PROVINCES,
                "communes": args.communes,
                "total": len(units),
            },
            "observation_rows": df.height,
            "data_items": 2 * len(nd.PAIRS),
            "years": f"{nd.YEARS[0]}-{nd.YEARS[-1]}",
            "targets": len(nd.TARGETS),
            "expected_results": len(nd.TARGETS) * len(units) * len(nd.YEARS),
            "generate_seconds": generate_seconds,
            "environment": _environment(),
            "goals": GOALS,
        }
        del df
        print(
            f"data: {df_rows(figures)} rows, {len(units):,} org units, generated in "
            f"{generate_seconds:.1f} s; running contenders...",
            flush=True,
        )
        hand = _run_worker("handwritten", data, work / "hand.parquet", args)
        print(f"  handwritten: {hand['evaluate_seconds']:.2f} s", flush=True)
        ours = _run_worker(
            "ours", data, work / "ours.parquet", args, compare=str(work / "hand.parquet")
        )
        print(
            f"  ours: read {ours['read_seconds']:.2f} s, evaluate {ours['evaluate_seconds']:.2f} s",
            flush=True,
        )
        naive = None
        if not args.skip_naive:
            naive = _run_worker("naive", data, work / "naive.parquet", args)
            print(f"  naive: {naive['extrapolated_seconds']:.1f} s extrapolated", flush=True)
        ours_table = pl.read_parquet(work / "ours.parquet")
        agreement: dict[str, Any] = {
            "handwritten": _differences(
                ours_table, pl.read_parquet(work / "hand.parquet"), COMPARED
            )
        }
        if naive is not None:
            naive_table = pl.read_parquet(work / "naive.parquet")
            sampled = naive_table.filter(pl.col("org_unit").str.starts_with("C"))
            agreement["naive_communes"] = _differences(
                ours_table,
                sampled,
                ["value", "status", "threshold", "change_previous"],
                pl.col("org_unit").is_in(sampled["org_unit"].unique().to_list()),
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    total = ours["read_seconds"] + ours["evaluate_seconds"]
    figures["ours"] = ours
    figures["handwritten"] = hand
    figures["naive"] = naive
    figures["agreement"] = agreement
    figures["ratios"] = {
        "ours_evaluate_over_handwritten": _ratio(
            ours["evaluate_seconds"], hand["evaluate_seconds"]
        ),
        "ours_read_and_evaluate_over_handwritten": _ratio(total, hand["evaluate_seconds"]),
        "naive_over_ours_read_and_evaluate": _ratio(naive and naive["extrapolated_seconds"], total),
        "naive_over_ours_evaluate": _ratio(
            naive and naive["extrapolated_seconds"], ours["evaluate_seconds"]
        ),
    }
    figures["goals_met"] = {
        "read_and_evaluate_under_5_s": total < GOALS["evaluate_seconds"],
        "peak_under_3_gb": ours["peak_rss_mb"] < GOALS["peak_rss_mb"],
        "ours_over_handwritten_at_most_1_5": (
            figures["ratios"]["ours_read_and_evaluate_over_handwritten"] or 99
        )
        <= GOALS["ours_over_handwritten"],
        "naive_over_ours_at_least_100": (
            figures["ratios"]["naive_over_ours_read_and_evaluate"] or 0
        )
        >= GOALS["naive_over_ours"],
        "explain_under_5_ms": ours["explain_median_ms"] < GOALS["explain_median_ms"],
    }
    _print(figures)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    name = "national_scale_quick.json" if args.quick else "national_scale.json"
    (results / name).write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print(f"\nwritten: {(results / name).relative_to(HERE.parent)}")
    return 0


def df_rows(figures: dict[str, Any]) -> str:
    return f"{figures['observation_rows']:,}"


def _print(f: dict[str, Any]) -> None:
    ours, hand, naive, r = f["ours"], f["handwritten"], f["naive"], f["ratios"]
    env = f["environment"]
    total = ours["read_seconds"] + ours["evaluate_seconds"]
    print()
    print(
        f"National scale x{f['scale']}: {f['org_units']['total']:,} org units "
        f"({f['org_units']['communes']:,} communes), {f['observation_rows']:,} rows, "
        f"{f['targets']} targets -> {ours['results']:,} results"
    )
    print(
        f"{env['nproc']} cores, Python {env['python']}, Polars {env['polars']}, {env['date']}, "
        f"commit {env['commit']}" + (" (src modified)" if env["src_modified"] else "")
    )
    line = "{:<44} {:>12} {:>14}"
    print()
    print(line.format("", "wall s", "peak RSS MB"))
    print(line.format("ours: read_observations", f"{ours['read_seconds']:.2f}", ""))
    print(line.format("ours: evaluate", f"{ours['evaluate_seconds']:.2f}", ""))
    for step, seconds in ours["evaluate_steps_seconds"].items():
        print(line.format(f"    {step[:40]}", f"{seconds:.2f}", ""))
    print(line.format("ours: read + evaluate", f"{total:.2f}", f"{ours['peak_rss_mb']:.0f}"))
    print(
        line.format(
            "handwritten Polars",
            f"{hand['evaluate_seconds']:.2f}",
            f"{hand['peak_rss_mb']:.0f}",
        )
    )
    if naive:
        print(
            line.format(
                f"naive pint, {naive['sample_communes']} communes (measured)",
                f"{naive['load_seconds'] + naive['judge_seconds']:.2f}",
                f"{naive['peak_rss_mb']:.0f}",
            )
        )
        print(line.format("naive pint, extrapolated", f"{naive['extrapolated_seconds']:.1f}", ""))
    print(f"(baseline RSS before timing, data loaded: ours {ours['baseline_rss_mb']:.0f} MB)")
    print()

    def fmt(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.2f}x"

    print(
        f"ours/handwritten: evaluate {fmt(r['ours_evaluate_over_handwritten'])}, "
        f"read+evaluate {fmt(r['ours_read_and_evaluate_over_handwritten'])} (goal <= 1.5x)"
    )
    print(
        f"naive/ours (read+evaluate): {fmt(r['naive_over_ours_read_and_evaluate'])} (goal >= 100x)"
    )
    print(
        f"explain, commune: median {ours['explain_median_ms']:.1f} ms of 20 (goal < 5 ms), "
        f"first call {ours['explain_first_call_ms']:.0f} ms; "
        f"province {ours['explain_province_ms']:.0f} ms"
        + (f"; country {ours['explain_country_ms']:.0f} ms" if "explain_country_ms" in ours else "")
    )
    print(f"exact settling: {ours['exact_settled']:,} results within 1e-9 of a threshold")
    agree = f["agreement"]["handwritten"]
    print(
        f"agreement with handwritten: {agree['rows_matched']:,} rows matched; differing: "
        + ", ".join(f"{c} {agree[c]}" for c in COMPARED)
    )
    if "adjudication" in ours:
        adj = ours["adjudication"]
        print(f"  status differences checked with explain(): right = {adj['right']}")
    if "naive_communes" in f["agreement"]:
        agree = f["agreement"]["naive_communes"]
        print(
            f"agreement with naive (sampled communes): {agree['rows_matched']:,} rows; differing: "
            + ", ".join(
                f"{c} {agree[c]}" for c in ("value", "status", "threshold", "change_previous")
            )
        )
    print("goals met: " + ", ".join(f"{k}={v}" for k, v in f["goals_met"].items()))


if __name__ == "__main__":
    raise SystemExit(main())
