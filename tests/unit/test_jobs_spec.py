"""The jobs file: the shipped schedule, and malformed files named with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from courtops.cli import main
from courtops.jobs.spec import JOBS_FILE, JobsFileError, calendar_problem, load_jobs


def test_shipped_jobs_follow_the_inspection_plan() -> None:
    jobs = load_jobs(JOBS_FILE)
    by_profile = {
        j.extra_vars.get("profile"): j for j in jobs.jobs.values() if j.playbook == "playbooks/inspect.yml"
    }
    assert set(by_profile) == {"monthly", "quarterly", "yearly"}
    assert all(j.enabled for j in by_profile.values())
    assert jobs.get("audit-quarterly").playbook == "playbooks/audit.yml"
    assert jobs.get("audit-quarterly").enabled
    # the nightly backup is read-only and runs; the patch window changes targets and waits for the court
    assert jobs.get("backup-nightly").enabled and jobs.get("backup-nightly").playbook_path().exists()
    assert not jobs.get("patch-window").enabled and jobs.get("patch-window").playbook_path().exists()
    assert jobs.get("patch-window").changes_targets
    assert not jobs.get("inspect-monthly").changes_targets


def test_every_shipped_job_says_enabled_explicitly() -> None:
    import yaml

    raw = yaml.safe_load(JOBS_FILE.read_text(encoding="utf-8"))
    assert all(isinstance(body.get("enabled"), bool) for body in raw["jobs"].values())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "jobs.yml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
jobs:
  one:
    enabled: true
    playbook: playbooks/inspect.yml
    schedule: daily
"""


def test_a_minimal_job_gets_its_defaults(tmp_path: Path) -> None:
    job = load_jobs(_write(tmp_path, GOOD)).get("one")
    assert (job.inventory, job.limit, job.timeout, job.notify, job.line) == (
        "inventory/court",
        "",
        3600,
        (),
        2,
    )


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD.replace("schedule: daily", "schedule: every full moon"), 5, "schedule"),
        (GOOD.replace("    enabled: true\n", ""), 3, "`enabled` is required"),
        (GOOD + "    timeout: '60'\n", 6, "timeout: expected int"),
        (GOOD + "    enabeld: true\n", 6, "unknown key 'enabeld'"),
        (GOOD + "    notify: [mail]\n", 6, "mail is not configured"),
        (GOOD + "    notify: [pager]\n", 6, "unknown channel 'pager'"),
        (GOOD.replace("  one:", "  One Job:"), 2, "job name"),
        (GOOD + "    limit: a: b\n", 6, "not valid YAML"),
        ("jobs:\n  - one\n", 2, "must be a mapping"),
        (GOOD + "notifications:\n  mail: {host: m}\n", 7, "sender, to required"),
        (GOOD + "notifications:\n  webhook: {url: ftp://x}\n", 7, "http(s) URL"),
    ],
)
def test_malformed_jobs_are_refused_with_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(JobsFileError) as err:
        load_jobs(path)
    assert f"{path}:{line}:" in str(err.value)
    assert words in str(err.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD + "    timeout: -1\n  two:\n    playbook: x.yml\n")
    with pytest.raises(JobsFileError) as err:
        load_jobs(path)
    lines = str(err.value).splitlines()
    assert any(":6:" in line and "positive" in line for line in lines)
    assert any(":8:" in line and "`enabled` is required" in line for line in lines)
    assert any(":8:" in line and "`schedule` is required" in line for line in lines)


def test_calendar_is_checked_by_systemd() -> None:
    assert calendar_problem("Sat *-*-* 22:00:00") is None
    assert calendar_problem("*-*-01 01:30:00") is None
    assert calendar_problem("tuesday-ish") is not None


def test_job_list_says_a_playbook_is_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    jobs_file = tmp_path / "jobs.yml"
    jobs_file.write_text(
        JOBS_FILE.read_text(encoding="utf-8").replace("playbooks/patch.yml", "playbooks/patch_later.yml"),
        "utf-8",
    )
    assert main(["job", "--file", str(jobs_file), "list"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "playbook missing" in rows["patch-window"] and "playbook missing" not in rows["backup-nightly"]
    assert "playbook missing" not in rows["inspect-monthly"]
    assert "可运行" in rows["inspect-monthly"]


def test_cli_reports_a_malformed_file_as_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, GOOD + "    timeout: soon\n")
    assert main(["job", "--file", str(path), "list"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:6:" in err and "Traceback" not in err


def test_unknown_job_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, GOOD)
    assert main(["job", "--file", str(path), "run", "nope"]) == 2
    assert "no job 'nope' (jobs: one)" in capsys.readouterr().err
