"""L3-CES1-21 from the patch records: cases as data (tests/data/patch_audit_cases.yml), through a real
results store, the store operation the audit's action plugin calls and courtops.patch_audit.judge."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from courtops import catalogue, evaluator, patch_audit, store_access
from courtops.findings import Finding
from courtops.patching import store_ops
from courtops.store import PatchResult, RunInfo, Store
from courtops.valuetypes import ConfigTypeError

CASES = yaml.safe_load(
    (Path(__file__).parent.parent / "data" / "patch_audit_cases.yml").read_text(encoding="utf-8")
)["cases"]
NOW = 1_780_000_000.0  # the audit's time
HOST = "srv-01"
CAT = catalogue.default()


def base_finding(platform: str = "linux_deb", facts: dict[str, Any] | None = None) -> Finding:
    """The finding the host's own evidence gives (what the audit judged before the patch records)."""
    [(item, rule)] = [(i, r) for i, r in CAT.for_platform(platform) if i.id == patch_audit.CONTROL_ID]
    return evaluator.evaluate_item(HOST, platform, item, rule, facts or {}, CAT.thresholds)


def make_store(path: Path, records: list[dict[str, Any]]) -> int:
    with Store(path) as store:
        run_id = store.start_run(
            RunInfo(uuid=str(uuid.uuid4()), kind="patch", playbook="playbooks/patch.yml")
        )
        rows = []
        for r in records:
            ended = NOW - r["days_ago"] * 86400 - 60
            installed, sec = r.get("installed", 0), r.get("installed_security", 0)
            rows.append(
                PatchResult(
                    host=HOST, result=r["result"], started_at=ended - 30, ended_at=ended, run_id=run_id,
                    zone="intranet", klass="server", reason=r.get("reason", ""), blocked_by=r.get("blocked_by", ""),
                    security_only=r.get("security_only", False),
                    updates=[{"name": f"pkg{i}", "installed": "1.0", "candidate": "1.1", "security": i < sec}
                             for i in range(installed)],
                    pending=r.get("pending"), pending_security=r.get("pending_security"),
                    reboot_required=r.get("reboot_required", False),
                )
            )  # fmt: skip
        store.add_patch_results(rows)
        store.finish_run(run_id, "ok")
    return run_id


def records_of(path: Path) -> patch_audit.HostPatchRecords | None:
    answer = json.loads(json.dumps(store_ops.host_states({"store": str(path), "hosts": [HOST]})))  # as sent
    data = answer["hosts"][HOST]
    return patch_audit.HostPatchRecords.from_json(data) if data else None


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_patch_records_give_the_verdict(case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    run_id = make_store(path, case["records"])
    records = records_of(path)
    finding = patch_audit.judge(
        base_finding(facts=case.get("facts")), records, CAT, case.get("thresholds", {}), NOW
    )
    assert finding.verdict == case["verdict"], finding
    assert evaluator.failed_checks(finding) == case.get("failed", [])
    assert finding.high_risk is case.get("high_risk", False)
    for text in case.get("reason_has", []):
        assert text in finding.reason, finding.reason
    for text in case.get("record_has", []):
        assert text in finding.record, finding.record
    if records is not None:  # the evidence names the record: when, what, result
        assert finding.record.startswith("依据补丁记录（最近一次补丁作业 ")
        assert f"作业 #{run_id}" in finding.record
        latest = finding.evidence[patch_audit.EVIDENCE_KEY]["latest"]
        assert latest["result"] == case["records"][-1]["result"] and latest["run_id"] == run_id
    else:
        assert patch_audit.EVIDENCE_KEY not in finding.evidence


def test_no_store_yet_is_no_record(tmp_path: Path) -> None:
    answer = store_ops.host_states({"store": str(tmp_path / "none.sqlite3"), "hosts": [HOST]})
    assert answer == {"hosts": {HOST: None}}
    assert not (tmp_path / "none.sqlite3").exists()  # reading creates nothing


def test_the_audit_reads_the_records_through_the_plugins_store_path(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    make_store(path, [{"result": "patched", "days_ago": 2, "pending": 1, "pending_security": 1, "installed": 1,
                       "installed_security": 1}])  # fmt: skip
    answer = store_access.call(patch_audit.STORE_OPERATION, {"store": str(path), "hosts": [HOST, "other"]})
    assert answer["hosts"]["other"] is None
    records = patch_audit.HostPatchRecords.from_json(answer["hosts"][HOST])
    assert records.pending_security == 0 and records.last_success is not None
    assert records.facts(NOW) == {"patch.reboot_pending": False, "patch.pending_security": 0,
                                  "patch.days_since_patched": 2}  # fmt: skip


def test_a_network_device_and_other_items_are_left_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    make_store(path, [{"result": "unchanged", "days_ago": 0, "pending": 0, "pending_security": 0}])
    records = records_of(path)
    network = base_finding("vrp")
    assert patch_audit.judge(network, records, CAT, {}, NOW) == network
    [(item, rule)] = [(i, r) for i, r in CAT.for_platform("linux_deb") if i.id == "L3-CES1-22"]
    other = evaluator.evaluate_item(HOST, "linux_deb", item, rule, {}, CAT.thresholds)
    assert patch_audit.judge(other, records, CAT, {}, NOW) == other


def test_a_threshold_of_the_wrong_type_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    make_store(path, [{"result": "unchanged", "days_ago": 0, "pending": 0, "pending_security": 0}])
    with pytest.raises(ConfigTypeError, match="dengbao_patch_max_pending_security"):
        patch_audit.judge(
            base_finding(), records_of(path), CAT, {"dengbao_patch_max_pending_security": "0"}, NOW
        )


def test_a_store_that_cannot_be_read_says_so_and_judges_nothing_compliant() -> None:
    finding = patch_audit.judge(base_finding(), None, CAT, {}, NOW, no_record_reason="补丁记录无法读取（x）")
    assert finding.verdict == "待人工" and finding.reason.startswith("补丁记录无法读取（x）")
