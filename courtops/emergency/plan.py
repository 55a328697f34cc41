"""The emergency plan (应急预案) as data: ``emergency/plan.yml``, loaded and checked.

The file is checked against a JSON schema (the pinned ``jsonschema``) and then for what a schema
cannot say (a step's role and runbook are declared, scenario ids are unique, the drill kinds name
scenarios). Every problem is reported at once, each as ``file:line: field: message``. Runbooks are
declared as data with the playbook they run; a playbook not in the repository yet is *listed* by
``missing_runbooks`` (and ``courtops emergency check``), never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from courtops import REPO_ROOT

PLAN_FILE = REPO_ROOT / "emergency" / "plan.yml"
ROLE_IDS = ("onsite", "support", "court_it")  # 驻场工程师 / 技术支持团队 / 法院信息技术部门

_TEXT = {"type": "string", "minLength": 1}
_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "version", "scope", "commitments", "roles", "contacts", "runbooks", "scenarios"],
    "additionalProperties": False,
    "properties": {
        "title": _TEXT,
        "version": _TEXT,
        "scope": _TEXT,
        "commitments": {
            "type": "object",
            "required": ["respond_within_h", "escalate_within_h", "text"],
            "additionalProperties": False,
            "properties": {
                "respond_within_h": {"type": "number", "exclusiveMinimum": 0},
                "escalate_within_h": {"type": "number", "exclusiveMinimum": 0},
                "text": _TEXT,
            },
        },
        "roles": {
            "type": "object",
            "required": list(ROLE_IDS),
            "additionalProperties": False,
            "properties": {
                r: {
                    "type": "object",
                    "required": ["name", "duties"],
                    "additionalProperties": False,
                    "properties": {"name": _TEXT, "duties": _TEXT},
                }
                for r in ROLE_IDS
            },
        },
        "contacts": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["role", "name", "phone"],
                "additionalProperties": False,
                "properties": {
                    "role": {"enum": list(ROLE_IDS)},
                    "name": _TEXT,
                    "phone": _TEXT,
                    "hours": _TEXT,
                },
            },
        },
        "runbooks": {
            "type": "object",
            "propertyNames": _ID,
            "additionalProperties": {
                "type": "object",
                "required": ["title", "playbook"],
                "additionalProperties": False,
                "properties": {
                    "title": _TEXT,
                    "playbook": {"type": "string", "pattern": r"^playbooks/[A-Za-z0-9_./-]+\.ya?ml$"},
                    "usage": _TEXT,
                },
            },
        },
        "drill_kinds": {"type": "object", "additionalProperties": _ID},
        "scenarios": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "title", "severity", "trigger", "recovery_target_min", "steps"],
                "additionalProperties": False,
                "properties": {
                    "id": _ID,
                    "title": _TEXT,
                    "severity": {"enum": ["特别重大", "重大", "较大", "一般"]},
                    "systems": {"type": "array", "items": _TEXT},
                    "trigger": _TEXT,
                    "recovery_target_min": {"type": "number", "exclusiveMinimum": 0},
                    "steps": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["role", "action"],
                            "additionalProperties": False,
                            "properties": {"role": {"enum": list(ROLE_IDS)}, "action": _TEXT, "runbook": _ID},
                        },
                    },
                },
            },
        },
    },
}


class PlanError(Exception):
    """The plan file is unreadable or invalid; the message lists every problem as file:line."""


@dataclass(frozen=True)
class Runbook:
    id: str
    title: str
    playbook: str  # repository path
    usage: str = ""

    @property
    def available(self) -> bool:
        return (REPO_ROOT / self.playbook).is_file()


@dataclass(frozen=True)
class Step:
    role: str
    action: str
    runbook: str = ""


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    severity: str
    trigger: str
    recovery_target_min: float
    steps: tuple[Step, ...]
    systems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    path: Path
    title: str
    version: str
    scope: str
    commitments: dict[str, Any]
    roles: dict[str, dict[str, str]]
    contacts: tuple[dict[str, str], ...]
    runbooks: dict[str, Runbook]
    scenarios: dict[str, Scenario]  # in the file's order
    drill_kinds: dict[str, str]

    def role_name(self, role: str) -> str:
        return self.roles[role]["name"]

    def scenario_for(self, scenario: str, kind: str) -> Scenario | None:
        """The scenario a drill exercised: its own, else the plan's scenario for its kind."""
        return self.scenarios.get(scenario or self.drill_kinds.get(kind, ""))


