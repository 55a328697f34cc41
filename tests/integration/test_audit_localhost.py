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
