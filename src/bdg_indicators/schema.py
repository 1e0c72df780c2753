"""The JSON Schema of the spec format, generated from the format's attrs classes.

Editors with the YAML language server use it to autocomplete and check spec files: put
``# yaml-language-server: $schema=bdg-spec.schema.json`` at the top of a spec (after
``bdg schema > bdg-spec.schema.json``).
"""

from __future__ import annotations

import typing
from typing import Any, Literal

import attrs

from ._document import AmountDoc, LabelDoc, RawValue, SpecDoc, yaml_key

__all__ = ["spec_json_schema"]

_LABEL = {
    "description": "A label: Vietnamese text, or `{vi: ..., en: ...}`.",
    "anyOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "properties": {"vi": {"type": "string", "minLength": 1}, "en": {"type": "string"}},
            "required": ["vi"],
            "additionalProperties": False,
        },
    ],
}
_NUMBER_OR_QUANTITY = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": r"^\s*[-+]?\d+(\.\d+)?(\s*\S.*)?$"},
    ]
}
_VALUE = {
    "description": "A number, a number with a unit (`95 percent`), `true`/`false`, or "
    "`{attribute: NAME, values: {VALUE: number}, default: number}`.",
    "anyOf": [
        *_NUMBER_OR_QUANTITY["anyOf"],
        {"type": "boolean"},
        {
            "type": "object",
            "properties": {
                "attribute": {"type": "string"},
                "values": {"type": "object", "additionalProperties": _NUMBER_OR_QUANTITY},
                "default": _NUMBER_OR_QUANTITY,
            },
            "required": ["attribute", "values"],
            "additionalProperties": False,
        },
    ],
}


def _schema(type_: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if type_ is LabelDoc:
        return {"$ref": "#/$defs/Label"}
    if type_ is AmountDoc:
        value = {"$ref": "#/$defs/Value"}
        return {"anyOf": [value, {"type": "array", "items": value, "minItems": 1, "maxItems": 2}]}
    if type_ is RawValue:
        return {"$ref": "#/$defs/Value"}
    if type_ is str:
        return {"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]}
    if type_ is int:
        return {"type": "integer"}
    if type_ is bool:
        return {"type": "boolean"}
    origin, args = typing.get_origin(type_), typing.get_args(type_)
    if origin is Literal:
        return {"enum": list(args)}
    if origin is list:
        return {"type": "array", "items": _schema(args[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(args[1], defs)}
    non_null = [a for a in args if a is not type(None)]
    if args and len(non_null) == 1:
        return _schema(non_null[0], defs)
    if attrs.has(type_):
        name = type_.__name__.removesuffix("Doc")
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _object(type_, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {type_!r}")  # pragma: no cover


def _object(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for attribute in attrs.fields(cls):
        key = yaml_key(attribute)
        prop = dict(_schema(attribute.type, defs))
        doc = attribute.metadata.get("doc")
        if doc:
            prop["description"] = doc
        properties[key] = prop
        if attribute.default is attrs.NOTHING:
            required.append(key)
    result: dict[str, Any] = {
        "type": "object",
        "description": (cls.__doc__ or "").strip(),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        result["required"] = required
    return result


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of spec files, format version 1."""
    defs: dict[str, Any] = {"Label": _LABEL, "Value": _VALUE}
    root = _object(SpecDoc, defs)
    root["properties"]["bdg_spec"] = {"const": 1, "description": "Format version: `1`."}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://bdg-indicators.github.io/schema/bdg-spec-1.json",
        "title": "bdg_indicators spec (format version 1)",
        **root,
        "$defs": dict(sorted(defs.items())),
    }
