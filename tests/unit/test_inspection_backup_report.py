"""巡检记录 section 六: configuration changes since the previous inspection (masked diffs) and devices
whose last good backup is too old or failed (courtops/report/inspection_backup.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from courtops.backup import status
from courtops.backup.device import backup_device
from courtops.backup.repo import BackupRepo
from courtops.report import REPORTS, write_report
from courtops.store import BackupStatus, RunInfo, Store

from .test_backup_core import CONFIG, SECRET, capture

NOW = time.time()
PREVIOUS, CURRENT = NOW - 20_000, NOW - 100


def _inspection(store: Store, started: float) -> None:
    run_id = store.start_run(
        RunInfo(uuid=f"u{started}", kind="inspect", scope="inspect|lab", started_at=started)
    )
    store.finish_run(run_id, "ok", ended_at=started + 30)


def _commit_at(repo: BackupRepo, at: float, monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = f"@{int(at)} +0800"
    monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)
    monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
    assert repo.commit(f"run-{int(at)}") is not None


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.delenv("COURTOPS_BACKUP_REPO", raising=False)
    repo = BackupRepo(tmp_path / "backups")  # next to the store: where the report looks
    backup_device(capture(), repo)
    other = capture()
    backup_device(type(other)("edge-sw2", "vrp", "site_main", "network", other.files), repo)
    _commit_at(repo, PREVIOUS - 5000, monkeypatch)  # before the previous inspection: not listed
    backup_device(capture(CONFIG.replace(" description port 7\n", " description printer room\n")), repo)
    _commit_at(repo, PREVIOUS + 1000, monkeypatch)
    s = Store(tmp_path / "s.sqlite3")
    _inspection(s, PREVIOUS)
    _inspection(s, CURRENT)
    status.record(s, BackupStatus("core-sw1", "ok", NOW - 3600, "vrp"), changed=True)
    status.record(s, BackupStatus("edge-sw2", "ok", NOW - 30 * 86400, "vrp"))
    status.record(
        s,
        BackupStatus(
            "acc-sw9", "failed", NOW, "ios", reason="display current-configuration 返回错误：Error: x"
        ),
    )
    return s


def test_section_lists_changes_since_previous_inspection_and_stale_devices(store: Store) -> None:
    run = store.get_run("latest", kind="inspect")
    ctx = REPORTS["inspection"].build(store, run)["config_backup"]
    assert ctx["since"] == pytest.approx(PREVIOUS)
    assert [c["host"] for c in ctx["changes"]] == ["core-sw1"]
    change = ctx["changes"][0]
    assert len(change["revisions"]) == 1
    body = [x for x in change["lines"] if x[:1] in "+-" and not x.startswith(("+++", "---"))]
    assert body == ["- description port 7", "+ description printer room"]
    assert {s.host: (s.status, s.reason) for s in ctx["stale"]} == {
        "edge-sw2": ("ok", ""),
        "acc-sw9": ("failed", "display current-configuration 返回错误：Error: x"),
    }
    assert ctx["threshold_days"] == 7 and ctx["devices"] == 3


def test_html_shows_the_masked_diff_and_the_stale_table(store: Store, tmp_path: Path) -> None:
    run = store.get_run("latest", kind="inspect")
    (html,) = write_report(REPORTS["inspection"], store, run, tmp_path / "out", ("html",))
    text = html.read_text(encoding="utf-8")
    assert "六、配置变更与配置备份" in text and "自上次巡检以来的配置变更" in text
    assert '<span class="add">+ description printer room</span>' in text
    assert "edge-sw2" in text and "acc-sw9" in text and "从未成功" in text
    assert SECRET not in text


def test_no_repository_is_said_not_taken_for_no_change(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as s:
        _inspection(s, CURRENT)
        ctx = REPORTS["inspection"].build(s, s.get_run("latest", kind="inspect"))["config_backup"]
    assert not ctx["repo_exists"] and ctx["changes"] == [] and ctx["devices"] == 0
