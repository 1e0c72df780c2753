"""The ``bdg`` command: a thin edge over the library.

``main(argv)`` returns the exit code: 0 success, 1 invalid input (problems printed one per line as
``file:line:col: error[code]: message``), 2 usage errors, 3 internal errors (a short message; the
traceback only with ``--debug``).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from typing import Any

import click

from bdg_indicators.errors import BdgError

__all__ = ["cli", "main"]

ISSUES_URL = "https://github.com/bdg-indicators/bdg_indicators/issues"
EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3


def _echo_problems(problems: Sequence[Any]) -> None:
    for problem in problems:
        click.echo(str(problem), err=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show the Python traceback of internal errors.")
@click.version_option(package_name="bdg-indicators", prog_name="bdg")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """bdg: indicator frameworks for child protection and gender equality (bảo vệ, chăm sóc trẻ
    em và bình đẳng giới).

    Specs are given by shipped id (see `bdg specs`) or by path to a YAML file.
    """
    ctx.obj = {"debug": debug}


def _load(source: str) -> Any:
    from bdg_indicators.loading import load_spec

    return load_spec(source)


def _observation_options(function: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--data",
                "data",
                multiple=True,
                metavar="FILE",
                help="Observations (CSV, .xlsx, Parquet); repeatable. Default: the spec's "
                "bundled example data.",
            ),
            click.option(
                "--org-units",
                "org_units",
                metavar="FILE",
                help="Org-unit tree (YAML or CSV), for sums up the tree.",
            ),
            click.option(
                "--locale",
                type=click.Choice(["machine", "vi"]),
                default="machine",
                show_default=True,
                help="Number notation of text values: vi reads 17.101 as 17101, 97,9 as 97.9.",
            ),
            click.option(
                "--method",
                type=click.Choice(["linear", "cagr"]),
                default="linear",
                show_default=True,
                help="Progress method for milestones still ahead.",
            ),
            click.option("--base", metavar="PERIOD", help="Base period for change (e.g. 2018)."),
            click.option(
                "--sheet", metavar="NAME", help="Excel sheet to read (default: the first)."
            ),
            click.option(
                "--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True
            ),
            click.option(
                "--backend",
                type=click.Choice(["polars", "duckdb"]),
                default="polars",
                show_default=True,
                help="Where the evaluation plan runs (duckdb needs the duckdb package).",
            ),
            click.option(
                "--strict", is_flag=True, help="Exit with status 1 if any data row is rejected."
            ),
        ]
    ):
        function = option(function)
    return function


def _stage(message: str) -> Any:
    """A spinner with a message on stderr while a long step runs; silent unless a terminal."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def _evaluate(source: str, options: dict[str, Any], **filters: Any) -> Any:
    from bdg_indicators.evaluation import bundled, evaluate
    from bdg_indicators.observations import read_observations
    from bdg_indicators.orgunit_files import load_org_units

    spec = _load(source)
    tree = load_org_units(options["org_units"]) if options["org_units"] else None
    vi = options["lang"] == "vi"
    with _stage("Đang đọc số liệu…" if vi else "Reading observations…"):
        if options["data"]:
            observations = read_observations(
                list(options["data"]),
                spec,
                org_units=tree,
                locale=options["locale"],
                sheet=options["sheet"],
            )
        else:
            observations, tree = bundled(spec, tree, options["locale"])
    _report_rejections(observations, options["lang"])
    if observations.rows_used == 0:
        if observations.rows_read:
            message = (
                "không dùng được dòng số liệu nào: mọi dòng đều bị loại (xem ở trên)"
                if vi
                else "no data row could be used: every row was rejected (see above)"
            )
        else:
            message = "số liệu không có dòng nào" if vi else "the data has no rows"
        click.echo(message, err=True)
        raise SystemExit(EXIT_INVALID)
    if options["backend"] == "duckdb":
        _need_duckdb()
    used = _number(observations.rows_used, options["lang"])
    with _stage(f"Đang tính trên {used} dòng số liệu…" if vi else f"Evaluating {used} rows…"):
        return evaluate(
            spec,
            observations,
            org_units=tree,
            method=options["method"],
            base=options["base"],
            backend=options["backend"],
            **filters,
        )


