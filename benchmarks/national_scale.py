"""Benchmark: a national-scale evaluation, read + evaluate as whole processes from the same input
files (34 provinces, 3,321 communes, 40 data items by sex, 2015-2024: 2,656,800 observation rows;
20 targets: 671,200 results at commune, province and national level).

    python benchmarks/national_scale.py                # full scale, 3 alternating runs each
    python benchmarks/national_scale.py --runs 5       # more runs
    python benchmarks/national_scale.py --quick        # 1/10 scale, smoke test
    python benchmarks/national_scale.py --scaling      # 1/4x to 4x (10.6 M rows), ours and
                                                       # handwritten; merged into the same file

The input files (``national_data.write_inputs``): ``observations.parquet`` (string columns
``org_unit, period, data_item, sex``, Int64 ``value``), ``org_units.csv``
(``code,name,level,parent``) and ``spec.yaml``. Contenders (``national_workers.py``), each a fresh
interpreter run with ``subprocess``, timed from outside with ``perf_counter`` around the process:

- **ours**: ``load_spec``, ``load_org_units``, ``read_observations``, ``evaluate`` (Polars
  backend), ``result.to_polars().select(...)``; **duckdb**: the same with ``backend="duckdb"``.
- **handwritten**: ``handwritten_polars.py``, which reads the same Parquet and CSV files itself.
- **naive**: a pint quantity and a Python object per value (``naive_pint.py``), run on every
  100th commune and extrapolated (load phase by rows, judge phase by results).

Each process then writes its results to Parquet for the agreement check; it times that writing
itself, and the figure compared ("process") is the whole-process wall time minus the writing.
Peak memory is the whole process's maximum resident set size from ``/usr/bin/time -v`` (the
child's own ``VmHWM`` without it). ``ru_maxrss`` of the child (``os.wait4``,
``RUSAGE_CHILDREN``, even the child's ``RUSAGE_SELF``) is not used: on Linux it starts at the
parent's peak RSS at ``fork``/``exec``, so a child of a 1.5 GB parent reports 1.5 GB even for
``python -c pass``; ``RUSAGE_CHILDREN`` is moreover the maximum over all children so far.
CPU time (user + system) and the context switches and page faults of ``/usr/bin/time -v`` are
kept per run: on a busy machine CPU time varies much less than wall time.

Runs alternate (ours, handwritten, duckdb, ours, ...), after one untimed warm-up of each (the
ours and duckdb warm-ups also time ``result.explain``: 20 communes after a first call, a province,
the country). Ratios are per pair (ours_i / handwritten_i), reported min-median-max.
Results agree or the report says where: value, threshold, expected and change_previous within
1e-9 (relative; the bitwise-different count is reported too), status equal, nulls equal.
Written to ``benchmarks/results/national_scale.json`` (``national_scale_quick.json`` with
``--quick``); a ``--scaling`` run replaces only the ``scaling`` section.

Goals: whole process ours/handwritten at most 1.5x in time and 2x in peak memory; naive/ours at
least 100x; linear growth from 1/4x to 4x; explain one commune under 5 ms, a province or the
country within 20 ms; the same plan on Polars and DuckDB.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
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

from national_workers import COMPARED, KEYS  # noqa: E402

GOALS = {
    "ours_over_handwritten_time": 1.5,
    "ours_over_handwritten_memory": 2.0,
    "naive_over_ours": 100.0,
    "explain_commune_ms": 5.0,
    "explain_province_or_country_ms": 20.0,
}
NAIVE_EVERY = 100
"""The naive contender runs on every 100th commune: 1% of the observations."""
SCALES = (0.25, 0.5, 1.0, 2.0, 4.0)
TIME = Path("/usr/bin/time") if os.access("/usr/bin/time", os.X_OK) else None
"""GNU time, for the whole-process peak RSS (``-v``); without it, the child's own VmHWM."""
TOLERANCE = 1e-9
TIME_COUNTERS = {
    "Percent of CPU this job got": "cpu_percent",
    "Voluntary context switches": "voluntary_switches",
    "Involuntary context switches": "involuntary_switches",
    "Minor (reclaiming a frame) page faults": "minor_faults",
    "Major (requiring I/O) page faults": "major_faults",
}
"""Counters of ``/usr/bin/time -v`` kept per run: when wall time is far above CPU time, they
show whether the process waited for the CPU (involuntary switches) or for memory (faults)."""


