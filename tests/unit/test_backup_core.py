"""The backup core without a lab: acceptance, the git repository, the encrypted full copy, the store."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from courtops.backup import status as backup_status
from courtops.backup.accept import accept
from courtops.backup.capture import Capture
from courtops.backup.device import backup_device
from courtops.backup.repo import BackupRepo, RepoError
from courtops.backup.rules import PlatformRules, UnknownPlatform, register, registry, rules_for
from courtops.store import BACKUP_STATUS_SINCE, BackupStatus, Store

SECRET = "Plant3dS3cret!"
CONFIG = (
    f"""!Software Version V200R019C10SPC500
!Last configuration was updated at 2026-11-20 09:12:33+08:00 by labops
#
sysname core-sw1
#
aaa
 local-user admin password irreversible-cipher {SECRET}
#
"""
    + "".join(f"interface GigabitEthernet0/0/{i}\n description port {i}\n#\n" for i in range(1, 20))
    + "return\n"
)
VERSION = "HUAWEI S5735 uptime is 0 week, 1 day, 2 hours, 3 minutes\nVRP (R) software, Version 5.170\n"


def capture(config: str = CONFIG, **files: str) -> Capture:
    return Capture(
        "core-sw1",
        "vrp",
        "site_main",
        "network",
        {"config": config, "version": VERSION, "display-device": "Slot 0 Normal"} | files,
    )


def test_complete_capture_is_accepted_normalised_and_masked() -> None:
    out = accept(capture(), None, mask_key=b"k")
    assert out.ok, out.reasons
    assert "uptime" not in out.full["version"] and "!Last configuration" not in out.full["config"]
    assert SECRET in out.full["config"]  # the full copy is unmasked
    text = out.masked[""]
    assert SECRET not in text and "local-user admin password irreversible-cipher （已隐藏:" in text
    assert text.startswith("#COURTOPS-CONTENT-TYPE: vrp\n") and "# == display version ==" in text


@pytest.mark.parametrize(
    "config, reason",
    [
        (CONFIG.replace("return\n", ""), "结束标记 'return'"),
        ("", "输出为空"),
        (
            CONFIG.replace("#\nsysname", "Error: Unrecognized command found at '^' position.\nsysname"),
            "返回错误",
        ),
    ],
    ids=["truncated", "empty", "cli-error"],
)
def test_incomplete_or_error_output_is_rejected(config: str, reason: str) -> None:
    out = accept(capture(config), None)
    assert not out.ok and reason in out.reason and not out.masked and not out.full


def test_missing_output_and_collection_error_are_rejected() -> None:
    files = dict(capture().files)
    del files["version"]
    out = accept(Capture("h", "vrp", "s", "c", files), None)
    assert not out.ok and "display version" in out.reason
    out = accept(Capture("h", "vrp", "s", "c", capture().files, ("连接超时",)), None)
    assert out.reason == "连接超时"


def test_shrink_against_last_good_copy_is_rejected_and_configurable() -> None:
    good = accept(capture(), None)
    short = CONFIG.split("interface GigabitEthernet0/0/5")[0] + "return\n"
    out = accept(capture(short), good.full)
    assert not out.ok and "缩小" in out.reason and "上限 50%" in out.reason
    assert accept(capture(short), good.full, max_shrink=0.9).ok
    with pytest.raises(ValueError):
        accept(capture(), None, max_shrink=0)


def test_registry_takes_registrations_and_names_unknown_platforms() -> None:
    assert {"vrp", "comware", "ios"} <= set(registry())
    with pytest.raises(UnknownPlatform, match="vrp"):
        rules_for("no_such_os")
    register(PlatformRules("test_os", lambda f: [], lambda r, t: t.strip() + "\n", ()))
    try:
        assert rules_for("test_os").normalise("x", " a ") == "a\n"
    finally:
        from courtops.backup import rules

        rules._REGISTRY.pop("test_os")


@pytest.fixture
def repo(tmp_path: Path) -> BackupRepo:
    return BackupRepo(tmp_path / "backups")


def git(repo: BackupRepo, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo.path, capture_output=True, text=True, check=True).stdout


def test_repo_commits_changes_only_and_reads_back(repo: BackupRepo) -> None:
    first = backup_device(capture(), repo)
    assert first.ok and first.changed and first.path == "site_main/network/core-sw1"
    c1 = repo.commit("run-1")
    assert c1 is not None and c1.hosts == ("core-sw1",)
    assert "配置备份 run-1：1 台设备变更" in git(repo, "log", "-1", "--format=%B")
    # the same device again, with new volatile lines only: nothing staged, nothing committed
    again = backup_device(
        capture(CONFIG.replace("09:12:33", "10:00:00"), version=VERSION.replace("1 day", "2 days")), repo
    )
    assert again.ok and not again.changed
    assert repo.commit("run-2") is None
    # a real change: exactly that diff
    changed = CONFIG.replace(" description port 3\n", " description uplink to court-b\n")
    assert backup_device(capture(changed), repo).changed
    c3 = repo.commit("run-3")
    assert c3 is not None
    diff = repo.diff("core-sw1")
    minus = [x for x in diff.splitlines() if x.startswith("-") and not x.startswith("---")]
    plus = [x for x in diff.splitlines() if x.startswith("+") and not x.startswith("+++")]
    assert minus == ["- description port 3"] and plus == ["+ description uplink to court-b"]
    assert [r.rev for r in repo.log("core-sw1")] == [c3.rev, c1.rev]
    assert "court-b" in repo.show("core-sw1") and "court-b" not in repo.show("core-sw1", c1.rev)
    assert repo.diff("core-sw1", c1.rev, c3.rev) == diff
    # the full copy is unmasked at every revision; the git history never holds the secret
    assert SECRET in repo.full_copy("core-sw1")["config"]
    assert "court-b" not in repo.full_copy("core-sw1", c1.rev)["config"]
    history = git(repo, "log", "-p", "--all", "--binary")
    assert (
        SECRET not in history
        and "$ANSIBLE_VAULT;1.2;AES256;court"
        in (repo.path / ".full/site_main/network/core-sw1.vault").read_text()
    )
    with pytest.raises(RepoError):
        repo.show("no-such-host")


def test_rejected_capture_keeps_the_previous_copy(repo: BackupRepo) -> None:
    backup_device(capture(), repo)
    repo.commit("run-1")
    before = repo.show("core-sw1")
    bad = backup_device(capture(CONFIG[: len(CONFIG) // 3]), repo)
    assert not bad.ok and "结束标记" in bad.reason
    assert repo.commit("run-2") is None and repo.show("core-sw1") == before


def test_check_mode_writes_nothing(repo: BackupRepo) -> None:
    result = backup_device(capture(), repo, check=True)
    assert result.ok and result.changed and not repo.path.exists()


def test_store_status_incident_open_and_close(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        ok = BackupStatus(
            "core-sw1", "ok", 1000.0, "vrp", "site_main", "network", "site_main/network/core-sw1"
        )
        backup_status.record(store, ok, changed=True, sha256="ab", size=10, now=1000.0)
        failed = BackupStatus("core-sw1", "failed", 2000.0, "vrp", reason="配置不完整")
        out = backup_status.record(store, failed, now=2000.0)
        assert len(out["opened"]) == 1
        (st,) = store.backup_statuses()
        assert (st.status, st.reason, st.last_success, st.last_change, st.last_attempt) == (
            "failed",
            "配置不完整",
            1000.0,
            1000.0,
            2000.0,
        )
        (incident,) = store.incidents(open_only=True)
        assert incident.device == "core-sw1" and "配置不完整" in incident.message
        out = backup_status.record(store, BackupStatus("core-sw1", "ok", 3000.0), now=3000.0)
        assert out["closed"] == [incident.id] and not store.incidents(open_only=True)
        st = store.backup_statuses(host="core-sw1")[0]
        assert (st.status, st.reason, st.last_success, st.last_change) == ("ok", "", 3000.0, 1000.0)
        assert [b.changed for b in store.backups(host="core-sw1")] == [True, False]  # good copies only
        assert backup_status.stale_days(st, now=3000.0 + 86400 * 2) == pytest.approx(2.0)


def test_store_older_than_the_status_table_reads_empty(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with Store(path) as store:
        store.record_backup(BackupStatus("core-sw1", "ok", 1000.0))
    db = sqlite3.connect(path)
    db.executescript(f"DROP TABLE backup_status; PRAGMA user_version = {BACKUP_STATUS_SINCE - 1};")
    db.close()
    with Store(path, readonly=True) as store:
        assert store.version == BACKUP_STATUS_SINCE - 1 and store.backup_statuses() == []
        assert [b.host for b in store.backups()] == ["core-sw1"]  # the accepted copies stay readable
