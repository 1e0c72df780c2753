"""Checking rows: text codes become integer ids, each distinct value checked once, and every
row is used or rejected with its file, row, column and reason.

Codes are resolved on the few distinct values of each column (3,321 communes, 10 periods, ...),
never row by row: a hint ("did you mean ...?") is computed once per distinct unknown value.
"""

from __future__ import annotations

import difflib  # noqa: F401  # tests count the did-you-mean searches through rows.difflib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators import units as units_mod
from bdg_indicators.describe import describe_validity
from bdg_indicators.errors import Location, Problem, Severity, did_you_mean
from bdg_indicators.orgunits import OrgUnitTree
from bdg_indicators.periods import parse_period
from bdg_indicators.rules.bounds import accepted_words, read_bound
from bdg_indicators.spec import Spec, ValueKind

from .form_cells import FormLayout, locate
from .numbers import State, parse_values

if TYPE_CHECKING:
    import polars as pl

__all__ = ["BLANK", "INVALID", "REQUIRED_COLUMNS", "Checker", "Codes"]

REQUIRED_COLUMNS = ("org_unit", "period", "data_item", "value")
"""Columns every observations table has."""
BLANK, INVALID = -1, -2
NOT_THEN = -3
"""The id of a code that named an org unit, but none at the row's period."""
"""Ids of blank and of invalid codes."""
_NOTATION_CODES = ("invalid-number", "ambiguous-number")


@attrs.define
class Codes:
    """Ids of codes, shared by every source read together."""

    names: list[str] = attrs.Factory(list)
    index: dict[str, int] = attrs.Factory(dict)
    fixed: bool = False
    """Whether the list is closed (org units of a tree): unknown codes are invalid."""

    def id(self, code: str) -> int:
        """The id of ``code`` (a new one unless the list is closed)."""
        found = self.index.get(code)
        if found is not None:
            return found
        if self.fixed:
            return INVALID
        self.index[code] = len(self.names)
        self.names.append(code)
        return self.index[code]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _close(word: str, known: Sequence[str], what: str) -> str | None:
    hint = did_you_mean(word, known)
    if hint is not None:
        return hint
    return None if not known or len(known) > 20 else f"known {what}: " + ", ".join(known)


def _is_count(unit: str) -> bool:
    try:
        return units_mod.dimension_of(unit) == (("[count]", 1),)
    except Exception:  # pragma: no cover - units were checked when the spec loaded
        return False


# the reasons a row is rejected, in the order they are checked: (code, column)
_ROW_REASONS: tuple[tuple[str, str], ...] = (
    ("unknown-org-unit", "org_unit"),
    ("unknown-data-item", "data_item"),
    ("invalid-period", "period"),
)
_VALUE_REASONS: tuple[tuple[str, int], ...] = (
    ("missing-value", State.MISSING),
    ("invalid-number", State.BAD),
    ("ambiguous-number", State.AMBIGUOUS),
    ("invalid-number:count", State.FRACTION),
    ("invalid-number:boolean", State.NOT_YES_NO),
    ("invalid-number:digits", State.TOO_LONG),
)