def _lines(
    node: yaml.Node, path: tuple[Any, ...] = (), out: dict[tuple[Any, ...], int] | None = None
) -> dict[tuple[Any, ...], int]:
    """The 1-based line of every mapping key and sequence item, by its path in the document."""
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[(*path, key.value)] = key.start_mark.line + 1
            _lines(value, (*path, key.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*path, index), out)
    return out


def _field(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line_of(lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> int:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


def load(path: str | Path | None = None) -> Plan:
    """Load and check the plan (default ``emergency/plan.yml``); PlanError lists every problem."""
    file = Path(path) if path else PLAN_FILE
    try:
        text = file.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        lines = _lines(yaml.compose(text, Loader=yaml.SafeLoader) or yaml.ScalarNode("", ""))
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{file}: cannot read the emergency plan: {exc}") from exc
    except yaml.YAMLError as exc:
        raise PlanError(f"{file}: not valid YAML: {exc}") from exc
    problems: list[tuple[tuple[Any, ...], str]] = []
    for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data):
        problems.append((tuple(error.absolute_path), error.message))
    if not problems:
        problems = _cross_references(data)
    if problems:
        located = sorted((_line_of(lines, p), _field(p), m) for p, m in problems)
        raise PlanError("\n".join(f"{file}:{line}: {where}: {message}" for line, where, message in located))
    return Plan(
        path=file,
        title=data["title"],
        version=str(data["version"]),
        scope=data["scope"],
        commitments=data["commitments"],
        roles=data["roles"],
        contacts=tuple(data["contacts"]),
        runbooks={
            k: Runbook(k, v["title"], v["playbook"], v.get("usage", "")) for k, v in data["runbooks"].items()
        },
        scenarios={
            s["id"]: Scenario(
                id=s["id"],
                title=s["title"],
                severity=s["severity"],
                trigger=s["trigger"],
                recovery_target_min=float(s["recovery_target_min"]),
                steps=tuple(Step(st["role"], st["action"], st.get("runbook", "")) for st in s["steps"]),
                systems=tuple(s.get("systems", ())),
            )
            for s in data["scenarios"]
        },
        drill_kinds=dict(data.get("drill_kinds") or {}),
    )


def _cross_references(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    runbooks = set(data["runbooks"])
    seen: dict[str, int] = {}
    for i, scenario in enumerate(data["scenarios"]):
        if scenario["id"] in seen:
            problems.append(
                (
                    ("scenarios", i, "id"),
                    f"{scenario['id']!r} is already scenario #{seen[scenario['id']] + 1}",
                )
            )
        seen.setdefault(scenario["id"], i)
        for j, step in enumerate(scenario["steps"]):
            if step.get("runbook") and step["runbook"] not in runbooks:
                problems.append(
                    (
                        ("scenarios", i, "steps", j, "runbook"),
                        f"{step['runbook']!r} is not declared under runbooks: ({', '.join(sorted(runbooks))})",
                    )
                )
    for kind, scenario_id in (data.get("drill_kinds") or {}).items():
        if scenario_id not in seen:
            problems.append((("drill_kinds", kind), f"{scenario_id!r} is not a scenario of this plan"))
    return problems


#: How the committed plan marks what the court fills in (no real person is ever committed).
PLACEHOLDER = "（由法院填写）"


def unfilled_contacts(plan: Plan) -> list[str]:
    """The roles whose contact is still the placeholder: the court fills these in its own copy."""
    return [plan.role_name(c["role"]) for c in plan.contacts if PLACEHOLDER in (c["name"], c["phone"])]


def missing_runbooks(plan: Plan) -> list[Runbook]:
    """Runbooks whose playbook is not in the repository yet (named by a step, not runnable today)."""
    return [r for r in plan.runbooks.values() if not r.available]
