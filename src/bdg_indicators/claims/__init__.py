"""Claims: the figures a published report prints, read from a claims file and checked.

An auditor types the figures of a report as they are printed (``97,9%``, ``96,245 tỷ đồng``,
``12/14``, ``đạt``) in a claims file ([`file`][bdg_indicators.claims.file]); each printed figure
is read exactly with the interval its precision implies
([`printed`][bdg_indicators.claims.printed]) and compared with the recomputed one
([`check`][bdg_indicators.claims.check]): consistent, inconsistent, or cannot be checked, with
the reason. ``bdg verify`` is the command.
"""

from .check import OUTCOME_WORDS, REASONS, ClaimCheck, Outcome, Reason, Verification, verify
from .file import (
    COUNTS,
    VERDICT_WORDS,
    Claim,
    ClaimKind,
    ClaimsFile,
    load_claims,
    read_claims,
    shipped_claims,
)
from .printed import LOCALES, Printed, Unreadable, parse_printed

__all__ = [
    "COUNTS",
    "LOCALES",
    "OUTCOME_WORDS",
    "REASONS",
    "VERDICT_WORDS",
    "Claim",
    "ClaimCheck",
    "ClaimKind",
    "ClaimsFile",
    "Outcome",
    "Printed",
    "Reason",
    "Unreadable",
    "Verification",
    "load_claims",
    "parse_printed",
    "read_claims",
    "shipped_claims",
    "verify",
]