@attrs.define
class Checker:
    """Checks the rows of one or more sources against a spec (and an org-unit tree)."""

    spec: Spec
    org_units: OrgUnitTree | None
    locale: str
    org_unit_codes: Codes
    """The ids of org-unit codes."""
    periods: Codes = attrs.Factory(Codes)
    notes: list[Problem] = attrs.Factory(list)
    """Problems of whole tables."""
    rejected: list[Problem] = attrs.Factory(list)
    """One problem per rejected row."""
    _hints: dict[tuple[str, str], str | None] = attrs.Factory(dict)

    def _maxima(self) -> list[tuple[pl.Expr, str, str]]:
        """A value above its data item's maximum (exactly: ``num / 10**dec > p / q``)."""
        import polars as pl

        found = []
        for i, item in enumerate(self.spec.data_items):
            if item.maximum is None:
                continue
            p, q = item.maximum.numerator, item.maximum.denominator
            scaled = pl.lit(10, pl.Int128).pow(pl.col("dec").cast(pl.Int128))
            above = pl.col("num").cast(pl.Int128) * q > scaled * p
            found.append(
                ((pl.col("data_item") == i) & above, f"above-maximum:{item.maximum}", "value")
            )
        return found

    @property
    def items(self) -> dict[str, int]:
        """Data item ids by name (not the verdicts of ``achieved()``, which no file reports)."""
        return {d.id: i for i, d in enumerate(self.spec.data_items) if d.verdicts_of is None}

    def columns_missing(self, frame: pl.DataFrame, file: str) -> bool:
        """Report missing and unused columns; whether a required one is missing."""
        columns = list(frame.columns)
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        for column in missing:
            self.notes.append(
                Problem(
                    code="missing-column",
                    message=f"the table has no column `{column}`",
                    location=Location(file=file, line=1),
                    hint=_close(column, columns, "columns"),
                )
            )
        breakdowns = [b.id for b in self.spec.breakdowns]
        for column in columns:
            if column not in (*REQUIRED_COLUMNS, "source", "bound", *breakdowns):
                self.notes.append(
                    Problem(
                        code="unused-column",
                        message=f"column `{column}` is not used",
                        location=Location(file=file, line=1, column=columns.index(column) + 1),
                        severity=Severity.WARNING,
                        hint=_close(column, breakdowns, "breakdowns"),
                    )
                )
        return bool(missing)

    # -- codes to ids, on distinct values

    def _encode(self, frame: pl.DataFrame, column: str, resolve: Callable[[str], int]) -> pl.Expr:
        import polars as pl

        raw = frame.get_column(column)
        if raw.dtype != pl.String:
            raw = raw.cast(pl.String)
        # in order of first appearance: new codes (org units without a tree) get their ids so
        distinct = [v for v in raw.unique(maintain_order=True).to_list() if v is not None]
        ids = [resolve(v) if _nfc(v) else BLANK for v in distinct]
        expr = pl.col(column)
        if frame.schema[column] != pl.String:
            expr = expr.cast(pl.String)
        # each distinct text once: as an enum, its position picks the id
        positions = expr.cast(pl.Enum(distinct)).to_physical()
        return (
            pl.lit(pl.Series(ids, dtype=pl.Int32))
            .gather(positions)
            .fill_null(BLANK)
            .alias(f"{column}__id")
        )

    def _bounds(self, frame: pl.DataFrame) -> pl.Expr:
        """The ``bound`` column as bits (0: exact or blank; ``INVALID``: not a known word), each
        distinct text read once."""
        import polars as pl

        raw = frame.get_column("bound").cast(pl.String)
        distinct = [v for v in raw.unique(maintain_order=True).to_list() if v is not None]
        bits = [read_bound(v) for v in distinct]
        ids = [INVALID if b is None else b for b in bits]
        positions = pl.col("bound").cast(pl.String).cast(pl.Enum(distinct)).to_physical()
        return (
            pl.lit(pl.Series(ids, dtype=pl.Int8)).gather(positions).fill_null(0).alias("bound__id")
        )

    def _org_unit(self, code: str) -> int:
        return self.org_unit_codes.id(_nfc(code))

    def _dated(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The org-unit ids resolved at the end of each row's period: the same code at two
        dates may be two units; a code no unit had then is ``NOT_THEN``."""
        import polars as pl

        from bdg_indicators.rules.reorganisation import end_day

        assert self.org_units is not None
        pairs = (
            frame.select(pl.col("org_unit").cast(pl.String).alias("code"), "period__id")
            .unique()
            .filter(pl.col("code").is_not_null(), pl.col("period__id") >= 0)
        )
        ids = []
        for code, period in pairs.iter_rows():
            day = end_day(parse_period(self.periods.names[period]).last)
            unit = self.org_units.resolve(_nfc(code), day)
            if unit is not None:
                ids.append(self.org_unit_codes.id(unit.key))
            else:
                ids.append(NOT_THEN if self.org_units.versions(_nfc(code)) else INVALID)
        dated = pairs.with_columns(pl.Series("dated", ids, dtype=pl.Int32))
        return (
            frame.with_columns(pl.col("org_unit").cast(pl.String).alias("code"))
            .join(dated, on=["code", "period__id"], how="left")
            .with_columns(
                pl.coalesce("dated", pl.col("org_unit__id")).cast(pl.Int32).alias("org_unit__id")
            )
            .drop("code", "dated")
        )

    def _period(self, text: str) -> int:
        try:
            return self.periods.id(str(parse_period(_nfc(text))))
        except Exception:  # PeriodError
            return INVALID

    def _breakdown(self, name: str) -> Callable[[str], int]:
        spelled: dict[str, int] = {}
        for index, code in enumerate(self.spec.breakdown(name).values):
            for spelling in (code.id, code.label.vi, code.label.en):
                if spelling:
                    spelled[unicodedata.normalize("NFC", spelling).lower()] = index + 1
        return lambda raw: spelled.get(_nfc(raw).lower(), INVALID)

    # -- one source

    def check(
        self,
        frame: pl.DataFrame,
        file_id: int,
        file: str,
        offset: int,
        layout: FormLayout | None = None,
    ) -> pl.DataFrame:
        """The usable rows of one source, with integer ids; rejected rows are recorded.

        Args:
            frame: The source's rows.
            file_id: The source's index among the files read together.
            file: The source, as named in messages.
            offset: The number of its first data row.
            layout: Where its rows are, when it is a filled form.

        Returns:
            The usable rows: ``file``, ``row``, the codes as ids, ``num``, ``dec``, ``source``
            (and ``bound`` when the source has one).
        """
        import polars as pl

        columns = list(frame.columns)
        breakdowns = [b.id for b in self.spec.breakdowns if b.id in columns]
        items = self.items
        frame = frame.with_row_index("row", offset=offset).with_columns(
            self._encode(frame, "org_unit", self._org_unit),
            self._encode(frame, "data_item", lambda v: items.get(_nfc(v), INVALID)),
            self._encode(frame, "period", self._period),
            *[self._encode(frame, b, self._breakdown(b)) for b in breakdowns],
        )
        if self.org_units is not None and self.org_units.has_history:
            frame = self._dated(frame)
        frame = frame.rename({"data_item": "data_item__raw"}).with_columns(
            pl.col("data_item__id").alias("data_item")
        )
        booleans = [i for i, d in enumerate(self.spec.data_items) if d.kind is ValueKind.BOOLEAN]
        counts = [i for i, d in enumerate(self.spec.data_items) if _is_count(d.unit)]
        frame = parse_values(frame, self._locale_of(file, layout), booleans, counts)
        bounded = "bound" in columns
        if bounded:
            frame = frame.with_columns(self._bounds(frame))
        reasons: list[tuple[pl.Expr, str, str]] = [
            (pl.col("org_unit__id") == NOT_THEN, "org-unit-not-then", "org_unit"),
            *((pl.col(f"{column}__id") < 0, code, column) for code, column in _ROW_REASONS),
        ]
        for name in breakdowns:
            allowed = [i for i, d in enumerate(self.spec.data_items) if name in d.breakdowns]
            code = pl.col(f"{name}__id")
            reasons.append((code == INVALID, "unknown-breakdown-value", name))
            reasons.append(
                ((code > 0) & ~pl.col("data_item").is_in(allowed), "breakdown-not-applicable", name)
            )
        for code_name, state in _VALUE_REASONS:
            reasons.append((pl.col("state") == state, code_name, "value"))
        reasons.append(
            (pl.col("data_item").is_in(counts) & (pl.col("num") < 0), "negative-count", "value")
        )
        reasons += self._maxima()
        if bounded:
            reasons.append((pl.col("bound__id") == INVALID, "invalid-bound", "bound"))
            reasons.append(
                (
                    pl.col("data_item").is_in(booleans) & (pl.col("bound__id") > 0),
                    "invalid-bound:boolean",
                    "bound",
                )
            )
        frame = frame.with_columns(pl.any_horizontal(*[r[0] for r in reasons]).alias("bad"))
        if frame.get_column("bad").any():  # only then: which reason, for the rows concerned
            reason: pl.Expr = pl.lit(0, pl.Int16)
            for index in reversed(range(len(reasons))):
                reason = (
                    pl.when(reasons[index][0]).then(pl.lit(index + 1, pl.Int16)).otherwise(reason)
                )
            for row in (
                frame.filter("bad").with_columns(reason.alias("reason")).iter_rows(named=True)
            ):
                code_name, column = reasons[row["reason"] - 1][1:]
                self._reject(row, code_name, column, columns, file, layout)
            frame = frame.filter(~pl.col("bad"))
        return frame.select(
            pl.lit(file_id, pl.UInt16).alias("file"),
            pl.col("row").cast(pl.Int64),
            pl.col("org_unit__id").alias("org_unit"),
            pl.col("period__id").alias("period"),
            pl.col("data_item").cast(pl.Int32),
            *[pl.col(f"{b}__id").cast(pl.Int16).clip(lower_bound=0).alias(b) for b in breakdowns],
            "num",
            "dec",
            (
                pl.col("source").cast(pl.String) if "source" in columns else pl.lit(None, pl.String)
            ).alias("source"),
            *([pl.col("bound__id").alias("bound")] if bounded else []),
        )

    def _locale_of(self, file: str, layout: FormLayout | None) -> str:
        """The notation of a source's text cells: a form's own, else the declared one (with a
        note when the form was made for another spec)."""
        if layout is None:
            return self.locale
        if layout.spec not in (None, self.spec.id):
            self.notes.append(_other_spec(file, layout.spec, self.spec.id))
        return layout.locale or self.locale

    # -- rejected rows

    def _reject(
        self,
        row: Mapping[str, Any],
        code: str,
        column: str,
        columns: list[str],
        file: str,
        layout: FormLayout | None,
    ) -> None:
        code, _, extra = code.partition(":")
        message, hint = self._explain(code, extra, column, row)
        if layout is not None and layout.locale and code in _NOTATION_CODES and not extra:
            hint = (
                "a form's text cells are read in machine notation (97.9): type the figure "
                "as a number"
            )
        self.rejected.append(
            Problem(
                code=code,
                message=message,
                hint=hint,
                location=locate(
                    file,
                    row["row"],
                    columns.index(column) + 1 if column in columns else None,
                    column,
                    layout,
                ),
            )
        )

    def _hint(self, kind: str, value: str, known: Callable[[], Sequence[str]]) -> str | None:
        """A did-you-mean hint, computed once per distinct value."""
        key = (kind, value)
        if key not in self._hints:
            self._hints[key] = _close(value, known(), kind)
        return self._hints[key]

    def _not_then(self, code: str, period: str) -> tuple[str, str | None]:
        """ "no org unit `611` existed in 2025", and which did: its versions, and where each
        went."""
        assert self.org_units is not None
        tree = self.org_units
        said = []
        for unit in tree.versions(_nfc(code)):
            went = [tree[link.new] for link in tree.successors(unit.key)]
            text = f"`{code}` was {unit.name} {describe_validity(unit, 'en')}"
            if went:
                names = ", ".join(f"{u.name} ({u.code})" for u in went)
                text += f"; it went into {names} on {tree.successors(unit.key)[0].on}"
            said.append(text)
        return f"no org unit `{code}` existed in {period}", "; ".join(said)

    def _explain(
        self, code: str, extra: str, column: str, row: Mapping[str, Any]
    ) -> tuple[str, str | None]:
        value, item = row.get("value"), row.get("data_item__raw")
        raw = item if column == "data_item" else row.get(column)
        if code == "org-unit-not-then":
            return self._not_then(str(raw), str(row.get("period")))
        if code == "unknown-org-unit":
            if raw is None or not str(raw).strip():
                return "no org unit code", None
            known = list(self.org_units.org_units) if self.org_units else []
            return f"unknown org unit `{raw}`", self._hint("org units", str(raw), lambda: known)
        if code == "unknown-data-item":
            if raw is None or not str(raw).strip():
                return "no data item", None
            return f"unknown data item `{raw}`", self._hint(
                "data items", str(raw), lambda: list(self.items)
            )
        if code == "invalid-period":
            return (
                f"`{raw}` is not a period" if raw else "no period",
                "write 2020, 2020-S1, 2020-Q3, 2020-06 or 2016/2020",
            )
        item_name = self.spec.data_items[row["data_item"]].id if row["data_item"] >= 0 else item
        if code == "unknown-breakdown-value":
            values = list(self.spec.breakdown(column).value_ids())
            return f"`{raw}` is not a value of `{column}`", self._hint(
                "values", str(raw), lambda: values
            )
        if code == "invalid-bound":
            if extra == "boolean":
                return (
                    f"`{raw}`: a yes/no value cannot be a bound, but `{item_name}` is yes/no",
                    "leave the bound blank for yes/no items",
                )
            return f"`{raw}` is not a bound", "leave it blank for an exact figure, or write " + (
                accepted_words()
            )
        if code == "breakdown-not-applicable":
            return (
                f"data item `{item_name}` is not broken down by `{column}`",
                "leave the column blank for this data item",
            )
        return _value_message(code, extra, value, item_name, self.locale == "vi")


def _other_spec(file: str, made_for: str, spec: str) -> Problem:
    return Problem(
        code="form-other-spec",
        message=f"the form was made for spec `{made_for}`, not `{spec}`",
        location=Location(file=file),
        severity=Severity.WARNING,
        hint=f"evaluate it with `bdg evaluate {made_for} --data ...`, or make a form for `{spec}`",
    )


def _value_message(
    code: str, extra: str, value: Any, item: Any, vietnamese: bool
) -> tuple[str, str | None]:
    if code == "missing-value":
        return "no value", "a missing value is not zero: write 0 if zero is meant"
    if code == "ambiguous-number":
        return (
            f"`{value}` is a count written with a dot: {str(value).replace('.', '')} in "
            f"Vietnamese notation, but {value} in machine notation",
            "declare the Vietnamese locale (--locale vi) or write the number without separators",
        )
    if code == "negative-count":
        return f"`{value}` is negative, but `{item}` counts", None
    if code == "above-maximum":
        return (
            f"`{value}` is more than `{item}` can be (its maximum is {extra})",
            "check the value against the scoring rules",
        )
    if extra == "digits":
        return (
            f"`{value}` is too large to be read exactly: its digits, decimals included, must "
            "make a number below 9223372036854775808",
            "write the value in a larger unit (tỷ đồng rather than đồng) and declare that unit",
        )
    if extra == "boolean":
        return (
            f"`{value}` is neither yes nor no, but `{item}` is a yes/no item",
            "write 1 or 0 (có/không, true/false)",
        )
    if extra == "count":
        return f"`{value}` is not a whole number, but `{item}` counts", "counts are whole numbers"
    hint = (
        "in Vietnamese notation the dot groups thousands and the comma marks decimals: "
        "17.101 or 97,9"
        if vietnamese
        else "machine notation: digits and a dot for decimals (97.9); declare the Vietnamese "
        "locale (--locale vi) for 97,9 or 17.101"
    )
    return f"`{value}` is not a number", hint
