"""`courtops backup list | show | diff` on a repository and store built by the backup core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from courtops.backup import status
from courtops.backup.device import backup_device
from courtops.backup.repo import BackupRepo
from courtops.store import BackupStatus, Store

from .test_backup_core import CONFIG, SECRET, capture

COURTOPS = Path(sys.executable).parent / "courtops"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    repo = BackupRepo(tmp_path / "backups")
    store = tmp_path / "s.sqlite3"
    with Store(store) as st:
        first = backup_device(capture(), repo)
        c1 = repo.commit("run-1")
        assert c1 is not None
        status.record(st, BackupStatus("core-sw1", "ok", 1_000_000.0, "vrp", path=first.path), changed=True)
        backup_device(capture(CONFIG.replace(" description port 7\n", " description printer room\n")), repo)
        assert repo.commit("run-2") is not None
        status.record(
            st,
            BackupStatus(
                "acc-sw9", "failed", 2_000_000.0, "ios", reason="配置不完整：未以结束标记 'end' 结尾"
            ),
        )
    return {
        "COURTOPS_STORE": str(store),
        "COURTOPS_BACKUP_REPO": str(repo.path),
        "PATH": "/usr/bin:/bin",
        "c1": c1.rev,
    }


def courtops(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COURTOPS), "backup", *args], capture_output=True, text=True, env=env, check=False
    )


def test_list_shows_status_last_success_change_and_staleness(env: dict[str, str]) -> None:
    proc = courtops(env, "list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1] == "设备\t平台\t最近成功\t最近变更\t状态\t未备份天数\t原因"
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[2:]}
    assert rows["core-sw1"][1] == "vrp" and rows["core-sw1"][4] == "成功（超期）"  # 1970: long stale
    assert rows["core-sw1"][2] == rows["core-sw1"][3] != "—"
    assert rows["acc-sw9"][4] == "失败（超期）" and rows["acc-sw9"][5] == "从未成功"
    assert "结束标记" in rows["acc-sw9"][6]
    recent = courtops(env, "list", "--stale-days", "100000")
    assert "成功\t" in recent.stdout and "成功（超期）" not in recent.stdout
    assert courtops(env, "list", "--stale-days", "0").returncode != 0


def test_show_and_diff(env: dict[str, str]) -> None:
    shown = courtops(env, "show", "core-sw1")
    assert (
        shown.returncode == 0 and " description printer room" in shown.stdout and SECRET not in shown.stdout
    )
    old = courtops(env, "show", "core-sw1", env["c1"])
    assert " description port 7" in old.stdout and "printer room" not in old.stdout
    diff = courtops(env, "diff", "core-sw1").stdout
    assert (
        "-  description port 7" not in diff
        and "- description port 7" in diff
        and "+ description printer room" in diff
    )
    assert courtops(env, "diff", "core-sw1", env["c1"]).stdout == diff
    assert courtops(env, "diff", "core-sw1", env["c1"], env["c1"]).stdout.strip() == "（无差异）"


@pytest.mark.parametrize(
    "args", [("show", "no-such-host"), ("show", "core-sw1", "deadbeef"), ("diff", "nohost")]
)
def test_unknown_host_or_revision_is_a_clear_error(env: dict[str, str], args: tuple[str, ...]) -> None:
    proc = courtops(env, *args)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and proc.stderr.strip()
