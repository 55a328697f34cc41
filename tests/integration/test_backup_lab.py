"""Configuration backup of the lab's network devices (issue 11): every device (spares included) backed
up into a real git repository, an unchanged rerun commits nothing, a change made on a device is exactly
that diff, a device that truncates / errors / times out keeps its previous copy, is 失败 with the reason
and has an incident (closed by the next good backup) while the run goes on, and secrets planted on the
spares appear nowhere in the git history, the store or the Ansible output while ``full_copy`` gives
them back.

One module fixture runs the sequence (about 2 minutes on 2 cores); the spares are put back to their
factory configuration afterwards.
"""

from __future__ import annotations

import json
import secrets as pysecrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from courtops import REPO_ROOT
from courtops.backup.repo import BackupRepo
from courtops.report import REPORTS, write_report
from courtops.store import RunInfo, Store

from .conftest import BIN, Lab
from .test_planted_secrets import NETWORK_FORMS, PLANT_NETWORK, reset_spares

pytestmark = pytest.mark.lab

PLAYBOOK = REPO_ROOT / "playbooks" / "backup.yml"
CHANGE = REPO_ROOT / "tests" / "integration" / "playbooks" / "backup_change.yml"
ACCEPT_TASK = "Accept, normalise, mask and stage the copy on the controller"
COMMIT_TASK = "Commit the devices that changed (nothing when none did), then fail the run for rejected copies"
CHANGED_LINE = "info-center loghost 10.250.0.19"
MISBEHAVE = {"ios": "truncate", "comware": "error", "vrp": "timeout"}
REASON = {"truncate": "结束标记", "error": "返回错误", "timeout": "执行失败"}


@dataclass
class Run:
    rc: int
    output: str
    data: dict[str, Any]
    accept: dict[str, dict[str, Any]] = field(default_factory=dict)
    commit: dict[str, Any] = field(default_factory=dict)


@dataclass
class Sequence:
    repo: BackupRepo
    store: Path
    work: Path
    planted: dict[str, str]  # value -> the spare's platform
    runs: dict[str, Run] = field(default_factory=dict)
    head: dict[str, str] = field(default_factory=dict)  # HEAD after each run
    shown: dict[str, str] = field(default_factory=dict)  # the misbehaving spares' copies before


