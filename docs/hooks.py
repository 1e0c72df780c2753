"""MkDocs hooks for the bdg_indicators documentation (configured under ``hooks:`` in mkdocs.yml).

Generated content, so that the docs cannot drift from the code:

``<!-- bdg:spec-format -->``
    One table per object of the spec format, from ``bdg_indicators.spec_json_schema()``.
``<!-- bdg:error-codes -->``
    Every problem code, from ``bdg_indicators.PROBLEM_CODES``.
``<!-- bdg:units -->``
    The unit registry (``data/units.txt``) and the Vietnamese spellings ``bdg_indicators.units``
    accepts.
``<!-- bdg:run cwd=DIR exit=N indent=N`` + one ``bdg ...`` command per line + ``-->``
    Runs each command for real (``cwd`` relative to the docs directory) and shows its output,
    indented by ``indent`` spaces (for admonitions). The build warns (and so fails under
    ``--strict``) when the exit status is not ``exit`` (default 0).
``<!-- bdg:python cwd=DIR`` + Python code + ``-->``
    Shows the code, runs it, and shows what it printed; the build warns if it fails (an
    ``assert`` in the code is how a page checks that the library still gives its numbers).
``<!-- bdg:diff OLD NEW -->``
    A unified diff between two files of the docs directory.
``<!-- bdg:changelog -->``
    The repository's ``CHANGELOG.md``, when there is one.
``<!-- bdg:api MODULE NAME... -->`` and ``<!-- bdg:api-complete MODULE -->``
    API documentation of the named objects, and a check that a page documents every name of
    ``MODULE.__all__``.

In the output of ``bdg:run`` and ``bdg:python``, the folder the package is installed in (which
differs from machine to machine) is shown as ``…/bdg_indicators``, so that the pages do not depend
on where the site was built.

The example spec files under ``docs/`` are validated before every build: files named
``broken-*.yaml`` must be invalid, files under a ``traps/`` folder must draw at least one problem,
and every other spec must be valid without warnings.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
import shlex
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.bdg")

_MARKER = re.compile(r"<!--\s*bdg:(?P<name>[a-z-]+)(?P<body>.*?)-->", re.DOTALL)
_ROOT = Path(__file__).resolve().parent.parent

# Standard-library objects the docstrings link to. The build works offline, so instead of
# downloading Python's inventory we register these few URLs (unless an inventory already did).
_EXTERNAL = {
    "fractions.Fraction": "https://docs.python.org/3/library/fractions.html#fractions.Fraction",
    "decimal.Decimal": "https://docs.python.org/3/library/decimal.html#decimal.Decimal",
    "pathlib.Path": "https://docs.python.org/3/library/pathlib.html#pathlib.Path",
}


# ------------------------------------------------------------------ mkdocs events


def on_config(config: Any) -> Any:
    # pymdownx.snippets resolves `base_path` against the working directory; make it the docs
    # directory itself, so that `mkdocs build -f path/to/mkdocs.yml` works from anywhere.
    snippets = config["mdx_configs"].setdefault("pymdownx.snippets", {})
    snippets["base_path"] = [config["docs_dir"]]
    return config


def on_pre_build(config: Any) -> None:
    _check_examples(Path(config["docs_dir"]))


class _Page:
    """What a marker's handler knows: its text, the docs directory, the page, and page state."""

    def __init__(self, docs_dir: Path, where: str) -> None:
        self.docs_dir = docs_dir
        self.where = where
        self.api_names: dict[str, list[str]] = {}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    context = _Page(Path(config["docs_dir"]), page.file.src_uri)
    where = context.where

    def replace(match: re.Match[str]) -> str:
        name, body = match.group("name"), match.group("body")
        handler = _HANDLERS.get(name)
        if handler is None:
            log.warning("%s: unknown marker `bdg:%s`", where, name)
            return match.group(0)
        try:
            return handler(body, context)
        except Exception as exc:  # report, do not crash the build without a location
            log.warning("%s: `bdg:%s` failed: %s: %s", where, name, type(exc).__name__, exc)
            return match.group(0)

    return _MARKER.sub(replace, markdown)


