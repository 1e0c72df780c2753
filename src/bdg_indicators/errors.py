"""Errors as data: located problems with stable codes, and the exception tree.

Every problem the library finds in user input is a [`Problem`][bdg_indicators.Problem]: a stable
kebab-case ``code`` (listed in [`PROBLEM_CODES`][bdg_indicators.PROBLEM_CODES] and in the docs'
error-code reference), a message, a [`Location`][bdg_indicators.Location] and, where possible, a
hint saying what to do. Functions named ``validate_*`` return problems; functions named ``load_*``
raise one exception that carries all of them.

The exception tree:

    BdgError (Exception)                 every error this library raises
    ├── SpecError (ValueError)           a spec file or spec text has problems
    ├── SpecNotFoundError (LookupError)  no shipped spec has that id, and no file has that path
    ├── FormulaError (ValueError)        a formula does not parse or names unknown things
    ├── UnitError (ValueError)           a unit is unknown or its dimension is wrong
    ├── PeriodError (ValueError)         a period is malformed
    ├── OrgUnitError (ValueError)        an org-unit file has problems
    └── ObservationError (ValueError)    an observations table cannot be read at all

Every exception carries ``problems``, a tuple of [`Problem`][bdg_indicators.Problem].
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

__all__ = [
    "PROBLEM_CODES",
    "BdgError",
    "FormulaError",
    "Location",
    "ObservationError",
    "OrgUnitError",
    "PeriodError",
    "Problem",
    "ProblemCode",
    "Severity",
    "SpecError",
    "SpecNotFoundError",
    "UnitError",
]


class Severity(enum.Enum):
    """How serious a problem is: errors make input invalid, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class ProblemCode:
    """One entry of the error-code catalogue."""

    code: str
    """Stable kebab-case identifier, e.g. ``unknown-key``."""
    title: str
    """A short title."""
    description: str
    """What the problem means and what to do about it."""


def _catalogue(*entries: tuple[str, str, str]) -> Mapping[str, ProblemCode]:
    codes = {code: ProblemCode(code=code, title=t, description=d) for code, t, d in entries}
    return MappingProxyType(codes)


