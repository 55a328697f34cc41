"""Progress from runner events (a terminal line redrawn in place, or plain lines), and age rotation."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from courtops.jobs.progress import Progress
from courtops.jobs.run import Exit, _classify, rotate_by_age


def _events() -> list[dict[str, object]]:
    return [
        {"event": "playbook_on_start", "event_data": {}},
        {"event": "playbook_on_task_start", "event_data": {"task": "Gather Linux readings"}},
        {"event": "runner_on_ok", "event_data": {"host": "srv-01"}},
        {"event": "runner_on_unreachable", "event_data": {"host": "srv-02"}},
        {"event": "runner_on_failed", "event_data": {"host": "srv-03"}},
        {"event": "playbook_on_task_start", "event_data": {"task": "Judge"}},
        {"event": "runner_on_failed", "event_data": {"host": "srv-01", "ignore_errors": True}},
        {"event": "playbook_on_stats", "event_data": {}},
    ]


def test_a_terminal_gets_one_line_redrawn_with_hosts_task_and_failures() -> None:
    out = io.StringIO()
    progress = Progress(total=3, out=out, tty=True)
    for event in _events()[:5]:
        assert progress.handle(event) is True
    assert progress.line() == "[任务 1] Gather Linux readings | 主机 3/3 | 失败 1 不可达 1"
    for event in _events()[5:]:
        progress.handle(event)
    progress.finish()
    text = out.getvalue()
    assert "\n" not in text[:-1] and text.count("\r\x1b[2K") == len(_events()) + 1
    assert text.endswith("[任务 2] Judge | 主机 1/3 | 失败 1 不可达 1\n")  # an ignored failure is no failure


def test_a_log_gets_plain_lines_per_task_and_per_failure() -> None:
    out = io.StringIO()
    progress = Progress(total=3, out=out, tty=False)
    for event in _events():
        progress.handle(event)
    lines = out.getvalue().splitlines()
    assert lines == [
        "任务 1: Gather Linux readings",
        "  不可达 srv-02",
        "  失败 srv-03: Gather Linux readings",
        "任务 2: Judge",
        "[任务 2] Judge | 主机 1/3 | 失败 1 不可达 1",
    ]
    assert "\x1b" not in out.getvalue()


def test_exit_codes_from_runner_status_and_stats() -> None:
    assert _classify("successful", 0, {"failures": {}, "dark": {}})[0] is Exit.OK
    assert _classify("failed", 2, {"failures": {"a": 1}, "dark": {"b": 1}})[:2] == (Exit.FAILED_HOSTS, ["a"])
    assert _classify("failed", 4, {"failures": {"a": 0}, "dark": {"b": 1}})[0] is Exit.UNREACHABLE
    assert _classify("timeout", 254, {"failures": {"a": 1}})[0] is Exit.TIMEOUT
    assert _classify("failed", 1, None)[0] is Exit.NOT_STARTED  # never got to a play
    assert _classify("failed", 74, {"failures": {}, "dark": {}, "ok": {"a": 2}})[0] is Exit.FAILED_HOSTS


def test_artifacts_older_than_keep_days_are_removed(tmp_path: Path) -> None:
    old, new = tmp_path / "20260101T000000-aaaaaa", tmp_path / "20261130T000000-bbbbbb"
    for d in (old, new):
        (d / "job_events").mkdir(parents=True)
    ten_days_ago = time.time() - 10 * 86400
    os.utime(old, (ten_days_ago, ten_days_ago))
    assert rotate_by_age(tmp_path, keep_days=7) == [old]
    assert [p.name for p in tmp_path.iterdir()] == [new.name]
    assert rotate_by_age(tmp_path / "missing", keep_days=7) == []
