"""L3-CES1-21 (已知漏洞及时修补) judged from the patch records (补丁记录), the data of the patch report.

The patch-compliance report (courtops/report/patch_compliance.py) reads each host's patch results
from the results store; the audit judges the patch item from the same host states: the security
updates still pending, the days since the last successful patch run (patched, or found up to date)
and a reboot still pending. The thresholds are the typed ones of controls/thresholds.yml
(``dengbao_patch_max_pending_security``, ``dengbao_patch_max_age_days``), so a court tightens them
per group like every other threshold.

A host without a patch record keeps the finding the host's own evidence gave (today: the apt index
and the pending security updates the host reports, mostly 待人工 in a court without internet); a
待人工 finding then says that there is no patch record. Absence of evidence is never compliance: a
record without a known pending count, or without any successful run, leaves the item 待人工.

Pure (no clock, no I/O): ``now`` and the records come from the caller (the audit's action plugin reads
them through courtops.store_access, read-only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from courtops import evaluator
from courtops.catalogue import Catalogue, Check, PlatformRule
from courtops.court_time import fmt_minute
from courtops.findings import Finding
from courtops.valuetypes import ConfigTypeError

CONTROL_ID = "L3-CES1-21"
#: the platforms playbooks/patch.yml patches (a network device has no patch record: its finding stays)
PATCHED_PLATFORMS = ("linux_deb", "linux_rpm", "windows")
#: the results-store operation (courtops.store.subprocess_ops) that returns these records
STORE_OPERATION = "patch-states"
#: evidence key holding the patch records the verdict rests on
EVIDENCE_KEY = "patch_record"
RESULT_NAMES = {"patched": "已打补丁", "unchanged": "无需更新", "skipped": "跳过", "failed": "失败"}
NO_RECORD = "无补丁记录（结果库中没有该主机的补丁作业记录）"

SOURCE = "补丁记录"
CHECKS = (
    Check(
        id="pending_security",
        desc="待安装的安全更新数",
        fact="patch.pending_security",
        op="le",
        value="$dengbao_patch_max_pending_security",
        high_risk=True,
    ),
    Check(
        id="last_patch",
        desc="最近一次成功补丁距今（天）",
        fact="patch.days_since_patched",
        op="le",
        value="$dengbao_patch_max_age_days",
    ),
    Check(id="reboot", desc="补丁后待重启", fact="patch.reboot_pending", op="eq", value=False),
)


@dataclass(frozen=True)
class PatchRecord:
    """One row of patch_results as the audit names it: when, what, result."""

    id: int
    run_id: int | None
    result: str
    ended_at: float
    updates: tuple[str, ...] = ()
    reason: str = ""
    blocked_by: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PatchRecord:
        return cls(
            id=int(data["id"]),
            run_id=None if data.get("run_id") is None else int(data["run_id"]),
            result=str(data["result"]),
            ended_at=float(data["ended_at"]),
            updates=tuple(str(u) for u in data.get("updates") or ()),
            reason=str(data.get("reason") or ""),
            blocked_by=str(data.get("blocked_by") or ""),
        )

    def describe(self) -> str:
        run = f"作业 #{self.run_id}，" if self.run_id is not None else ""
        what = RESULT_NAMES.get(self.result, self.result)
        if self.updates:
            shown = "、".join(self.updates[:5]) + (
                f" 等 {len(self.updates)} 个" if len(self.updates) > 5 else ""
            )
            what += f"，安装 {shown}"
        if self.result in ("skipped", "failed") and (self.blocked_by or self.reason):
            what += f"：{self.blocked_by or self.reason}"
        return f"{fmt_minute(self.ended_at)}（{run}{what}）"

    def as_evidence(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "run_id": self.run_id,
            "result": self.result,
            "ended_at": fmt_minute(self.ended_at),
            "updates": list(self.updates),
        }


@dataclass(frozen=True)
class HostPatchRecords:
    """A host's patch state from the store (courtops.report.patch_compliance.host_states)."""

    latest: PatchRecord
    last_success: PatchRecord | None  # the latest patched / unchanged record
    pending_security: int | None  # security updates still pending after the latest known count
    reboot_pending: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HostPatchRecords:
        pending = data.get("pending_security")
        if pending is not None and (isinstance(pending, bool) or not isinstance(pending, int)):
            raise ValueError(f"pending_security must be a whole number or null, not {pending!r}")
        success = data.get("last_success")
        return cls(
            latest=PatchRecord.from_json(data["latest"]),
            last_success=PatchRecord.from_json(success) if success else None,
            pending_security=pending,
            reboot_pending=bool(data.get("reboot_pending")),
        )

    def facts(self, now: float) -> dict[str, Any]:
        """The facts the checks read; a value the records do not give is absent (→ 待人工)."""
        facts: dict[str, Any] = {"patch.reboot_pending": self.reboot_pending}
        if self.pending_security is not None:
            facts["patch.pending_security"] = self.pending_security
        if self.last_success is not None:
            facts["patch.days_since_patched"] = max(int((now - self.last_success.ended_at) // 86400), 0)
        return facts

    def describe(self) -> str:
        text = f"最近一次补丁作业 {self.latest.describe()}"
        if self.last_success is None:
            return text + "；无成功的补丁作业记录"
        if self.last_success != self.latest:
            text += f"；最近一次成功 {self.last_success.describe()}"
        return text


def judge(
    finding: Finding,
    records: HostPatchRecords | None,
    catalogue: Catalogue,
    thresholds: Mapping[str, Any],
    now: float,
    *,
    no_record_reason: str = NO_RECORD,
) -> Finding:
    """The L3-CES1-21 finding of one host, from its patch records when it has any.

    ``thresholds``: the host's own (validated like every threshold), over the catalogue's defaults.
    Other findings, and 不适用, are returned as they are; so is an approved exception's finding,
    which is applied after this.
    """
    if (
        finding.control_id != CONTROL_ID
        or finding.verdict == "不适用"
        or finding.platform not in PATCHED_PLATFORMS
    ):
        return finding
    if records is None:
        if finding.verdict != "待人工":
            return replace(finding, record=f"{finding.record}（{no_record_reason}，按主机采集的证据判断）")
        reason = f"{no_record_reason}；{finding.reason}" if finding.reason else no_record_reason
        return replace(finding, reason=reason, record=f"{finding.record}（{no_record_reason}）")
    errors = catalogue.threshold_errors(dict(thresholds))
    if errors:
        raise ConfigTypeError(
            f"{finding.host}: 阈值配置错误 / threshold of the wrong type: " + "; ".join(errors)
        )
    merged = {**catalogue.thresholds, **{k: v for k, v in thresholds.items() if k in catalogue.thresholds}}
    item = next(i for i in catalogue.items if i.id == CONTROL_ID)
    rule = PlatformRule(
        kind="checks",
        evidence=(EVIDENCE_KEY,),
        source=SOURCE,
        remediation=finding.remediation,
        checks=CHECKS,
    )
    judged = evaluator.evaluate_item(finding.host, finding.platform, item, rule, records.facts(now), merged)
    prefix = f"经现场核查（{SOURCE}）："
    body = judged.record.removeprefix(prefix)
    record = f"依据补丁记录（{records.describe()}）：{body}"
    reason = judged.reason
    if judged.verdict == "待人工" and records.last_success is None:
        reason = "补丁记录中没有成功的补丁作业（仅有失败或跳过）" + (f"；{reason}" if reason else "")
    evidence = dict(judged.evidence)
    evidence[EVIDENCE_KEY] = {
        "latest": records.latest.as_evidence(),
        "last_success": records.last_success.as_evidence() if records.last_success else None,
    }
    return replace(judged, record=record, reason=reason, evidence=evidence)
