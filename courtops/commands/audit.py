"""`courtops audit evaluate`: judge saved inputs offline (no host is contacted).

An auditor often receives configuration files instead of access to the devices. Each PATH is one
host: a network device's configuration file (vrp, comware, ios), a directory holding a Linux
host's files laid out as under ``/`` (linux_deb, linux_rpm), or a Windows export directory (the
``secedit /export`` INF and the ``auditpol /get /category:* /r`` CSV). The findings are printed
with the keys of the findings export (`courtops findings`); host = the file or directory name.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from courtops import catalogue, evaluator, evidence, offline
from courtops.cli import UserError
from courtops.export import write_findings
from courtops.findings import Finding


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("audit", help="等保 audit helpers (offline evaluation of saved inputs)")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    ev = audit_sub.add_parser(
        "evaluate",
        help="evaluate saved configuration files / file trees / Windows exports without touching a host",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ev.add_argument("--platform", required=True, choices=offline.PLATFORMS, help="platform of every PATH")
    ev.add_argument("paths", nargs="+", metavar="PATH", help="one saved input per host")
    ev.add_argument("--format", choices=("json", "csv"), default="json")
    ev.set_defaults(func=run)


def _explain(
    finding: Finding, platform: str, rule: catalogue.PlatformRule | None, facts: dict[str, object]
) -> Finding:
    """The record names the evidence (送检文件, not 现场); a 待人工 finding says what the input cannot show."""
    record = finding.record.replace("经现场核查", "经离线核查（送检文件）", 1)
    reason = finding.reason
    if finding.verdict == "待人工" and rule is not None and rule.kind == "checks":
        why = offline.offline_reason(platform, [c.fact for c in rule.checks if c.fact not in facts])
        reason = f"{reason}（离线评估：{why}）" if why else reason
    return dataclasses.replace(finding, record=record, reason=reason)


def evaluate_path(cat: catalogue.Catalogue, platform: str, path: Path) -> list[Finding]:
    """All findings for one saved input; raises offline.OfflineError on an unusable path."""
    ev = offline.evidence_for(platform, path)
    facts, _problems, _usable = evidence.extract(platform, ev)
    rules = {item.id: rule for item, rule in cat.for_platform(platform)}
    return [
        _explain(f, platform, rules.get(f.control_id), facts)
        for f in evaluator.evaluate_host(cat, path.name, platform, ev)
    ]


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    names = [p.name for p in paths]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise UserError(f"主机名重复（主机名取文件或目录名）：{'、'.join(dup)}")
    cat = catalogue.default()
    rows = []
    for path in paths:
        try:
            rows += [f.export() for f in evaluate_path(cat, args.platform, path)]
        except offline.OfflineError as exc:
            raise UserError(str(exc)) from exc
    write_findings(rows, args.format, sys.stdout)
    return 0
