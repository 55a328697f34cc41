"""`courtops job run` through ansible-runner against hosts on the controller (no lab needed):
recorded in the store with the job's name, exit codes, locks against real concurrent runs, artifacts
rotation, and notifications to a real local SMTP server."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from courtops import REPO_ROOT

from ..conftest import files_holding, tool

DATA = "tests/data/jobs"


def _jobs_file(tmp_path: Path, extra: str = "", keep: int = 20) -> Path:
    path = tmp_path / "jobs.yml"
    body = f"""\
artifacts: {{keep: {keep}, keep_days: 30}}
jobs:
  hello:
    description: 测试作业
    enabled: true
    playbook: {DATA}/ok.yml
    inventory: {DATA}/hosts.yml
    schedule: hourly
  slow:
    enabled: true
    playbook: {DATA}/ok.yml
    inventory: {DATA}/hosts.yml
    extra_vars: {{job_test_sleep: 900, job_test_sleep_host: pc1}}
    schedule: hourly
  broken:
    enabled: true
    playbook: {DATA}/fail.yml
    inventory: {DATA}/hosts.yml
    schedule: hourly
  dark:
    enabled: true
    playbook: {DATA}/unreachable.yml
    inventory: {DATA}/hosts.yml
    schedule: hourly
  hung:
    enabled: true
    playbook: {DATA}/ok.yml
    inventory: {DATA}/hosts.yml
    extra_vars: {{job_test_sleep: 90}}
    timeout: 12
    schedule: hourly
  later:
    enabled: false
    playbook: playbooks/backup-not-yet.yml
    schedule: hourly
  change-a:
    enabled: true
    playbook: {DATA}/ok.yml
    inventory: {DATA}/hosts.yml
    limit: pc1
    extra_vars: {{job_test_sleep: 900, job_test_sleep_host: pc1}}
    schedule: hourly
    changes_targets: true
  change-b:
    enabled: true
    playbook: {DATA}/ok.yml
    inventory: {DATA}/hosts.yml
    schedule: hourly
    changes_targets: true
{extra}"""
    path.write_text(body, encoding="utf-8")
    return path


class Env:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.state = tmp_path / "state"
        self.store = tmp_path / "store.sqlite3"
        self.file = _jobs_file(tmp_path)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "COURTOPS_"))}
        self.env.update(COURTOPS_JOBS_DIR=str(self.state), COURTOPS_STORE=str(self.store))

    def cmd(self, *args: str) -> list[str]:
        return [tool("courtops"), "job", "--file", str(self.file), *args]

    def run(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.cmd(*args),
            env=self.env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.cmd(*args), env=self.env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
        )  # fmt: skip

    def runs(self) -> list[dict[str, Any]]:
        with sqlite3.connect(f"file:{self.store}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM runs ORDER BY id")]


@pytest.fixture
def jobs(tmp_path: Path) -> Iterator[Env]:
    yield Env(tmp_path)


def _wait_for_holder(path: Path, timeout: float = 60) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            text = path.read_text(encoding="utf-8")
            if text.strip():
                return dict(json.loads(text))
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"nobody took {path}")


def _wait_for_running(env: Env, job: str, timeout: float = 90) -> None:
    """Until the job's playbook has started (its run is in the store): the lock is surely held then."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with contextlib.suppress(sqlite3.OperationalError):  # the recorder may be creating the store
            if env.store.exists() and any(json.loads(r["extra"]).get("job") == job for r in env.runs()):
                return
        time.sleep(0.3)
    raise AssertionError(f"job {job} never started")


