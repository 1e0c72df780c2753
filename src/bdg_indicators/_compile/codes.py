"""Code lists: the breakdowns data items are reported by (built-in and declared) and the org-unit
attributes milestones may depend on."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

from bdg_indicators._document import CodeListDoc, structure
from bdg_indicators._yaml import read_yaml
from bdg_indicators.errors import BdgError
from bdg_indicators.spec import Code, CodeList

from .context import Context, to_label
from .merge import Located


@functools.cache
def builtin_breakdowns() -> Mapping[str, CodeListDoc]:
    """The breakdowns every spec has (a spec may redefine them), from ``data/breakdowns.yaml``."""
    resource = resources.files("bdg_indicators").joinpath("data/breakdowns.yaml")
    doc = read_yaml(resource.read_text("utf-8"), "bdg_indicators/data/breakdowns.yaml")
    value, problems = structure(doc.value, dict[str, CodeListDoc], (), doc)
    problems = [*doc.problems, *problems]
    if value is None or any(p.is_error for p in problems):  # pragma: no cover - shipped data
        raise BdgError(problems)
    return MappingProxyType(value)


def codes(
    ctx: Context,
    table: Mapping[str, Located],
    what: str,
    builtin: Mapping[str, CodeListDoc] | None = None,
) -> dict[str, CodeList]:
    """The code lists of a spec section (``what`` names one entry), after the built-in ones."""
    result = {key: _code_list(key, doc) for key, doc in (builtin or {}).items()}
    for key, entry in table.items():
        doc: CodeListDoc = entry.value
        ctx.check_id(key, entry.at(key=True), what)
        for code in doc.values:
            if not re.fullmatch(r"[A-Za-z0-9_]+", code):
                ctx.error(
                    "invalid-id",
                    f"`{code}` is not a valid value id",
                    entry.at("values", code, key=True),
                    "use ASCII letters, digits and `_`; put the text in the label",
                )
        result[key] = _code_list(key, doc)
    return result


def _code_list(key: str, doc: CodeListDoc) -> CodeList:
    values = tuple(Code(id=k, label=to_label(v)) for k, v in doc.values.items())
    return CodeList(id=key, label=to_label(doc.label), values=values)
