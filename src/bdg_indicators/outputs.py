"""Writing files people open: cell text that a spreadsheet cannot take for a formula, and files
that appear whole or not at all.

Every output that writes CSV or XLSX (reports, data-entry forms) passes its text cells through
[`safe_cell`][bdg_indicators.outputs.safe_cell], and every file is written through
[`write_atomically`][bdg_indicators.outputs.write_atomically].
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["FORMULA_STARTS", "json_dumps", "safe_cell", "write_atomically"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make Excel or LibreOffice read a cell's text as a formula (OWASP's
list for CSV injection)."""


def safe_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it and never runs it: a text that starts like a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading apostrophe.

    Only text goes through here, never numbers: ``-5`` written as a number stays a number.

    >>> safe_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("Huyện Ngọc Hồi")
    'Huyện Ngọc Hồi'
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@contextlib.contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write`` with a temporary path in ``path``'s folder, then move the file into place:
    a run that fails half-way leaves no half-written file and the old one untouched.

    The file gets the permissions a newly created file would (``mkstemp`` makes it private).
    """
    target = Path(path)
    with _temporary_beside(target) as temporary:
        write(temporary)
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
        temporary.replace(target)
    return target


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def json_dumps(value: Any) -> str:
    """Valid JSON (RFC 8259), Vietnamese as is, indented: a number that does not exist (NaN,
    infinity) is ``null``."""
    return json.dumps(_finite(value), ensure_ascii=False, indent=2, allow_nan=False)
