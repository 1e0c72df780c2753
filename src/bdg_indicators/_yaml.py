"""Read YAML safely into plain values, remembering where every key and value was written.

The reader works on PyYAML's *event* stream (``yaml.parse`` with the safe loader; nothing is
constructed by PyYAML), builds the document iteratively (no recursion, so deep nesting cannot crash
it), and resolves plain scalars with YAML 1.2 core rules. It refuses anchors and aliases (which make
"billion laughs" memory bombs possible), explicit tags, documents deeper than
[`MAX_DEPTH`][bdg_indicators._yaml.MAX_DEPTH] and reports duplicate keys, which PyYAML silently
accepts. Plain values that YAML 1.1 tools read differently (``yes``, ``1:30``, ``010``) are kept
as text and flagged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import yaml

from .errors import Location, Problem, Severity

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Document",
    "YamlNumber",
    "decode_text",
    "read_yaml",
]

MAX_BYTES = 5_000_000
"""Largest YAML file read, in bytes."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted."""
MAX_NODES = 500_000
"""Most scalars, mappings and lists accepted in one document."""

Path = tuple[str | int, ...]

try:  # libyaml's parser when available: same events, faster
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


class YamlNumber(Decimal):
    """A plain YAML number, exact, that remembers how it was written (``3.10`` stays ``3.10``)."""

    text: str

    def __new__(cls, text: str) -> YamlNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    @property
    def is_integer_literal(self) -> bool:
        """Whether it was written as an integer (no ``.`` and no exponent)."""
        return re.fullmatch(r"[-+]?[0-9]+", self.text) is not None


@attrs.frozen(kw_only=True)
class Document:
    """A YAML document read into plain values, with the location of every key and value."""

    file: str | None
    """The file name as given, for messages."""
    value: Any
    """The document: dicts, lists, ``str``, ``YamlNumber``, ``bool`` and ``None``."""
    values: dict[Path, tuple[int, int]]
    """1-based (line, column) of each value, by path."""
    keys: dict[Path, tuple[int, int]]
    """1-based (line, column) of the key whose value is at that path."""
    problems: tuple[Problem, ...]
    """Problems found while reading."""
    decimal_commas: dict[Path, Path] = attrs.field(factory=dict)
    """Keys of flow mappings that look like the decimals of a number written with a comma: in
    ``{more_than: 87,5}`` YAML reads ``more_than: 87`` and a key ``5``. The path of each such key,
    to the path of the number before it."""

    def locate(self, path: Path, *, key: bool = False) -> Location:
        """Where the value (or its key) at ``path`` is, or its nearest located ancestor."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while True:
            if probe in table:
                line, column = table[probe]
                return Location(file=self.file, line=line, column=column, path=tuple(path))
            if key and probe in self.values:
                line, column = self.values[probe]
                return Location(file=self.file, line=line, column=column, path=tuple(path))
            if not probe:
                return Location(file=self.file, line=1, column=1, path=tuple(path))
            probe = probe[:-1]


_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_YAML11_BOOL = re.compile(r"y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF")
_YAML11_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
_YAML11_OCTAL = re.compile(r"[-+]?0[0-9_]+")
_YAML11_UNDERSCORE = re.compile(r"[-+]?[0-9][0-9]*_[0-9_]*(\.[0-9_]*)?")
_YAML11_HEX = re.compile(r"[-+]?0x[0-9a-fA-F_]+")
_YAML11_SPECIAL = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_NUMBER = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")


def _resolve_plain(text: str) -> tuple[Any, str | None]:
    """Resolve a plain scalar; the second item names a YAML 1.1 reading that differs, if any."""
    if text in _NULL:
        return None, None
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    if _YAML11_BOOL.fullmatch(text):
        reading = "true" if text.lower() in {"y", "yes", "on"} else "false"
        return text, f"a boolean ({reading})"
    if _YAML11_SEXAGESIMAL.fullmatch(text):
        return text, "a base-60 number"
    if _YAML11_OCTAL.fullmatch(text):
        return text, "an octal number"
    if _YAML11_UNDERSCORE.fullmatch(text):
        return text, f"the number {text.replace('_', '')}"
    if _YAML11_HEX.fullmatch(text):
        return text, "a hexadecimal number"
    if _YAML11_SPECIAL.fullmatch(text):
        return text, "an infinite or not-a-number float"
    if _NUMBER.fullmatch(text):
        return YamlNumber(text), None
    return text, None


def decode_text(data: bytes, file: str | None) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 bytes (a BOM is allowed), normalise to NFC, and report what was wrong."""
    problems: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        problems.append(
            Problem(
                code="not-utf8",
                message=f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
                location=Location(file=file, line=line, column=column),
                hint="save the file as UTF-8 (the file may be in a legacy encoding such as "
                "TCVN3 or Windows-1258)",
            )
        )
        return None, problems
    if not unicodedata.is_normalized("NFC", text):
        # the first line that is not NFC, then its first combining or self-changing character
        lines = text.split("\n")
        line = next(
            (n for n, s in enumerate(lines, 1) if not unicodedata.is_normalized("NFC", s)), 1
        )
        column = next(
            (
                i
                for i, char in enumerate(lines[line - 1], 1)
                if unicodedata.combining(char) or not unicodedata.is_normalized("NFC", char)
            ),
            1,
        )
        problems.append(
            Problem(
                code="not-nfc",
                message="text is in decomposed Unicode form (separate combining accents); "
                "it is read as composed (NFC) text",
                location=Location(file=file, line=line, column=column),
                severity=Severity.WARNING,
            )
        )
        text = unicodedata.normalize("NFC", text)
    return text, problems


