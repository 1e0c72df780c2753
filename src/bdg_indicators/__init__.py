"""bdg_indicators: indicator frameworks for child protection and gender equality in Viet Nam.

Load a spec (a shipped id or a YAML file), inspect its goals, targets and milestones, and check
every spec file with located, coded errors:

    >>> import bdg_indicators as bdg
    >>> spec = bdg.load_spec("vn.gender-equality.2011-2020")
    >>> spec.target("4.1").milestones_in_force[0].condition.op.value
    'at_most'
"""

from .errors import (
    PROBLEM_CODES,
    BdgError,
    FormulaError,
    Location,
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

__version__ = "0.1.0.dev0"

__all__ = [
    "PROBLEM_CODES",
    "Aggregation",
    "Amendment",
    "Attribute",
    "BdgError",
    "Better",
    "Breakdown",
    "Change",
    "ChangeKind",
    "Code",
    "Comparison",
    "ComparisonOp",
    "DataItem",
    "Direction",
    "Formula",
    "FormulaError",
    "Goal",
    "Indicator",
    "IssuingDocument",
    "Label",
    "Location",
    "Milestone",
    "OrgUnit",
    "OrgUnitError",
    "OrgUnitTree",
    "Period",
    "PeriodError",
    "PeriodKind",
    "Problem",
    "ProblemCode",
    "RemovedTarget",
    "Severity",
    "ShippedSpec",
    "Source",
    "Spec",
    "SpecError",
    "SpecNotFoundError",
    "Target",
    "TargetAmendment",
    "Threshold",
    "UnitError",
    "ValidationReport",
    "ValueKind",
    "VerificationStatus",
    "When",
    "WhenKind",
    "load_org_units",
    "load_spec",
    "load_spec_text",
    "parse_formula",
    "parse_period",
    "read_org_units",
    "shipped_specs",
    "spec_json_schema",
    "validate_spec",
    "validate_spec_text",
    "validate_specs",
]
