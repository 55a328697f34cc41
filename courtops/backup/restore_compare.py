"""A Linux restore onto another host, compared with the original (restore drill, docs/restore.md).

After the stored ``/etc`` of H went onto a fresh host, the drill is only a success when the new host
*behaves* like H: the same units enabled, the same services running, and the 等保 audit judging every
control the same way. These pure functions compare the audit collector's evidence and the evaluator's
findings of both hosts (the ``courtops_restore_compare`` action gathers them); tests/unit/test_restore_compare.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from courtops.findings import Finding

#: control ids whose verdict may differ between the original and the restored host because of the files
#: a restore onto another host keeps as the target's own (courtops.backup.restore.LINUX_IDENTITY:
#: hostname, hosts, machine-id, SSH host keys, network configuration). No control of the catalogue reads
#: them today; a control that starts to must be named here, with the reason, to be allowed to differ.
IDENTITY_CONTROLS: dict[str, str] = {}


def _units(evidence: Mapping[str, Any], key: str) -> set[str]:
    services = evidence.get("services") if isinstance(evidence, Mapping) else None
    value = services.get(key) if isinstance(services, Mapping) else None
    if value is None:
        return set()
    return set(value)


def service_differences(source: Mapping[str, Any], target: Mapping[str, Any]) -> list[str]:
    """Enabled units and active services/sockets of the two hosts' audit evidence ([] = equal)."""
    out: list[str] = []
    for key, label in (("enabled", "启用"), ("active", "运行")):
        if not isinstance((source.get("services") or {}).get(key), Iterable):
            out.append(f"原主机未取得{label}的服务清单")
            continue
        a, b = _units(source, key), _units(target, key)
        if (target.get("services") or {}).get(key) is None:
            out.append(f"新主机未取得{label}的服务清单")
        for unit in sorted(a - b):
            out.append(f"{unit}：原主机{label}，新主机未{label}")
        for unit in sorted(b - a):
            out.append(f"{unit}：新主机{label}，原主机未{label}")
    return out


def verdicts(findings: Iterable[Finding]) -> dict[str, str]:
    """Control id → verdict (several findings of one control joined, in a stable order)."""
    per: dict[str, list[str]] = {}
    for f in findings:
        per.setdefault(f.control_id, []).append(f.verdict)
    return {cid: "、".join(sorted(v)) for cid, v in sorted(per.items())}


def verdict_differences(
    source: Mapping[str, str], target: Mapping[str, str], allowed: Mapping[str, str] | None = None
) -> tuple[list[str], list[str]]:
    """(differences, allowed differences) per control id: a control only one side has differs too."""
    allowed = IDENTITY_CONTROLS if allowed is None else allowed
    diff: list[str] = []
    excused: list[str] = []
    for cid in sorted(set(source) | set(target)):
        a, b = source.get(cid, "（无结果）"), target.get(cid, "（无结果）")
        if a == b:
            continue
        line = f"{cid}：原主机 {a}，新主机 {b}"
        if cid in allowed:
            excused.append(f"{line}（主机标识文件：{allowed[cid]}）")
        else:
            diff.append(line)
    return diff, excused
