"""Issue 16.12: a sudo timeout or failure is 提权超时 / 提权失败, not 主机不可达; a task timeout is 超时."""

from __future__ import annotations

import pytest

from courtops import evidence, failure_labels
from courtops.inspection.judge import judge

# messages as ansible-core 2.19 gives them (ssh connection plugin, sudo become plugin, task timeout)
BECOME_TIMEOUT = "Timeout (12s) waiting for privilege escalation prompt: "
WRONG_PASSWORD = "Incorrect sudo password"
NEEDS_PASSWORD = "MODULE FAILURE: sudo: a password is required"
TASK_TIMEOUT = (
    "The courtops_host_metrics action failed to execute in the expected time frame (300) and was terminated"
)
DOWN = "Failed to connect to the host via ssh: ssh: connect to host 10.0.0.9 port 22: No route to host"
THRESHOLDS = {"disk_used_pct": {"warn": 80, "fault": 90}}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (BECOME_TIMEOUT, "提权超时"),
        (WRONG_PASSWORD, "提权失败"),
        (NEEDS_PASSWORD, "提权失败"),
        (TASK_TIMEOUT, "超时"),
        (DOWN, None),
        ("", None),
    ],
)
def test_labels(message, expected):
    assert failure_labels.label(message) == expected


def test_inspection_of_a_host_whose_sudo_timed_out_is_not_unreachable():
    readings = {"unreachable": True, "msg": BECOME_TIMEOUT}
    results = {r.check: r for r in judge("pc1", ["reachability", "disk"], readings, THRESHOLDS)}
    assert (results["reachability"].state, results["reachability"].text) == ("告警", "可达，提权超时")
    assert results["disk"].state == "未检" and "提权超时" in results["disk"].remark


def test_an_unreachable_host_is_still_one_fault():
    [only] = judge("pc1", ["reachability", "disk"], {"unreachable": True, "msg": DOWN}, THRESHOLDS)
    assert (only.check, only.state, only.text) == ("reachability", "故障", "不可达")


def test_a_timed_out_collector_makes_readings_unchecked_with_the_reason():
    [disk] = judge(
        "pc1", ["disk"], {"unreachable": False, "msg": TASK_TIMEOUT, "host_metrics": None}, THRESHOLDS
    )
    assert disk.state == "未检" and "（超时）" in disk.remark


@pytest.mark.parametrize(
    ("result", "problem"),
    [
        ({"unreachable": True, "failed": True, "msg": BECOME_TIMEOUT}, "提权超时："),
        ({"failed": True, "msg": WRONG_PASSWORD}, "提权失败："),
        ({"failed": True, "msg": TASK_TIMEOUT}, "超时："),
        ({"unreachable": True, "failed": True, "msg": DOWN}, "主机不可达："),
    ],
)
def test_audit_evidence_names_the_real_problem(result, problem):
    facts, problems, usable = evidence.extract("linux_deb", result)
    assert (facts, usable) == ({}, False) and problems[0].startswith(problem)
