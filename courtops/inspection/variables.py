"""The values of a run's inspection thresholds and settings, checked against the catalogue's types.

``inspection_thresholds`` and the ``inspection_*`` settings come from group_vars, host_vars and ``-e``;
a string where a number or a list is expected would otherwise be judged (a string is a set of
characters, "80" never compares as 80). Each problem is one message naming the variable, what the
catalogue declares and what was given; the start of playbooks/inspect.yml stops the run on any.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema

from courtops.inspection.catalogue import SETTING_TYPES, VALUE_TYPES, Catalogue, default


@cache
def _validator(type_name: str) -> jsonschema.Draft202012Validator:
    """The validator of a declared type (built once: every judged host's thresholds are checked)."""
    schema = VALUE_TYPES[type_name][0] if type_name in VALUE_TYPES else SETTING_TYPES[type_name][0]
    return jsonschema.Draft202012Validator(schema)


def _describe(value: Any) -> str:
    """The value and its plain type (Ansible hands over str/dict subclasses that carry its tags)."""
    kind = next((t.__name__ for t in (bool, int, float, str, list, dict) if isinstance(value, t)), "null")
    text = repr(value if kind == "null" else (str(value) if kind == "str" else value))
    return f"{text[:60]}{'…' if len(text) > 60 else ''} ({kind})"


def threshold_errors(thresholds: Any, catalogue: Catalogue | None = None) -> list[str]:
    """Every problem of ``inspection_thresholds`` against the declared types, one message each."""
    cat = catalogue or default()
    if not isinstance(thresholds, dict):
        return [
            f"inspection_thresholds: expected a mapping of threshold to {{warn, fault}}, got {_describe(thresholds)}"
        ]
    errors = [
        f"inspection_thresholds.{name}: not a declared threshold (declared: {', '.join(cat.thresholds)})"
        for name in thresholds
        if name not in cat.thresholds
    ]
    for name, spec in cat.thresholds.items():
        where = f"inspection_thresholds.{name}"
        limits = thresholds.get(name)
        if (
            not isinstance(limits, dict)
            or not {"warn", "fault"} <= set(limits)
            or set(limits) - {"warn", "fault"}
        ):
            errors.append(f"{where}: expected {{warn: …, fault: …}} (null for none), got {_describe(limits)}")
            continue
        words = VALUE_TYPES[spec.type][1]
        for level in ("warn", "fault"):
            value = limits[level]
            if value is not None and not _validator(spec.type).is_valid(value):
                errors.append(f"{where}.{level}: expected {words} or null, got {_describe(value)}")
        warn, fault = limits["warn"], limits["fault"]
        numbers = isinstance(warn, int | float) and isinstance(fault, int | float)
        if numbers and warn != fault and (warn > fault) != spec.lower_is_worse:
            order = "≥" if spec.lower_is_worse else "≤"
            errors.append(
                f"{where}: warn must be {order} fault ({spec.direction}), got warn={warn}, fault={fault}"
            )
    return errors


def setting_errors(values: dict[str, Any], catalogue: Catalogue | None = None) -> list[str]:
    """Every problem of the inspection settings (``inspection_*`` variables) against the declared types.
    ``values`` holds the variables as the play sees them; an undefined optional setting is fine."""
    cat = catalogue or default()
    errors = []
    for name, spec in cat.settings.items():
        if name not in values or values[name] is None:
            if not spec.optional:
                errors.append(f"{name}: not defined (expected {SETTING_TYPES[spec.type][1]})")
            continue
        words = SETTING_TYPES[spec.type][1]
        error = jsonschema.exceptions.best_match(_validator(spec.type).iter_errors(values[name]))
        if error is not None:
            at = "".join(f"[{p!r}]" for p in error.absolute_path)
            detail = f" ({at}: {error.message})" if at else ""
            errors.append(f"{name}: expected {words}, got {_describe(values[name])}{detail}")
    return errors