def on_env(env: Any, config: Any, files: Any) -> Any:
    autorefs = config["plugins"].get("autorefs")
    if autorefs is not None:
        for identifier, url in _EXTERNAL.items():
            if identifier not in getattr(autorefs, "_abs_url_map", {}):
                autorefs.register_url(identifier, url)
    return env


# ------------------------------------------------------------------ helpers


def _cell(text: Any) -> str:
    """Text for one cell of a Markdown table."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _options(body: str) -> tuple[dict[str, str], list[str]]:
    """``key=value`` words on the marker's own line, then the following non-empty lines."""
    first, _, rest = body.partition("\n")
    options = dict(word.split("=", 1) for word in shlex.split(first))
    return options, [line.strip() for line in rest.splitlines() if line.strip()]


# ------------------------------------------------------------------ bdg:spec-format


def _words(name: str) -> str:
    """``TargetAmendment`` -> ``target amendment``."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def _def_anchor(name: str) -> str:
    return "key-" + _words(name).replace(" ", "-")


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{_words(name)}](#{_def_anchor(name)})"
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if "anyOf" in schema:
        kinds = {s.get("type") for s in schema["anyOf"]}
        if kinds == {"string", "number"}:
            return "text"
        return " or ".join(_type(s) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind == "array":
        return "list of " + _type(schema["items"])
    if kind == "object" and "additionalProperties" in schema:
        return "mapping of id → " + _type(schema["additionalProperties"])
    if kind == "integer":
        return "whole number"
    if kind == "string":
        return "text"
    if kind in ("number", "boolean"):
        return str(kind)
    raise ValueError(f"no description for schema {schema!r}")


def _refs(schema: Any) -> list[str]:
    """The $defs names a schema refers to, in order of first appearance."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                if name not in found:
                    found.append(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def _properties_table(schema: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", ()))
    lines = ["| Key | Type | Required | Description |", "|---|---|---|---|"]
    for key, prop in schema.get("properties", {}).items():
        lines.append(
            f"| `{key}` | {_cell(_type(prop))} | {'yes' if key in required else ''} "
            f"| {_cell(prop.get('description', ''))} |"
        )
    return lines


_TOP_LEVEL = "[top level](#key-top-level)"


def spec_format(body: str, page: _Page) -> str:
    from bdg_indicators import spec_json_schema

    schema = spec_json_schema()
    defs: dict[str, Any] = schema["$defs"]

    # Order: breadth-first from the top level, objects first, the shared value types last.
    order: list[str] = []
    queue = list(_refs(schema["properties"]))
    while queue:
        name = queue.pop(0)
        if name in order:
            continue
        order.append(name)
        queue.extend(n for n in _refs(defs[name]) if n not in order)
    order += [name for name in defs if name not in order]
    objects = [n for n in order if "properties" in defs[n] and n not in ("Label",)]
    shared = [n for n in order if n not in objects]

    # where each definition is used: {name: {owner link: [keys]}}
    used: dict[str, dict[str, list[str]]] = {name: {} for name in defs}
    for owner, owner_schema in [("", schema), *defs.items()]:
        link = f"[{_words(owner)}](#{_def_anchor(owner)})" if owner else _TOP_LEVEL
        for key, prop in owner_schema.get("properties", {}).items():
            for name in _refs(prop):
                used[name].setdefault(link, []).append(f"`{key}`")
    used_in = {
        name: [f"{link} ({', '.join(keys)})" for link, keys in owners.items()]
        for name, owners in used.items()
    }

    out = [
        "### Top level { #key-top-level }",
        "",
        _cell(schema.get("description", "")),
        "",
        *_properties_table(schema),
        "",
    ]
    for name in objects:
        definition = defs[name]
        out += [f"### {_words(name).capitalize()} {{ #{_def_anchor(name)} }}", ""]
        if definition.get("description"):
            out += [_cell(definition["description"]), ""]
        if used_in[name]:
            out += ["Used in: " + ", ".join(used_in[name]) + ".", ""]
        out += [*_properties_table(definition), ""]
    out += ["### Shared value types { #key-shared-types }", ""]
    for name in shared:
        definition = defs[name]
        out += [f"#### {_words(name).capitalize()} {{ #{_def_anchor(name)} }}", ""]
        if definition.get("description"):
            out += [_cell(definition["description"]), ""]
        if used_in[name]:
            out += ["Used in: " + ", ".join(used_in[name]) + ".", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ bdg:error-codes


def error_codes(body: str, page: _Page) -> str:
    from bdg_indicators import PROBLEM_CODES

    out = ["| Code | Title |", "|---|---|"]
    for code, entry in PROBLEM_CODES.items():
        out.append(f"| [`{code}`](#{code}) | {_cell(entry.title)} |")
    out.append("")
    for code, entry in PROBLEM_CODES.items():
        out += [f"### `{code}` {{ #{code} }}", "", f"**{entry.title}.** {entry.description}", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ bdg:units


_UNIT_LINE = re.compile(r"^(?P<name>[^\s=#]+)\s*=\s*(?P<rest>.+)$")


def units(body: str, page: _Page) -> str:
    from importlib import resources

    from bdg_indicators import units as units_mod

    text = resources.files("bdg_indicators").joinpath("data/units.txt").read_text("utf-8")
    out: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if table:
            out.extend(["| Unit | Defined as | Also written |", "|---|---|---|", *table, ""])
            table.clear()

    for line in text.splitlines():
        heading = re.match(r"#\s*-{2,}\s*(.+)$", line)
        if heading:
            flush()
            title, _, note = (part.strip() for part in heading.group(1).partition(":"))
            out += [f"### {title[:1].upper()}{title[1:]}", ""]
            if note:
                out += [f"{note[:1].upper()}{note[1:]}.", ""]
            continue
        match = _UNIT_LINE.match(line.strip())
        if not match:
            continue
        parts = [p.strip() for p in match.group("rest").split("=")]
        definition, symbol, aliases = parts[0], parts[1:2], parts[2:]
        spellings = [s for s in symbol if s != "_"] + aliases
        if definition.startswith("["):
            definition = f"base unit of {definition.strip('[]')}"
        table.append(
            f"| `{match.group('name')}` | {_cell(definition)} | "
            + ", ".join(f"`{s}`" for s in spellings)
            + " |"
        )
    flush()

    out += [
        "### Vietnamese and multi-word spellings { #aliases }",
        "",
        "These spellings are accepted wherever a unit is written (in `unit:` and after a number), "
        "and are translated to the registry name before the unit is looked up.",
        "",
        "| Written | Registry unit |",
        "|---|---|",
    ]
    for written, name in units_mod._ALIASES:
        out.append(f"| `{_cell(written)}` | `{name}` |")
    return "\n".join(out)


# ------------------------------------------------------------------ bdg:run


def _short_paths(text: str) -> str:
    """``/where/it/is/installed/bdg_indicators/specs/...`` -> ``…/bdg_indicators/specs/...``."""
    import bdg_indicators

    package = Path(bdg_indicators.__file__).resolve().parent
    return text.replace(str(package), "…/bdg_indicators")


def _run_bdg(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``bdg`` in this process, in ``cwd``; return its exit status and everything it printed."""
    import contextlib
    import io

    from bdg_indicators.cli import cli, main
    from bdg_indicators.cli.words import use_language

    output = io.StringIO()
    with (
        contextlib.chdir(cwd),
        contextlib.redirect_stdout(output),
        contextlib.redirect_stderr(output),
    ):
        status = main(argv)
    use_language(cli, "en")  # the command-line reference renders the English of the source
    return status, output.getvalue()


def run(body: str, page: _Page) -> str:
    options, commands = _options(body)
    cwd = (page.docs_dir / options.get("cwd", ".")).resolve()
    expected = int(options.get("exit", "0"))
    if not commands:
        log.warning("%s: `bdg:run` without a command", page.where)
    shown: list[str] = []
    for command in commands:
        argv = shlex.split(command)
        if not argv or argv[0] != "bdg":
            raise ValueError(f"only `bdg` commands can be run, not {command!r}")
        status, output = _run_bdg(argv[1:], cwd)
        if status != expected:
            log.warning(
                "%s: `%s` exited with status %s, expected %s; its output:\n%s",
                page.where,
                command,
                status,
                expected,
                output,
            )
        shown.append(f"$ {command}")
        shown.extend(_short_paths(output).rstrip("\n").splitlines())
    block = "```console\n" + "\n".join(shown) + "\n```"
    indent = " " * int(options.get("indent", "0"))
    return "\n".join(indent + line if line else line for line in block.splitlines())


# ------------------------------------------------------------------ bdg:python


def python(body: str, page: _Page) -> str:
    """``cwd=DIR`` then Python code: show the code, run it, show what it printed."""
    options, _ = _options(body)
    code = textwrap.dedent(body.partition("\n")[2]).strip("\n")
    cwd = (page.docs_dir / options.get("cwd", ".")).resolve()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        log.warning("%s: a `bdg:python` block failed:\n%s", page.where, result.stdout)
    output = _short_paths(result.stdout).rstrip("\n")
    shown = f"```python\n{code}\n```"
    if output:
        shown += f"\n\nOutput:\n\n```text\n{output}\n```"
    return shown


# ------------------------------------------------------------------ bdg:diff


def diff(body: str, page: _Page) -> str:
    old, new = shlex.split(body)
    a = (page.docs_dir / old).read_text("utf-8").splitlines()
    b = (page.docs_dir / new).read_text("utf-8").splitlines()
    lines = list(difflib.unified_diff(a, b, Path(old).name, Path(new).name, n=2, lineterm=""))
    if not lines:
        log.warning("%s: `bdg:diff`: %s and %s are identical", page.where, old, new)
    return "```diff\n" + "\n".join(lines) + "\n```"


# ------------------------------------------------------------------ bdg:changelog


def changelog(body: str, page: _Page) -> str:
    path = _ROOT / "CHANGELOG.md"
    if not path.is_file():
        return (
            "No release has been made yet. Changes waiting for the next release are described "
            "by the fragments in the repository's `changelog.d/` folder."
        )
    text = path.read_text("utf-8")
    # the page has its own title: demote the file's headings by one level
    return re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.MULTILINE)


# ------------------------------------------------------------------ bdg:api, bdg:api-complete


def api(body: str, page: _Page) -> str:
    """``MODULE NAME...``: one mkdocstrings block per name, under the page's own headings."""
    module, *names = body.split()
    page.api_names.setdefault(module, []).extend(names)
    blocks = [
        f"::: {module}.{name}\n"
        "    options:\n"
        "      heading_level: 3\n"
        "      show_root_full_path: false"
        for name in names
    ]
    return "\n\n".join(blocks)


def api_complete(body: str, page: _Page) -> str:
    """``MODULE``: warn unless every name of ``MODULE.__all__`` was shown by ``bdg:api``."""
    import importlib

    module = body.strip()
    exported = list(importlib.import_module(module).__all__)
    shown = page.api_names.get(module, [])
    missing = [name for name in exported if name not in shown]
    extra = [name for name in shown if name not in exported]
    if missing:
        log.warning(
            "%s: %s.__all__ has names this page does not document: %s. Add them to a "
            "`<!-- bdg:api %s ... -->` marker under the right heading.",
            page.where,
            module,
            ", ".join(missing),
            module,
        )
    if extra:
        log.warning(
            "%s: this page documents names that are not in %s.__all__: %s",
            page.where,
            module,
            ", ".join(extra),
        )
    return ""


_HANDLERS: dict[str, Callable[[str, _Page], str]] = {
    "spec-format": spec_format,
    "error-codes": error_codes,
    "units": units,
    "run": run,
    "diff": diff,
    "changelog": changelog,
    "python": python,
    "api": api,
    "api-complete": api_complete,
}


# ------------------------------------------------------------------ example files


def _check_examples(docs_dir: Path) -> None:
    from bdg_indicators import validate_spec

    for path in sorted(docs_dir.rglob("*.yaml")):
        if not re.search(r"^bdg_spec:", path.read_text("utf-8"), re.MULTILINE):
            continue  # not a spec file
        report = validate_spec(str(path))
        name = path.relative_to(docs_dir).as_posix()
        if "traps" in path.parts:
            if not report.problems:
                log.warning("docs example %s shows a trap, but no problem is reported", name)
        elif path.name.startswith("broken-"):
            if report.valid:
                log.warning("docs example %s is meant to be invalid, but it is valid", name)
        elif report.problems:
            problems = "\n".join(f"  {p}" for p in report.problems)
            log.warning("docs example %s has problems:\n%s", name, problems)