def _need_duckdb() -> None:
    import importlib.util

    if importlib.util.find_spec("duckdb") is None:
        raise click.UsageError(
            "--backend duckdb needs the duckdb package: pip install 'bdg-indicators[duckdb]'"
        )


def _number(count: int, lang: str) -> str:
    from bdg_indicators.describe import format_number

    return format_number(count, 0, lang)


def _counts(observations: Any, lang: str = "vi") -> str:
    """Every data row accounted for: read = used + rejected."""
    read, used, rejected = (
        _number(n, lang)
        for n in (observations.rows_read, observations.rows_used, observations.rows_rejected)
    )
    derived = observations.rows_derived
    if lang == "vi":
        text = f"đọc {read} dòng = dùng {used} + loại {rejected}"
        more = f"; dựng thêm {_number(derived, lang)} dòng qua sắp xếp đơn vị hành chính"
    else:
        text = f"rows read {read} = used {used} + rejected {rejected}"
        more = f"; {_number(derived, lang)} rows rebuilt across the reorganisation of org units"
    return text + (more if derived else "")


def _report_rejections(observations: Any, lang: str = "vi") -> None:
    for problem in observations.problems:
        click.echo(str(problem), err=True)
    click.echo(_counts(observations, lang), err=True)


def _finish(result: Any, strict: bool, lang: str = "vi") -> None:
    """The counts again after the results, and the exit status."""
    obs = result.observations
    if obs.rows_rejected:
        click.echo(_counts(obs, lang), err=True)
    if strict and obs.rows_rejected:
        rejected = _number(obs.rows_rejected, lang)
        click.echo(
            f"--strict: {rejected} dòng bị loại"
            if lang == "vi"
            else f"--strict: {rejected} row(s) rejected",
            err=True,
        )
        raise SystemExit(EXIT_INVALID)


def _json(value: Any) -> str:
    """Valid JSON (RFC 8259): a number that does not exist is null."""
    from bdg_indicators.outputs import json_dumps

    return json_dumps(value)


def _unit_name(result: Any, code: str) -> str:
    tree = result.org_units
    return tree[code].name if tree is not None and code in tree.org_units else code


def _console_encoding() -> None:
    """A console that cannot show Vietnamese gets "?" for the characters it lacks, and one
    warning, instead of an error."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
        if encoding not in ("utf8", "utf16", "utf32") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
            if stream is sys.stderr:
                click.echo(
                    f"bdg: bảng mã của cửa sổ lệnh ({encoding}) không hiển thị được tiếng Việt; "
                    "ký tự thiếu được thay bằng '?' (the console's encoding cannot show "
                    "Vietnamese: set PYTHONIOENCODING=utf-8)",
                    err=True,
                )


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - no real stdout
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bdg`` with ``argv`` (default: the process arguments) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    _console_encoding()
    from .words import language_of, use_language

    use_language(cli, language_of(args))
    try:
        cli.main(args=args, prog_name="bdg", standalone_mode=False)
    except BrokenPipeError:  # `bdg … | head`: the reader has gone, nothing more to say
        _quiet_stdout()
        return 0
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INVALID
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except BdgError as exc:
        _echo_problems(exc.problems)
        return EXIT_INVALID
    except SystemExit as exc:
        if type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):  # click met a closed pipe
            _quiet_stdout()
            return 0
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"bdg: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo(
            f"This is a bug in bdg_indicators. Please report it at {ISSUES_URL} with the "
            "command and the files you used"
            + ("." if debug else "; run again as `bdg --debug ...` for details."),
            err=True,
        )
        return EXIT_INTERNAL
    return 0


# The commands, each module a family of them, register on `cli` when imported.
from . import evaluate as _evaluate_commands  # noqa: E402, F401
from . import orgunits as _orgunits  # noqa: E402, F401
from . import report as _report  # noqa: E402, F401
from . import specs as _specs  # noqa: E402, F401
from . import template as _template  # noqa: E402, F401
from . import verify as _verify  # noqa: E402, F401
