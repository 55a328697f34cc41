"""Action plugin: evaluate the evidence every audited host registered and export findings.

Runs on the controller only. Reads the registered results of playbooks/audit.yml
(``dengbao_linux`` / ``dengbao_windows`` / ``dengbao_network``) from hostvars, turns them into
evidence dicts, runs courtops.evaluator and writes ``<output_dir>/<UTC time>-<run>/findings.json``
(a JSON list of Finding.export() objects: EXPORT_KEYS first) in a directory of this run's own, then
repoints the ``latest`` symlink atomically, and returns the findings under ``courtops_findings`` for
the recorder (results store, reports). No audited host is an error: nothing is written and
``latest`` stays. In check mode nothing is written either; the result says where it would have been.
Writing the report is controller output, not a change to any managed host: changed=False.
Documented in library/courtops_dengbao_evaluate.py (ansible-doc -t module courtops_dengbao_evaluate).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ansible.plugins.action import ActionBase
from ansible.vars.hostvars import HostVarsVars

from courtops import catalogue, evaluator, patch_audit, store_access
from courtops import exceptions as exceptions_mod
from courtops.audit_platform import audit_platform
from courtops.exportdir import ExportDirError, make_run_dir, point_latest, run_dir_name
from courtops.findings import Finding
from courtops.secrets import clip, rules_for


def _evidence(hv: dict[str, Any], platform: str) -> Any:
    """The evidence dict of one host from its registered results (unreachable/failed kept)."""
    rules = rules_for(platform)  # a failed command's message may quote the device's configuration
    if platform in ("linux_deb", "linux_rpm", "windows"):
        reg = hv.get("dengbao_linux" if platform.startswith("linux") else "dengbao_windows")
        if not isinstance(reg, dict) or reg.get("skipped"):
            return {"failed": True, "msg": "未运行采集任务"}
        if reg.get("unreachable") or reg.get("failed"):
            msg = clip(str(reg.get("msg", "")), 300, rules)
            return {"unreachable": bool(reg.get("unreachable")), "failed": True, "msg": msg}
        return reg.get("evidence") or {"failed": True, "msg": "采集结果为空"}
    reg = hv.get("dengbao_network")
    if not isinstance(reg, dict):
        return {"failed": True, "msg": "未运行采集任务"}
    if reg.get("unreachable"):
        return {"unreachable": True, "msg": clip(str(reg.get("msg", "")), 300, rules)}
    commands = {}
    errors = []
    for res in reg.get("results", []):
        if res.get("unreachable"):
            return {"unreachable": True, "msg": clip(str(res.get("msg", "")), 300, rules)}
        if res.get("failed"):
            errors.append(f"{res.get('item')}: {clip(str(res.get('msg', '')), 120, rules)}")
        elif isinstance(res.get("stdout"), str):
            commands[res.get("item")] = res["stdout"]
    if not commands:
        return {"failed": True, "msg": "；".join(errors)}
    return {"commands": commands, "errors": errors}


# what the collecting plays of audit.yml register: a host with none of them was not audited in this run
REGISTERED = ("dengbao_linux", "dengbao_windows", "dengbao_network")


def _audited(hostvars: Any, hosts: list[str], loader: Any = None) -> dict[str, tuple[Any, dict[str, Any]]]:
    """The given hosts that a collecting play registered a result for (in the given order), each with
    its variables (templated on access) and its registered results as registered. Each host's variables
    are built once: ``hostvars.get`` merges the host's whole variable set every time it is called
    (ansible's VariableManager.get_vars), which dominated this task at 100+ hosts when it was called
    per host for the exceptions, again for the judgement. The registered results are read untemplated:
    templating a ~55 KB collector result only walks and copies it (a module's output is never a
    template), and that took a quarter of this task at 100 hosts (docs/scale.md §1)."""
    raw_get = getattr(hostvars, "raw_get", None)  # ansible's HostVars; a plain dict in unit tests
    out = {}
    for h in hosts:
        if raw_get is None:
            hv = raw = hostvars.get(h, {})
        else:
            raw = raw_get(h)
            if not isinstance(raw, Mapping):  # an undefined host
                continue
            hv = HostVarsVars(raw, loader=loader, host=h)
        if any(key in raw for key in REGISTERED):
            out[h] = (hv, {key: raw[key] for key in REGISTERED if key in raw})
    return out


def _patch_records(hosts: list[str]) -> tuple[dict[str, patch_audit.HostPatchRecords | None], str]:
    """Each host's patch records from the results store (read-only, in a fresh process), and why
    none could be read ("" when they could): the audit then judges L3-CES1-21 as without records."""
    if not hosts:
        return {}, ""
    try:
        answer = store_access.call(patch_audit.STORE_OPERATION, store_access.run_context() | {"hosts": hosts})
        return {
            h: patch_audit.HostPatchRecords.from_json(data) if data else None
            for h, data in (answer.get("hosts") or {}).items()
        }, ""
    except (store_access.StoreAccessError, ValueError, KeyError, TypeError) as exc:
        return {}, f"补丁记录无法读取（{clip(str(exc), 200, [])}）"


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # judges as usual, writes nothing

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        _, args = self.validate_argument_spec(
            argument_spec={
                "hosts": {"type": "list", "elements": "str", "required": True},
                "output_dir": {"type": "path", "required": True},
            }
        )
        hostvars = task_vars.get("hostvars", {})
        audited_all = _audited(hostvars, args["hosts"], self._loader)
        audited = {h: hv for h, (hv, _) in audited_all.items()}
        hosts = list(audited)
        if not hosts:  # a mistyped -e target= matches nothing: that is no audit, and no empty export
            return {
                **result,
                "failed": True,
                "msg": "没有任何测评对象被审计：target / --limit 未匹配到主机（或只匹配到 SNMP 设备），"
                "未写入导出，latest 未变动。请检查 -e target= 的拼写。",
            }
        cat = catalogue.default()
        # approved exceptions (dengbao_exceptions) of every host, validated before anything is judged
        try:
            excepted = {
                host: exceptions_mod.active(hv.get(exceptions_mod.VARIABLE), where=host)
                for host, hv in audited.items()
            }
        except exceptions_mod.ExceptionError as exc:
            return {**result, "failed": True, "msg": str(exc)}
        findings = []
        judged: dict[str, list[Finding]] = {}
        host_thresholds: dict[str, dict[str, Any]] = {}
        for host, hv in audited.items():
            platform = audit_platform(hv)
            host_thresholds[host] = {k: hv[k] for k in cat.thresholds if k in hv}
            judged[host] = evaluator.evaluate_host(
                cat, host, platform, _evidence(audited_all[host][1], platform), host_thresholds[host]
            )
        # L3-CES1-21 from the patch records, the data of the patch-compliance report (courtops.patch_audit)
        patched = [h for h in hosts if any(f.platform in patch_audit.PATCHED_PLATFORMS for f in judged[h])]
        records, unreadable = _patch_records(patched)
        now = time.time()
        for host in hosts:
            from_records = [
                patch_audit.judge(
                    f,
                    records.get(host),
                    cat,
                    host_thresholds[host],
                    now,
                    no_record_reason=unreadable or patch_audit.NO_RECORD,
                )
                for f in judged[host]
            ]
            findings += exceptions_mod.apply(from_records, excepted[host])
        counts = Counter(f.verdict for f in findings)
        summary = dict(counts) | {"高风险候选": sum(f.high_risk for f in findings)}
        out_dir = Path(args["output_dir"])
        run_token = os.environ.get("COURTOPS_RUN_UUID", "")  # the recorder's run, when it is on
        if self._task.check_mode:
            would = out_dir / run_dir_name(run_token) / "findings.json"
            return {
                **result,
                "changed": False,
                "path": str(would),
                "hosts": len(hosts),
                "findings": len(findings),
                "summary": summary,
                "msg": f"检查模式（未写入）：将写入 {would}（{len(findings)} 条结果）并把 latest 指向它",
                "courtops_findings": [asdict(f) for f in findings],
            }
        try:
            run_dir = make_run_dir(out_dir, run_token)
            path = run_dir / "findings.json"
            tmp_path = path.with_suffix(".json.tmp")
            with tmp_path.open("w", encoding="utf-8") as handle:
                # the contract keys (Finding.export) plus the ids of the failed sub-checks
                rows = [f.export() | {"failed_checks": evaluator.failed_checks(f)} for f in findings]
                json.dump(rows, handle, ensure_ascii=False, indent=1)
            tmp_path.replace(path)  # never a half-written export
            point_latest(out_dir, run_dir)
        except (OSError, ExportDirError) as exc:
            return {
                **result,
                "failed": True,
                "msg": f"cannot write the findings export under {out_dir}: {exc}",
            }
        return {
            **result,
            "changed": False,
            "path": str(path),
            "hosts": len(hosts),
            "findings": len(findings),
            "summary": summary,
            # for the courtops_recorder callback: every finding, with its evidence, into the results store
            "courtops_findings": [asdict(f) for f in findings],
        }
