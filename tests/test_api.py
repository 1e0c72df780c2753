"""The public API: a curated `__all__` that tells the truth."""

from __future__ import annotations

import bdg_indicators


def test_all_is_sorted_and_complete() -> None:
    """`__all__` is sorted, names only things that exist, and has no duplicates."""
    names = bdg_indicators.__all__
    assert list(names) == sorted(names, key=lambda n: (not n.isupper(), n))
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(bdg_indicators, name), name


def test_public_objects_are_exported() -> None:
    """Every public class or function imported into the package is listed in `__all__`."""
    exported = set(bdg_indicators.__all__)
    for name, value in vars(bdg_indicators).items():
        if name.startswith("_") or isinstance(value, type(bdg_indicators)):
            continue
        assert name in exported, f"{name} is public but not in __all__"


def test_exceptions_form_one_tree() -> None:
    """Every exception derives from BdgError and from the builtin it is."""
    for name in bdg_indicators.__all__:
        value = getattr(bdg_indicators, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, bdg_indicators.BdgError)
            if value is not bdg_indicators.BdgError:
                assert issubclass(value, ValueError | LookupError)


def test_lazy_names_resolve() -> None:
    """Evaluation names load on first use and are the objects of their modules."""
    from bdg_indicators import evaluation

    assert bdg_indicators.evaluate is evaluation.evaluate
    assert bdg_indicators.EvaluationResult is evaluation.EvaluationResult
    for name in bdg_indicators._LAZY:
        assert getattr(bdg_indicators, name) is not None


def test_the_results_reference_lists_every_column() -> None:
    """docs/reference/results.md describes every column of the results table, once each."""
    import re
    from pathlib import Path

    from bdg_indicators.engine.table import COLUMNS

    page = (Path(__file__).parent.parent / "docs" / "reference" / "results.md").read_text()
    tables = page.split("## JSON output")[0]
    listed = re.findall(r"^\| `([a-z_]+)` \|", tables, flags=re.MULTILINE)
    assert sorted(listed) == sorted(COLUMNS)
