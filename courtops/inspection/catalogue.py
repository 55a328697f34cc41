"""The inspection-check catalogue (``inspection/checks.yml``): load and validate it.

Each check id is declared once there — its Chinese title, the platforms that can provide it, the
reading it judges, the thresholds and settings it uses — and each threshold and setting has a declared
type. This module checks the file against a JSON schema (the pinned ``jsonschema``) plus the
cross-references a schema cannot express, so a typo fails at load naming the file, the check and the
field. ``courtops/inspection/variables.py`` checks the *values* of a run's thresholds and settings
against the types declared here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from courtops import REPO_ROOT
from courtops.ledger import schema as ledger_schema

CATALOGUE_FILE = REPO_ROOT / "inspection" / "checks.yml"
#: The modules of courtops/inspection/checks/ a check may belong to.
FAMILIES = ("reachability", "host", "device", "network", "av")
DIRECTIONS = ("higher_is_worse", "lower_is_worse")
PLATFORMS = tuple(ledger_schema.PLATFORMS)

#: Declared value types: the JSON schema a value must satisfy, and how an error says what was expected.
_PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
VALUE_TYPES: dict[str, tuple[dict[str, Any], str]] = {
    "number": ({"type": "number", "minimum": 0}, "a number ≥ 0"),
    "integer": ({"type": "integer", "minimum": 0}, "a whole number ≥ 0"),
    "percentage": ({"type": "number", "minimum": 0, "maximum": 100}, "a percentage (a number from 0 to 100)"),
}
SETTING_TYPES: dict[str, tuple[dict[str, Any], str]] = {
    "strings": ({"type": "array", "items": {"type": "string", "minLength": 1}}, "a list of strings"),
    "ports": ({"type": "array", "items": _PORT}, "a list of TCP ports (1–65535)"),
    "ports_by_class": (
        {
            "type": "object",
            "propertyNames": {"enum": list(ledger_schema.CLASSES)},
            "additionalProperties": {"type": "array", "items": _PORT},
        },
        "a mapping of device class to a list of TCP ports (1–65535)",
    ),
    # the AV probe (courtops_av_probe): RTSP path per device class, and how long / how many at once
    "paths_by_class": (
        {
            "type": "object",
            "propertyNames": {"enum": list(ledger_schema.CLASSES)},
            "additionalProperties": {"type": "string", "pattern": "^/[^\\s]*$"},
        },
        "a mapping of device class to an RTSP path beginning with /",
    ),
    "av_probe": (
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["seconds", "timeout", "parallel"],
            "properties": {
                "seconds": {"type": "number", "minimum": 1, "maximum": 60},
                "timeout": {"type": "number", "minimum": 5, "maximum": 600},
                "parallel": {"type": "integer", "minimum": 1, "maximum": 32},
            },
        },
        "{seconds: 1–60, timeout: 5–600 (seconds per stream), parallel: 1–32}",
    ),
    "commands_by_platform": (
        {
            "type": "object",
            "propertyNames": {"enum": list(PLATFORMS)},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "string", "minLength": 1},
            },
        },
        "a mapping of platform to {reading: command}",
    ),
}

_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_TITLE = {"type": "string", "minLength": 1}
CHECK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "family", "platforms", "reading"],
    "properties": {
        "id": _NAME,
        "title": _TITLE,
        "family": {"enum": list(FAMILIES)},
        "platforms": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"enum": list(PLATFORMS)},
        },
        "reading": {"type": "string", "pattern": r"^(host_metrics|probe|cli|av)(\.[A-Za-z0-9_]+)+$"},
        "unit": {"type": "string"},
        "thresholds": {"type": "array", "uniqueItems": True, "items": _NAME},
        "settings": {"type": "array", "uniqueItems": True, "items": _NAME},
    },
}
FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["thresholds", "settings", "checks"],
    "patternProperties": {"^[a-z]+_platforms$": {"type": "array"}},  # YAML anchors for the lists below
    "properties": {
        "thresholds": {
            "type": "object",
            "propertyNames": _NAME,
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["type", "direction", "title"],
                "properties": {
                    "type": {"enum": list(VALUE_TYPES)},
                    "direction": {"enum": list(DIRECTIONS)},
                    "title": _TITLE,
                },
            },
        },
        "settings": {
            "type": "object",
            "propertyNames": {"pattern": "^inspection_[a-z0-9_]+$"},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["type", "title"],
                "properties": {
                    "type": {"enum": list(SETTING_TYPES)},
                    "title": _TITLE,
                    "optional": {"type": "boolean"},
                },
            },
        },
        "checks": {"type": "array", "minItems": 1, "items": {"type": "object"}},
    },
}


class CatalogueError(ValueError):
    """The catalogue file is invalid; the message names the file, the check and the field."""


@dataclass(frozen=True)
class Threshold:
    name: str
    type: str  # a key of VALUE_TYPES
    direction: str  # higher_is_worse | lower_is_worse
    title: str

    @property
    def lower_is_worse(self) -> bool:
        return self.direction == "lower_is_worse"


@dataclass(frozen=True)
class Setting:
    name: str
    type: str  # a key of SETTING_TYPES
    title: str
    optional: bool = False


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    family: str
    platforms: frozenset[str]
    reading: str
    unit: str = ""
    thresholds: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    checks: dict[str, CheckSpec]  # in the file's order
    thresholds: dict[str, Threshold]
    settings: dict[str, Setting]
    path: Path

    def titles(self) -> dict[str, str]:
        return {c.id: c.title for c in self.checks.values()}

    def platforms(self) -> dict[str, frozenset[str]]:
        return {c.id: c.platforms for c in self.checks.values()}


def _field(path: Any) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def _schema_error(data: Any, schema: dict[str, Any], place: str) -> None:
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        raise CatalogueError(f"{place}: field {_field(error.absolute_path)}: {error.message}")


def load(path: str | Path | None = None) -> Catalogue:
    """Load and validate the catalogue (default: the repository's ``inspection/checks.yml``)."""
    file = Path(path) if path else CATALOGUE_FILE
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{file}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{file}: not valid YAML: {exc}") from exc
    _schema_error(raw, FILE_SCHEMA, str(file))
    thresholds = {
        n: Threshold(n, t["type"], t["direction"], t["title"]) for n, t in raw["thresholds"].items()
    }
    settings = {
        n: Setting(n, s["type"], s["title"], bool(s.get("optional"))) for n, s in raw["settings"].items()
    }
    checks: dict[str, CheckSpec] = {}
    for n, entry in enumerate(raw["checks"], start=1):
        place = f"{file}: check {entry.get('id', '?')} (#{n})"
        _schema_error(entry, CHECK_SCHEMA, place)
        if entry["id"] in checks:
            raise CatalogueError(f"{place}: field id: declared twice")
        for key, known in (("thresholds", thresholds), ("settings", settings)):
            for name in entry.get(key, ()):
                if name not in known:
                    raise CatalogueError(f"{place}: field {key}: {name!r} is not declared under {key}:")
        checks[entry["id"]] = CheckSpec(
            id=entry["id"],
            title=entry["title"],
            family=entry["family"],
            platforms=frozenset(entry["platforms"]),
            reading=entry["reading"],
            unit=entry.get("unit", ""),
            thresholds=tuple(entry.get("thresholds", ())),
            settings=tuple(entry.get("settings", ())),
        )
    return Catalogue(checks, thresholds, settings, file)


@lru_cache(maxsize=1)
def default() -> Catalogue:
    """The repository's catalogue, loaded once per process."""
    return load()
