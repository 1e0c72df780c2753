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
from .orgunits import OrgUnit, OrgUnitTree, load_org_units, read_org_units
from .periods import Period, PeriodKind, parse_period
from .schema import spec_json_schema
from .spec import (
    Aggregation,
    Amendment,
    Attribute,
    Better,
    Breakdown,
    Change,
    ChangeKind,
    Code,
    Comparison,
    ComparisonOp,
    DataItem,
    Direction,
    Goal,
    Indicator,
    IssuingDocument,
    Label,
    Milestone,
    RemovedTarget,
    Source,
    Spec,
    Target,
    TargetAmendment,
    Threshold,
    ValueKind,
    VerificationStatus,
    When,
    WhenKind,
)

if _TYPE_CHECKING:  # evaluation pulls in Polars and Narwhals: imported on first use only
    from .assessment import PROGRESS_METHODS, Progress, Status, Verdict, compare, judge
    from .cases import CaseResult, ChangeFigures, Contribution, SeriesValue, evaluate_case
    from .evaluation import EvaluationResult, evaluate
    from .explanation import explanation_dict, explanation_text
    from .observations import Observations, read_observations

_LAZY = {
    "PROGRESS_METHODS": "assessment",
    "Progress": "assessment",
    "Status": "assessment",
    "Verdict": "assessment",
    "compare": "assessment",
    "judge": "assessment",
    "CaseResult": "cases",
    "ChangeFigures": "cases",
    "Contribution": "cases",
    "SeriesValue": "cases",
    "evaluate_case": "cases",
    "EvaluationResult": "evaluation",
    "evaluate": "evaluation",
    "explanation_dict": "explanation",
    "explanation_text": "explanation",
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
    "Attribute",
    "BdgError",
    "Better",
    "Breakdown",
    "CaseResult",
    "Change",
    "ChangeFigures",
    "ChangeKind",
    "Code",
    "Comparison",
    "ComparisonOp",
    "Contribution",
    "DataItem",
    "Direction",
    "EvaluationResult",
    "Formula",
    "FormulaError",
    "Goal",
    "Indicator",
    "IssuingDocument",
    "Label",
    "Location",
    "Milestone",
    "ObservationError",
    "Observations",
    "OrgUnit",
    "OrgUnitError",
    "OrgUnitTree",
    "Period",
    "PeriodError",
    "PeriodKind",
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
    "Threshold",
    "UnitError",
    "ValidationReport",
    "ValueKind",
    "Verdict",
    "VerificationStatus",
    "When",
    "WhenKind",
    "compare",
    "evaluate",
    "evaluate_case",
    "explanation_dict",
    "explanation_text",
    "judge",
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
