"""`courtops job install / uninstall`: the units systemd itself accepts, for the enabled jobs only."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from courtops import REPO_ROOT
from courtops.cli import main
from courtops.jobs.spec import load_jobs
from courtops.jobs.units import MARKER, UnitSettings, exec_start, install, ours, uninstall

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def _courtops_exec(tmp_path: Path) -> str:
    """An executable the units can name (systemd-analyze verify checks that ExecStart exists)."""
    tool = tmp_path / "bin with space" / "courtops"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    tool.chmod(0o755)
    return str(tool)


def test_install_writes_a_service_and_a_timer_per_enabled_job(tmp_path: Path) -> None:
    dest = tmp_path / "units"
    assert main(["job", "install", "--dest", str(dest), "--exec", _courtops_exec(tmp_path)]) == 0
    names = sorted(p.name for p in dest.iterdir())
    enabled = [j for j in load_jobs().jobs.values() if j.enabled]
    assert names == sorted(f"courtops-job-{j.name}.{s}" for j in enabled for s in ("service", "timer"))
    assert "courtops-job-backup-nightly.timer" in names
    assert not any("patch" in n for n in names)  # disabled: it changes targets
    timer = (dest / "courtops-job-inspect-monthly.timer").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-01 01:30:00" in timer and "Persistent=true" in timer
    service = (dest / "courtops-job-inspect-monthly.service").read_text(encoding="utf-8")
    assert f'ExecStart="{tmp_path}/bin with space/courtops" job run inspect-monthly' in service
    assert f"WorkingDirectory={REPO_ROOT}" in service
    assert "TimeoutStartSec=7500" in service


@pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze (Debian package systemd) is not installed"
)
def test_systemd_verifies_every_written_unit(tmp_path: Path) -> None:
    dest = tmp_path / "units"
    install(load_jobs(), dest, UnitSettings(exec_path=_courtops_exec(tmp_path)))
    units = sorted(str(p) for p in dest.iterdir())
    assert SYSTEMD_ANALYZE is not None
    proc = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *units],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    problems = [line for line in proc.stderr.splitlines() if "courtops-job-" in line]
    assert proc.returncode == 0 and not problems, proc.stderr
    for path in dest.glob("*.timer"):
        calendar = next(
            line.split("=", 1)[1] for line in path.read_text().splitlines() if line.startswith("OnCalendar=")
        )
        check = subprocess.run(
            [SYSTEMD_ANALYZE, "calendar", calendar], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0 and "Next elapse" in check.stdout, check.stderr


def test_uninstall_removes_only_what_install_wrote(tmp_path: Path) -> None:
    dest = tmp_path / "units"
    install(load_jobs(), dest, UnitSettings(exec_path="/usr/bin/true"))
    foreign = dest / "courtops-job-handmade.service"
    foreign.write_text("[Service]\nExecStart=/bin/true\n", encoding="utf-8")
    other = dest / "sshd.service"
    other.write_text(MARKER + "\n", encoding="utf-8")  # our marker but not our name: not ours either
    removed = uninstall(dest)
    assert removed and all(p.name.startswith("courtops-job-") for p in removed)
    assert sorted(p.name for p in dest.iterdir()) == ["courtops-job-handmade.service", "sshd.service"]


def test_install_again_drops_units_of_jobs_no_longer_enabled(tmp_path: Path) -> None:
    jobs_file = tmp_path / "jobs.yml"
    text = (REPO_ROOT / "jobs.yml").read_text(encoding="utf-8")
    jobs_file.write_text(text, encoding="utf-8")
    dest = tmp_path / "units"
    install(load_jobs(jobs_file), dest, UnitSettings(exec_path="/usr/bin/true", jobs_file=jobs_file))
    assert (dest / "courtops-job-inspect-yearly.timer").exists()
    marker = "  inspect-yearly:\n    description: 年度巡检\n    enabled: true"
    assert marker in text
    jobs_file.write_text(text.replace(marker, marker.replace("true", "false")), encoding="utf-8")
    install(load_jobs(jobs_file), dest, UnitSettings(exec_path="/usr/bin/true", jobs_file=jobs_file))
    assert not (dest / "courtops-job-inspect-yearly.timer").exists()
    assert (dest / "courtops-job-inspect-monthly.timer").exists()
    # a service and a timer for each job still enabled, nothing else
    assert len(ours(dest)) == 2 * sum(j.enabled for j in load_jobs(jobs_file).jobs.values()) == 8


def test_a_jobs_file_elsewhere_is_named_in_the_command(tmp_path: Path) -> None:
    jobs_file = tmp_path / "jobs.yml"
    jobs_file.write_text((REPO_ROOT / "jobs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    job = load_jobs(jobs_file).get("audit-quarterly")
    line = exec_start(job, UnitSettings(exec_path="/opt/courtops/bin/courtops", jobs_file=jobs_file))
    assert line == f"/opt/courtops/bin/courtops job --file {jobs_file} run audit-quarterly"