def _descendants(pid: int) -> list[int]:
    """The processes started under pid (runner's ansible-playbook runs in a session of its own)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for kid in children.get(todo.pop(), []):
            found.append(kid)
            todo.append(kid)
    return found


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the job run and everything it started: nothing cleans up, the lock files stay behind."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGSTOP)  # frozen: it starts nothing new while its children are listed
    for pid in [*_descendants(proc.pid), proc.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=30)


SMTP_SECRET = "Smtp-Pa55-4-job-test"
NET_SECRET = "Net-Pa55-4-job-test"


def test_a_job_runs_through_runner_and_is_recorded_with_its_name(jobs: Env) -> None:
    # credentials in the environment, as a timer's EnvironmentFile gives them: in no file of the run
    text = jobs.file.read_text(encoding="utf-8")
    jobs.file.write_text(
        "notifications:\n  mail: {host: 127.0.0.1, sender: a@court.internal, to: [b@court.internal],"
        " user: ops, password_env: TEST_JOB_SMTP_PASSWORD}\n" + text,
        encoding="utf-8",
    )
    jobs.env.update(TEST_JOB_SMTP_PASSWORD=SMTP_SECRET, ANSIBLE_NET_PASSWORD=NET_SECRET)
    proc = jobs.run("run", "hello")
    assert proc.returncode == 0, proc.stderr
    for path in [*jobs.state.rglob("*"), jobs.store]:
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            assert SMTP_SECRET.encode() not in data and NET_SECRET.encode() not in data, path
    assert SMTP_SECRET not in proc.stdout + proc.stderr
    (run,) = jobs.runs()
    extra = json.loads(run["extra"])
    assert (run["status"], run["kind"], extra["job"]) == ("ok", "ok", "hello")
    ident = extra["job_ident"]
    # the private data dir runner used: env/, inventory/, project/ -> artifacts/<ident>/
    pdd = jobs.state / "hello"
    envvars = json.loads((pdd / "env" / "envvars").read_text(encoding="utf-8"))
    assert envvars["COURTOPS_JOB"] == "hello" and envvars["COURTOPS_STORE"] == str(jobs.store)
    assert (pdd / "project").resolve() == REPO_ROOT
    assert (pdd / "inventory" / "hosts.yml").is_file()
    artifacts = pdd / "artifacts" / ident
    assert (artifacts / "status").read_text(encoding="utf-8") == "successful"
    events = [json.loads(p.read_text()) for p in (artifacts / "job_events").glob("*.json")]
    assert any(e.get("event") == "playbook_on_stats" for e in events)
    # not a terminal: one plain progress line per task, then the summary
    assert "任务 1:" in proc.stderr and "主机 2/2" in proc.stderr and "失败 0 不可达 0" in proc.stderr
    assert f"结果库中的运行 #{run['id']}" in proc.stderr
    history = jobs.run("history", "hello")
    assert history.returncode == 0 and ident in history.stdout and " ok " in history.stdout


# a colon, an at sign and a backslash: percent-encoded in the DSN, escaped in a libpq password file
PG_SECRET = "Pg:Pa55@job\\test"
PG_SECRET_FORMS = (PG_SECRET, quote(PG_SECRET, safe=""), "Pa55@job", "Pa55%40job")


def test_a_postgresql_store_password_is_in_no_file_and_the_job_still_records(
    jobs: Env, pg_server: Any
) -> None:
    import psycopg

    dsn, bare = pg_server.password_database(PG_SECRET)
    with pytest.raises(
        psycopg.OperationalError
    ):  # the server wants the password: recording proves it arrived
        psycopg.connect(bare, connect_timeout=10).close()
    runs = []
    # the password inside the DSN, then (the DSN without it) in PGPASSWORD, as /etc/courtops/jobs.env may give it
    for env in ({"COURTOPS_STORE": dsn}, {"COURTOPS_STORE": bare, "PGPASSWORD": PG_SECRET}):
        jobs.env.update(env)
        proc = jobs.run("run", "hello")
        assert proc.returncode == 0, proc.stderr
        assert not [n for n in PG_SECRET_FORMS if n in proc.stdout + proc.stderr]
        with psycopg.connect(dsn) as conn:
            runs = conn.execute("SELECT id, status, extra FROM runs ORDER BY id").fetchall()
        assert f"结果库中的运行 #{runs[-1][0]}" in proc.stderr
        jobs.env.pop("PGPASSWORD", None)
        # the private data dir has the store without its password; runner's record of the playbook's
        # environment names a password file in memory, not a password
        pdd = jobs.state / "hello"
        envvars = json.loads((pdd / "env" / "envvars").read_text(encoding="utf-8"))
        assert envvars["COURTOPS_STORE"] == bare
        ident = json.loads(runs[-1][2])["job_ident"]
        command = json.loads((pdd / "artifacts" / ident / "command").read_text(encoding="utf-8"))
        assert command["env"]["PGPASSFILE"].startswith("/proc/") and "PGPASSWORD" not in command["env"]
        assert files_holding(jobs.state, PG_SECRET_FORMS) == []
    assert [(status, json.loads(extra)["job"]) for _, status, extra in runs] == [("ok", "hello")] * 2
    assert not [n for n in PG_SECRET_FORMS if n in pg_server.store_text(dsn)]


def test_exit_codes_say_failed_unreachable_and_could_not_start(jobs: Env) -> None:
    failed = jobs.run("run", "broken")
    assert failed.returncode == 10, failed.stderr
    assert "失败 pc1" in failed.stderr
    dark = jobs.run("run", "dark")
    assert dark.returncode == 11, dark.stderr
    assert "不可达 pc1" in dark.stderr
    hung = jobs.run("run", "hung")
    assert hung.returncode == 12, hung.stderr
    assert "超时被取消" in hung.stderr
    missing = jobs.run("run", "later")
    assert missing.returncode == 20 and "playbook missing" in missing.stderr
    statuses = [(json.loads(r["extra"])["job"], r["status"]) for r in jobs.runs()]
    assert statuses[:2] == [("broken", "failed"), ("dark", "failed")]
    # runner killed the playbook: its run (if it had started recording) is interrupted, never ok or running
    assert {status for job, status in statuses[2:] if job == "hung"} <= {"interrupted"}


def test_a_second_run_is_refused_naming_the_holder_and_a_dead_holder_is_released(jobs: Env) -> None:
    first = jobs.start("run", "slow")
    try:
        holder = _wait_for_holder(jobs.state / "locks" / "slow.lock")
        _wait_for_running(jobs, "slow")
        second = jobs.run("run", "slow")
        assert second.returncode == 75, second.stderr
        assert f"pid {holder['pid']}" in second.stderr and holder["controller"] in second.stderr
        assert "正在运行，拒绝重复启动" in second.stderr
        other = jobs.run("run", "hello")  # another job is not held back
        assert other.returncode == 0, other.stderr
    finally:
        _kill_group(first)
    third = jobs.run("run", "hello")
    assert third.returncode == 0
    fourth = jobs.run(
        "run", "slow", "-l", "pc0"
    )  # (no pause on pc0) the killed run's lock is stale: released
    assert fourth.returncode == 0, fourth.stderr
    assert f"已释放失效的锁：持有者 作业 slow（pid {holder['pid']}" in fourth.stderr


def test_a_changing_job_is_refused_while_another_holds_one_of_its_hosts(jobs: Env) -> None:
    first = jobs.start("run", "change-a")
    try:
        _wait_for_running(jobs, "change-a")
        refused = jobs.run("run", "change-b")
        assert refused.returncode == 75, refused.stderr
        assert "主机 pc1 正由变更作业 change-a" in refused.stderr
        assert "pc0" not in refused.stderr.split("主机", 1)[1].split("正由")[0]
        allowed = jobs.run("run", "change-b", "-l", "pc0")  # disjoint hosts
        assert allowed.returncode == 0, allowed.stderr
        reading = jobs.run("run", "hello")  # a job that changes nothing is not held by host locks
        assert reading.returncode == 0, reading.stderr
        status = jobs.run("status")
        assert "change-a" in status.stdout and "running" in status.stdout and "1 hosts" in status.stdout
    finally:
        _kill_group(first)
    after = jobs.run("run", "change-b")  # the dead holder's host claim is dropped
    assert after.returncode == 0, after.stderr
    assert "已释放失效的主机锁" in after.stderr


def test_a_terminal_gets_the_progress_line_redrawn(jobs: Env) -> None:
    """On a TTY (a pseudo-terminal here) the progress is one line redrawn in place from runner's events."""
    import pty

    parent, child = pty.openpty()
    try:
        proc = subprocess.run(
            jobs.cmd("run", "hello"), env=jobs.env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=child, timeout=300, check=False,
        )  # fmt: skip
        os.close(child)
        child = -1
        chunks = []
        while True:
            try:
                data = os.read(parent, 65536)
            except OSError:  # EIO: the terminal's other side is closed and drained
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if child >= 0:
            os.close(child)
        os.close(parent)
    text = b"".join(chunks).decode("utf-8", errors="replace")
    assert proc.returncode == 0, text
    assert "\r\x1b[2K[任务 1] " in text and "主机 2/2 | 失败 0 不可达 0" in text
    assert "任务 1: " not in text  # no plain log lines on a terminal


