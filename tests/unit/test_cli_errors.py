"""Issue 16.11: expected failures are one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from courtops import catalogue
from courtops.catalogue import CatalogueError
from courtops.cli import EXIT_PIPE_CLOSED
from courtops.findings import Finding
from courtops.store import HostInfo, RunInfo, Store
from tests.conftest import REPO, run_tool, tool


def _one_clean_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("courtops: "), proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def audit_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "s.sqlite3"
    with Store(path) as st:
        run_id = st.start_run(RunInfo(uuid="a1", kind="audit", scope="audit|lab", started_at=1000.0))
        found = Finding(host="pc-a", platform="linux_deb", control_id="L3-CES1-02", clause="8.1.4.1 b)",
                        verdict="不符合", record="经现场核查：deny=0", expected="deny<=5", actual="deny=0")  # fmt: skip
        st.write_batch(run_id, hosts=[HostInfo("pc-a")], findings=[found])
        st.finish_run(run_id, "ok", ended_at=1060.0)
    return path


def test_report_out_in_proc_is_a_clear_error(audit_store: Path) -> None:
    line = _one_clean_line(run_tool("courtops", "report", "--store", str(audit_store), "--out", "/proc/x"))
    assert line.startswith("courtops: --out /proc/x: cannot create the directory")


def test_report_out_an_existing_file_is_a_clear_error(audit_store: Path, tmp_path: Path) -> None:
    existing = tmp_path / "report.html"
    existing.write_text("keep me", encoding="utf-8")
    line = _one_clean_line(
        run_tool("courtops", "report", "--store", str(audit_store), "--out", str(existing))
    )
    assert line == f"courtops: --out {existing}: exists and is not a directory"
    assert existing.read_text(encoding="utf-8") == "keep me"


def test_plan_file_that_is_not_a_plan_is_a_clear_error() -> None:
    line = _one_clean_line(run_tool("courtops", "plan", "--file", "/etc/passwd"))
    assert line.startswith("courtops: /etc/passwd: not ")


def test_plan_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    gbk = tmp_path / "inspection.yml"
    gbk.write_bytes(
        (REPO / "playbooks/group_vars/all/inspection.yml").read_text(encoding="utf-8").encode("gb18030")
    )
    line = _one_clean_line(run_tool("courtops", "plan", "--file", str(gbk)))
    assert "not UTF-8 text" in line


def test_plan_output_that_cannot_be_written_is_a_clear_error() -> None:
    line = _one_clean_line(run_tool("courtops", "plan", "-o", "/proc/x/plan.md"))
    assert line.startswith("courtops: /proc/x/plan.md: ")


def test_catalogue_file_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    controls = tmp_path / "controls"
    shutil.copytree(REPO / "controls", controls)
    bad = controls / "ces1-01-identity.yml"
    bad.write_bytes(bad.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(CatalogueError, match=rf"{bad}: not UTF-8 text \(byte \d+\)"):
        catalogue.load(controls)


def test_runs_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with Store(path) as st, st.transaction() as db:
        db.executemany(
            "INSERT INTO runs (uuid, kind, playbook, started_at) VALUES (?, 'inspect', 'inspect.yml', ?)",
            [(f"r{n}", 1000.0 + n) for n in range(3000)],
        )
    proc = subprocess.Popen(
        [tool("courtops"), "runs", "--store", str(path), "--limit", "3000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert "started (CST)" in proc.stdout.readline()  # like `| head -1`: read a line, then go away
    proc.stdout.close()
    assert proc.wait(timeout=60) == EXIT_PIPE_CLOSED
    assert proc.stderr.read() == ""
