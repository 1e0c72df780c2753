"""Observations: the data org units report, read from files or dataframes and checked row by row.

An observations table is long and tidy: one row per org unit, period, data item and breakdown,

| org_unit | period  | data_item       | sex    | value | source                       |
|----------|---------|-----------------|--------|-------|------------------------------|
| 612      | 2020-S1 | literate_15_35  |        | 17101 | Báo cáo 419/BC-UBND, mục II  |

with one column per breakdown (blank = total) and an optional ``source`` note. CSV, Excel
(.xlsx) and Parquet files are read with Polars; any dataframe (pandas, Polars, PyArrow, ...) is
accepted through Narwhals.

Nothing is lost: every row is either used or rejected with a located reason (file, row, column),
and ``rows_read == rows_used + rows_rejected`` (problems of whole tables, such as a missing
column, are ``notes``). Numbers are machine notation (``97.9``) unless the
Vietnamese locale is declared (``locale="vi"``: ``17.101`` is 17101 and ``97,9`` is 97.9); a
number that is malformed under the declared notation is rejected, never guessed.

Values are kept exact: each data item's values are stored as integers scaled by a power of ten
(``num = value * 10**scale``), so sums over org units are exact.
"""

from __future__ import annotations

import difflib
import io
import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from . import units as units_mod
from ._yaml import decode_text
from .errors import Location, ObservationError, Problem, Severity
from .orgunits import OrgUnitTree
from .periods import parse_period
from .spec import Spec, ValueKind

if TYPE_CHECKING:
    import polars as pl

__all__ = ["REQUIRED_COLUMNS", "Observations", "read_observations"]

REQUIRED_COLUMNS = ("org_unit", "period", "data_item", "value")
"""Columns every observations table has."""
MAX_DECIMALS = 9
"""Most decimals a value may have."""

_TRUE = ("true", "1", "có", "yes", "đúng")
_FALSE = ("false", "0", "không", "no", "sai")


@attrs.frozen(kw_only=True)
class Observations:
    """Checked observations, ready for evaluation, with every rejected row and why."""

    table: pl.DataFrame
    """Used rows: ``file``, ``row``, ``org_unit``, ``period``, ``data_item``, one column per
    breakdown (null = total), ``num`` (the value times ``10**scale``) and ``source``."""
    scales: Mapping[str, int]
    """Decimals of each data item: a value is ``num / 10**scales[item]``."""
    breakdowns: tuple[str, ...]
    """The breakdown columns of ``table``."""
    rejected: tuple[Problem, ...]
    """One problem per rejected row, located at its file, row and (where known) column."""
    notes: tuple[Problem, ...]
    """Problems of whole tables: unreadable files, missing or unused columns, encoding."""
    rows_read: int
    """Data rows read from all sources."""

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Table notes and rejected rows, in file and row order."""
        return tuple(sorted((*self.notes, *self.rejected), key=_order))

    @property
    def rows_used(self) -> int:
        """Rows used for evaluation."""
        return int(self.table.height)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected."""
        return len(self.rejected)

    def value(self, item: str, num: int) -> Fraction:
        """The exact value of a stored ``num`` of ``item``."""
        return Fraction(num, 10 ** self.scales.get(item, 0))


def _order(problem: Problem) -> tuple[str, int, int]:
    location = problem.location
    return (location.file or "", location.line or 0, location.column or 0)


# ---------------------------------------------------------------- reading sources


def _display(path: Path) -> str:
    """How a file is named in messages: data shipped with the package relative to it."""
    package = Path(__file__).resolve().parent
    try:
        return "bdg_indicators/" + path.resolve().relative_to(package).as_posix()
    except ValueError:
        return os.fspath(path)