def _backup(lab: Lab, env: dict[str, str], *extra: str) -> Run:
    cmd = [str(BIN / "ansible-playbook"), "-i", str(lab.inventory), str(PLAYBOOK), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False)
    data = json.loads(proc.stdout)
    run = Run(proc.returncode, proc.stdout + proc.stderr, data)
    for play in data["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == ACCEPT_TASK:
                run.accept.update(task["hosts"])
            elif task["task"]["name"] == COMMIT_TASK:
                run.commit = task["hosts"]["localhost"]
    return run


def _device(*args: str) -> None:
    subprocess.run(
        [str(BIN / "courtops"), "lab", "device", *args], check=True, capture_output=True, timeout=60
    )


@pytest.fixture(scope="module")
def seq(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sequence]:
    work = tmp_path_factory.mktemp("backup")
    env = lab.env | {
        "COURTOPS_STORE": str(work / "courtops.sqlite3"),
        "COURTOPS_BACKUP_REPO": str(work / "backups"),
        "COURTOPS_RECORDER_CONTENT": "all",  # the strictest case: every result's content is stored
        "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.json,courtops_recorder",  # runs recorded as usual
    }
    planted: dict[str, str] = {}
    config: dict[str, str] = {}
    for platform, lines in NETWORK_FORMS.items():
        values = ["Bk" + pysecrets.token_hex(8) for _ in lines]
        planted.update(dict.fromkeys(values, platform))
        config[platform] = "\n".join(line.format(v) for line, v in zip(lines.values(), values, strict=True))
    extra = work / "plant.json"
    extra.write_text(json.dumps({"planted_config": config}), encoding="utf-8")
    s = Sequence(BackupRepo(work / "backups"), work / "courtops.sqlite3", work, planted)
    spare = {d.platform: d.name for d in lab.spares}
    try:
        proc = lab.playbook(PLANT_NETWORK, "-e", f"courtops_bin={BIN / 'courtops'}", "-e", f"@{extra}")
        assert proc.returncode == 0, "planting failed"  # the output would quote the planted values
        s.runs["first"] = _backup(lab, env)
        s.head["first"] = s.repo.git("rev-parse", "HEAD").strip()
        s.runs["again"] = _backup(lab, env)
        s.head["again"] = s.repo.git("rev-parse", "HEAD").strip()
        change = work / "change.json"
        change.write_text(json.dumps({"change_host": spare["vrp"], "change_config": CHANGED_LINE}))
        proc = lab.playbook(CHANGE, "-e", f"@{change}")
        assert proc.returncode == 0, proc.stdout[-2000:]
        s.runs["changed"] = _backup(lab, env, "-e", "target=spares")
        s.head["changed"] = s.repo.git("rev-parse", "HEAD").strip()
        s.shown = {name: s.repo.show(name) for name in spare.values()}
        for platform, mode in MISBEHAVE.items():
            _device(spare[platform], "--misbehave", mode)
        s.runs["misbehaving"] = _backup(lab, env, "-e", "target=spares", "-e", "ansible_command_timeout=15")
        s.head["misbehaving"] = s.repo.git("rev-parse", "HEAD").strip()
        for name in spare.values():
            _device(name, "--misbehave", "none")
        s.runs["recovered"] = _backup(lab, env, "-e", "target=spares")
        s.head["recovered"] = s.repo.git("rev-parse", "HEAD").strip()
        yield s
    finally:
        for name in spare.values():
            _device(name, "--misbehave", "none")
        reset_spares(lab)


def test_every_device_and_spare_backed_up_in_one_commit(lab: Lab, seq: Sequence) -> None:
    first = seq.runs["first"]
    # every network device, spare and Linux host (the server plays back the Linux hosts up too)
    devices = sorted(d.name for d in [*lab.network, *lab.spares, *lab.linux])
    assert first.rc == 0, first.output[-3000:]
    assert sorted(first.accept) == devices
    assert all(r["backup_status"] == "成功" and not r["changed"] for r in first.accept.values())
    assert sorted(first.commit["devices"]) == devices
    subject = seq.repo.git("log", "-1", "--format=%s", seq.head["first"])
    assert subject.startswith("配置备份 ") and f"{len(devices)} 台设备变更" in subject
    for d in [*lab.network, *lab.spares]:
        text = seq.repo.show(d.name)
        assert text.splitlines()[-1] == ("end" if d.platform == "ios" else "return")
        assert seq.repo.full_copy(d.name)["version"].strip()
    for h in lab.linux:
        assert seq.repo.full_copy(h.name)["etc/passwd"].startswith("root:")
    with Store(seq.store, readonly=True) as st:
        assert sorted(b.host for b in st.backup_statuses() if b.status == "ok") == devices
        assert st.runs(kind="backup")


def test_unchanged_rerun_commits_nothing(seq: Sequence) -> None:
    again = seq.runs["again"]
    assert again.rc == 0
    assert seq.head["again"] == seq.head["first"]
    assert again.commit["devices"] == [] and again.commit["rev"] == ""
    assert not any(r["backup_changed"] for r in again.accept.values())


def test_a_change_on_a_device_is_exactly_that_diff(lab: Lab, seq: Sequence) -> None:
    vrp = next(d.name for d in lab.spares if d.platform == "vrp")
    assert seq.runs["changed"].commit["devices"] == [vrp]
    diff = seq.repo.diff(vrp)
    changes = [
        x
        for x in diff.splitlines()
        if x[:1] in "+-" and not x.startswith(("+++", "---")) and x[1:] not in ("#", "!")
    ]
    assert changes == [f"+{CHANGED_LINE}"]
    log = subprocess.run(
        ["git", "log", "-p", "-1", "--format=%s"],
        cwd=seq.repo.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"+{CHANGED_LINE}" in log and "Binary files" in log  # the encrypted copy changed too, unreadable


def test_misbehaving_devices_keep_their_copy_fail_with_reason_and_open_incidents(
    lab: Lab, seq: Sequence
) -> None:
    bad = seq.runs["misbehaving"]
    assert bad.rc != 0  # the failed hosts show in the run's result
    assert bad.commit["failed"] and bad.commit["devices"] == [], "the run went on to its commit step"
    assert sorted(bad.commit["failed_devices"]) == sorted(d.name for d in lab.spares)
    assert seq.head["misbehaving"] == seq.head["changed"], "nothing committed for rejected copies"
    spare = {d.platform: d.name for d in lab.spares}
    with Store(seq.store, readonly=True) as st:
        status = {b.host: b for b in st.backup_statuses()}
        incidents = [i for i in st.incidents() if i.check_name == "config_backup"]
    for platform, mode in MISBEHAVE.items():
        name = spare[platform]
        result = bad.accept[name]
        assert result["backup_status"] == "失败" and REASON[mode] in result["reason"], result
        assert seq.repo.show(name) == seq.shown[name], "the previous good copy stays"
        assert status[name].status == "ok"  # recovered by the last run …
        assert status[name].last_success and status[name].last_change
        opened = [i for i in incidents if i.device == name]
        assert len(opened) == 1 and REASON[mode] in opened[0].message
        assert opened[0].closed_at is not None, "… and the good backup closed the incident"
    assert all(r["backup_status"] == "成功" for r in seq.runs["recovered"].accept.values())


def test_planted_secrets_nowhere_but_in_the_encrypted_copy(lab: Lab, seq: Sequence) -> None:
    history = subprocess.run(
        ["git", "log", "-p", "--all", "--binary", "--format=%H %s%n%b"],
        cwd=seq.repo.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    spare = {d.platform: d.name for d in lab.spares}
    outputs = "".join(r.output for r in seq.runs.values())
    for value, platform in seq.planted.items():
        assert value not in history, f"a planted {platform} secret is in the git history"
        assert value not in outputs, f"a planted {platform} secret is in the Ansible output"
        for path in seq.work.rglob("*"):
            if path.is_file() and ".git" not in path.parts and path.suffix != ".json":
                assert value.encode() not in path.read_bytes(), f"a planted secret is in {path}"
        assert value in seq.repo.full_copy(spare[platform])["config"], "the encrypted copy restores it"
    # the 巡检记录 shows the masked diffs: render it (an inspection before the backups, one after)
    with Store(seq.store) as st:
        for at in (1.0, 4102444800.0):
            run_id = st.start_run(
                RunInfo(uuid=f"inspect-{at}", kind="inspect", scope="inspect|lab", started_at=at)
            )
            st.finish_run(run_id, "ok", ended_at=at + 1)
        run = st.get_run("latest", kind="inspect")
        (html,) = write_report(REPORTS["inspection"], st, run, seq.work / "report", ("html",))
    text = html.read_text(encoding="utf-8")
    assert f'<span class="add">+{CHANGED_LINE}</span>' in text
    cli = subprocess.run(
        [
            str(BIN / "courtops"),
            "backup",
            "--store",
            str(seq.store),
            "--repo",
            str(seq.repo.path),
            "show",
            spare["ios"],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for value in seq.planted:
        assert value not in text and value not in cli
    masked = seq.repo.show(spare["ios"])
    assert "snmp-server community （已隐藏:" in masked and " RO" in masked