PROBLEM_CODES: Mapping[str, ProblemCode] = _catalogue(
    # --- reading files
    (
        "file-not-found",
        "File not found",
        "The path does not name a readable file. Check the spelling, or give a shipped spec id (`bdg specs` lists them).",
    ),
    (
        "file-too-large",
        "File too large",
        "Spec files are small; a file over the size limit is refused before it is parsed. Split it, or check that the right file was given.",
    ),
    (
        "not-utf8",
        "Not UTF-8",
        "The file is not valid UTF-8 text. Save it as UTF-8 (in Excel or Word: *Save as*, encoding *UTF-8*).",
    ),
    (
        "not-nfc",
        "Decomposed Unicode",
        "The text has characters in decomposed Unicode form (a letter followed by separate combining accents), as some keyboards and PDF copies produce. It is read as its composed (NFC) form, so names still match; re-save the file with composed characters to silence this warning.",
    ),
    # --- YAML
    (
        "yaml-syntax",
        "YAML syntax error",
        "The file is not well-formed YAML. Look at the line shown and the one before it: usually a missing `:`, a bad indentation or an unclosed quote or bracket.",
    ),
    (
        "yaml-duplicate-key",
        "Duplicate key",
        "The same key appears twice in one mapping. Most YAML tools silently keep the last one; here it is an error. Remove or rename one of them.",
    ),
    (
        "yaml-alias",
        "YAML anchors and aliases are not allowed",
        "Spec files may not use `&anchor` / `*alias`: they make files hard to read and can be abused to exhaust memory. Write the value out.",
    ),
    (
        "yaml-too-deep",
        "Nesting too deep",
        "The document nests more levels than any spec needs; it is refused. Check for runaway brackets.",
    ),
    (
        "yaml-too-many-nodes",
        "Document too large",
        "The document has more values than any spec needs; it is refused.",
    ),
    (
        "yaml-multiple-documents",
        "More than one YAML document",
        "A spec file holds one YAML document; remove the extra `---` separators.",
    ),
    (
        "yaml-tag",
        "Explicit YAML tag",
        "Explicit tags such as `!!python/object` are not allowed in spec files. Remove the tag.",
    ),
    (
        "yaml-1-1-ambiguity",
        "Value read differently by YAML 1.1 tools",
        "This plain value (such as `yes`, `no`, `on`, `off`, `1:30` or `010`) means one thing here and another to YAML 1.1 tools (PyYAML reads `yes` as true and `1:30` as 90). Quote it to say you mean text, or write `true`/`false` or a plain number.",
    ),
    # --- structure
    (
        "wrong-type",
        "Wrong type",
        "The value has the wrong type for this key, e.g. text where a number or a list is expected.",
    ),
    ("missing-key", "Missing required key", "A required key is absent. Add it."),
    (
        "unknown-key",
        "Unknown key",
        "The key is not part of the spec format (format version 1). Check the spelling; the hint suggests the closest known key.",
    ),
    (
        "invalid-value",
        "Invalid value",
        "The value is of the right type but not allowed here (for example an empty text, or a value outside the allowed list).",
    ),
    (
        "invalid-id",
        "Invalid identifier",
        "Identifiers of data items, indicators, breakdowns and their values are lowercase ASCII letters, digits and `_`, starting with a letter (e.g. `literacy_rate_15_40`). Labels carry the Vietnamese text.",
    ),
    (
        "duplicate-id",
        "Duplicate id",
        "Two goals, targets, data items or indicators share an id. Ids must be unique within a spec.",
    ),
    (
        "unsupported-format-version",
        "Unsupported format version",
        "`bdg_spec` must be 1, the only version of the format this release reads.",
    ),
    (
        "invalid-number",
        "Invalid number",
        "A number in a spec file is written in machine form: digits, an optional `-` and a `.` for decimals (`97.9`, not `97,9`).",
    ),
    (
        "invalid-quantity",
        "Invalid quantity",
        "A threshold is a number optionally followed by a unit, e.g. `95`, `95 percent`, `0.15 percentage_point`, `35 tỷ đồng`.",
    ),
    # --- references
    (
        "unknown-reference",
        "Unknown reference",
        "The name does not refer to anything defined in this spec or the spec it extends. Check the spelling; the hint suggests the closest name.",
    ),
    (
        "extends-cycle",
        "Cycle in `extends`",
        "Specs extend one another in a circle. Break the cycle.",
    ),
    (
        "formula-cycle",
        "Cycle between indicators",
        "Indicators refer to one another in a circle, so none of them can be computed.",
    ),
    (
        "spec-not-found",
        "Spec not found",
        "No shipped spec has that id and no file has that path. `bdg specs` lists the shipped ids.",
    ),
    # --- formulas
    (
        "formula-syntax",
        "Formula syntax error",
        "The formula does not parse. Formulas use + - * /, parentheses, numbers (with an optional `%`), names of data items and indicators, breakdown selectors `name[sex=female]`, comparisons, `and`/`or`/`not`, and the functions `min`, `max`, `share`.",
    ),
    (
        "formula-unknown-name",
        "Unknown name in formula",
        "The formula names something that is neither a data item nor an indicator of this spec.",
    ),
    (
        "formula-unknown-function",
        "Unknown function",
        "Only `min`, `max` and `share` may be called in formulas.",
    ),
    (
        "formula-arguments",
        "Wrong arguments",
        "The function was called with the wrong number or kind of arguments.",
    ),
    (
        "formula-too-complex",
        "Formula too complex",
        "The formula nests too deeply or is too long to be a real indicator formula.",
    ),
    (
        "formula-type",
        "Formula type error",
        "A comparison is used where a number is expected, or a number where a condition is expected (e.g. the first argument of `share`).",
    ),
    # --- units
    (
        "unknown-unit",
        "Unknown unit",
        "The unit is not in the library's unit registry. See the units reference for the names it knows (person, child, percent, per_1000, tỷ đồng, ...).",
    ),
    (
        "unit-mismatch",
        "Dimension mismatch",
        "The formula's unit has a different dimension from the indicator's declared unit, or two terms of a sum have different dimensions (e.g. people plus money). Check the formula and the units of its data items.",
    ),
    # --- periods and milestones
    (
        "invalid-period",
        "Invalid period",
        "Periods are written `2020` (year), `2020-S1` (first half-year, 6 tháng đầu năm), `2020-Q3` (quarter), `2020-06` (month), `2016/2020` (span of years) or `term:2016/2021` (elected term).",
    ),
    (
        "milestone-condition",
        "Milestone has no single condition",
        "A milestone states exactly one condition: `at_least`, `more_than`, `at_most`, `less_than`, `about` (with `tolerance`), `between`, `equals`, `increase_by` or `reduce_by`.",
    ),
    (
        "milestone-when",
        "Milestone has no single time",
        "A milestone says when it applies with exactly one of `by` (at a period), `every` (each period of a range) or `from` (from a period onward, optionally `until`).",
    ),
    (
        "change-kind-missing",
        "Change target does not say relative or absolute",
        '`increase_by` / `reduce_by` must say `change: relative` (a % of the base value) or `change: absolute` (in the indicator\'s unit; percentage points for a percent indicator). "giảm 0,15% so với năm 2018" is read both ways in practice, so the spec must choose.',
    ),
    (
        "tolerance-missing",
        "`about` without a tolerance",
        'An `about` milestone ("khoảng 60%") needs an explicit `tolerance` in the indicator\'s unit, e.g. `{about: 60, tolerance: 2}`.',
    ),
    (
        "criteria-without-criteria",
        "Per-criterion condition on an indicator without criteria",
        "`each_criterion` applies only to indicators defined by `criteria` (score rules such as the child-friendly commune standard).",
    ),
    (
        "unknown-attribute",
        "Unknown org-unit attribute",
        "The milestone depends on an org-unit attribute that the spec does not declare under `attributes`, or names a value the attribute does not allow.",
    ),
    # --- provenance and extension
    (
        "source-missing",
        "Target without a source",
        "Every target cites its source (clause, wording, verification status). Add `source:`.",
    ),
    (
        "verification-missing",
        "Source without a verification level",
        "Every source says how far it was checked: `verification: official` (against the official text, with `checked_against`), `secondary` (verbatim in a named secondary source, with `seen_in`), `paraphrase` or `unverified`.",
    ),
    (
        "verification-renamed",
        "`status` is now `verification`",
        "`source.status` was replaced by `source.verification`. `verified` meant two things: write `secondary` with `seen_in: <the site or publication>` when the wording was seen in a secondary source, and `official` with `checked_against: <gazette number and page>` only when the official text itself was read.",
    ),
    (
        "verification-unsupported",
        "A verification level without what supports it",
        "`official` needs `checked_against` (the official text read: Công báo number and page, or the issuer's own publication); `secondary` needs `seen_in` (the source the wording was seen in) or `url`.",
    ),
    (
        "legal-target",
        "Inconsistent chỉ tiêu",
        "A goal's `legal_targets` names a chỉ tiêu that no entry `counts_as`, or an entry `counts_as` the id of another entry, or the same chỉ tiêu id appears under two goals. Each chỉ tiêu id is unique in the spec and is made of the entries that name it.",
    ),
    (
        "override-needs-source",
        "Changed milestones without a source",
        "A target that changes the milestones of the spec it extends must cite the document that sets the new values.",
    ),
    (
        "remove-needs-reason",
        "Removal without a reason",
        'Removing a target of the extended spec needs a stated reason: `remove: "lý do ..."`.',
    ),
    (
        "unknown-amendment",
        "Unknown amendment",
        "The target refers to an amendment that the framework does not list under `amendments`.",
    ),
    # --- org units
    (
        "duplicate-org-unit",
        "Duplicate org-unit code",
        "Two org units have the same code on the same days.",
    ),
    (
        "not-comparable",
        "Not comparable across the reorganisation",
        "An org unit's figures cannot be rebuilt for a period when it did not exist: a part of a unit passed to it with no stated weight, or its territory did not pass wholly to units made only of it. Its results have no value rather than a guess.",
    ),
    (
        "org-unit-not-then",
        "Org unit did not exist at the period",
        "A data row names an org unit at a period when no unit of that code existed (it ended, or began later). The hint names the unit that existed then, e.g. the one it was merged into.",
    ),
    (
        "unknown-parent",
        "Unknown parent org unit",
        "The parent code does not name an org unit in the file.",
    ),
    ("org-unit-cycle", "Cycle in org-unit tree", "Org units are their own ancestors."),
    ("csv-format", "Malformed CSV", "The CSV file lacks a required column or has a malformed row."),
    # --- observations (data rows); a rejected row is reported with its file, row and column
    (
        "unreadable-file",
        "File cannot be read as a table",
        "The file is not a CSV, Excel (.xlsx) or Parquet table that can be read. Check the format and the extension.",
    ),
    (
        "missing-column",
        "Missing column",
        "An observations table needs the columns `org_unit`, `period`, `data_item` and `value` (and optionally `source` and one column per breakdown, such as `sex`).",
    ),
    (
        "unused-column",
        "Column not used",
        "The column is neither a required column nor a breakdown of the spec; it is ignored.",
    ),
    (
        "unknown-org-unit",
        "Unknown org unit",
        "The org unit code is not in the org-unit file. Check the code, or add the org unit.",
    ),
    (
        "unknown-data-item",
        "Unknown data item",
        "The data item is not defined in the spec. Check the spelling; the hint suggests the closest id.",
    ),
    (
        "unknown-breakdown-value",
        "Unknown breakdown value",
        "The value in a breakdown column is not one of the breakdown's values (ids or labels).",
    ),
    (
        "breakdown-not-applicable",
        "Breakdown not applicable",
        "The row gives a breakdown value, but the spec does not break this data item down that way.",
    ),
    (
        "missing-value",
        "Missing value",
        "The row has no value. A missing value is not zero: write 0 if zero is meant, or leave the row out.",
    ),
    (
        "negative-count",
        "Negative count",
        "Counts (people, children, communes, cases...) cannot be negative.",
    ),
    (
        "above-maximum",
        "Value above the data item's maximum",
        "The data item declares the largest value it can take (`maximum`, e.g. a criterion's maximum score under 06/QĐ-TTg); a larger value is a reporting error, rejected with its row.",
    ),
    (
        "invalid-bound",
        "Invalid bound",
        "The `bound` column says whether a figure is exact (blank) or a bound: `more_than`/`at_least` (trên, hơn, ít nhất, từ … trở lên), `less_than`/`at_most` (dưới, gần, chưa đến, không quá) or `about` (khoảng, xấp xỉ). A yes/no value cannot be a bound.",
    ),
    (
        "duplicate-row",
        "Duplicate row",
        "Another row has the same org unit, period, data item and breakdown with the same value; this copy is not used.",
    ),
    (
        "conflicting-rows",
        "Conflicting rows",
        "Two rows give different values for the same org unit, period, data item and breakdown; neither is used until one is corrected.",
    ),
    (
        "part-exceeds-whole",
        "Part larger than its whole",
        "The value is larger than the data item it is part of (e.g. literate people more than the population) for the same org unit, period and breakdown.",
    ),
    (
        "ambiguous-number",
        "Ambiguous number",
        'The number can be read two ways (e.g. `1.234` is 1234 in Vietnamese notation but 1.234 in machine notation). Declare the locale of the file (`--locale vi` or `locale="vi"`).',
    ),
    # --- data-entry forms (`bdg template`)
    (
        "no-org-units",
        "No org units for the form",
        "A data-entry form has one row per org unit of a level: give an org-unit file (`--org-units FILE`) that has org units at that level, or a spec that ships one. The hint lists the levels the tree has.",
    ),
    (
        "invalid-form",
        "Damaged data-entry form",
        "The workbook has the hidden sheet of a form made by `bdg template`, but it cannot be read (another format version, or its column map was edited). Make a new form with `bdg template` and copy the figures into it.",
    ),
    (
        "form-other-spec",
        "Form made for another spec",
        "The form was made by `bdg template` for another spec than the one evaluated: its columns may not be the data items this spec expects. Check the spec, or make the form again.",
    ),
    # --- evaluation
    ("unknown-target", "Unknown target", "No target of the spec has that id."),
    (
        "csv-separator",
        "CSV separator",
        "The CSV file separates its columns with a semicolon or a tab rather than a comma (Excel does so under a Vietnamese locale). It is read with that separator; this is a note, nothing to fix unless the columns look wrong.",
    ),
    (
        "value-too-large",
        "Value too large to judge exactly",
        "Values are judged exactly, as integers of up to 128 bits; a formula over these data could need more. Check the units of the data (amounts in đồng where the spec says tỷ đồng?) or simplify the formula.",
    ),
    (
        "no-result",
        "No such result",
        "The evaluation has no result for that org unit and period: there were no data for the period. The hint lists the periods with data.",
    ),
    # --- internal
    (
        "internal-error",
        "Internal error",
        "Something went wrong inside bdg_indicators. This is a bug: please report it with the file that caused it.",
    ),
    # --- claims files (`bdg verify`)
    (
        "claims-format",
        "Not a claims file",
        "A claims file is a YAML mapping with a list `claims:` (and optionally `bdg_claims: 1`, `spec`, `source`, `locale`, and defaults `org_unit` and `period`), or a CSV file whose header has a `value` or `verdict` column. See the claims file format in the docs.",
    ),
    (
        "claim-subject",
        "Claim without a single subject",
        "A value, attainment or milestone claim names exactly one of `target`, `indicator` or `data_item`; a count claim (`12/14`) names a `goal` or nothing (the framework). Verdicts are claimed of targets and indicators only.",
    ),
    (
        "claim-value",
        "Unreadable printed figure",
        "The value is not a figure as a report prints it: a number in the file's locale (`97,9`, `17.101` in `vi`), optionally after a bound word (`trên`, `gần`, `khoảng`) and followed by `%`, `‰`, a scale word (`nghìn`, `triệu`, `tỷ`) or a unit (`đồng`, `đ`, `người`), or a fraction of two whole numbers (`12/14`). Quote it in YAML.",
    ),
    (
        "claim-verdict",
        "Unknown verdict word",
        "A printed verdict is one of `đạt`, `đạt và vượt`, `vượt`, `hoàn thành`, `chưa đạt`, `không đạt`, `chưa hoàn thành`, `đúng tiến độ`, `chậm tiến độ` (or `achieved`, `not achieved`, `met`, `not met`, `on track`, `off track`).",
    ),
)
"""Every problem code the library can report, with its title and what to do."""