def _read_source(
    source: Any, sheet: str | None
) -> tuple[pl.DataFrame | None, str, int, list[Problem]]:
    """A source as a Polars frame, its name for messages, the row number of its first data row."""
    import polars as pl

    if isinstance(source, str | os.PathLike):
        path = Path(source)
        name = _display(path)
        suffix = path.suffix.lower()
        try:
            if suffix in (".csv", ".txt", ".tsv"):
                data = path.read_bytes()
                text, problems = decode_text(data, name)
                if text is None:
                    return None, name, 2, problems
                frame = pl.read_csv(
                    io.StringIO(text),
                    infer_schema=False,
                    separator="\t" if suffix == ".tsv" else ",",
                )
                return frame, name, 2, problems
            if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
                return (
                    pl.read_excel(path, sheet_name=sheet) if sheet else pl.read_excel(path),
                    name,
                    2,
                    [],
                )
            if suffix == ".parquet":
                return pl.read_parquet(path), name, 1, []
        except FileNotFoundError:
            return (
                None,
                name,
                1,
                [
                    Problem(
                        code="file-not-found", message="no such file", location=Location(file=name)
                    )
                ],
            )
        except Exception as exc:  # readers raise many types for damaged files
            return (
                None,
                name,
                1,
                [
                    Problem(
                        code="unreadable-file",
                        message=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                        location=Location(file=name),
                    )
                ],
            )
        return (
            None,
            name,
            1,
            [
                Problem(
                    code="unreadable-file",
                    message=f"unknown table format `{suffix or '(none)'}`",
                    location=Location(file=name),
                    hint="use .csv, .xlsx or .parquet",
                )
            ],
        )
    import narwhals as nw

    try:
        frame = nw.from_native(source, eager_only=True).to_polars()
    except TypeError:
        raise ObservationError(
            [
                Problem(
                    code="unreadable-file",
                    message=f"{type(source).__name__} is not a dataframe or a path",
                    location=Location(file="<dataframe>"),
                )
            ]
        ) from None
    return frame, "<dataframe>", 1, []


# ---------------------------------------------------------------- checking rows


