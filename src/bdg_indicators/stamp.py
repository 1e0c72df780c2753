"""The reproducibility stamp every report and JSON output carries: what made the figures.

The library version, the spec and every spec it extends (by id and SHA-256 of their text), the
SHA-256 of each data file, the methods by name and version, and the time it was made. The same
command on the same files gives the same stamp but for ``made``.
"""

from __future__ import annotations

import datetime
import os
from importlib import metadata
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from .evaluation import EvaluationResult

__all__ = ["Stamp", "stamp_of"]


@attrs.frozen(kw_only=True)
class Stamp:
    """What made a set of results, for the record of a report."""

    version: str
    """The version of bdg_indicators."""
    spec: str
    """The id of the spec evaluated."""
    specs: tuple[tuple[str, str], ...]
    """(id, SHA-256) of the spec and of every spec it extends, child first (none for a spec
    built in Python)."""
    data: tuple[tuple[str, str | None], ...]
    """(file, SHA-256) of each data file; ``None`` for a dataframe."""
    methods: tuple[str, ...]
    """The methods the results record, as ``name/version``."""
    made: str
    """When, in ISO 8601 with its UTC offset, to the second."""

    def to_dict(self) -> dict[str, Any]:
        """The stamp as JSON-ready data, with stable English keys."""
        return {
            "library": "bdg-indicators",
            "version": self.version,
            "spec": self.spec,
            "specs": [{"id": i, "sha256": d} for i, d in self.specs],
            "data": [{"file": f, "sha256": d} for f, d in self.data],
            "methods": list(self.methods),
            "made": self.made,
        }

    def lines(self, lang: str = "vi") -> list[tuple[str, str]]:
        """(label, text) pairs for a report's footer or information sheet."""
        vi = lang == "vi"
        return [
            ("Phần mềm" if vi else "Software", f"bdg-indicators {self.version}"),
            *((f"{'Bộ chỉ tiêu' if vi else 'Spec'} {i}", f"SHA-256 {d}") for i, d in self.specs),
            *(
                (f"{'Số liệu' if vi else 'Data'} {f}", f"SHA-256 {d}" if d else "dataframe")
                for f, d in self.data
            ),
            ("Phương pháp" if vi else "Methods", ", ".join(self.methods)),
            ("Thời điểm lập" if vi else "Made", self.made),
        ]


def _version() -> str:
    try:
        return metadata.version("bdg-indicators")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


def _now() -> datetime.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    return datetime.datetime.now().astimezone()


def stamp_of(result: EvaluationResult, made: datetime.datetime | None = None) -> Stamp:
    """The stamp of ``result``; ``made`` defaults to now (local time, with its offset), or to
    ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) where that is set, for outputs identical to
    the byte."""
    when = made or _now()
    table = result.table.to_polars()
    methods = sorted(
        {m for column in ("method", "progress_method") for m in table.get_column(column) if m}
    )
    return Stamp(
        version=_version(),
        spec=result.spec.id,
        specs=tuple((t.id, t.sha256) for t in result.spec.texts),
        data=tuple(zip(result.observations.files, result.observations.digests, strict=False)),
        methods=tuple(methods),
        made=when.replace(microsecond=0).isoformat(),
    )