@attrs.frozen(kw_only=True)
class Location:
    """Where a problem is: a file with a 1-based line and column, or a table row and column."""

    file: str | None = None
    """The file name or path as the user gave it (``None`` for text given directly)."""
    line: int | None = None
    """1-based line (for tables: the 1-based data row, counting the header as row 1)."""
    column: int | None = None
    """1-based column (for tables: the 1-based column number)."""
    path: tuple[str | int, ...] = ()
    """The path of keys and list indices inside the document, when known."""
    sheet: str | None = None
    """The sheet of a workbook, for a cell of a filled form: then ``line`` and ``column`` are
    the sheet's row and column, printed as the cell (``form.xlsx:Dữ liệu!C7``)."""

    def __str__(self) -> str:
        if self.sheet is not None and self.line is not None and self.column is not None:
            return (
                f"{self.file or '<string>'}:{self.sheet}!{column_letters(self.column)}{self.line}"
            )
        parts = [self.file or "<string>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


def column_letters(column: int) -> str:
    """A spreadsheet's name of a 1-based column: 1 is ``A``, 27 is ``AA``."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _known_code(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in PROBLEM_CODES:
        raise ValueError(f"unknown problem code {value!r}: add it to PROBLEM_CODES")


@attrs.frozen(kw_only=True)
class Problem:
    """One located problem in user input."""

    code: str = attrs.field(validator=_known_code)
    """Stable kebab-case code from [`PROBLEM_CODES`][bdg_indicators.PROBLEM_CODES]."""
    message: str
    """What is wrong, in one sentence."""
    location: Location = attrs.field(factory=Location)
    """Where it is."""
    hint: str | None = None
    """What to do, when the library can tell (e.g. the key that was probably meant)."""
    severity: Severity = Severity.ERROR
    """Errors make the input invalid; warnings are shown but do not."""

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f" Hint: {self.hint}"
        return text

    @property
    def is_error(self) -> bool:
        """Whether the problem makes the input invalid."""
        return self.severity is Severity.ERROR


def did_you_mean(word: str, known: Iterable[str]) -> str | None:
    """The hint ``did you mean `x`?`` naming the known word closest to ``word``, or ``None`` when
    none is close (the one did-you-mean of every message)."""
    import difflib  # only when a hint is needed

    close = difflib.get_close_matches(word, list(known), n=1)
    return f"did you mean `{close[0]}`?" if close else None


class BdgError(Exception):
    """Base class of every exception raised by bdg_indicators.

    ``problems`` lists every problem found; ``str()`` prints them one per line in the form
    ``file:line:col: error[code]: message``.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = (Problem(code="internal-error", message=problems),)
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity error."""
        return tuple(p for p in self.problems if p.is_error)


class SpecError(BdgError, ValueError):
    """A spec file or spec text has problems; ``problems`` lists all of them."""


class SpecNotFoundError(BdgError, LookupError):
    """No shipped spec has the id, and no file has the path."""


class FormulaError(BdgError, ValueError):
    """A formula does not parse, or names unknown data items, indicators or functions."""


class UnitError(BdgError, ValueError):
    """A unit is unknown, or a quantity has the wrong dimension."""


class PeriodError(BdgError, ValueError):
    """A period is malformed."""


class OrgUnitError(BdgError, ValueError):
    """An org-unit file has problems."""


class ObservationError(BdgError, ValueError):
    """An observations table cannot be read at all (rows with problems are rejected instead)."""