@attrs.define
class _Checker:
    spec: Spec
    org_units: OrgUnitTree | None
    locale: str
    problems: list[Problem] = attrs.Factory(list)
    """Problems of whole tables."""
    rows: list[Problem] = attrs.Factory(list)
    """One problem per rejected row."""

    def reject(
        self,
        file: str,
        row: int,
        column: str | None,
        columns: Sequence[str],
        code: str,
        message: str,
        hint: str | None = None,
    ) -> None:
        col = columns.index(column) + 1 if column in columns else None
        self.rows.append(
            Problem(
                code=code,
                message=message,
                hint=hint,
                location=Location(
                    file=file, line=row, column=col, path=(column,) if column else ()
                ),
            )
        )

    def check(self, frame: pl.DataFrame, file: str, offset: int) -> pl.DataFrame | None:
        import polars as pl

        columns = list(frame.columns)
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            for column in missing:
                self.problems.append(
                    Problem(
                        code="missing-column",
                        message=f"the table has no column `{column}`",
                        location=Location(file=file, line=1),
                        hint=_close(column, columns, "columns"),
                    )
                )
            return None
        breakdowns = [b.id for b in self.spec.breakdowns if b.id in columns]
        for column in columns:
            if column not in (*REQUIRED_COLUMNS, "source", *breakdowns):
                self.problems.append(
                    Problem(
                        code="unused-column",
                        message=f"column `{column}` is not used",
                        location=Location(file=file, line=1, column=columns.index(column) + 1),
                        severity=Severity.WARNING,
                        hint=_close(column, [b.id for b in self.spec.breakdowns], "breakdowns"),
                    )
                )
        text_columns = ["org_unit", "period", "data_item", *breakdowns]
        frame = (
            frame.with_row_index("row", offset=offset)
            .with_columns(
                *[pl.col(c).cast(pl.String).str.strip_chars().alias(c) for c in text_columns],
                pl.col("source").cast(pl.String)
                if "source" in columns
                else pl.lit(None, dtype=pl.String).alias("source"),
                pl.lit(file).alias("file"),
            )
            .with_columns(
                [
                    pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
                    for c in text_columns
                ]
            )
        )
        reason = pl.lit(None, dtype=pl.String)
        reasons: list[tuple[pl.Expr, str]] = []
        # org units
        if self.org_units is not None:
            known = list(self.org_units.units)
            reasons.append(
                (
                    ~pl.col("org_unit").is_in(known) | pl.col("org_unit").is_null(),
                    "unknown-org-unit",
                )
            )
        else:
            reasons.append((pl.col("org_unit").is_null(), "unknown-org-unit"))
        # data items
        items = {d.id: d for d in self.spec.data_items}
        reasons.append(
            (
                ~pl.col("data_item").is_in(list(items)) | pl.col("data_item").is_null(),
                "unknown-data-item",
            )
        )
        # periods: parse the few distinct texts once
        periods = {}
        for text in frame.get_column("period").drop_nulls().unique().to_list():
            try:
                periods[text] = str(parse_period(text))
            except Exception:  # PeriodError: reported per row below
                continue
        frame = frame.with_columns(
            pl.col("period")
            .replace_strict(periods, default=None, return_dtype=pl.String)
            .alias("period_id")
        )
        reasons.append((pl.col("period_id").is_null(), "invalid-period"))
        # breakdowns: ids or labels, NFC, case-insensitive
        for name in breakdowns:
            spelled = _spellings(self.spec, name)
            allowed = [i.id for i in items.values() if name in i.breakdowns]
            raw_values = frame.get_column(name).drop_nulls().unique().to_list()
            mapping = {raw: spelled.get(_nfc(raw).lower(), "\x00bad") for raw in raw_values}
            frame = frame.with_columns(
                pl.col(name)
                .replace_strict(mapping, default=None, return_dtype=pl.String)
                .alias(f"{name}__id")
            )
            reasons.append(
                (
                    pl.col(name).is_not_null() & (pl.col(f"{name}__id") == "\x00bad"),
                    f"unknown-breakdown-value:{name}",
                )
            )
            reasons.append(
                (
                    pl.col(name).is_not_null() & ~pl.col("data_item").is_in(allowed),
                    f"breakdown-not-applicable:{name}",
                )
            )
        # values
        frame = self.parse_values(frame, items)
        reasons.append((pl.col("value__state") == "missing", "missing-value"))
        reasons.append((pl.col("value__state") == "bad", "invalid-number"))
        reasons.append((pl.col("value__state") == "ambiguous", "ambiguous-number"))
        reasons.append((pl.col("value__state") == "fraction", "invalid-number:count"))
        counts = [i.id for i in items.values() if _is_count(i.unit)]
        reasons.append((pl.col("data_item").is_in(counts) & (pl.col("num") < 0), "negative-count"))
        for condition, code in reversed(reasons):
            reason = pl.when(condition).then(pl.lit(code)).otherwise(reason)
        frame = frame.with_columns(reason.alias("reason"))
        bad = frame.filter(pl.col("reason").is_not_null())
        for row in bad.iter_rows(named=True):
            self.describe(row, columns, breakdowns, items)
        return frame.filter(pl.col("reason").is_null()).select(
            "file",
            "row",
            "org_unit",
            pl.col("period_id").alias("period"),
            "data_item",
            *[pl.col(f"{b}__id").alias(b) for b in breakdowns],
            "num",
            "dec",
            "source",
        )

    def parse_values(self, frame: pl.DataFrame, items: Mapping[str, Any]) -> pl.DataFrame:
        import polars as pl

        booleans = [i.id for i in items.values() if i.kind is ValueKind.BOOLEAN]
        counts = [i.id for i in items.values() if _is_count(i.unit)]
        dtype = frame.schema["value"]
        is_bool = pl.col("data_item").is_in(booleans)
        if dtype == pl.String or dtype == pl.Null:
            v = pl.col("value").cast(pl.String).str.strip_chars()
            lower = v.str.to_lowercase()
            if self.locale == "vi":
                ok = v.str.contains(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
                norm = v.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
                ambiguous = pl.lit(False)
            else:
                ok = v.str.contains(r"^[+-]?\d+(\.\d+)?$")
                norm = v
                ambiguous = v.str.contains(r"^[+-]?\d{1,3}(\.\d{3})+$") & pl.col("data_item").is_in(
                    counts
                )
            dec = norm.str.split(".").list.get(1, null_on_oob=True).str.len_chars().fill_null(0)
            digits = norm.str.replace(".", "", literal=True).cast(pl.Int64, strict=False)
            bool_num = pl.when(lower.is_in(_TRUE)).then(1).when(lower.is_in(_FALSE)).then(0)
            missing = v.is_null() | (v == "")
            frame = frame.with_columns(
                pl.when(is_bool)
                .then(bool_num)
                .otherwise(pl.when(ok & (dec <= MAX_DECIMALS)).then(digits))
                .cast(pl.Int64)
                .alias("num"),
                pl.when(is_bool).then(0).otherwise(dec).cast(pl.Int64).alias("dec"),
                pl.when(missing)
                .then(pl.lit("missing"))
                .when(ambiguous)
                .then(pl.lit("ambiguous"))
                .otherwise(None)
                .alias("value__state"),
            )
        elif dtype == pl.Boolean or dtype.is_integer():
            frame = frame.with_columns(
                pl.col("value").cast(pl.Int64).alias("num"),
                pl.lit(0, pl.Int64).alias("dec"),
                pl.when(pl.col("value").is_null())
                .then(pl.lit("missing"))
                .otherwise(None)
                .alias("value__state"),
            )
        elif dtype.is_float():
            x = pl.col("value").cast(pl.Float64)
            dec_expr: pl.Expr = pl.lit(None, pl.Int64)
            for k in reversed(range(MAX_DECIMALS + 1)):
                scaled = x * 10**k
                dec_expr = (
                    pl.when((scaled - scaled.round()).abs() < 1e-6 * (1 + scaled.abs() * 1e-9))
                    .then(pl.lit(k, pl.Int64))
                    .otherwise(dec_expr)
                )
            frame = frame.with_columns(dec_expr.alias("dec"))
            frame = frame.with_columns(
                (x * pl.lit(10.0) ** pl.col("dec")).round().cast(pl.Int64).alias("num"),
                pl.when(x.is_null() | x.is_nan())
                .then(pl.lit("missing"))
                .when(pl.col("dec").is_null() | ~x.is_finite())
                .then(pl.lit("bad"))
                .otherwise(None)
                .alias("value__state"),
            )
            frame = frame.with_columns(pl.col("dec").fill_null(0))
        else:
            frame = frame.with_columns(
                pl.lit(None, pl.Int64).alias("num"),
                pl.lit(0, pl.Int64).alias("dec"),
                pl.lit("bad").alias("value__state"),
            )
        return frame.with_columns(
            pl.when(pl.col("value__state").is_not_null())
            .then(pl.col("value__state"))
            .when(pl.col("num").is_null())
            .then(pl.lit("bad"))
            .when(
                pl.col("data_item").is_in(counts)
                & (pl.col("dec") > 0)
                & (pl.col("num") % (pl.lit(10, pl.Int64) ** pl.col("dec")) != 0)
            )
            .then(pl.lit("fraction"))
            .otherwise(None)
            .alias("value__state")
        )

    def describe(
        self,
        row: Mapping[str, Any],
        columns: Sequence[str],
        breakdowns: Sequence[str],
        items: Mapping[str, Any],
    ) -> None:
        code, _, extra = str(row["reason"]).partition(":")
        column, message, hint = self.explain(code, extra, row, items)
        self.reject(row["file"], row["row"], column, columns, code, message, hint)

    def explain(
        self, code: str, extra: str, row: Mapping[str, Any], items: Mapping[str, Any]
    ) -> tuple[str, str, str | None]:
        """(column, message, hint) for a rejected row."""
        value, item = row.get("value"), row["data_item"]
        vietnamese = self.locale == "vi"
        if code == "unknown-org-unit":
            if row["org_unit"] is None:
                return "org_unit", "no org unit code", None
            known = list(self.org_units.units) if self.org_units else []
            return (
                "org_unit",
                f"unknown org unit `{row['org_unit']}`",
                _close(row["org_unit"], known, "org units"),
            )
        if code == "unknown-data-item":
            return (
                "data_item",
                f"unknown data item `{item}`",
                _close(str(item), list(items), "data items"),
            )
        if code == "unknown-breakdown-value":
            values = list(self.spec.breakdown(extra).value_ids())
            return (
                extra,
                f"`{row[extra]}` is not a value of `{extra}`",
                _close(str(row[extra]), values, "values"),
            )
        messages: dict[str, tuple[str, str, str | None]] = {
            "invalid-period": (
                "period",
                f"`{row['period']}` is not a period",
                "write 2020, 2020-S1, 2020-Q3, 2020-06 or 2016/2020",
            ),
            "breakdown-not-applicable": (
                extra,
                f"data item `{item}` is not broken down by `{extra}`",
                "leave the column blank for this data item",
            ),
            "missing-value": (
                "value",
                "no value",
                "a missing value is not zero: write 0 if zero is meant",
            ),
            "ambiguous-number": (
                "value",
                f"`{value}` is a count written with a dot: "
                f"{str(value).replace('.', '')} in Vietnamese notation, but {value} in machine "
                "notation",
                "declare the Vietnamese locale (--locale vi) or write the number without "
                "separators",
            ),
            "negative-count": ("value", f"`{value}` is negative, but `{item}` counts", None),
        }
        if code == "invalid-number" and extra == "count":
            return (
                "value",
                f"`{value}` is not a whole number, but `{item}` counts",
                "counts are whole numbers",
            )
        if code == "invalid-number":
            hint = (
                "in Vietnamese notation the dot groups thousands and the comma marks "
                "decimals: 17.101 or 97,9"
                if vietnamese
                else "machine notation: digits and a dot for decimals (97.9); declare the "
                "Vietnamese locale (--locale vi) for 97,9 or 17.101"
            )
            return "value", f"`{value}` is not a number", hint
        return messages[code]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _spellings(spec: Spec, breakdown: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for code in spec.breakdown(breakdown).values:
        for spelling in (code.id, code.label.vi, code.label.en):
            if spelling:
                result[_nfc(spelling).lower()] = code.id
    return result


def _is_count(unit: str) -> bool:
    try:
        return units_mod.dimension_of(unit) == (("[count]", 1),)
    except Exception:  # pragma: no cover - units were checked when the spec loaded
        return False


def _close(word: str, known: Sequence[str], what: str) -> str | None:
    close = difflib.get_close_matches(word, list(known), n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return None if not known or len(known) > 20 else f"known {what}: " + ", ".join(known)


# ---------------------------------------------------------------- whole tables


def _duplicates(
    table: pl.DataFrame,
    breakdowns: Sequence[str],
    scales: Mapping[str, int],
    problems: list[Problem],
) -> pl.DataFrame:
    """Drop duplicate rows (same value: keep the first) and conflicting rows (reject all)."""
    import polars as pl

    key = ["org_unit", "period", "data_item", *breakdowns]
    dupes = table.filter(table.select(key).is_duplicated())
    if dupes.height == 0:
        return table
    dupes = dupes.with_columns(
        pl.col("num").n_unique().over(key).alias("values"),
        pl.col("row").rank("ordinal").over(key).alias("order"),
    )
    drop: set[tuple[str, int]] = set()
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in dupes.sort("file", "row").iter_rows(named=True):
        groups.setdefault(tuple(row[k] for k in key), []).append(row)
    for rows in groups.values():
        first = rows[0]
        if rows[0]["values"] == 1:
            for row in rows[1:]:
                drop.add((row["file"], row["row"]))
                problems.append(
                    Problem(
                        code="duplicate-row",
                        message=f"same as {first['file']} row {first['row']}",
                        location=Location(file=row["file"], line=row["row"]),
                    )
                )
            continue
        for row in rows:
            drop.add((row["file"], row["row"]))
            others = "; ".join(
                f"{o['file']} row {o['row']} says {_show(o, scales)}" for o in rows if o is not row
            )
            problems.append(
                Problem(
                    code="conflicting-rows",
                    message=f"this row says {_show(row, scales)}, but {others}",
                    location=Location(file=row["file"], line=row["row"]),
                    hint="correct or remove one of them",
                )
            )
    keys = pl.DataFrame(
        {"file": [f for f, _ in drop], "row": [r for _, r in drop]},
        schema={"file": pl.String, "row": table.schema["row"]},
    )
    return table.join(keys, on=["file", "row"], how="anti")


def _show(row: Mapping[str, Any], scales: Mapping[str, int]) -> str:
    from .describe import format_number

    return format_number(Fraction(row["num"], 10 ** scales.get(row["data_item"], 0)), None, "en")


def _parts(
    table: pl.DataFrame,
    spec: Spec,
    breakdowns: Sequence[str],
    scales: Mapping[str, int],
    problems: list[Problem],
) -> pl.DataFrame:
    """Reject parts larger than their whole (same org unit, period and breakdown)."""
    import polars as pl

    pairs = [(d.id, d.part_of) for d in spec.data_items if d.part_of is not None]
    if not pairs:
        return table
    key = ["org_unit", "period", *breakdowns]
    common = {p: max(scales.get(p, 0), scales.get(w, 0)) for p, w in pairs}
    mapping = pl.DataFrame(
        {
            "data_item": [p for p, _ in pairs],
            "whole_item": [w for _, w in pairs],
            "part_mult": [10 ** (common[p] - scales.get(p, 0)) for p, _ in pairs],
            "whole_mult": [10 ** (common[p] - scales.get(w, 0)) for p, w in pairs],
        },
        schema={
            "data_item": pl.String,
            "whole_item": pl.String,
            "part_mult": pl.Int64,
            "whole_mult": pl.Int64,
        },
    )
    parts = table.select("file", "row", "data_item", *key, "num").join(
        mapping, on="data_item", how="inner"
    )
    wholes = table.filter(pl.col("data_item").is_in([w for _, w in pairs])).select(
        *key,
        pl.col("data_item").alias("whole_item"),
        pl.col("num").alias("whole_num"),
        pl.col("row").alias("whole_row"),
        pl.col("file").alias("whole_file"),
    )
    over = parts.join(wholes, on=[*key, "whole_item"], how="inner", nulls_equal=True).filter(
        pl.col("num") * pl.col("part_mult") > pl.col("whole_num") * pl.col("whole_mult")
    )
    rejected = []
    for row in over.iter_rows(named=True):
        part, whole = row["data_item"], row["whole_item"]
        rejected.append((row["file"], row["row"]))
        problems.append(
            Problem(
                code="part-exceeds-whole",
                message=f"`{part}` = {_show(row, scales)} is larger than `{whole}` = "
                f"{_show({'num': row['whole_num'], 'data_item': whole}, scales)} "
                f"({row['whole_file']} row {row['whole_row']})",
                location=Location(file=row["file"], line=row["row"]),
            )
        )
    if not rejected:
        return table
    keys = pl.DataFrame(
        {"file": [f for f, _ in rejected], "row": [r for _, r in rejected]},
        schema={"file": pl.String, "row": table.schema["row"]},
    )
    return table.join(keys, on=["file", "row"], how="anti")


def read_observations(
    sources: Any | Iterable[Any],
    spec: Spec,
    *,
    org_units: OrgUnitTree | None = None,
    locale: str = "machine",
    sheet: str | None = None,
) -> Observations:
    """Read and check observations from files (CSV, Excel, Parquet) or dataframes.

    ``sources`` is one path or dataframe, or a list of them. Rows with problems are rejected with
    a located reason, never silently dropped. Raises
    [`ObservationError`][bdg_indicators.ObservationError] only when no source can be read at all.
    """
    import polars as pl

    if locale not in ("machine", "vi"):
        raise ValueError("locale is 'machine' or 'vi'")
    if (
        isinstance(sources, str | os.PathLike)
        or not isinstance(sources, Iterable)
        or _is_frame(sources)
    ):
        sources = [sources]
    checker = _Checker(spec=spec, org_units=org_units, locale=locale)
    frames: list[pl.DataFrame] = []
    rows_read = 0
    readable = 0
    for source in sources:
        frame, name, offset, problems = _read_source(source, sheet)
        checker.problems.extend(problems)
        if frame is None:
            continue
        readable += 1
        rows_read += frame.height
        good = checker.check(frame, name, offset)
        if good is None:  # missing columns: every row is rejected with the table
            for index in range(frame.height):
                checker.rows.append(
                    Problem(
                        code="missing-column",
                        message="row not used: the table lacks required columns",
                        location=Location(file=name, line=offset + index),
                    )
                )
            continue
        frames.append(good)
    if not readable:
        raise ObservationError(checker.problems)
    breakdowns = tuple(b.id for b in spec.breakdowns if any(b.id in f.columns for f in frames))
    aligned = [
        f.with_columns(
            [pl.lit(None, pl.String).alias(b) for b in breakdowns if b not in f.columns]
        ).select(
            "file", "row", "org_unit", "period", "data_item", *breakdowns, "num", "dec", "source"
        )
        for f in frames
    ]
    table = (
        pl.concat(aligned)
        if aligned
        else pl.DataFrame(
            schema={
                "file": pl.String,
                "row": pl.UInt32,
                "org_unit": pl.String,
                "period": pl.String,
                "data_item": pl.String,
                "num": pl.Int64,
                "dec": pl.Int64,
                "source": pl.String,
            }
        )
    )
    scale_rows = table.group_by("data_item").agg(pl.col("dec").max()).iter_rows()
    scales = {item: int(dec) for item, dec in scale_rows}
    table = table.with_columns(
        (
            pl.col("num")
            * pl.lit(10, pl.Int64)
            ** (
                pl.col("data_item").replace_strict(scales, default=0, return_dtype=pl.Int64)
                - pl.col("dec")
            )
        ).alias("num")
    ).drop("dec")
    table = _duplicates(table, breakdowns, scales, checker.rows)
    table = _parts(table, spec, breakdowns, scales, checker.rows)
    return Observations(
        table=table,
        scales=scales,
        breakdowns=breakdowns,
        rejected=tuple(sorted(checker.rows, key=_order)),
        notes=tuple(sorted(checker.problems, key=_order)),
        rows_read=rows_read,
    )


def _is_frame(value: Any) -> bool:
    module = type(value).__module__.split(".")[0]
    return module in ("pandas", "polars", "pyarrow", "narwhals", "modin", "cudf", "dask")