def test_artifacts_are_rotated_by_count(tmp_path: Path) -> None:
    env = Env(tmp_path)
    env.file = _jobs_file(tmp_path, keep=2)
    idents = []
    for _ in range(3):
        proc = env.run("run", "hello")
        assert proc.returncode == 0, proc.stderr
        idents.append(json.loads(env.runs()[-1]["extra"])["job_ident"])
    kept = sorted(p.name for p in (env.state / "hello" / "artifacts").iterdir())
    assert kept == sorted(idents[1:])


def test_a_failed_job_mails_once_and_a_dead_mail_server_does_not_change_the_exit(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Inbox:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope.original_content)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = Env(tmp_path)
        notify = f"notifications:\n  mail: {{host: 127.0.0.1, port: {port}, sender: a@court.internal, to: [b@court.internal]}}\n"
        env.file = _jobs_file(tmp_path, extra="")
        text = env.file.read_text(encoding="utf-8").replace("jobs:\n", notify + "jobs:\n", 1)
        text = text.replace(
            f"playbook: {DATA}/fail.yml\n", f"playbook: {DATA}/fail.yml\n    notify: [mail]\n"
        )
        text = text.replace(
            f"playbook: {DATA}/ok.yml\n    inventory: {DATA}/hosts.yml\n    schedule",
            f"playbook: {DATA}/ok.yml\n    inventory: {DATA}/hosts.yml\n    notify: [mail]\n    schedule",
            1,
        )
        env.file.write_text(text, encoding="utf-8")
        assert env.run("run", "hello").returncode == 0
        assert received == []  # success without incidents: nothing to tell
        proc = env.run("run", "broken")
        assert proc.returncode == 10
        assert len(received) == 1 and "warning" not in proc.stderr
    finally:
        controller.stop()
    dead = env.run("run", "broken")  # the server is gone now
    assert dead.returncode == 10
    assert "通知失败（mail）" in dead.stderr
