"""The 等保 control catalogue (``controls/*.yml``): load, validate, resolve.

The catalogue is data; this module checks it against a JSON schema (the pinned ``jsonschema``)
plus the cross-file rules a schema cannot express (unique ids, known thresholds, ``when``/``value``
shapes), so a typo fails at load with the file, the item and the field named — never at audit time.
Every threshold declares its type and every check's ``value`` must be of the operand type its ``op``
takes (``courtops.valuetypes``); overrides from group_vars / ``-e`` are checked the same way
(``Catalogue.threshold_errors``), and nothing is coerced.

Platform keys may be aliases: ``linux`` = ``linux_deb`` + ``linux_rpm`` and ``network`` = every
platform of the vendor registry (``vrp`` + ``comware`` + ``ios``, courtops/vendors/); a specific key
overrides its alias.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from courtops import valuetypes, vendors

#: Platforms the evaluator knows (the inventory's platform groups, minus snmp_device).
PLATFORMS = ("windows", "linux_deb", "linux_rpm", *vendors.platforms())
ALIASES = {"linux": ("linux_deb", "linux_rpm"), "network": vendors.platforms()}
OPS = (
    "eq",
    "ne",
    "ge",
    "le",
    "between",
    "ge_or_zero",
    "in",
    "empty",
    "nonempty",
    "subset",
    "disjoint",
    "intersects",
    "contains",
    "all_le",
    "len_ge",
)
#: Checks whose result is a statement about every member of a set: true of an empty set.
UNIVERSAL_OPS = ("empty", "subset", "disjoint", "all_le")
EMPTY_SET_MEANINGS = ("符合", "不符合", "待人工")
#: Items of 安全计算环境 level 3 (there is no CES1-16).
CES1_IDS = tuple(f"L3-CES1-{n:02d}" for n in range(1, 36) if n != 16)
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "controls"
THRESHOLDS_FILE = "thresholds.yml"

_CHECK = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "desc", "fact", "op"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9_]+$"},
        "desc": {"type": "string", "minLength": 1},
        "fact": {"type": "string", "pattern": r"^(win|lnx|net)\.[a-z0-9_.]+$"},
        "op": {"enum": list(OPS)},
        "value": {},
        "high_risk": {"type": "boolean"},
        # what an empty set means for a check over a set (empty, subset, disjoint, all_le): without
        # this key an empty set is 待人工 (nothing was examined); "符合" only where the collector
        # leaves the fact out when there is nothing to examine, so [] means "examined, none offends"
        "empty_set": {"enum": list(EMPTY_SET_MEANINGS)},
        "when": {
            "type": "object",
            "additionalProperties": False,
            "required": ["fact", "op"],
            "properties": {
                "fact": {"type": "string", "pattern": r"^(win|lnx|net)\.[a-z0-9_.]+$"},
                "op": {"enum": list(OPS)},
                "value": {},
            },
        },
    },
}
_EVIDENCE = {"type": "array", "items": {"type": "string"}}
_PLATFORM = {
    "oneOf": [
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["source", "evidence", "remediation", "checks"],
            "properties": {
                "source": {"type": "string", "minLength": 1},
                "evidence": _EVIDENCE,
                "remediation": {"type": "string", "pattern": "dengbao_l3_"},
                "checks": {"type": "array", "minItems": 1, "items": _CHECK},
            },
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["manual", "evidence"],
            "properties": {"manual": {"type": "string", "minLength": 1}, "evidence": _EVIDENCE},
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["not_applicable", "evidence"],
            "properties": {"not_applicable": {"type": "string", "minLength": 1}, "evidence": _EVIDENCE},
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["default", "reason", "evidence"],
            "properties": {
                "default": {"enum": ["符合"]},
                "reason": {"type": "string", "minLength": 1},
                "evidence": _EVIDENCE,
            },
        },
    ]
}
ITEM_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "clause", "control_point", "weight", "text", "platforms"],
    "properties": {
        "id": {"type": "string", "pattern": r"^L3-[A-Z]{3}1-\d{2}$"},
        "clause": {"type": "string", "pattern": r"^8\.1\.\d+\.\d+( [a-k]\))?$"},
        "layer": {"type": "string"},
        "control_point": {"type": "string", "minLength": 1},
        "weight": {"enum": [1.0, 0.7, 0.4]},
        "text": {"type": "string", "minLength": 1},
        "platforms": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"enum": [*PLATFORMS, *ALIASES]},
            "additionalProperties": _PLATFORM,
        },
    },
}
FILE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["items"],
    "properties": {"items": {"type": "array", "minItems": 1, "items": {"type": "object"}}},
}
_THRESHOLD_SCHEMA = {
    "type": "object",
    "required": ["thresholds"],
    "properties": {
        "thresholds": {
            "type": "object",
            "propertyNames": {"pattern": "^dengbao_[a-z0-9_]+$"},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["type", "default", "desc"],
                "properties": {
                    "type": {"enum": list(valuetypes.THRESHOLD_TYPES)},
                    "default": {},
                    "desc": {"type": "string", "minLength": 1},
                },
                # the default must be of the declared type
                "allOf": [
                    {
                        "if": {"properties": {"type": {"const": name}}},
                        "then": {"properties": {"default": schema}},
                    }
                    for name, (schema, _text) in valuetypes.THRESHOLD_TYPES.items()
                ],
            },
        }
    },
}


class CatalogueError(ValueError):
    """A catalogue file is invalid; the message names the file, the item and the field."""


@dataclass(frozen=True)
class Check:
    id: str
    desc: str
    fact: str
    op: str
    value: Any = None
    high_risk: bool = False
    when: dict[str, Any] | None = None
    #: what an empty set means (UNIVERSAL_OPS only); None: 待人工, never a vacuous pass
    empty_set: str | None = None


@dataclass(frozen=True)
class PlatformRule:
    """How one item is judged on one platform: checks, or manual / not applicable / default."""

    kind: str  # "checks" | "manual" | "not_applicable" | "default"
    evidence: tuple[str, ...] = ()
    source: str = ""
    remediation: str = ""
    checks: tuple[Check, ...] = ()
    reason: str = ""  # manual / not_applicable / default text


@dataclass(frozen=True)
class Item:
    id: str
    clause: str
    layer: str
    control_point: str
    weight: float
    text: str
    file: str
    platforms: dict[str, PlatformRule] = field(default_factory=dict)

    @property
    def toggle(self) -> str:
        """The hardening toggle named after the control id (ansible-lockdown style)."""
        return "dengbao_" + self.id.lower().replace("-", "_")


@dataclass(frozen=True)
class Catalogue:
    items: tuple[Item, ...]
    thresholds: dict[str, Any]  # name -> default value
    threshold_desc: dict[str, str]
    threshold_types: dict[str, str] = field(default_factory=dict)  # name -> declared type

    def threshold_errors(self, values: dict[str, Any]) -> list[str]:
        """One message per known threshold in ``values`` whose type is not the declared one
        (unknown names are not thresholds and are ignored)."""
        errors = []
        for name, value in values.items():
            if name in self.thresholds:
                error = valuetypes.threshold_error(name, value, self.threshold_types[name])
                if error:
                    errors.append(error)
        return errors

    def by_id(self, control_id: str) -> Item:
        for item in self.items:
            if item.id == control_id:
                return item
        raise KeyError(control_id)

    def for_platform(self, platform: str) -> list[tuple[Item, PlatformRule]]:
        return [(i, i.platforms[platform]) for i in self.items if platform in i.platforms]


def _where(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _validate(instance: Any, schema: dict[str, Any], place: str) -> None:
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        # oneOf failures: report the branch that got furthest (the most specific message).
        if err.context:
            err = max(err.context, key=lambda e: len(e.absolute_path))
        raise CatalogueError(f"{place}: field {_where(err.absolute_path)}: {err.message}")


def _check_shape(
    op: str, value: Any, place: str, types: dict[str, str], empty_set: str | None = None
) -> None:
    if empty_set is not None and op not in UNIVERSAL_OPS:
        raise CatalogueError(f"{place}: field empty_set: only for {', '.join(UNIVERSAL_OPS)}, not {op!r}")
    if op == "between" and not (isinstance(value, list) and len(value) == 2):
        raise CatalogueError(f"{place}: field value: 'between' needs a [low, high] list, got {value!r}")
    if op in ("in", "subset", "disjoint", "intersects") and not (
        isinstance(value, list) or (isinstance(value, str) and value.startswith("$"))
    ):
        raise CatalogueError(f"{place}: field value: {op!r} needs a list or a $threshold, got {value!r}")
    if op not in ("empty", "nonempty") and value is None:
        raise CatalogueError(f"{place}: field value: {op!r} needs a value")
    error = valuetypes.operand_error(op, value, types)
    if error:
        raise CatalogueError(f"{place}: field value: {error}")


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read: {exc}") from exc


def _rule(raw: dict[str, Any]) -> PlatformRule:
    evidence = tuple(raw.get("evidence", ()))
    if "checks" in raw:
        checks = tuple(
            Check(
                id=c["id"],
                desc=c["desc"],
                fact=c["fact"],
                op=c["op"],
                value=c.get("value"),
                high_risk=bool(c.get("high_risk", False)),
                when=c.get("when"),
                empty_set=c.get("empty_set"),
            )
            for c in raw["checks"]
        )
        return PlatformRule("checks", evidence, raw["source"], raw["remediation"], checks)
    for kind in ("manual", "not_applicable"):
        if kind in raw:
            return PlatformRule(kind, evidence, reason=raw[kind])
    return PlatformRule("default", evidence, reason=raw["reason"])


def load(directory: str | Path | None = None, *, require_complete: bool = True) -> Catalogue:
    """Load and validate every ``*.yml`` under ``directory`` (default: the repo's controls/)."""
    root = Path(directory) if directory else DEFAULT_DIR
    if not root.is_dir():
        raise CatalogueError(f"{root}: catalogue directory not found")
    tpath = root / THRESHOLDS_FILE
    traw = _load_yaml(tpath)
    _validate(traw, _THRESHOLD_SCHEMA, str(tpath))
    thresholds = {k: v["default"] for k, v in traw["thresholds"].items()}
    tdesc = {k: v["desc"] for k, v in traw["thresholds"].items()}
    ttypes = {k: v["type"] for k, v in traw["thresholds"].items()}

    items: list[Item] = []
    seen: dict[str, str] = {}
    # `network` is the vendor registry as it is now (a vendor added through COURTOPS_VENDOR_PATH too)
    aliases = {**ALIASES, "network": vendors.platforms()}
    for path in sorted(root.glob("*.yml")):
        if path.name == THRESHOLDS_FILE:
            continue
        raw = _load_yaml(path)
        _validate(raw, FILE_SCHEMA, str(path))
        for n, rawitem in enumerate(raw["items"], start=1):
            place = f"{path}: item {rawitem.get('id', '?')} (#{n})"
            _validate(rawitem, ITEM_SCHEMA, place)
            if rawitem["id"] in seen:
                raise CatalogueError(f"{place}: field id: duplicate of the item in {seen[rawitem['id']]}")
            seen[rawitem["id"]] = str(path)
            platforms: dict[str, PlatformRule] = {}
            # aliases first, then specific keys override them
            for key in sorted(rawitem["platforms"], key=lambda k: k not in aliases):
                praw = rawitem["platforms"][key]
                for ci, check in enumerate(praw.get("checks", ())):
                    cplace = f"{place}: platforms.{key}.checks[{ci}]"
                    _check_shape(check["op"], check.get("value"), cplace, ttypes, check.get("empty_set"))
                    if check.get("when"):
                        when = check["when"]
                        _check_shape(when["op"], when.get("value"), f"{cplace}.when", ttypes)
                rule = _rule(praw)
                for plat in aliases.get(key, (key,)):
                    platforms[plat] = rule
            items.append(
                Item(
                    id=rawitem["id"],
                    clause=rawitem["clause"],
                    layer=rawitem.get("layer", "安全计算环境"),
                    control_point=rawitem["control_point"],
                    weight=float(rawitem["weight"]),
                    text=rawitem["text"],
                    file=path.name,
                    platforms=platforms,
                )
            )
    if require_complete:
        missing = [i for i in CES1_IDS if i not in seen]
        if missing:
            raise CatalogueError(f"{root}: catalogue incomplete, missing items: {', '.join(missing)}")
        for item in items:
            if item.id.startswith("L3-CES1-"):
                lacking = [p for p in PLATFORMS if p not in item.platforms]
                if lacking:
                    raise CatalogueError(
                        f"{root / item.file}: item {item.id}: field platforms: "
                        f"no rule for {', '.join(lacking)}"
                    )
    items.sort(key=lambda i: i.id)
    return Catalogue(tuple(items), thresholds, tdesc, ttypes)


@lru_cache(maxsize=4)
def default() -> Catalogue:
    """The repository catalogue, loaded once per process."""
    return load()