# ---------------------------------------------------------------- running processes


class WorkerFailed(RuntimeError):
    """A contender's process failed; the message carries its stderr."""


def _run(command: list[str], label: str) -> dict[str, Any]:
    """Run one contender process; its JSON figures plus wall time and peak memory."""
    with tempfile.NamedTemporaryFile(prefix="bdg-time-", suffix=".txt", delete=False) as f:
        time_file = Path(f.name)
    full = [str(TIME), "-v", "-o", str(time_file), *command] if TIME else command
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    start_epoch = time.time()
    start = time.perf_counter()
    done = subprocess.run(full, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    time_text = time_file.read_text() if time_file.exists() else ""
    time_file.unlink(missing_ok=True)
    if done.returncode != 0:
        raise WorkerFailed(
            f"{label} failed (exit {done.returncode}): {' '.join(command)}\n{done.stderr}"
        )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall_seconds"] = wall
    figures["load_average_before"] = load
    figures["startup_seconds"] = figures.pop("started_epoch") - start_epoch
    figures["process_seconds"] = wall - figures["write_seconds"]
    peak = cpu = None
    for line in time_text.splitlines():
        if "Maximum resident set size" in line:
            peak = int(line.rsplit(":", 1)[1]) / 1024
        elif "User time (seconds)" in line or "System time (seconds)" in line:
            cpu = (cpu or 0.0) + float(line.rsplit(":", 1)[1])
        for key, name in TIME_COUNTERS.items():
            if key in line:
                figures[name] = int(line.rsplit(":", 1)[1].strip().rstrip("%") or 0)
    figures["cpu_seconds"] = cpu if cpu is not None else figures["cpu_seconds_self"]
    figures["peak_mb"] = peak if peak is not None else figures["hwm_mb"]
    if "extrapolated_compute_seconds" in figures:  # naive: the whole process at full size is
        # its measured part outside the sampled loops plus the sampled loops extrapolated
        sampled = figures["load_seconds"] + figures["judge_seconds"]
        figures["extrapolated_process_seconds"] = (
            figures["process_seconds"] - sampled + figures["extrapolated_compute_seconds"]
        )
    figures["peak_source"] = "/usr/bin/time -v" if peak is not None else "VmHWM"
    return figures


def _worker(name: str, inputs: Path, out: Path, *options: str) -> list[str]:
    contender = "ours" if name == "duckdb" else name
    command = [sys.executable, str(HERE / "national_workers.py"), contender, str(inputs), str(out)]
    if name == "duckdb":
        command += ["--backend", "duckdb"]
    if name == "naive":
        command += ["--every", str(NAIVE_EVERY)]
    return command + list(options)


def _generate(directory: Path, communes: int) -> dict[str, Any]:
    """Write the input files in a separate process (the parent stays small)."""
    command = [
        sys.executable,
        str(HERE / "national_data.py"),
        str(directory),
        "--communes",
        str(communes),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise WorkerFailed(f"generating the data failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _alternate(
    names: list[str], inputs: Path, work: Path, runs: int, progress: str = "  "
) -> dict[str, list[dict[str, Any]]]:
    """``runs`` rounds of every contender in turn (ours, handwritten, duckdb, ours, ...)."""
    done: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for i in range(runs):
        for name in names:
            figures = _run(_worker(name, inputs, work / f"{name}.parquet"), name)
            done[name].append(figures)
            extrapolated = figures.get("extrapolated_process_seconds")
            print(
                f"{progress}run {i + 1}/{runs} {name:<12} {figures['process_seconds']:6.2f} s "
                f"(inside: {figures['compute_seconds']:.2f} s), peak {figures['peak_mb']:6.0f} MB"
                + (f", {extrapolated:.0f} s extrapolated" if extrapolated else ""),
                flush=True,
            )
    return done


# ---------------------------------------------------------------- statistics


def _spread(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


MEASURES = {
    "process_seconds": "whole process minus writing the comparison file",
    "wall_seconds": "whole process",
    "compute_seconds": "inside the process: reading and evaluating (no interpreter start, imports)",
    "cpu_seconds": "whole-process CPU time, user + system (less sensitive to other load)",
    "peak_mb": "whole-process peak RSS",
    "hwm_before_write_mb": "peak RSS before writing the comparison file (VmHWM)",
}


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {measure: _spread([r[measure] for r in runs]) for measure in MEASURES}


def _pairs(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-pair ratios a_i / b_i for every measure."""
    out: dict[str, Any] = {}
    for measure in MEASURES:
        ratios = [x[measure] / y[measure] for x, y in zip(a, b, strict=True)]
        out[measure] = {**_spread(ratios), "pairs": ratios}
    return out


# ---------------------------------------------------------------- comparing


def _differences(ours: Any, other: Any, columns: list[str], examples: int = 5) -> dict[str, Any]:
    """Rows missing on either side, and per column the rows that differ (with examples)."""
    import polars as pl

    inner = ours.join(other, on=KEYS, how="inner", suffix="_other")
    report: dict[str, Any] = {
        "rows_ours": ours.height,
        "rows_other": other.height,
        "rows_matched": inner.height,
        "only_ours": ours.join(other, on=KEYS, how="anti").height,
        "only_other": other.join(ours, on=KEYS, how="anti").height,
        "differing": {},
        "bitwise_differing": {},
        "max_relative_difference": {},
        "examples": {},
    }
    for column in columns:
        a, b = pl.col(column), pl.col(f"{column}_other")
        nulls = a.is_null() != b.is_null()
        if column == "status":
            bad = a.ne_missing(b)
            bitwise = bad
        else:
            scale = pl.max_horizontal(a.abs(), b.abs(), pl.lit(1.0))
            bad = nulls | ((a - b).abs() > scale * TOLERANCE).fill_null(False)
            bitwise = a.ne_missing(b)
        differ = inner.filter(bad)
        report["differing"][column] = differ.height
        report["bitwise_differing"][column] = inner.filter(bitwise).height
        if column != "status":
            relative = ((a - b).abs() / pl.max_horizontal(a.abs(), b.abs(), pl.lit(1.0))).max()
            report["max_relative_difference"][column] = inner.select(relative).item()
        if differ.height:
            shown = list(dict.fromkeys([*KEYS, column, f"{column}_other", "status"]))
            if "status_other" in inner.columns:
                shown.append("status_other")
            report["examples"][column] = differ.select(shown).head(examples).to_dicts()
    return report


def _agreement(work: Path, names: list[str]) -> dict[str, Any]:
    import polars as pl

    tables = {
        name: pl.read_parquet(work / f"{name}.parquet")
        for name in names
        if (work / f"{name}.parquet").exists()
    }
    out: dict[str, Any] = {}
    if "ours" in tables and "handwritten" in tables:
        out["ours_vs_handwritten"] = _differences(tables["ours"], tables["handwritten"], COMPARED)
    if "duckdb" in tables and "handwritten" in tables:
        out["duckdb_vs_handwritten"] = _differences(
            tables["duckdb"], tables["handwritten"], COMPARED
        )
    if "duckdb" in tables and "ours" in tables:
        out["duckdb_vs_ours"] = _differences(tables["duckdb"], tables["ours"], COMPARED)
    if "naive" in tables and "ours" in tables:
        naive = tables["naive"].filter(pl.col("org_unit").str.starts_with("C"))
        sampled = tables["ours"].filter(
            pl.col("org_unit").is_in(naive["org_unit"].unique().implode())
        )
        out["naive_communes_vs_ours"] = _differences(
            sampled, naive, ["value", "status", "threshold", "change_previous"]
        )
    return out


def _agree_line(report: dict[str, Any]) -> str:
    differing = ", ".join(f"{c} {n}" for c, n in report["differing"].items())
    bitwise = ", ".join(
        f"{c} {n} (max {report['max_relative_difference'].get(c) or 0:.1e})"
        for c, n in report["bitwise_differing"].items()
        if n
    )
    return (
        f"{report['rows_matched']:,} rows matched (only one side: {report['only_ours']} / "
        f"{report['only_other']}); differing: {differing}"
        + (f"\n    not bitwise equal (relative difference): {bitwise}" if bitwise else "")
    )


# ---------------------------------------------------------------- environment


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=HERE, check=False)
    return done.stdout.strip()


def _src_state() -> str:
    """A digest of the working tree's changes under src/ (the engine is edited concurrently)."""
    text = _git("diff", "HEAD", "--", "../src") + _git("status", "--porcelain", "--", "../src")
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _environment() -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import polars, duckdb, narwhals, pint; print(polars.__version__, "
            "polars.thread_pool_size(), duckdb.__version__, narwhals.__version__, "
            "pint.__version__)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    versions = done.stdout.split() or ["?"] * 5
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "commit": _git("rev-parse", "--short", "HEAD"),
        "src_modified": bool(_git("status", "--porcelain", "--", "../src")),
        "src_state": _src_state(),
        "cpus": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "polars": versions[0],
        "polars_threads": versions[1],
        "duckdb": versions[2],
        "narwhals": versions[3],
        "pint": versions[4],
        "platform": platform.platform(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "peak_memory_from": "/usr/bin/time -v" if TIME else "VmHWM (no /usr/bin/time)",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


# ---------------------------------------------------------------- the comparison


def compare(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Warm-ups (with explanations), alternating runs, naive, agreement."""
    scale = 0.1 if args.quick else 1.0
    inputs = work / "inputs"
    data = _generate(inputs, _communes(scale))
    figures: dict[str, Any] = {
        "scale": scale,
        "org_units": {
            "country": 1,
            "provinces": 34,
            "communes": data["communes"],
            "total": data["org_units_total"],
        },
        "observation_rows": data["rows"],
        "observations_parquet_bytes": data["observations_bytes"],
        "data_items": 40,
        "years": "2015-2024",
        "targets": 20,
        "expected_results": 20 * data["org_units_total"] * 10,
        "generate_seconds": data["seconds"],
        "runs": args.runs,
        "environment": _environment(),
        "goals": GOALS,
        "measures": MEASURES,
    }
    names = ["ours", "handwritten"] + ([] if args.skip_duckdb else ["duckdb"])
    timed = names + ([] if args.skip_naive else ["naive"])
    print(
        f"data: {data['rows']:,} rows, {data['org_units_total']:,} org units "
        f"({data['communes']:,} communes), written in {data['seconds']:.1f} s",
        flush=True,
    )
    print("warm-up (untimed; ours and duckdb also time explain):", flush=True)
    warmup: dict[str, Any] = {}
    for name in names:
        options = ["--explain"] if name != "handwritten" else []
        if args.profile and name == "ours":
            options.append("--profile")
        warmup[name] = _run(_worker(name, inputs, work / f"warmup_{name}.parquet", *options), name)
        print(f"  {name:<12} {warmup[name]['process_seconds']:6.2f} s", flush=True)
    print(f"alternating runs ({args.runs} each):", flush=True)
    runs = _alternate(timed, inputs, work, args.runs)
    contenders: dict[str, Any] = {
        name: {"summary": _summary(runs[name]), "runs": runs[name]} for name in timed
    }
    ratios = {"ours_over_handwritten": _pairs(runs["ours"], runs["handwritten"])}
    if "duckdb" in runs:
        ratios["duckdb_over_handwritten"] = _pairs(runs["duckdb"], runs["handwritten"])
        ratios["duckdb_over_ours"] = _pairs(runs["duckdb"], runs["ours"])
    if "naive" in runs:
        naive_runs = runs["naive"]
        contenders["naive"]["summary"]["extrapolated_process_seconds"] = _spread(
            [r["extrapolated_process_seconds"] for r in naive_runs]
        )
        ratios["naive_over_ours"] = {
            "process_seconds": _spread(
                [
                    n["extrapolated_process_seconds"] / o["process_seconds"]
                    for n, o in zip(naive_runs, runs["ours"], strict=True)
                ]
            ),
            "compute_seconds": _spread(
                [
                    n["extrapolated_compute_seconds"] / o["compute_seconds"]
                    for n, o in zip(naive_runs, runs["ours"], strict=True)
                ]
            ),
        }
    figures["contenders"] = contenders
    figures["warmup"] = warmup
    figures["explain"] = {name: warmup[name]["explain"] for name in names if name != "handwritten"}
    figures["ratios"] = ratios
    figures["agreement"] = _agreement(work, timed)
    figures["src_state_after"] = _src_state()
    figures["goals_met"] = _goals(figures)
    return figures


def _goals(f: dict[str, Any]) -> dict[str, Any]:
    r = f["ratios"]
    time_ratio = r["ours_over_handwritten"]["process_seconds"]
    memory_ratio = r["ours_over_handwritten"]["peak_mb"]
    explain = f["explain"]["ours"]
    met: dict[str, Any] = {
        "time_ratio_every_pair_at_most_1_5": time_ratio["max"]
        <= GOALS["ours_over_handwritten_time"],
        "time_ratio_median_at_most_1_5": time_ratio["median"]
        <= GOALS["ours_over_handwritten_time"],
        "memory_ratio_every_pair_at_most_2": memory_ratio["max"]
        <= GOALS["ours_over_handwritten_memory"],
        "explain_commune_median_under_5_ms": explain["commune_median_ms"]
        < GOALS["explain_commune_ms"],
        "explain_province_within_20_ms": explain["province_max_ms"]
        <= GOALS["explain_province_or_country_ms"],
        "explain_country_within_20_ms": explain["country_max_ms"]
        <= GOALS["explain_province_or_country_ms"],
    }
    if "naive_over_ours" in r:
        met["naive_over_ours_at_least_100_every_pair"] = (
            r["naive_over_ours"]["process_seconds"]["min"] >= GOALS["naive_over_ours"]
        )
    agreement = f["agreement"].get("ours_vs_handwritten")
    if agreement:
        met["agrees_with_handwritten"] = not any(agreement["differing"].values()) and not (
            agreement["only_ours"] or agreement["only_other"]
        )
    if "duckdb_vs_ours" in f["agreement"]:
        d = f["agreement"]["duckdb_vs_ours"]
        met["duckdb_agrees_with_polars"] = not any(d["differing"].values())
    return met


def _communes(scale: float) -> int:
    import national_data as nd  # polars, but only in the parent, never while a child runs

    return nd.communes_for(scale)


# ---------------------------------------------------------------- scaling


def scaling(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Ours and handwritten (and duckdb with --scaling-duckdb) at 1/4x to 4x."""
    factor = 0.1 if args.quick else 1.0
    names = ["ours", "handwritten"] + (["duckdb"] if args.scaling_duckdb else [])
    rows_out = []
    for scale in args.scales:
        directory = work / f"scale_{scale:g}"
        data = _generate(directory, _communes(scale * factor))
        print(
            f"scale {scale:g}x: {data['rows']:,} rows, {data['communes']:,} communes",
            flush=True,
        )
        runs = _alternate(names, directory, work, args.runs, progress="    ")
        agreement = _agreement(work, names)
        row: dict[str, Any] = {
            "scale": scale * factor,
            "communes": data["communes"],
            "org_units": data["org_units_total"],
            "rows": data["rows"],
            "results": runs["ours"][0]["results"],
            "agreement_ours_vs_handwritten": {
                k: agreement["ours_vs_handwritten"][k]
                for k in ("rows_matched", "only_ours", "only_other", "differing")
            },
        }
        for name in names:
            row[name] = {"summary": _summary(runs[name]), "runs": runs[name]}
        row["ours_over_handwritten"] = {
            m: _spread(
                [a[m] / b[m] for a, b in zip(runs["ours"], runs["handwritten"], strict=True)]
            )
            for m in ("process_seconds", "cpu_seconds", "peak_mb")
        }
        rows_out.append(row)
        shutil.rmtree(directory, ignore_errors=True)
    return {
        "environment": _environment(),
        "runs": args.runs,
        "scales": rows_out,
        "growth": {name: _growth(rows_out, name) for name in names},
    }


def _growth(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """Per million rows, the increments between scales, and the log-log slope (1 = linear), of
    the fastest and the median run at each scale (the fastest is the least disturbed by other
    load; memory hardly varies)."""
    out: dict[str, Any] = {}
    for measure in ("process_seconds", "compute_seconds", "cpu_seconds", "peak_mb"):
        out[measure] = {}
        for statistic in ("min", "median"):
            xs = [r["rows"] / 1e6 for r in rows]
            ys = [r[name]["summary"][measure][statistic] for r in rows]
            increments = [
                (ys[i] - ys[i - 1]) / (xs[i] - xs[i - 1])
                for i in range(1, len(xs))
                if xs[i] > xs[i - 1]
            ]
            slope = last = None
            if len(xs) > 1:
                lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
                mx, my = statistics.fmean(lx), statistics.fmean(ly)
                slope = sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum(
                    (a - mx) ** 2 for a in lx
                )
                last = math.log(ys[-1] / ys[-2]) / math.log(xs[-1] / xs[-2])
            out[measure][statistic] = {
                "values": ys,
                "per_million_rows": [y / x for x, y in zip(xs, ys, strict=True)],
                "increment_per_million_rows": increments,
                "log_log_slope": slope,
                "last_two_scales_slope": last,
            }
    return out


# ---------------------------------------------------------------- printing


def _fmt_spread(s: dict[str, float], digits: int = 2, unit: str = "") -> str:
    return f"{s['median']:.{digits}f}{unit} [{s['min']:.{digits}f}-{s['max']:.{digits}f}]"


def _print(f: dict[str, Any]) -> None:
    env = f["environment"]
    c = f["contenders"]
    print()
    print(
        f"National scale x{f['scale']}: {f['org_units']['total']:,} org units "
        f"({f['org_units']['communes']:,} communes), {f['observation_rows']:,} rows, "
        f"{f['targets']} targets -> {c['ours']['runs'][0]['results']:,} results; "
        f"{f['runs']} alternating runs each"
    )
    print(
        f"{env['cpus']} cores, {env['memory_gb']} GB, Python {env['python']}, Polars "
        f"{env['polars']}, DuckDB {env['duckdb']}, {env['date']}, commit {env['commit']}"
        + (f" (src modified, state {env['src_state']})" if env["src_modified"] else "")
        + ("" if f["src_state_after"] == env["src_state"] else " -- src CHANGED DURING THE RUN")
    )
    print(f"peak memory from {env['peak_memory_from']}; figures: median [min-max]")
    line = "{:<13} {:>20} {:>20} {:>20} {:>20} {:>21}"
    print()
    print(line.format("", "process s", "inside s", "CPU s", "peak MB", "peak before write MB"))
    for name in ("ours", "duckdb", "handwritten"):
        if name not in c:
            continue
        s = c[name]["summary"]
        print(
            line.format(
                name,
                _fmt_spread(s["process_seconds"]),
                _fmt_spread(s["compute_seconds"]),
                _fmt_spread(s["cpu_seconds"]),
                _fmt_spread(s["peak_mb"], 0),
                _fmt_spread(s["hwm_before_write_mb"], 0),
            )
        )
    phases = c["ours"]["runs"][0]["phases_seconds"]
    print(
        "ours phases (run 1): "
        + ", ".join(f"{k} {v:.2f}" for k, v in phases.items())
        + f"; interpreter start {c['ours']['runs'][0]['startup_seconds']:.2f}"
    )
    if "naive" in c:
        n, ns = c["naive"]["runs"][0], c["naive"]["summary"]
        print(
            f"naive pint: {_fmt_spread(ns['process_seconds'])} s measured on "
            f"{n['sample_communes']} communes ({n['sample_rows']:,} rows, "
            f"{n['sample_results']:,} results); extrapolated "
            f"{_fmt_spread(ns['extrapolated_process_seconds'], 0)} s whole process"
        )
    print()
    r = f["ratios"]
    for key, label in (
        ("ours_over_handwritten", "ours/handwritten"),
        ("duckdb_over_handwritten", "duckdb/handwritten"),
        ("duckdb_over_ours", "duckdb/ours"),
    ):
        if key not in r:
            continue
        p = r[key]
        print(
            f"{label:<19} time {_fmt_spread(p['process_seconds'], unit='x')} "
            f"(whole incl. write {_fmt_spread(p['wall_seconds'], unit='x')}, "
            f"inside {_fmt_spread(p['compute_seconds'], unit='x')}, "
            f"CPU {_fmt_spread(p['cpu_seconds'], unit='x')}); "
            f"memory {_fmt_spread(p['peak_mb'], unit='x')}"
        )
    print("  goal: time <= 1.5x, memory <= 2x (per pair; pairs: ours_i / handwritten_i)")
    if "naive_over_ours" in r:
        n = r["naive_over_ours"]
        print(
            f"naive/ours: {_fmt_spread(n['process_seconds'], 0, 'x')} whole process, "
            f"{_fmt_spread(n['compute_seconds'], 0, 'x')} inside (goal >= 100x)"
        )
    print()
    for name, e in f["explain"].items():
        print(
            f"explain ({name}): commune median {e['commune_median_ms']:.1f} ms "
            f"(max {e['commune_max_ms']:.1f}) of 20 after a first call of "
            f"{e['first_call_ms']:.0f} ms; provinces "
            + ", ".join(
                f"{case[0]} {case[1]} {case[2]} {ms:.1f} ms"
                for case, ms in zip(e["province_cases"], e["province_ms"], strict=True)
            )
            + "; country "
            + ", ".join(
                f"{case[0]} {case[2]} {ms:.1f} ms"
                for case, ms in zip(e["country_cases"], e["country_ms"], strict=True)
            )
            + (f"; STATUS MISMATCHES {e['status_mismatches']}" if e["status_mismatches"] else "")
        )
    print()
    for key, report in f["agreement"].items():
        print(f"agreement {key}: {_agree_line(report)}")
        for column, rows in report["examples"].items():
            for row in rows[:3]:
                print(f"    {column}: {row}")
    print()
    print("goals met: " + ", ".join(f"{k}={v}" for k, v in f["goals_met"].items()))


def _print_scaling(s: dict[str, Any]) -> None:
    names = [n for n in ("ours", "handwritten", "duckdb") if n in s["scales"][0]]
    print()
    print(
        f"Scaling, {s['runs']} alternating runs per scale: process seconds fastest (median), "
        "CPU seconds fastest, peak MB median; per million observation rows"
    )
    head = f"{'scale':>6} {'rows':>11} {'results':>10}"
    for name in names:
        head += f" | {name[:5]:>5} s (med)    s/M  cpu/M     MB  MB/M"
    print(head + " | ours/hand t, mem | differing")
    for row in s["scales"]:
        mrows = row["rows"] / 1e6
        text = f"{row['scale']:>5g}x {row['rows']:>11,} {row['results']:>10,}"
        for name in names:
            summary = row[name]["summary"]
            t, tm = summary["process_seconds"]["min"], summary["process_seconds"]["median"]
            cpu, m = summary["cpu_seconds"]["min"], summary["peak_mb"]["median"]
            text += (
                f" | {t:>6.2f} ({tm:>5.2f}) {t / mrows:>6.2f} {cpu / mrows:>6.2f} {m:>6.0f}"
                f" {m / mrows:>5.0f}"
            )
        ratio = row["ours_over_handwritten"]
        text += (
            f" | {ratio['process_seconds']['min']:.2f}-{ratio['process_seconds']['max']:.2f}, "
            f"{ratio['peak_mb']['min']:.2f}-{ratio['peak_mb']['max']:.2f}"
        )
        text += f" | {sum(row['agreement_ours_vs_handwritten']['differing'].values())}"
        print(text)
    for name, growth in s["growth"].items():
        t, cpu, m = (
            growth["process_seconds"]["min"],
            growth["cpu_seconds"]["min"],
            growth["peak_mb"]["median"],
        )
        if t["log_log_slope"] is None:
            continue
        print(
            f"{name}: log-log slope (1 = linear): time {t['log_log_slope']:.2f}, CPU "
            f"{cpu['log_log_slope']:.2f}, memory {m['log_log_slope']:.2f}; last two scales: time "
            f"{t['last_two_scales_slope']:.2f}, CPU {cpu['last_two_scales_slope']:.2f}, memory "
            f"{m['last_two_scales_slope']:.2f}; increments per M rows: s "
            + ", ".join(f"{x:.2f}" for x in t["increment_per_million_rows"])
            + "; MB "
            + ", ".join(f"{x:.0f}" for x in m["increment_per_million_rows"])
        )


# ---------------------------------------------------------------- main


def main() -> int:
    """Run the comparison (or, with --scaling, the scaling sweep) and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/10 scale smoke test")
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per contender")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-duckdb", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile ours in its warm-up")
    parser.add_argument(
        "--scaling", action="store_true", help="run the scaling sweep instead of the comparison"
    )
    parser.add_argument(
        "--scales",
        type=lambda text: [float(x) for x in text.split(",")],
        default=list(SCALES),
        help="comma-separated scales for --scaling (default 0.25,0.5,1,2,4)",
    )
    parser.add_argument("--scaling-duckdb", action="store_true", help="duckdb in --scaling too")
    parser.add_argument("--keep", type=Path, help="keep the work files in this folder")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    results = HERE / "results"
    results.mkdir(exist_ok=True)
    path = results / ("national_scale_quick.json" if args.quick else "national_scale.json")
    existing: dict[str, Any] = {}
    if path.exists():
        try:
            existing = json.loads(path.read_text())
        except ValueError:
            existing = {}
    work = args.keep or Path(tempfile.mkdtemp(prefix="bdg-national-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.scaling:
            sweep = scaling(args, work)
            _print_scaling(sweep)
            figures = {**existing, "scaling": sweep}
        else:
            figures = compare(args, work)
            if "scaling" in existing:
                figures["scaling"] = existing["scaling"]
            _print(figures)
    except WorkerFailed as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    path.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print(f"\nwritten: {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
