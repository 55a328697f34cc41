"""Findings (texts, evidence) never carry a secret value (issue 10.1 / 10.3): what reaches the evaluator
from a host — a failed collection's message, a command's error, a garbage value, a device's community —
is shown as （已隐藏） or a class, while the policy values around it stay readable."""

from __future__ import annotations

import json
from typing import Any

from courtops import catalogue, evaluator
from courtops.findings import Finding
from tests.unit.casekit import REPO, evidence_of, load_cases

SHA512 = (
    "$6$Pl4ntSalt$" + "Zq8Wd1Xr5Tb3Nc7Mv9Lk2Jh4Gf6Ds0Ap3Oi5Uy7Tr9Ew1Qa2Sz4Xc6Vb8Nm0Lk2Jh4Gf6Ds8Ap0Oi2Uy4Tr6"
)
KEY_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ"
PEM = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----"


def _everything(findings: list[Finding]) -> str:
    return json.dumps(
        [f.export() | {"evidence": f.evidence} for f in findings], ensure_ascii=False, default=str
    )


def _linux_case() -> dict[str, Any]:
    case = next(c for c in load_cases() if c["platform"] == "linux_deb")
    return dict(evidence_of(case["name"]))


def test_a_failed_collection_message_is_masked() -> None:
    msg = f"cat: court:{SHA512}:19700:0:90:7:::\n{PEM}\nDB_PASSWORD=Db-Pl4nted-77"
    ev = {"failed": True, "msg": msg}
    text = _everything(evaluator.evaluate_host(catalogue.default(), "h", "linux_deb", ev))
    for secret in (SHA512[3:], KEY_BODY, "Db-Pl4nted-77"):
        assert secret not in text
    assert "court:$6$" in text and "已隐藏" in text  # the evidence around it is kept


def test_a_command_error_in_linux_evidence_is_masked() -> None:
    ev = _linux_case()
    ev["commands"] = dict(ev.get("commands") or {})
    ev["commands"]["auditctl_l"] = {"rc": 1, "out": "", "err": f"auditctl: key={PEM}"}
    text = _everything(evaluator.evaluate_host(catalogue.default(), "h", "linux_deb", ev))
    assert KEY_BODY not in text


def test_an_unparsable_value_is_masked_before_it_is_cut() -> None:
    """The 无法解析（…） text cuts a value at 60 characters: a cut hash would no longer be recognised."""
    ev = _linux_case()
    files = dict(ev["files"])
    files["/etc/login.defs"] = f"PASS_MAX_DAYS 90\nENCRYPT_METHOD {SHA512}\n"
    ev["files"] = files
    text = _everything(evaluator.evaluate_host(catalogue.default(), "h", "linux_deb", ev))
    assert SHA512[3:40] not in text


def test_a_community_in_a_device_config_never_reaches_a_finding() -> None:
    cfg = (REPO / "tests/data/constructed/network/ios_hardened.cfg").read_text(encoding="utf-8")
    cfg = cfg.replace("snmp-server", "snmp-server community S3cr3tRW RW\nsnmp-server", 1)
    findings = evaluator.evaluate_host(
        catalogue.default(), "r1", "ios", {"commands": {"show running-config": cfg}}
    )
    assert "S3cr3tRW" not in _everything(findings)
    assert any("已隐藏" in f.actual for f in findings)  # shown as hidden, not silently dropped


def test_policy_evidence_is_kept_in_findings() -> None:
    """Password-policy values (secedit's MinimumPasswordLength, PasswordHistorySize, ClearTextPassword) stay."""
    kept = 0
    for case in (c for c in load_cases() if c["platform"] == "windows"):
        findings = evaluator.evaluate_host(catalogue.default(), "pc", "windows", evidence_of(case["name"]))
        shown = {k: v for f in findings for k, v in f.evidence.items()}
        if "win.min_password_length" in shown:
            kept += 1
            for key in ("win.min_password_length", "win.password_history", "win.cleartext_password"):
                assert shown.get(key) is None or isinstance(shown[key], int), (
                    case["name"],
                    key,
                    shown.get(key),
                )
            assert "已隐藏" not in _everything(findings), case["name"]
    assert kept >= 2