@attrs.define
class _Frame:
    container: Any
    path: Path
    start: tuple[int, int]
    is_key: bool = False
    pending_key: Any = None
    pending_key_at: tuple[int, int] | None = None
    have_key: bool = False
    key_lines: dict[Any, int] = attrs.Factory(dict)
    flow: bool = False
    """Whether it is a flow mapping (``{a: 1, b: 2}``)."""
    last_path: Path | None = None
    """The path of the last value attached, when that was a plain number."""


class _Abort(Exception):
    pass


class _Reader:
    def __init__(self, file: str | None) -> None:
        self.file = file
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.decimal_commas: dict[Path, Path] = {}
        self.problems: list[Problem] = []
        self.nodes = 0

    def problem(
        self,
        code: str,
        message: str,
        at: tuple[int, int],
        path: Path = (),
        *,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                hint=hint,
                severity=severity,
                location=Location(file=self.file, line=at[0], column=at[1], path=path),
            )
        )

    def read(self, events: Iterator[Any]) -> Any:
        root: Any = None
        stack: list[_Frame] = []
        documents = 0
        for event in events:
            at = (event.start_mark.line + 1, event.start_mark.column + 1)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.problem(
                        "yaml-multiple-documents", "a second YAML document starts here", at
                    )
                    raise _Abort
                continue
            if isinstance(
                event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent
            ):
                continue
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                self.problem(
                    "yaml-alias",
                    "anchors and aliases (`&name`, `*name`) are not allowed in spec files",
                    at,
                    hint="write the value out in full",
                )
                raise _Abort
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                frame = stack.pop()
                if frame.is_key:
                    continue
                if stack:
                    self.attach(stack[-1], frame.container, frame.start)
                else:
                    root = frame.container
                continue
            self.nodes += 1
            if self.nodes > MAX_NODES:
                self.problem(
                    "yaml-too-many-nodes", f"the document has more than {MAX_NODES:,} values", at
                )
                raise _Abort
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            explicit_tag = tag is not None and not (
                implicit is True or (isinstance(implicit, tuple) and any(implicit))
            )
            if tag is not None and tag != "!" and explicit_tag:
                self.problem(
                    "yaml-tag", f"explicit tag `{tag}` is not allowed", at, hint="remove the tag"
                )
            parent = stack[-1] if stack else None
            child_path = self.child_path(parent)
            if isinstance(event, yaml.ScalarEvent):
                value = self.scalar(event, at, child_path, parent)
                if parent is None:
                    root = value
                else:
                    self.attach(parent, value, at)
                continue
            # a collection starts
            if len(stack) >= MAX_DEPTH:
                self.problem("yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels", at)
                raise _Abort
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            is_key = (
                parent is not None and isinstance(parent.container, dict) and not parent.have_key
            )
            if is_key:
                self.problem(
                    "wrong-type",
                    "a mapping key must be plain text, not a list or mapping",
                    at,
                    child_path,
                )
                assert parent is not None
                parent.pending_key, parent.pending_key_at, parent.have_key = None, at, True
            flow = isinstance(event, yaml.MappingStartEvent) and event.flow_style is True
            stack.append(
                _Frame(container=container, path=child_path, start=at, is_key=is_key, flow=flow)
            )
        return root

    @staticmethod
    def child_path(parent: _Frame | None) -> Path:
        if parent is None:
            return ()
        if isinstance(parent.container, list):
            return (*parent.path, len(parent.container))
        if parent.have_key:
            return (*parent.path, parent.pending_key)
        return parent.path

    def scalar(self, event: Any, at: tuple[int, int], path: Path, parent: _Frame | None) -> Any:
        text: str = event.value
        plain = event.style in (None, "") and event.implicit[0]
        if not plain:
            return text
        value, yaml11 = _resolve_plain(text)
        is_key = parent is not None and isinstance(parent.container, dict) and not parent.have_key
        if yaml11 is not None and not is_key:
            self.problem(
                "yaml-1-1-ambiguity",
                f"`{text}` is read as the text {text!r}, but YAML 1.1 tools read it as {yaml11}",
                at,
                path,
                severity=Severity.WARNING,
                hint=f'write "{text}" in quotes if you mean text, or true/false or a plain number',
            )
        return value

    def attach(self, frame: _Frame, value: Any, at: tuple[int, int]) -> None:
        if isinstance(frame.container, list):
            self.values[(*frame.path, len(frame.container))] = at
            frame.container.append(value)
            return
        if not frame.have_key:
            key = value
            if isinstance(key, YamlNumber):
                key = key.text
            elif isinstance(key, bool) or key is None:
                key = "null" if key is None else str(key).lower()
            frame.pending_key, frame.pending_key_at, frame.have_key = key, at, True
            if frame.flow and frame.last_path is not None and re.fullmatch(r"[0-9]+", str(key)):
                self.decimal_commas[(*frame.path, key)] = frame.last_path
            return
        key, key_at = frame.pending_key, frame.pending_key_at
        frame.have_key = False
        if key is None:  # complex key already reported
            return
        path = (*frame.path, key)
        if key in frame.container:
            assert key_at is not None
            first = frame.key_lines[key]
            self.problem(
                "yaml-duplicate-key",
                f"key `{key}` appears twice in this mapping (first on line {first})",
                key_at,
                path,
                hint="remove or rename one of them; YAML tools silently keep the last",
            )
            return
        assert key_at is not None
        frame.key_lines[key] = key_at[0]
        self.keys[path] = key_at
        self.values[path] = at
        frame.container[key] = value
        frame.last_path = path if isinstance(value, YamlNumber) else None


def read_yaml(text: str, file: str | None = None) -> Document:
    """Read one YAML document from text (already decoded) into plain values with locations."""
    reader = _Reader(file)
    value: Any = None
    try:
        value = reader.read(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml (PyYAML >= 6.0.3 wheels) stops at 1000 levels before the reader sees the
            # 65th: the same problem as MAX_DEPTH, reported the same way
            reader.problem("yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels", at)
        else:
            reader.problem("yaml-syntax", message, at)
        value = None
    except yaml.YAMLError as exc:  # reader errors without a mark (e.g. control characters)
        # the reader stops at the first disallowed character, so its first occurrence is the place
        character = getattr(exc, "character", None)
        index = text.find(chr(character)) if isinstance(character, int) else -1
        at = (
            (text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index))
            if index >= 0
            else (1, 1)
        )
        reader.problem("yaml-syntax", str(exc).splitlines()[0], at)
        value = None
    except _Abort:
        value = None
    reader.values.setdefault((), (1, 1))
    return Document(
        file=file,
        value=value,
        values=reader.values,
        keys=reader.keys,
        problems=tuple(reader.problems),
        decimal_commas=reader.decimal_commas,
    )
