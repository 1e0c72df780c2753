"""The framework reference pages of the docs, written from the shipped specs by
``docs/framework_pages.py``: each names every chỉ tiêu and entry, and counts every milestone."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bdg_indicators import Verification, load_spec

DOCS = Path(__file__).resolve().parent.parent / "docs"
FRAMEWORKS = [
    "vn.gender-equality.2011-2020",
    "vn.gender-equality.2021-2030",
    "vn.children.2021-2030",
    "vn.child-friendly-communes.2019",
]


def _pages() -> ModuleType:
    name = "bdg_docs_framework_pages"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, DOCS / "framework_pages.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _level_rows(markdown: str) -> dict[str, tuple[int, int, int]]:
    """The rows of the page's closing table: ``{level or "total": (original, amended, total)}``."""
    table = markdown.split("{ #verification }", 1)[1]
    rows: dict[str, tuple[int, int, int]] = {}
    for line in table.splitlines():
        match = re.match(
            r"^\| (`(?P<level>\w+)`|\*\*Total\*\*) \|.*\| (\d+) \| (\d+) \| (\d+) \|$", line
        )
        if match:
            key = match.group("level") or "total"
            rows[key] = (int(match.group(3)), int(match.group(4)), int(match.group(5)))
    return rows


def test_every_national_framework_has_its_page():
    """The shipped national frameworks are the four above, and each has a page in the docs that
    the hook fills in, listed in mkdocs.yml's nav."""
    pages = _pages()
    assert [spec_id for spec_id, _ in pages.national_specs()] == sorted(FRAMEWORKS)
    nav = (DOCS.parent / "mkdocs.yml").read_text("utf-8")
    for spec_id in FRAMEWORKS:
        page = DOCS / pages.PAGES_DIR / pages.page_name(spec_id)
        assert f"<!-- bdg:framework {spec_id} -->" in page.read_text("utf-8")
        assert f"{pages.PAGES_DIR}/{pages.page_name(spec_id)}" in nav


@pytest.mark.parametrize("spec_id", FRAMEWORKS)
def test_page_names_every_chi_tieu_and_entry(spec_id):
    """The page has a heading for every goal, chỉ tiêu and entry of the spec, by id."""
    spec = load_spec(spec_id)
    markdown = _pages().framework_markdown(spec)
    for goal in spec.goals:
        assert f"Mục tiêu `{goal.id}`" in markdown
        for legal in goal.chi_tieu():
            assert f"Chỉ tiêu `{legal.id}`" in markdown
            for entry_id in legal.entries:
                assert f"`{entry_id}`" in markdown
                if entry_id != legal.id:
                    assert f"Entry `{entry_id}`" in markdown
    for _, target in spec.targets():
        assert f"`{target.id}`" in markdown
        assert f"`{target.indicator}`" in markdown
    assert spec.document is not None
    assert spec.document.number in markdown


@pytest.mark.parametrize("spec_id", FRAMEWORKS)
def test_level_table_counts_every_milestone(spec_id):
    """The closing table has a row per verification level, and its counts add up to every
    milestone of every entry, original and amended."""
    spec = load_spec(spec_id)
    rows = _level_rows(_pages().framework_markdown(spec))
    assert set(rows) == {level.value for level in Verification} | {"total"}
    original = sum(len(t.milestones) for _, t in spec.targets())
    amended = sum(len(a.milestones) for _, t in spec.targets() for a in t.amendments)
    levels = [rows[level.value] for level in Verification]
    assert all(o + a == total for o, a, total in levels)
    assert sum(o for o, _, _ in levels) == rows["total"][0] == original
    assert sum(a for _, a, _ in levels) == rows["total"][1] == amended
    assert sum(t for _, _, t in levels) == rows["total"][2] == original + amended


def test_spec_texts_are_escaped():
    """Markdown's special characters in spec texts are escaped, except what a note quotes
    between backticks, which stays code; a text never breaks a table row."""
    text = _pages()._text
    assert text("a | b * c _d_ [e] <f>") == r"a \| b \* c \_d\_ \[e\] &lt;f\>"
    assert text("the `area` breakdown,\n  kept") == "the `area` breakdown, kept"
