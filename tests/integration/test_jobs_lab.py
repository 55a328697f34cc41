"""Scheduled jobs against the lab (marker `lab`, lab id from COURTOPS_LAB_ID).

- `job install`'s units in a lab host's real systemd: the timer fires the job. Inside the host courtops
  is a stand-in script at the path ExecStart names: the lab's Debian rootfs has no courtops virtualenv
  (building one there needs PyPI, which the lab's apt proxy does not let through, and minutes per run),
  and what is tested here is systemd's side — the unit files as `job install` writes them, the
  calendar, the timer starting the service with that exact command line in that working directory.
  The stand-in records its arguments, working directory and systemd's invocation id, and the test
  matches them against what systemd reports for the service the timer started.
- `job run` of the inspection on a lab printer that is jammed: the run opens a 故障 incident and one
  mail reaches a local SMTP server; the next run opens none and sends none.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from courtops import REPO_ROOT

from ..conftest import tool
from .conftest import Lab

pytestmark = pytest.mark.lab

STAND_IN = """#!/bin/sh
# stand-in for courtops in a lab host (tests/integration/test_jobs_lab.py): record how systemd ran us
mkdir -p /var/lib/courtops-timer-proof
echo "$(pwd)|$*|$INVOCATION_ID" >> /var/lib/courtops-timer-proof/runs
"""
UNIT = "courtops-job-timer-probe"
PLAYBOOK = Path(__file__).parent / "playbooks" / "job_timer.yml"


def test_a_timer_installed_by_job_install_fires_the_job_on_a_lab_host(lab: Lab, tmp_path: Path) -> None:
    host = lab.linux[0].name
    jobs = tmp_path / "jobs.yml"
    jobs.write_text(
        "jobs:\n  timer-probe:\n    enabled: true\n    playbook: tests/data/jobs/ok.yml\n"
        "    inventory: tests/data/jobs/hosts.yml\n    schedule: '*:*:0/5'\n    timeout: 60\n",
        encoding="utf-8",
    )
    units = tmp_path / "units"
    proc = subprocess.run(
        [tool("courtops"), "job", "--file", str(jobs), "install", "--dest", str(units),
         "--exec", "/usr/local/bin/courtops", "--workdir", "/opt/courtops", "--accuracy", "1s"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in units.iterdir()) == [f"{UNIT}.service", f"{UNIT}.timer"]
    stand_in = tmp_path / "courtops"
    stand_in.write_text(STAND_IN, encoding="utf-8")
    extra = ["-e", f"job_timer_host={host} job_timer_units={units} job_timer_stand_in={stand_in}"]
    try:
        proc = lab.playbook(PLAYBOOK, *extra, "--skip-tags", "cleanup")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
        results = _task_results(proc.stdout, host)
        runs = results["What the stand-in recorded"]["stdout"].splitlines()
        workdir, args, _ = runs[0].split("|")
        invocations = {line.split("|")[2] for line in runs}
        assert workdir == "/opt/courtops"
        assert args == f"job --file {jobs.resolve()} run timer-probe"
        service = results["What systemd says about the service, between two runs"]["status"]
        timer = results["What systemd says about the timer"]["status"]
        assert service["Id"] == f"{UNIT}.service" and service["TriggeredBy"] == f"{UNIT}.timer"
        assert service["Result"] == "success"
        assert timer["ActiveState"] == "active" and timer["LastTriggerUSec"] not in ("", "n/a", "0")
        # the run systemd reports last (read between two runs, before the record) is one the stand-in
        # recorded: the timer started the job
        assert service["InvocationID"] and service["InvocationID"] in invocations
    finally:
        cleanup = lab.playbook(PLAYBOOK, *extra, "--tags", "cleanup")
        assert cleanup.returncode == 0, cleanup.stdout[-2000:]


def _task_results(stdout: str, host: str) -> dict[str, Any]:
    data = json.loads(stdout)
    return {
        t["task"]["name"]: t["hosts"][host] for p in data["plays"] for t in p["tasks"] if host in t["hosts"]
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_job_that_opens_an_incident_on_the_lab_sends_one_mail(lab: Lab, tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    jam = next(d for d in lab.snmp if d.profile == "printer_paper_jam").name
    received: list[Any] = []

    class Inbox:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(message_from_bytes(envelope.original_content, policy=policy.default))
            return "250 OK"

    port = _free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        jobs = tmp_path / "jobs.yml"
        jobs.write_text(
            f"notifications:\n  mail: {{host: 127.0.0.1, port: {port}, sender: ops@court.internal,"
            " to: [it@court.internal]}\n"
            f"jobs:\n  inspect-printer:\n    description: 打印机巡检\n    enabled: true\n"
            f"    playbook: playbooks/inspect.yml\n    inventory: {lab.inventory}\n"
            f"    extra_vars: {{profile: monthly, target: {jam}}}\n    schedule: daily\n    notify: [mail]\n",
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "COURTOPS_"))}
        env.update(COURTOPS_JOBS_DIR=str(tmp_path / "state"), COURTOPS_STORE=str(tmp_path / "store.sqlite3"))
        cmd = [tool("courtops"), "job", "--file", str(jobs), "run", "inspect-printer"]
        first = subprocess.run(
            cmd, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False
        )
        assert first.returncode == 0, first.stderr[-3000:]
        assert "新增故障 1 条" in first.stderr
        assert len(received) == 1
        assert "新增故障 1 条" in received[0]["Subject"] and "打印机巡检" in received[0]["Subject"]
        assert f"{jam} printer_status" in received[0].get_content()
        second = subprocess.run(
            cmd, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False
        )
        assert second.returncode == 0, second.stderr[-3000:]
        assert "新增故障 0 条" in second.stderr
        assert len(received) == 1  # the incident is still open: nothing new to tell
    finally:
        controller.stop()
