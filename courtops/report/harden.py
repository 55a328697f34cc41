"""The change preview (加固方案) and the outcome (加固结果) of a hardening run, HTML and XLSX.

Built generically from the task results of the run (the ``courtops_change_preview`` callback hands
them over): every changed task whose name starts with a control id (``L3-CES1-02 | …``) becomes a row
under that host and control, with what changes, before → after (the task's diff, else its arguments).
Any role that follows the naming appears here without code of its own. With ``--check --diff`` the
rows are what *would* change: the document for the court's change ticket, with its ``change_id``.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from courtops.court_time import fmt_time
from courtops.formula_guard import neutralise_row
from courtops.report.dengbao_harden import class_label
from courtops.report.render import render_html

#: "L3-CES1-02 | …", also as Ansible names a role's task: "harden_linux : L3-CES1-02 | …"
CONTROL_RE = re.compile(r"^(?:[\w.-]+ : )?\s*(L3-[A-Z]{3}\d-\d{2})\s*\|\s*(.*)$")
#: files whose content never goes into a report (hashes): only the fact that they changed
SECRET_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/security/opasswd")
MAX_DIFF_LINES = 60
PREVIEW_HTML = "change-preview.html"
PREVIEW_XLSX = "change-preview.xlsx"
OUTCOME_HTML = "outcome.html"
CHANGES_JSON = "changes.json"
OUTCOME_JSON = "outcome.json"


#: what the report header shows; a caller gives what it knows
META_DEFAULTS: dict[str, Any] = {
    "playbook": "",
    "change_id": "",
    "target": "",
    "limit": "",
    "tags": "",
    "check_mode": False,
    "started_at": None,
    "run_uuid": "",
    "failed_hosts": [],
}


@dataclass
class Change:
    host: str
    control_id: str  # "" for a task outside any control (shown under 通用)
    task: str
    item: str
    before: str
    after: str
    diff: str


def control_of(task_name: str) -> tuple[str, str]:
    """(control id, rest of the name) of a task named ``L3-CES1-02 | …``; ("", name) otherwise."""
    m = CONTROL_RE.match(task_name)
    return (m.group(1), m.group(2)) if m else ("", task_name)


def _unified(before: str, after: str, path: str) -> str:
    lines = list(
        difflib.unified_diff(
            before.splitlines(), after.splitlines(), f"{path} (before)", f"{path} (after)", lineterm="", n=1
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"…（另有 {len(lines) - MAX_DIFF_LINES} 行）"]
    return "\n".join(lines)


def describe(result: dict[str, Any], args: dict[str, Any]) -> tuple[str, str, str]:
    """(before, after, diff) of one changed result: its diff when there is one, else its arguments."""
    diffs = result.get("diff")
    diffs = diffs if isinstance(diffs, list) else [diffs] if isinstance(diffs, dict) else []
    path = str(args.get("path") or args.get("dest") or args.get("name") or "")
    if path in SECRET_FILES or any(str(d.get("before_header", "")) in SECRET_FILES for d in diffs):
        return "（内容不显示：含口令散列）", "（内容不显示：含口令散列）", ""
    before_parts, after_parts, diff_parts = [], [], []
    for d in diffs:
        b, a = d.get("before"), d.get("after")
        header = str(d.get("before_header") or d.get("after_header") or path)
        if isinstance(b, str) and isinstance(a, str):
            diff_parts.append(_unified(b, a, header))
            removed = [
                ln[1:]
                for ln in diff_parts[-1].splitlines()
                if ln.startswith("-") and not ln.startswith("---")
            ]
            added = [
                ln[1:]
                for ln in diff_parts[-1].splitlines()
                if ln.startswith("+") and not ln.startswith("+++")
            ]
            before_parts.append("\n".join(removed) or "（无此内容）")
            after_parts.append("\n".join(added) or "（删除）")
        elif isinstance(b, dict) or isinstance(a, dict):  # file module: mode / owner / state
            before_parts.append(", ".join(f"{k}={v}" for k, v in (b or {}).items() if k != "path"))
            after_parts.append(", ".join(f"{k}={v}" for k, v in (a or {}).items() if k != "path"))
    if not diffs or not (before_parts or after_parts):
        shown = {k: v for k, v in args.items() if k not in ("content", "block", "cmd", "argv", "_raw_params")}
        return "—", ", ".join(f"{k}={v}" for k, v in shown.items()) or str(result.get("msg", "")), ""
    return "\n".join(before_parts), "\n".join(after_parts), "\n".join(p for p in diff_parts if p)


def group(changes: list[Change]) -> list[dict[str, Any]]:
    """Per host, per control: the rows (the HTML report's shape)."""
    hosts: dict[str, dict[str, list[Change]]] = {}
    for c in changes:
        hosts.setdefault(c.host, {}).setdefault(c.control_id or "通用", []).append(c)
    return [
        {"host": h, "controls": [{"control_id": cid, "changes": rows} for cid, rows in sorted(ctrls.items())]}
        for h, ctrls in sorted(hosts.items())
    ]


def preview_context(changes: list[Change], meta: dict[str, Any]) -> dict[str, Any]:
    meta = META_DEFAULTS | meta
    return {
        "report_title": "安全加固方案（变更预览）" if meta.get("check_mode") else "安全加固变更记录",
        "meta": meta,
        "hosts": group(changes),
        "total": len(changes),
        "controls": sorted({c.control_id for c in changes if c.control_id}),
        "generated_at": time.time(),
    }


def write_preview(changes: list[Change], meta: dict[str, Any], out_dir: Path) -> list[Path]:
    ctx = preview_context(changes, meta)
    html = out_dir / PREVIEW_HTML
    html.write_text(render_html("harden_preview.html.j2", ctx), encoding="utf-8")
    xlsx = out_dir / PREVIEW_XLSX
    _preview_xlsx(ctx, xlsx)
    data = out_dir / CHANGES_JSON
    data.write_text(
        json.dumps({"meta": meta, "changes": [asdict(c) for c in changes]}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return [html, xlsx, data]


def write_outcome(
    outcome: list[dict[str, Any]],
    meta: dict[str, Any],
    out_dir: Path,
    scores: list[dict[str, Any]] | None = None,
) -> list[Path]:
    """加固结果: ``outcome`` per host (courtops.harden_outcome), ``scores`` the 符合 share per host class
    and overall, before → after (the outcome action's ``courtops_harden_scores``)."""
    ctx = {
        "report_title": "安全加固结果（加固前后测评对比）",
        "meta": META_DEFAULTS | meta,
        "hosts": outcome,
        "scores": [s | {"label": class_label(str(s.get("class", "")))} for s in scores or ()],
        "generated_at": time.time(),
    }
    html = out_dir / OUTCOME_HTML
    html.write_text(render_html("harden_outcome.html.j2", ctx), encoding="utf-8")
    data = out_dir / OUTCOME_JSON
    data.write_text(json.dumps(outcome, ensure_ascii=False, indent=1), encoding="utf-8")
    return [html, data]


_HEAD = ("主机", "测评项", "任务", "对象", "修改前", "修改后")


def _preview_xlsx(ctx: dict[str, Any], path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "加固方案"
    meta = ctx["meta"]
    ws.append([ctx["report_title"]])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(neutralise_row(["变更单号", meta.get("change_id") or "（未给出）"]))
    ws.append(
        neutralise_row(["模式", "预览（--check，未做任何修改）" if meta.get("check_mode") else "已执行"])
    )
    ws.append(neutralise_row(["生成时间", fmt_time(ctx["generated_at"])]))
    ws.append([])
    ws.append(list(_HEAD))
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for host in ctx["hosts"]:
        for ctrl in host["controls"]:
            for c in ctrl["changes"]:
                ws.append(neutralise_row([c.host, ctrl["control_id"], c.task, c.item, c.before, c.after]))
    for col, width in zip("ABCDEF", (16, 12, 40, 30, 50, 50), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=head_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)
