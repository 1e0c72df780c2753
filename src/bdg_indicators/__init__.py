"""bdg_indicators: indicator frameworks for child protection and gender equality in Viet Nam.

Load a spec (a shipped id or a YAML file), inspect its goals, targets and milestones, and check
every spec file with located, coded errors:

    >>> import bdg_indicators as bdg
    >>> spec = bdg.load_spec("vn.gender-equality.2011-2020")
    >>> spec.target("4.1").milestones_in_force[0].condition.op.value
    'at_most'
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from .errors import (
    PROBLEM_CODES,
    BdgError,
    FormulaError,
    Location,
    ObservationError,
    OrgUnitError,
    PeriodError,
    Problem,
    ProblemCode,
    Severity,
    SpecError,
    SpecNotFoundError,
    UnitError,
)
from .formulas import Formula, parse_formula
from .loading import (
    ShippedSpec,
    ValidationReport,
    load_spec,
    load_spec_text,
    shipped_specs,
    validate_spec,
    validate_spec_text,
    validate_specs,
)
from .orgunit_files import load_org_units, read_org_units
from .orgunits import OrgUnit, OrgUnitLink, OrgUnitTree
from .periods import Period, PeriodKind, parse_period
from .rules.comparisons import compare
from .rules.progress import METHODS as PROGRESS_METHODS
from .rules.statuses import Status
from .schema import spec_json_schema
from .spec import (
    Aggregation,
    Amendment,
    Better,
    Change,
    ChangeKind,
    Code,
    CodeList,
    Comparison,
    ComparisonOp,
    Counts,
    Coverage,
    DataItem,
    Direction,
    Goal,
    Indicator,
    IssuingDocument,
    Label,
    LegalTarget,
    Milestone,
    Population,
    RemovedTarget,
    Source,
    Spec,
    Target,
    TargetAmendment,
    TargetRule,
    Threshold,
    ValueKind,
    Verification,
    When,
    WhenKind,
)

if _TYPE_CHECKING:  # evaluation pulls in Polars and Narwhals: imported on first use only
    from .evaluation import EvaluationResult, evaluate
    from .explain import (
        ChangeFigures,
        ChildValue,
        Contribution,
        Explanation,
        Progress,
        SeriesValue,
        explanation_dict,
        explanation_text,
    )
    from .observations import Observations, read_observations

_LAZY = {
    "EvaluationResult": "evaluation",
    "evaluate": "evaluation",
    "ChangeFigures": "explain",
    "ChildValue": "explain",
    "Contribution": "explain",
    "Explanation": "explain",
    "Progress": "explain",
    "SeriesValue": "explain",
    "explanation_dict": "explain",
    "explanation_text": "explain",
    "Observations": "observations",
    "read_observations": "observations",
}


def __getattr__(name: str) -> _Any:
    """Import the evaluation names on first use, so that loading specs stays fast."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bdg_indicators' has no attribute {name!r}")


__version__ = "0.1.0.dev0"

__all__ = [
    "PROBLEM_CODES",
    "PROGRESS_METHODS",
    "Aggregation",
    "Amendment",
    "BdgError",
    "Better",
    "Change",
    "ChangeFigures",
    "ChangeKind",
    "ChildValue",
    "Code",
    "CodeList",
    "Comparison",
    "ComparisonOp",
    "Contribution",
    "Counts",
    "Coverage",
    "DataItem",
    "Direction",
    "EvaluationResult",
    "Explanation",
    "Formula",
    "FormulaError",
    "Goal",
    "Indicator",
    "IssuingDocument",
    "Label",
    "LegalTarget",
    "Location",
    "Milestone",
    "ObservationError",
    "Observations",
    "OrgUnit",
    "OrgUnitError",
    "OrgUnitLink",
    "OrgUnitTree",
    "Period",
    "PeriodError",
    "PeriodKind",
    "Population",
    "Problem",
    "ProblemCode",
    "Progress",
    "RemovedTarget",
    "SeriesValue",
    "Severity",
    "ShippedSpec",
    "Source",
    "Spec",
    "SpecError",
    "SpecNotFoundError",
    "Status",
    "Target",
    "TargetAmendment",
    "TargetRule",
    "Threshold",
    "UnitError",
    "ValidationReport",
    "ValueKind",
    "Verification",
    "When",
    "WhenKind",
    "compare",
    "evaluate",
    "explanation_dict",
    "explanation_text",
    "load_org_units",
    "load_spec",
    "load_spec_text",
    "parse_formula",
    "parse_period",
    "read_observations",
    "read_org_units",
    "shipped_specs",
    "spec_json_schema",
    "validate_spec",
    "validate_spec_text",
    "validate_specs",
]
