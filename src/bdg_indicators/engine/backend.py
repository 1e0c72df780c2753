"""Backends: where the engine's lazy plan runs (Polars by default, or DuckDB).

The engine writes one plan against Narwhals; a backend only makes its input frames lazy in the
right place and brings the results back as Polars frames, with the same column types whichever
backend ran the plan (DuckDB's 128-bit integers arrive as decimals and are cast back).
"""

from __future__ import annotations

from typing import Any

import attrs
import narwhals as nw

__all__ = ["BACKENDS", "Backend"]

BACKENDS = ("polars", "duckdb")
"""The backends ``evaluate(..., backend=...)`` accepts."""


@attrs.frozen
class Backend:
    """Makes lazy frames for one backend and collects them as Polars frames."""

    name: str = "polars"

    def __attrs_post_init__(self) -> None:
        if self.name not in BACKENDS:
            raise ValueError(f"backend is one of {', '.join(BACKENDS)}")

    def lazy(self, frame: Any) -> nw.LazyFrame[Any]:
        """A Polars DataFrame (or any eager frame Narwhals reads) as a lazy frame here."""
        eager = nw.from_native(frame, eager_only=True)
        if self.name == "polars":
            lazy: nw.LazyFrame[Any] = eager.lazy()
            return lazy
        # DuckDB reads 128-bit integers from Arrow as decimals only
        wide = [name for name, dtype in eager.schema.items() if dtype == nw.Int128]
        if wide:
            eager = eager.with_columns(nw.col(wide).cast(nw.Decimal()))
        made: nw.LazyFrame[Any] = eager.lazy(backend=self.name)
        return made.with_columns(nw.col(wide).cast(nw.Int128)) if wide else made

    def table(self, columns: dict[str, list[Any]], schema: dict[str, Any]) -> nw.LazyFrame[Any]:
        """A small table from columns of Python values."""
        import polars as pl

        native = pl.DataFrame(columns, schema={k: _polars(v) for k, v in schema.items()})
        return self.lazy(native)

    def collect(self, frame: nw.LazyFrame[Any]) -> Any:
        """The result as a ``polars.DataFrame``, with the plan's integer types."""
        import polars as pl

        result = frame.collect(backend="polars").to_native()
        decimals = [name for name, dtype in result.schema.items() if isinstance(dtype, pl.Decimal)]
        if decimals:
            result = result.with_columns(pl.col(decimals).cast(pl.Int128))
        return result


def _polars(dtype: Any) -> Any:
    import polars as pl

    return {
        nw.Int8: pl.Int8,
        nw.Int16: pl.Int16,
        nw.Int32: pl.Int32,
        nw.Int64: pl.Int64,
        nw.Int128: pl.Int128,
        nw.Float64: pl.Float64,
        nw.String: pl.String,
        nw.Boolean: pl.Boolean,
    }[dtype]
