"""Loading specs: from shipped ids, files or text, with every problem located.

``load_spec`` raises one [`SpecError`][bdg_indicators.SpecError] carrying all problems;
``validate_spec`` returns a [`ValidationReport`][bdg_indicators.ValidationReport] instead.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

import attrs

from ._compile import Merged, compile_spec, merge
from ._document import SpecDoc, salvage, structure
from ._yaml import MAX_BYTES, Document, YamlNumber, decode_text, read_yaml
from .errors import Location, Problem, SpecError, SpecNotFoundError
from .spec import Spec, SpecText

__all__ = [
    "ShippedSpec",
    "ValidationReport",
    "load_spec",
    "load_spec_text",
    "shipped_specs",
    "specs_directory",
    "validate_spec",
    "validate_spec_text",
]


@attrs.frozen(kw_only=True)
class ValidationReport:
    """The result of validating one spec: the spec (when valid) and every problem found."""

    source: str
    """The id or path that was validated."""
    problems: tuple[Problem, ...]
    """Every problem, errors and warnings, in file order."""
    spec: Spec | None = None
    """The loaded spec, when there were no errors."""

    @property
    def valid(self) -> bool:
        """Whether there were no errors (warnings allowed)."""
        return not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity error."""
        return tuple(p for p in self.problems if p.is_error)


@attrs.frozen(kw_only=True)
class ShippedSpec:
    """A spec shipped with the package."""

    id: str
    path: Path


def specs_directory() -> Path:
    """The directory of the shipped specs inside the installed package."""
    return Path(str(resources.files("bdg_indicators").joinpath("specs")))


@cache
def _shipped() -> dict[str, Path]:
    found: dict[str, Path] = {}
    root = specs_directory()
    for path in sorted(root.rglob("*.yaml")):
        spec_id = _peek_id(path)
        if spec_id is not None:
            found[spec_id] = path
    return found


