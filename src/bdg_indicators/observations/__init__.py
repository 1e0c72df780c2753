"""Observations: the data org units report, read from files or dataframes and checked row by row.

An observations table is long and tidy: one row per org unit, period, data item and breakdown,

| org_unit | period  | data_item       | sex    | value | source                       |
|----------|---------|-----------------|--------|-------|------------------------------|
| 612      | 2020-S1 | literate_15_35  |        | 17101 | Báo cáo 419/BC-UBND, mục II  |

with one column per breakdown (blank = total) and an optional ``source`` note. CSV (comma,
semicolon or tab separated), Excel (.xlsx) and Parquet files are read with Polars; any dataframe
(pandas, Polars, PyArrow, a DuckDB relation, ...) is accepted through Narwhals.

Nothing is lost: every row is either used or rejected with a located reason (file, row, column),
and ``rows_read == rows_used + rows_rejected`` (problems of whole tables, such as a missing
column, are ``notes``). Numbers are machine notation (``97.9``) unless the Vietnamese locale is
declared (``locale="vi"``: ``17.101`` is 17101 and ``97,9`` is 97.9); a number that is malformed
under the declared notation is rejected, never guessed.

Values are kept exact: each data item's values are stored as integers scaled by a power of ten
(``num = value * 10**scale``), so sums over org units are exact. Codes are integer ids from
reading onward ([`Observations.encoded`][bdg_indicators.Observations.encoded]); the labelled
view, [`Observations.table`][bdg_indicators.Observations.table], has the codes as text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators.errors import Location, ObservationError, Problem
from bdg_indicators.orgunits import OrgUnitTree
from bdg_indicators.spec import Spec

from .form_cells import FormLayout, Places
from .history import DERIVED, derive
from .rows import REQUIRED_COLUMNS, Checker, Codes
from .sources import read_source
from .tables import drop_duplicates, reject_parts_over_wholes, row_key

if TYPE_CHECKING:
    import polars as pl

__all__ = ["REQUIRED_COLUMNS", "Observations", "read_observations"]


@attrs.frozen(kw_only=True)
class Observations:
    """Checked observations, ready for evaluation, with every rejected row and why."""

    encoded: pl.DataFrame
    """Used rows, with integer codes: ``file`` (index into ``files``), ``row``, ``org_unit``
    (index into ``org_units``), ``period`` (index into ``periods``), ``data_item`` (index into
    the spec's data items), one column per breakdown (0 = total, i + 1 = its i-th value),
    ``num`` (the value times ``10**scales[item]``) and ``source``; and ``bound`` (bits of
    [`rules.bounds`][bdg_indicators.rules.bounds]: 1 the true value may be above ``num``, 2 below,
    3 either) only when some row is a bound."""
    files: tuple[str, ...]
    """The sources, as named in messages."""
    org_units: tuple[str, ...]
    """Org-unit codes by id (the tree's order when read with a tree)."""
    periods: tuple[str, ...]
    """Periods (canonical text) by id."""
    data_items: tuple[str, ...]
    """Data item ids by id (the spec's order)."""
    breakdowns: tuple[str, ...]
    """The breakdown columns of ``encoded``."""
    breakdown_values: Mapping[str, tuple[str, ...]]
    """The values of each breakdown: code ``i + 1`` is ``breakdown_values[b][i]``."""
    scales: Mapping[str, int]
    """Decimals of each data item: a value is ``num / 10**scales[item]``."""
    totals: Mapping[str, int]
    """The sum of ``|num|`` of each data item: no sum of its values is larger."""
    rejected: tuple[Problem, ...]
    """One problem per rejected row, located at its file, row and (where known) column."""
    notes: tuple[Problem, ...]
    """Problems of whole tables: unreadable files, missing or unused columns, separators."""
    rows_read: int
    """Data rows read from all sources."""
    tree: OrgUnitTree | None = None
    """The org-unit tree the codes were checked against, if any."""
    not_comparable: Mapping[tuple[str, str], str] = attrs.field(factory=dict)
    """(org-unit key, period) pairs that others stand for but cannot be summed across the
    reorganisation, with why (``part-without-weight``, ``not-wholly-mapped``)."""
    digests: tuple[str | None, ...] = ()
    """SHA-256 of each file of ``files`` (``None`` for a dataframe), for reproducibility
    stamps."""

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Table notes and rejected rows, in file and row order."""
        return tuple(sorted((*self.notes, *self.rejected), key=_order))

    @property
    def rows_used(self) -> int:
        """Rows read and used for evaluation (not counting derived rows)."""
        return int(self.encoded.height) - self.rows_derived

    @property
    def rows_derived(self) -> int:
        """Rows derived across a reorganisation of org units (file
        [`DERIVED`][bdg_indicators.observations.history.DERIVED]), from rows used."""
        if DERIVED not in self.files:
            return 0
        derived = self.files.index(DERIVED)
        return int((self.encoded.get_column("file") == derived).sum())

    @property
    def rows_rejected(self) -> int:
        """Rows rejected."""
        return len(self.rejected)

    def value(self, item: str, num: int) -> Fraction:
        """The exact value of a stored ``num`` of ``item``."""
        return Fraction(num, 10 ** self.scales.get(item, 0))

    @property
    def table(self) -> pl.DataFrame:
        """The used rows with codes as text (made on each access): ``file``, ``row``,
        ``org_unit``, ``period``, ``data_item``, the breakdowns (null = total), ``num``,
        ``source`` (and ``bound``, the direction's code, null when exact, if some row is a
        bound)."""
        return self.labelled(self.encoded)

    def labelled(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Rows of ``encoded`` with their codes as text."""
        import polars as pl

        def names(column: str, values: tuple[str, ...], start: int = 0) -> pl.Expr:
            ids = list(range(start, start + len(values)))
            return pl.col(column).replace_strict(
                ids, list(values), default=None, return_dtype=pl.String
            )

        return rows.select(
            names("file", self.files),
            "row",
            names("org_unit", self.org_units),
            names("period", self.periods),
            names("data_item", self.data_items),
            *[names(b, self.breakdown_values[b], 1).alias(b) for b in self.breakdowns],
            "num",
            "source",
            *([_bound_codes()] if "bound" in rows.columns else []),
        )

    @property
    def bounded(self) -> bool:
        """Whether some row is a bound (then ``encoded`` has a ``bound`` column)."""
        return "bound" in self.encoded.columns


def _bound_codes() -> pl.Expr:
    import polars as pl

    from bdg_indicators.rules.bounds import DIRECTIONS

    return pl.col("bound").replace_strict(
        list(DIRECTIONS), [d.id for d in DIRECTIONS.values()], default=None, return_dtype=pl.String
    )


def _order(problem: Problem) -> tuple[str, int, int]:
    location = problem.location
    return (location.file or "", location.line or 0, location.column or 0)


def _is_frame(value: Any) -> bool:
    module = type(value).__module__.split(".")[0]
    return module in ("pandas", "polars", "pyarrow", "narwhals", "modin", "cudf", "dask", "duckdb")


def _sources(sources: Any) -> list[Any]:
    if (
        isinstance(sources, str | os.PathLike)
        or not isinstance(sources, Iterable)
        or _is_frame(sources)
    ):
        return [sources]
    return list(sources)


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
    if locale not in ("machine", "vi"):
        raise ValueError("locale is 'machine' or 'vi'")
    units = Codes()
    if org_units is not None:
        units = Codes(names=list(org_units.org_units), fixed=True)
        units.index = {code: i for i, code in enumerate(units.names)}
    checker = Checker(spec=spec, org_units=org_units, locale=locale, org_unit_codes=units)
    frames: list[pl.DataFrame] = []
    files: list[str] = []
    layouts: list[FormLayout | None] = []
    digests: list[str | None] = []
    rows_read = readable = 0
    for source in _sources(sources):
        read = read_source(source, sheet)
        checker.notes.extend(read.problems)
        if read.frame is None:
            continue
        readable += 1
        rows_read += read.frame.height
        files.append(read.name)
        layouts.append(read.layout)
        digests.append(_digest(source))
        if checker.columns_missing(read.frame, read.name):
            for index in range(read.frame.height):  # every row is rejected with its table
                checker.rejected.append(
                    Problem(
                        code="missing-column",
                        message="row not used: the table lacks required columns",
                        location=Location(file=read.name, line=read.first_row + index),
                    )
                )
            continue
        frames.append(
            checker.check(read.frame, len(files) - 1, read.name, read.first_row, read.layout)
        )
    if not readable:
        raise ObservationError(checker.notes)
    places = Places(files=tuple(files), layouts=tuple(layouts))
    observations = _assemble(spec, checker, frames, places, rows_read)
    derived = (None,) * (len(observations.files) - len(digests))  # the derived rows' pseudo-file
    return attrs.evolve(observations, digests=(*digests, *derived))


def _digest(source: Any) -> str | None:
    """SHA-256 of a source file's bytes, ``None`` for a dataframe."""
    import hashlib

    if not isinstance(source, str | os.PathLike):
        return None
    with open(source, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _assemble(
    spec: Spec, checker: Checker, frames: list[pl.DataFrame], places: Places, rows_read: int
) -> Observations:
    """One table from the checked sources (``places``: their names and layouts): common scales,
    duplicates and parts checked."""
    import polars as pl

    breakdowns = tuple(b.id for b in spec.breakdowns if any(b.id in f.columns for f in frames))
    bounded = any("bound" in f.columns and (f.get_column("bound") != 0).any() for f in frames)
    columns = ["file", "row", "org_unit", "period", "data_item", *breakdowns, "num", "dec"]
    bound = ["bound"] if bounded else []
    aligned = [
        f.with_columns(
            [pl.lit(0, pl.Int16).alias(b) for b in breakdowns if b not in f.columns]
            + [pl.lit(0, pl.Int8).alias("bound") for _ in bound if "bound" not in f.columns]
        ).select(*columns, "source", *bound)
        for f in frames
    ]
    schema = {
        "file": pl.UInt16,
        "row": pl.Int64,
        "org_unit": pl.Int32,
        "period": pl.Int32,
        "data_item": pl.Int32,
        **dict.fromkeys(breakdowns, pl.Int16),
        "num": pl.Int64,
        "dec": pl.Int64,
        "source": pl.String,
        **dict.fromkeys(bound, pl.Int8),
    }
    table = pl.concat(aligned) if aligned else pl.DataFrame(schema=schema)
    items = tuple(d.id for d in spec.data_items)
    decimals = dict(table.group_by("data_item").agg(pl.col("dec").max()).iter_rows())
    scales = {items[i]: int(d) for i, d in decimals.items()}
    ids = list(decimals)
    if any(decimals.values()):  # one scale per data item: the most decimals any row has
        table = table.with_columns(
            pl.col("num")
            * pl.lit(10, pl.Int64)
            ** (
                pl.col("data_item").replace_strict(ids, [decimals[i] for i in ids], default=0)
                - pl.col("dec")
            )
        )
    table = table.drop("dec")
    values = {b: spec.breakdown(b).value_ids() for b in breakdowns}
    key_columns = ["org_unit", "period", "data_item", *breakdowns]
    sizes = [
        max(len(checker.org_unit_codes.names), 1),
        max(len(checker.periods.names), 1),
        max(len(items), 1),
        *[len(values[b]) + 1 for b in breakdowns],
    ]
    table = drop_duplicates(
        table, row_key(sizes, key_columns), items, places, scales, checker.rejected
    )
    table = reject_parts_over_wholes(
        table, spec, sizes, key_columns, places, scales, checker.rejected
    )
    files = places.files
    not_comparable: dict[tuple[str, str], str] = {}
    if checker.org_units is not None:
        table, notes, not_comparable = derive(
            table,
            checker.org_units,
            tuple(checker.org_unit_codes.names),
            tuple(checker.periods.names),
            len(files),
        )
        checker.notes.extend(notes)
        if (table.get_column("file") == len(files)).any():
            files = (*files, DERIVED)
    if "bound" in table.columns and not (table.get_column("bound") != 0).any():
        table = table.drop("bound")
    totals = {
        items[i]: int(t)
        for i, t in table.group_by("data_item").agg(pl.col("num").abs().sum()).iter_rows()
    }
    return Observations(
        encoded=table,
        files=files,
        org_units=tuple(checker.org_unit_codes.names),
        periods=tuple(checker.periods.names),
        data_items=items,
        breakdowns=breakdowns,
        breakdown_values=values,
        scales=scales,
        totals=totals,
        rejected=tuple(sorted(checker.rejected, key=_order)),
        notes=tuple(sorted(checker.notes, key=_order)),
        rows_read=rows_read,
        tree=checker.org_units,
        not_comparable=not_comparable,
    )
