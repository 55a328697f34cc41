"""Issue 16.5 and 9.6 on real audit.yml runs (localhost, no lab): one export directory per run,
`latest` moves only after a real audit, a target that matches nothing fails, --check writes nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PLAYBOOK = REPO / "playbooks" / "audit.yml"
INVENTORY = """
all:
  hosts:
    localhost: {ansible_connection: local, asset_platform: linux_deb}
    other.local: {ansible_connection: local, ansible_host: 127.0.0.1, asset_platform: linux_deb}
"""


def audit(tmp_path: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    inv = tmp_path / "inv.yml"
    inv.write_text(INVENTORY, encoding="utf-8")
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        COURTOPS_STORE=str(tmp_path / "store.sqlite3"),
        ANSIBLE_CALLBACKS_ENABLED="courtops_recorder",
    )
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inv), str(PLAYBOOK),
           "-e", f"ansible_python_interpreter={sys.executable}", "-e", f"dengbao_output_dir={out}", *extra]  # fmt: skip
    return subprocess.Popen(
        cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=300)
    return proc.returncode, out


def hosts_in(export: Path) -> set[str]:
    return {r["host"] for r in json.loads(export.read_text(encoding="utf-8"))}


def test_concurrent_audits_keep_their_own_exports_and_latest_is_a_complete_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [audit(tmp_path, out, "-e", "target=localhost"), audit(tmp_path, out, "-e", "target=other.local")]
    for rc, text in map(finish, runs):
        assert rc == 0, text[-3000:]
    exports = sorted(p for p in out.iterdir() if p.name != "latest")
    assert len(exports) == 2
    assert sorted(hosts_in(p / "findings.json").pop() for p in exports) == ["localhost", "other.local"]
    assert (out / "latest").resolve() in exports and not list(out.glob(".latest*"))


def test_a_target_that_matches_nothing_fails_and_moves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert finish(audit(tmp_path, out, "-e", "target=localhost"))[0] == 0
    before = sorted(p.name for p in out.iterdir()), (out / "latest").readlink()
    rc, text = finish(audit(tmp_path, out, "-e", "target=locahlost"))  # the typo
    assert rc != 0 and "未匹配到主机" in text, text[-3000:]
    assert (sorted(p.name for p in out.iterdir()), (out / "latest").readlink()) == before
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        assert [s for (s,) in db.execute("SELECT status FROM runs ORDER BY id")] == ["ok", "failed"]


def test_check_mode_writes_no_export_and_says_where_it_would(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert finish(audit(tmp_path, out, "-e", "target=localhost"))[0] == 0
    before = sorted(p.name for p in out.iterdir()), (out / "latest").readlink()
    rc, text = finish(audit(tmp_path, out, "-e", "target=localhost", "--check"))
    assert rc == 0, text[-3000:]
    assert "检查模式（未写入）：将写入" in text
    assert (sorted(p.name for p in out.iterdir()), (out / "latest").readlink()) == before