def _peek_id(path: Path) -> str | None:
    """The ``id`` of a spec file, read cheaply from its top-level lines."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("id:"):
                return line[3:].split("#")[0].strip().strip("\"'") or None
    return None


def shipped_specs() -> tuple[ShippedSpec, ...]:
    """The specs shipped with the package, sorted by id."""
    return tuple(ShippedSpec(id=k, path=v) for k, v in sorted(_shipped().items()))


def _resolve(source: str | os.PathLike[str], relative_to: Path | None = None) -> Path:
    text = os.fspath(source)
    shipped = _shipped()
    if text in shipped:
        return shipped[text]
    path = Path(text)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if path.is_file():
        return path
    raise SpecNotFoundError(
        [
            Problem(
                code="spec-not-found",
                message=f"no shipped spec has the id `{text}` and no file is at `{path}`",
                hint="`bdg specs` lists the shipped ids",
                location=Location(file=text),
            )
        ]
    )


class _Loader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.texts: list[SpecText] = []

    def load(
        self,
        path: Path,
        display: str,
        chain: tuple[Path, ...],
        referenced_at: Location | None = None,
    ) -> Merged | None:
        resolved = path.resolve()
        if resolved in chain:
            names = " → ".join(p.name for p in (*chain[chain.index(resolved) :], resolved))
            self.problems.append(
                Problem(
                    code="extends-cycle",
                    message=f"specs extend each other in a cycle: {names}",
                    location=referenced_at or Location(file=display, line=1, column=1),
                    hint="one spec in the cycle must stop extending the other",
                )
            )
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problems.append(
                Problem(
                    code="file-not-found",
                    message=str(exc.strerror or exc),
                    location=Location(file=display),
                )
            )
            return None
        if len(data) > MAX_BYTES:
            self.problems.append(
                Problem(
                    code="file-too-large",
                    message=f"the file is larger than {MAX_BYTES:,} bytes",
                    location=Location(file=display),
                )
            )
            return None
        text, problems = decode_text(data, display)
        self.problems.extend(problems)
        if text is None:
            return None
        return self.load_text(text, display, path.parent, (*chain, resolved), data)

    def load_text(
        self,
        text: str,
        display: str | None,
        folder: Path | None,
        chain: tuple[Path, ...],
        data: bytes | None = None,
    ) -> Merged | None:
        doc = read_yaml(text, display)
        self.problems.extend(doc.problems)
        if any(p.is_error for p in doc.problems):
            return None
        if not _check_header(doc, self.problems):
            return None
        spec_doc, problems = structure(doc.value, SpecDoc, (), doc)
        self.problems.extend(problems)
        dropped: set[str] = set()
        if spec_doc is None:  # keep the valid entries, so that later checks still run on them
            spec_doc, dropped = salvage(doc.value, doc)
            if spec_doc is None:
                return None
        digest = hashlib.sha256(text.encode("utf-8") if data is None else data).hexdigest()
        self.texts.append(SpecText(id=str(spec_doc.id), sha256=digest))
        parent = None
        if spec_doc.extends is not None:
            where = doc.locate(("extends",))
            try:
                parent_path = _resolve(spec_doc.extends, folder)
            except SpecNotFoundError as exc:
                self.problems.extend(attrs.evolve(p, location=where) for p in exc.problems)
                return None
            parent = self.load(parent_path, _display(parent_path), chain, where)
            if parent is None:
                if not any(p.code == "extends-cycle" for p in self.problems):
                    self.problems.append(
                        Problem(
                            code="unknown-reference",
                            message=f"the extended spec `{spec_doc.extends}` has errors",
                            location=where,
                        )
                    )
                return None
        merged = merge(spec_doc, doc, parent, self.problems, dropped)
        if folder is not None and spec_doc.example_data:
            spec_doc.example_data = [str(folder / p) for p in spec_doc.example_data]
        return merged


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _check_header(doc: Document, problems: list[Problem]) -> bool:
    if not isinstance(doc.value, dict):
        problems.append(
            Problem(
                code="wrong-type",
                message="a spec file is a mapping of keys (bdg_spec, id, title, ...)",
                location=doc.locate(()),
            )
        )
        return False
    version = doc.value.get("bdg_spec")
    if version is None:
        problems.append(
            Problem(
                code="missing-key",
                message="missing `bdg_spec: 1` (the format version)",
                location=doc.locate(()),
                hint="add `bdg_spec: 1` as the first line",
            )
        )
        return False
    if not (isinstance(version, YamlNumber) and version.text == "1"):
        problems.append(
            Problem(
                code="unsupported-format-version",
                message=f"format version `{version}` is not supported",
                location=doc.locate(("bdg_spec",)),
                hint="use `bdg_spec: 1`",
            )
        )
        return False
    return True


def _finish(loader: _Loader, merged: Merged | None, source: str) -> ValidationReport:
    spec = None
    if merged is not None:
        spec = compile_spec(merged, loader.problems)
        spec = attrs.evolve(spec, texts=tuple(loader.texts)) if spec is not None else None
    problems = tuple(sorted(loader.problems, key=_order))
    return ValidationReport(
        source=source,
        problems=problems,
        spec=spec if not any(p.is_error for p in problems) else None,
    )


def _order(problem: Problem) -> tuple[str, int, int]:
    loc = problem.location
    return (loc.file or "", loc.line or 0, loc.column or 0)


def validate_spec(source: str | os.PathLike[str]) -> ValidationReport:
    """Validate a shipped spec (by id) or a spec file (by path); never raises for bad input."""
    text = os.fspath(source)
    loader = _Loader()
    try:
        path = _resolve(source)
    except SpecNotFoundError as exc:
        return ValidationReport(source=text, problems=exc.problems)
    merged = loader.load(
        path, text if not path.is_absolute() or text == str(path) else _display(path), ()
    )
    return _finish(loader, merged, text)


def validate_spec_text(
    text: str, *, file: str | None = None, folder: str | os.PathLike[str] | None = None
) -> ValidationReport:
    """Validate spec text; ``file`` names it in messages, ``folder`` resolves ``extends``."""
    loader = _Loader()
    merged = loader.load_text(text, file, Path(folder) if folder is not None else None, ())
    return _finish(loader, merged, file or "<string>")


def _raise(report: ValidationReport) -> Spec:
    if report.spec is None:
        if any(p.code == "spec-not-found" for p in report.problems) and len(report.problems) == 1:
            raise SpecNotFoundError(report.problems)
        raise SpecError(report.problems)
    return report.spec


def load_spec(source: str | os.PathLike[str]) -> Spec:
    """Load a shipped spec by id (``vn.gender-equality.2011-2020``) or a spec file by path.

    Raises [`SpecError`][bdg_indicators.SpecError] carrying every problem, or
    [`SpecNotFoundError`][bdg_indicators.SpecNotFoundError].
    """
    return _raise(validate_spec(source))


def load_spec_text(
    text: str, *, file: str | None = None, folder: str | os.PathLike[str] | None = None
) -> Spec:
    """Load a spec from text. Raises [`SpecError`][bdg_indicators.SpecError]."""
    return _raise(validate_spec_text(text, file=file, folder=folder))


def validate_specs(sources: Iterable[str | os.PathLike[str]]) -> list[ValidationReport]:
    """Validate several specs."""
    return [validate_spec(s) for s in sources]
