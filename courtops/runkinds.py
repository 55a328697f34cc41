"""Run kinds (运行类型): what each kind of recorded run is, declared once.

A run's kind is what the recorder stores with it (``runs.kind``), what ``--kind`` and ``--run latest``
select, which reports read it and whether it opens and closes incidents. Everything that used to compare
playbook file names (the recorder, the report selection, incidents, ``courtops findings``, the
``courtops_previous_run`` lookup) reads this table instead. Kinds whose playbook is not written yet
(backup, harden, patch, restore) are declared so that their runs are recorded under the right kind
from the first day; ``available`` says whether the playbook exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from courtops import REPO_ROOT


@dataclass(frozen=True)
class RunKind:
    id: str  # what runs.kind holds, e.g. "inspect"
    name: str  # Chinese name, as reports and listings show it
    playbooks: tuple[str, ...]  # repository paths of the playbooks that make runs of this kind
    reports: tuple[str, ...] = ()  # the `courtops report --report` names this kind feeds
    incidents: bool = False  # opens and closes incidents (故障记录)
    findings: bool = False  # records 等保 findings (`courtops findings` reads its runs)
    scope_vars: tuple[str, ...] = ()  # -e variables that belong to a run's scope (the previous run)

    @property
    def available(self) -> bool:
        return all((REPO_ROOT / p).is_file() for p in self.playbooks)


KINDS: dict[str, RunKind] = {
    k.id: k
    for k in (
        RunKind(
            "inspect",
            "日常巡检",
            ("playbooks/inspect.yml",),
            reports=("inspection", "quarterly"),
            incidents=True,
            scope_vars=("profile", "target"),
        ),
        RunKind(
            "audit",
            "等保测评取证",
            ("playbooks/audit.yml",),
            reports=("dengbao",),
            findings=True,
            scope_vars=("target",),
        ),
        RunKind("backup", "配置备份", ("playbooks/backup.yml",), scope_vars=("target",)),
        RunKind("harden", "安全加固", ("playbooks/harden.yml",), scope_vars=("target", "change_id")),
        RunKind(
            "patch",
            "补丁更新",
            ("playbooks/patch.yml",),
            reports=("patch",),
            scope_vars=("target", "change_id"),
        ),
        RunKind("restore", "配置恢复", ("playbooks/restore.yml",), scope_vars=("host", "to", "change_id")),
    )
}
#: The scope variables of a run whose kind is not declared here (a test playbook, report.yml).
DEFAULT_SCOPE_VARS = ("profile", "target")


def kind_of_playbook(path: str | Path) -> str:
    """The kind of a run of this playbook: the declared kind that lists it, else the file's stem."""
    resolved = Path(path).resolve()
    for kind in KINDS.values():
        if any(resolved == (REPO_ROOT / p).resolve() for p in kind.playbooks):
            return kind.id
    return Path(path).stem


def kind_of_report(report: str) -> str:
    """The kind of run a report reads (``--run latest`` picks the latest run of it)."""
    found = [k.id for k in KINDS.values() if report in k.reports]
    if len(found) != 1:
        raise KeyError(f"report {report!r} is fed by {len(found)} run kinds, not exactly one")
    return found[0]


def scope_vars(kind: str) -> tuple[str, ...]:
    return KINDS[kind].scope_vars if kind in KINDS else DEFAULT_SCOPE_VARS


def incident_kinds() -> tuple[str, ...]:
    return tuple(k.id for k in KINDS.values() if k.incidents)


def findings_kinds() -> tuple[str, ...]:
    return tuple(k.id for k in KINDS.values() if k.findings)
