"""Code lists: the breakdowns data items are reported by (built-in and declared) and the org-unit
attributes milestones may depend on."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import TypeVar

from bdg_indicators._document import AttributeDoc, BreakdownDoc, structure
from bdg_indicators._yaml import read_yaml
from bdg_indicators.errors import BdgError
from bdg_indicators.spec import Code

from .context import Context, to_label
from .merge import Located

T = TypeVar("T")


@functools.cache
def builtin_breakdowns() -> Mapping[str, BreakdownDoc]:
    """The breakdowns every spec has (a spec may redefine them), from ``data/breakdowns.yaml``."""
    resource = resources.files("bdg_indicators").joinpath("data/breakdowns.yaml")
    doc = read_yaml(resource.read_text("utf-8"), "bdg_indicators/data/breakdowns.yaml")
    value, problems = structure(doc.value, dict[str, BreakdownDoc], (), doc)
    problems = [*doc.problems, *problems]
    if value is None or any(p.is_error for p in problems):  # pragma: no cover - shipped data
        raise BdgError(problems)
    return MappingProxyType(value)


def codes(
    ctx: Context,
    table: Mapping[str, Located],
    cls: type[T],
    builtin: Mapping[str, BreakdownDoc] | None = None,
) -> dict[str, T]:
    result: dict[str, T] = {}
    for key, value in (builtin or {}).items():
        result[key] = cls(
            id=key,
            label=to_label(value.label),  # type: ignore[call-arg]
            values=tuple(Code(id=k, label=to_label(v)) for k, v in value.values.items()),
        )
    for key, entry in table.items():
        doc: BreakdownDoc | AttributeDoc = entry.value
        ctx.check_id(key, entry.at(key=True), "breakdown" if builtin is not None else "attribute")
        for code in doc.values:
            if not re.fullmatch(r"[A-Za-z0-9_]+", code):
                ctx.error(
                    "invalid-id",
                    f"`{code}` is not a valid value id",
                    entry.at("values", code, key=True),
                    "use ASCII letters, digits and `_`; put the text in the label",
                )
        result[key] = cls(
            id=key,
            label=to_label(doc.label),  # type: ignore[call-arg]
            values=tuple(Code(id=k, label=to_label(v)) for k, v in doc.values.items()),
        )
    return result
