"""The emergency plan (应急预案) as data: schema-checked with file:line errors, runbooks declared as data,
rendered as a Chinese HTML and PDF document."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from courtops import REPO_ROOT
from courtops.emergency import plan as emergency_plan
from courtops.emergency.plan import PlanError, load, missing_runbooks
from courtops.runkinds import KINDS
from tests.unit.emergencykit import cli

REQUIRED_SCENARIOS = ("server_down", "network_outage", "data_loss", "courtroom_av_hearing",
                      "surveillance_storage", "security_incident", "power_failure")  # fmt: skip


def test_the_plan_holds_the_required_scenarios_roles_and_commitments() -> None:
    plan = load()
    assert set(REQUIRED_SCENARIOS) <= set(plan.scenarios)
    assert (plan.commitments["respond_within_h"], plan.commitments["escalate_within_h"]) == (24, 1)
    assert [plan.role_name(r) for r in ("onsite", "support", "court_it")] == [
        "驻场工程师",
        "技术支持团队",
        "法院信息技术部门",
    ]
    for scenario in plan.scenarios.values():
        assert scenario.recovery_target_min > 0 and scenario.steps
    named = {st.runbook for s in plan.scenarios.values() for st in s.steps if st.runbook}
    assert {"restore", "harden_rollback", "spare_swap"} <= named
    assert plan.scenario_for("", "restore") is plan.scenarios["data_loss"]


def test_every_runbook_is_a_playbook_that_exists_or_whose_run_kind_is_declared() -> None:
    """A runbook names a playbook of the repository or one a declared run kind will bring (runkinds.py)."""
    planned = {p for kind in KINDS.values() for p in kind.playbooks}
    plan = load()
    for runbook in plan.runbooks.values():
        assert runbook.available or runbook.playbook in planned, runbook
        assert runbook.available == (REPO_ROOT / runbook.playbook).is_file()
    assert plan.runbooks["inspect"] not in missing_runbooks(plan)  # playbooks/inspect.yml is here today


def test_missing_runbooks_are_listed_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = yaml.safe_load(emergency_plan.PLAN_FILE.read_text(encoding="utf-8"))
    data["runbooks"]["restore"]["playbook"] = "playbooks/not-written-yet.yml"
    path = tmp_path / "plan.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "restore" in [r.id for r in missing_runbooks(load(path))]
    status, out, err = cli(capsys, "emergency", "--plan", str(path), "check")
    assert status == 0 and "OK" in out
    assert "runbook restore (配置恢复): playbooks/not-written-yet.yml is not in the repository yet" in err
    assert "data_loss" in err


def _broken(tmp_path: Path, text: str, old: str, new: str) -> str:
    assert old in text
    path = tmp_path / "plan.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load(path)
    return str(info.value)


def test_errors_name_file_line_and_field(tmp_path: Path) -> None:
    text = emergency_plan.PLAN_FILE.read_text(encoding="utf-8")
    lines = text.splitlines()
    path = tmp_path / "plan.yml"

    def line_of(fragment: str) -> int:
        return next(n for n, line in enumerate(lines, start=1) if fragment in line)

    message = _broken(tmp_path, text, "runbook: harden_rollback}", "runbook: harden_rolback}")
    assert message == (f"{path}:{line_of('runbook: harden_rollback}')}: scenarios[0].steps[3].runbook: "
                       f"'harden_rolback' is not declared under runbooks: "
                       "(harden_rollback, inspect, restore, spare_swap)")  # fmt: skip
    message = _broken(tmp_path, text, "{role: support, action: 运营商", "{role: vendor, action: 运营商")
    assert (
        f"{path}:{line_of('运营商链路故障')}: scenarios[1].steps[2].role: 'vendor' is not one of" in message
    )
    message = _broken(tmp_path, text, "recovery_target_min: 15", "recovery_target_min: -15")
    assert f"{path}:{line_of('recovery_target_min: 15')}: scenarios[4].recovery_target_min" in message
    message = _broken(tmp_path, text, "- id: network_outage", "- id: server_down")
    assert (
        f"{path}:{line_of('- id: network_outage')}: scenarios[1].id: 'server_down' is already scenario #1"
        in message
    )
    message = _broken(tmp_path, text, "  restore: data_loss", "  restore: data_lost")
    assert "drill_kinds.restore: 'data_lost' is not a scenario of this plan" in message
    two = _broken(
        tmp_path,
        text.replace("recovery_target_min: 60", "recovery_target_min: abc"),
        "    title: 服务器宕机\n",
        "",
    )
    assert two.count("\n") >= 2  # every problem at once, each on its own line
    assert "'title' is a required property" in two and "'abc' is not of type 'number'" in two


def test_unreadable_or_not_yaml_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.yml"
    path.write_text("scenarios: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlanError, match="not valid YAML"):
        load(path)
    status, _, err = cli(capsys, "emergency", "--plan", str(tmp_path / "none.yml"), "check")
    assert status == 2 and "cannot read the emergency plan" in err and "Traceback" not in err


def test_render_html_and_pdf_with_cjk_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "emergency", "render", "--out", str(tmp_path))
    assert status == 0 and out.split() == [
        str(tmp_path / "emergency-plan.html"),
        str(tmp_path / "emergency-plan.pdf"),
    ]
    html = (tmp_path / "emergency-plan.html").read_text(encoding="utf-8")
    for text in ("人民法院信息系统运维应急预案", "24 小时内响应", "驻场工程师", "庭审中音视频故障", "playbooks/restore.yml",
                 "恢复时间目标（分钟）", "（由法院填写）"):  # fmt: skip
        assert text in html, text
    assert "尚未提供" not in html  # every runbook of the shipped plan is a playbook of the repository
    pdf = subprocess.run(
        ["pdftotext", str(tmp_path / "emergency-plan.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for text in ("应急预案", "服务器宕机", "网络中断", "监控存储故障", "法院信息技术部门"):
        assert text in pdf, text
    status, _, err = cli(capsys, "emergency", "render", "--format", "docx", "--out", str(tmp_path))
    assert status == 2 and "--format" in err


def test_the_committed_plan_holds_placeholders_not_people(capsys: pytest.CaptureFixture[str]) -> None:
    plan = load()
    assert emergency_plan.unfilled_contacts(plan) == ["驻场工程师", "技术支持团队", "法院信息技术部门"]
    text = emergency_plan.PLAN_FILE.read_text(encoding="utf-8")
    assert not re.search(r"\d{7,}|1[3-9]\d-?\d{4}-?\d{4}", text)  # no phone number is committed
    status, _, err = cli(capsys, "emergency", "check")
    assert (
        status == 0
        and "contacts still to be filled in by the court: 驻场工程师、技术支持团队、法院信息技术部门" in err
    )


def test_a_runbook_whose_playbook_is_missing_is_rendered_as_not_yet_provided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = emergency_plan.PLAN_FILE.read_text(encoding="utf-8")
    plan = tmp_path / "plan.yml"
    plan.write_text(
        text.replace("playbook: playbooks/harden.yml", "playbook: playbooks/harden_gone.yml"), "utf-8"
    )
    status, _, _ = cli(
        capsys, "emergency", "--plan", str(plan), "render", "--format", "html", "--out", str(tmp_path)
    )
    html = (tmp_path / "emergency-plan.html").read_text(encoding="utf-8")
    assert status == 0 and "playbooks/harden_gone.yml" in html and "尚未提供" in html
    assert [r.playbook for r in missing_runbooks(load(plan))] == ["playbooks/harden_gone.yml"]
