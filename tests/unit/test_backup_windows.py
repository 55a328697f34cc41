"""Windows backup: the PowerShell collector's result (recorded: real secedit / auditpol exports from the
corpus, constructed features / software / tasks) -> files, completeness, normalisation, masking.
No Windows host runs here (docs/backup.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from courtops.backup import windows_rules as rules
from tests.unit.casekit import DATA

CORPUS = DATA / "corpus" / "windows"


def _backup(secedit: str = "secedit_export_member_server_securitypolicydsc.inf") -> dict[str, Any]:
    extras = json.loads(
        (DATA / "constructed/windows/backup_extras_server2019.json").read_text(encoding="utf-8")
    )
    raw = (CORPUS / secedit).read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8")
    return {
        "collector": "courtops_backup_windows",
        "schema": 1,
        "secedit": text.replace("\n", "\r\n"),
        "auditpol": (CORPUS / "ms_baseline_gpo_audit.csv").read_text(encoding="utf-8"),
        **extras,
    }


def test_files_layout() -> None:
    files = rules.files_of(_backup())
    assert files["secedit.inf"].startswith("[Unicode]") and "\r" not in files["secedit.inf"]
    assert "MinimumPasswordLength" in files["secedit.inf"]
    assert files["features.txt"].splitlines()[0] == "FileAndStorage-Services (Installed)"
    assert "7-Zip 22.01 (x64) | 22.01 | Igor Pavlov" in files["software.txt"]
    assert set(files) >= {
        "tasks/Microsoft/Windows/Defrag/ScheduledDefrag.xml",
        "tasks/courtops/NightlyExport.xml",
    }
    assert (
        "<Command>%windir%\\system32\\defrag.exe</Command>"
        in files["tasks/Microsoft/Windows/Defrag/ScheduledDefrag.xml"]
    )


def test_complete_backup_has_no_problems() -> None:
    assert rules.problems(_backup()) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"secedit": "[Unicode]\r\nUnicode=yes\r\n"}, "缺少 [System Access]、[Version]"),
        ({"auditpol": "garbage, not a csv\n"}, "auditpol 备份没有任何审核策略行"),
        ({"errors": ["secedit /export 未生成导出文件"]}, "secedit /export 未生成导出文件"),
        ({"collector": "courtops_win_collect"}, "不是 courtops_backup_windows 的输出"),
    ],
)
def test_incomplete_backup_rejected(change: dict[str, Any], expected: str) -> None:
    assert any(expected in p for p in rules.problems({**_backup(), **change}))


def test_audit_rows_of_real_backup_csv() -> None:
    rows = rules.audit_rows((CORPUS / "nsa_shb_win10_audit.csv").read_text(encoding="utf-8"))
    assert rows and all(r["Subcategory GUID"].startswith("{0cce") for r in rows)


def test_normalise_is_stable_and_drops_machine_name() -> None:
    a = _backup()
    b = {**a, "auditpol": a["auditpol"].replace("\n,System,", "\nCOURT-SRV01,System,")}
    na, nb = rules.normalise(rules.files_of(a)), rules.normalise(rules.files_of(b))
    assert na == nb
    assert rules.normalise(na) == na  # idempotent
    changed = {
        **a,
        "secedit": a["secedit"].replace("MinimumPasswordLength = 8", "MinimumPasswordLength = 14"),
    }
    assert rules.normalise(rules.files_of(changed))["secedit.inf"] != na["secedit.inf"]


def test_masking_keeps_policy_hides_secrets() -> None:
    files = rules.files_of(_backup())
    files["tasks/courtops/NightlyExport.xml"] += (
        "<!-- schtasks /create /tn X /ru ops /p Pl4ntedSchtasks -->\n"
    )
    masked = rules.mask(files)
    dumped = json.dumps(masked, ensure_ascii=False)
    assert "PlantedTaskSecret42" not in dumped and "Pl4ntedSchtasks" not in dumped
    assert "-Password （已隐藏）</Arguments>" in masked["tasks/courtops/NightlyExport.xml"]
    # policy settings whose names say "password" or "token" are evidence, not secrets
    assert masked["secedit.inf"] == files["secedit.inf"]
    assert (
        "ClearTextPassword = 0\n" in masked["secedit.inf"]
        and "RequireLogonToChangePassword = 0\n" in masked["secedit.inf"]
    )
