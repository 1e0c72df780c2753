"""Explanations: one result, step by step, from the engine's own tables, for people or as data."""

from . import trace as trace_module  # the module, for BIG_SCOPE
from .text import explanation_dict, explanation_text
from .trace import (
    ChangeFigures,
    ChildValue,
    Contribution,
    Explanation,
    Progress,
    SeriesValue,
    trace,
)

__all__ = [
    "ChangeFigures",
    "ChildValue",
    "Contribution",
    "Explanation",
    "Progress",
    "SeriesValue",
    "explanation_dict",
    "explanation_text",
    "trace",
    "trace_module",
]
