"""Declared types of the 等保 thresholds and catalogue operands: checked, never coerced.

A threshold in ``controls/thresholds.yml`` declares its type (``int``, ``list_int``, ``list_str``);
a catalogue check's ``value`` has the operand type its ``op`` takes (``ge`` a number, ``disjoint`` a
list, ...). A value of another type is a configuration error (``ConfigTypeError``), never evidence
to judge: without this, ``-e dengbao_high_risk_ports=21,23`` (the string "21,23") became a set of
characters and port 23 passed, and ``value: "1"`` was quietly read as the number 1.

The types are JSON schemas (the pinned ``jsonschema``; it never counts ``true`` as a number).
"""

from __future__ import annotations

from typing import Any

import jsonschema

#: Threshold types: the name used in thresholds.yml -> (JSON schema, how the error message says it).
THRESHOLD_TYPES: dict[str, tuple[dict[str, Any], str]] = {
    "int": ({"type": "integer"}, "a whole number (整数), e.g. 8"),
    "list_int": (
        {"type": "array", "items": {"type": "integer"}},
        "a list of whole numbers (整数列表), e.g. [21, 23]",
    ),
    "list_str": (
        {"type": "array", "items": {"type": "string"}},
        "a list of names (字符串列表), e.g. [telnet, rsh]",
    ),
}
#: Which threshold types may stand where an operand kind is expected (a ``$name`` reference).
_REF_OK = {"number": ("int",), "int": ("int",), "list": ("list_int", "list_str"), "scalar": ("int",)}

_NUMBER = {"type": "number"}
_LIST = {
    "anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "array", "items": {"type": "string"}}]
}
#: Operand kind of every evaluator op, and its JSON schema for a resolved value (no ``$`` left).
OPERANDS: dict[str, str] = {
    "ge": "number",
    "le": "number",
    "ge_or_zero": "number",
    "all_le": "number",
    "len_ge": "int",
    "between": "range",
    "in": "list",
    "subset": "list",
    "disjoint": "list",
    "intersects": "list",
    "eq": "scalar",
    "ne": "scalar",
    "contains": "scalar",
    "empty": "none",
    "nonempty": "none",
}
_OPERAND_SCHEMAS: dict[str, tuple[dict[str, Any], str]] = {
    "number": (_NUMBER, "a number"),
    "int": ({"type": "integer"}, "a whole number"),
    "range": (
        {"type": "array", "minItems": 2, "maxItems": 2, "items": _NUMBER},
        "a [low, high] list of numbers",
    ),
    "list": (_LIST, "a list of whole numbers or of names"),
    "scalar": ({"type": ["boolean", "number", "string"]}, "true/false, a number or a text"),
    "none": ({"type": "null"}, "no value"),
}


class ConfigTypeError(ValueError):
    """A threshold or catalogue value has the wrong type: a configuration error, never a verdict."""


def _describe(value: Any) -> str:
    kind = {bool: "boolean", int: "int", float: "number", str: "string", list: "list", dict: "mapping"}
    name = next((n for t, n in kind.items() if isinstance(value, t)), type(value).__name__)
    text = repr(value if not isinstance(value, str) else str(value))
    return f"{name} {text[:80]}"


def _valid(schema: dict[str, Any], value: Any) -> bool:
    return bool(jsonschema.Draft202012Validator(schema).is_valid(value))


def threshold_error(name: str, value: Any, type_name: str) -> str | None:
    """Why ``value`` is not of the declared threshold type, or None when it is."""
    schema, text = THRESHOLD_TYPES[type_name]
    if _valid(schema, value):
        return None
    hint = ""
    if isinstance(value, str) and type_name.startswith("list"):
        hint = f"; on the command line pass a list as JSON: -e '{{\"{name}\": [...]}}'"
    elif isinstance(value, str):
        hint = f"; on the command line pass a number as JSON: -e '{{\"{name}\": 12}}'"
    return f"{name}: expected {type_name}, {text}; got {_describe(value)}{hint}"


def _refs(value: Any) -> list[str]:
    if isinstance(value, str) and value.startswith("$"):
        return [value[1:]]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def operand_error(op: str, value: Any, threshold_types: dict[str, str]) -> str | None:
    """Why a catalogue ``value`` (``$name`` references allowed) does not fit ``op``, or None."""
    kind = OPERANDS[op]
    schema, text = _OPERAND_SCHEMAS[kind]
    for ref in _refs(value):
        if ref not in threshold_types:
            return f"unknown threshold ${ref}"
        allowed = _REF_OK.get("number" if kind == "range" else kind, ())
        if threshold_types[ref] not in allowed:
            return f"{op!r} needs {text}; ${ref} is declared {threshold_types[ref]}"
    # a reference stands for a value of an allowed type: check the literal parts only
    if isinstance(value, str) and value.startswith("$"):
        return None
    if kind == "range" and isinstance(value, list):
        value = [0 if _refs(v) else v for v in value]
    if not _valid(schema, value):
        return f"{op!r} needs {text}, got {_describe(value)}"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_list(value: Any) -> bool:
    if not isinstance(value, list | tuple | set | frozenset):
        return False
    return all(isinstance(v, int) and not isinstance(v, bool) for v in value) or all(
        isinstance(v, str) for v in value
    )


#: The same operand kinds as plain isinstance tests: check_operand runs for every comparison.
_OPERAND_TESTS = {
    "number": _is_number,
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "range": lambda v: isinstance(v, list | tuple) and len(v) == 2 and all(map(_is_number, v)),
    "list": _is_list,
    "scalar": lambda v: isinstance(v, bool | int | float | str),
}


def check_operand(op: str, value: Any) -> None:
    """Refuse a resolved operand (no ``$`` left) of the wrong type for ``op``: ConfigTypeError."""
    kind = OPERANDS.get(op)
    if kind is None or kind == "none":
        return
    if not _OPERAND_TESTS[kind](value):
        raise ConfigTypeError(
            f"operator {op!r} needs {_OPERAND_SCHEMAS[kind][1]} to compare against, got {_describe(value)}"
        )
