"""End to end: playbooks/audit.yml against localhost (connection local) and an unreachable host.

Not a lab test: it needs nothing but the venv. Checks the export contract (EXPORT_KEYS for every
(host, item)), that the run goes on past an unreachable host (recorded as 待人工), changed=0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from courtops.findings import EXPORT_KEYS

REPO = Path(__file__).resolve().parents[2]
INVENTORY = """
all:
  hosts:
    localhost: {ansible_connection: local, asset_platform: linux_deb}
    gone.invalid: {ansible_host: 127.0.0.1, ansible_port: 1, asset_platform: linux_rpm, ansible_user: nobody}
"""


def test_audit_playbook_localhost(tmp_path: Path) -> None:
    inv = tmp_path / "inv.yml"
    inv.write_text(INVENTORY, encoding="utf-8")
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"))
    out = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "ansible-playbook"),
            "-i",
            str(inv),
            str(REPO / "playbooks" / "audit.yml"),
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            "-e",
            f"dengbao_output_dir={tmp_path / 'out'}",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "changed=1" not in out.stdout and "changed=0" in out.stdout
    latest = tmp_path / "out" / "latest" / "findings.json"
    rows = json.loads(latest.read_text(encoding="utf-8"))
    assert all(set(EXPORT_KEYS) <= set(r) for r in rows)
    by_host: dict[str, list[dict]] = {}
    for r in rows:
        by_host.setdefault(r["host"], []).append(r)
    assert len([r for r in by_host["localhost"] if r["control_id"].startswith("L3-CES1-")]) == 34
    gone = by_host["gone.invalid"]
    assert {r["verdict"] for r in gone} <= {"待人工", "不适用"}
    assert any("不可达" in r["record"] or "采集" in r["record"] for r in gone)


def test_a_mistyped_threshold_stops_the_audit_before_any_host_is_contacted(tmp_path: Path) -> None:
    """`-e dengbao_high_risk_ports=21,23` is the string "21,23": refused up front, naming it (issue 16.3)."""
    inv = tmp_path / "inv.yml"
    # a group_vars-style override of the wrong type on one host, and the -e one for every host
    inv.write_text(
        INVENTORY.replace(
            "asset_platform: linux_rpm,", "asset_platform: linux_rpm, dengbao_histsize_max: '100',"
        )
    )
    env = dict(
        os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), COURTOPS_STORE=str(tmp_path / "store.sqlite3")
    )
    out = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "ansible-playbook"),
            "-i",
            str(inv),
            str(REPO / "playbooks" / "audit.yml"),
            "-e",
            "dengbao_high_risk_ports=21,23",
            "-e",
            f"dengbao_output_dir={tmp_path / 'out'}",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
        timeout=300,
    )
    assert out.returncode != 0, out.stdout[-3000:]
    assert "dengbao_high_risk_ports: expected list_int" in out.stdout
    assert "dengbao_histsize_max: expected int" in out.stdout and "gone.invalid" in out.stdout
    # nothing was collected (no host contacted) and nothing was exported
    assert "Collect Linux evidence" not in out.stdout and "unreachable=1" not in out.stdout
    assert not (tmp_path / "out").exists()
