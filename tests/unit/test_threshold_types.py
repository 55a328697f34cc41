"""Typed 等保 thresholds and catalogue values (issue 16, defect 3): a wrong type is a configuration
error that names the variable and its declared type — never coerced, never a 符合."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from courtops import catalogue, evaluator, preflight
from courtops.catalogue import CatalogueError
from courtops.valuetypes import ConfigTypeError
from tests.unit.casekit import evidence_of

# deb7_tally2_telnet listens on TCP 23 and has telnet.socket enabled: L3-CES1-18 is 不符合 with defaults
TELNET_HOST = "deb7_tally2_telnet"


def _ces1_18(thresholds: dict[str, Any] | None = None) -> Any:
    findings = evaluator.evaluate_host(
        catalogue.default(), "h", "linux_deb", evidence_of(TELNET_HOST), thresholds
    )
    return next(f for f in findings if f.control_id == "L3-CES1-18")


def test_the_telnet_host_fails_ces1_18_with_the_defaults() -> None:
    finding = _ces1_18()
    assert finding.verdict == "不符合"
    assert {"ports", "services"} <= set(evaluator.failed_checks(finding))


@pytest.mark.parametrize(
    ("name", "value", "declared"),
    [
        ("dengbao_high_risk_ports", "21,23", "list_int"),  # -e dengbao_high_risk_ports=21,23
        ("dengbao_forbidden_services", "telnet", "list_str"),
        ("dengbao_forbidden_packages", "telnetd,xinetd", "list_str"),
        ("dengbao_high_risk_ports", ["21", "23"], "list_int"),  # texts, not port numbers
        ("dengbao_password_min_length", "12", "int"),  # -e dengbao_password_min_length=12
        ("dengbao_password_min_length", True, "int"),
        ("dengbao_histsize_max", [100], "int"),
    ],
)
def test_a_mistyped_override_stops_the_evaluation_naming_variable_and_type(
    name: str, value: Any, declared: str
) -> None:
    with pytest.raises(ConfigTypeError) as err:
        _ces1_18({name: value})
    assert f"{name}: expected {declared}" in str(err.value)


def test_well_typed_overrides_still_judge() -> None:
    # only 21 is high-risk and telnet is allowed: the telnet host's ports and services now pass
    finding = _ces1_18({"dengbao_high_risk_ports": [21], "dengbao_forbidden_services": ["rsh"]})
    assert "ports" not in evaluator.failed_checks(finding)
    assert "services" not in evaluator.failed_checks(finding)


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("disjoint", "21,23"),
        ("subset", "root"),
        ("ge", "1"),
        ("le", None),
        ("between", [1, "90"]),
        ("ge", True),
    ],
)
def test_operators_refuse_a_wrong_expected_type_as_a_configuration_error(op: str, expected: Any) -> None:
    with pytest.raises(ConfigTypeError, match=op):
        evaluator.apply_op(op, [23] if op in ("disjoint", "subset") else 5, expected)


@pytest.mark.parametrize(("op", "actual"), [("ge", "9"), ("le", "1"), ("between", "30"), ("ge", True)])
def test_operators_never_coerce_the_evidence(op: str, actual: Any) -> None:
    # a text "9" is not the number 9: the evidence is unparsable (-> 待人工), never a pass
    with pytest.raises(TypeError):
        evaluator.apply_op(op, actual, [1, 90] if op == "between" else 8)


@pytest.mark.parametrize(
    ("op", "actual", "expected"), [("ne", "1", 1), ("eq", "0", 0), ("eq", 1, True), ("ne", "false", False)]
)
def test_equality_refuses_evidence_of_another_kind(op: str, actual: Any, expected: Any) -> None:
    # AutoAdminLogon as the text "1" must not pass `ne 1`: a text is not a number, nor 1 a boolean
    with pytest.raises(TypeError):
        evaluator.apply_op(op, actual, expected)


def test_equality_of_the_same_kind_and_of_absent_evidence_still_compares() -> None:
    assert evaluator.apply_op("eq", 1.0, 1) and evaluator.apply_op("ne", 0, 1)
    assert evaluator.apply_op("eq", None, False) is False  # not configured is not "false"
    assert evaluator.apply_op("eq", "no", "no")


def test_a_wrongly_typed_catalogue_value_is_a_configuration_error_not_unparsable_evidence() -> None:
    cat = catalogue.default()
    item = cat.by_id("L3-CES1-01")
    rule = item.platforms["linux_deb"]
    check = next(c for c in rule.checks if c.op == "ge")
    bad = catalogue.PlatformRule(
        "checks",
        rule.evidence,
        rule.source,
        rule.remediation,
        (catalogue.Check(**{**check.__dict__, "value": "1"}),),
    )
    with pytest.raises(ConfigTypeError, match="'ge' needs a number"):
        evaluator.evaluate_item("h", "linux_deb", item, bad, {check.fact: 8}, cat.thresholds)


def _copy(tmp_path: Path) -> Path:
    dest = tmp_path / "controls"
    shutil.copytree(catalogue.DEFAULT_DIR, dest)
    return dest


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # value "1" for a numeric check used to be read as the number 1
        (
            "op: ge, value: $dengbao_password_min_length}",
            'op: ge, value: "8"}',
            "field value: 'ge' needs a number, got string '8'",
        ),
        # a list threshold where a number is compared
        (
            "op: ge, value: $dengbao_password_min_length}",
            "op: ge, value: $dengbao_high_risk_ports}",
            "'ge' needs a number; $dengbao_high_risk_ports is declared list_int",
        ),
        (
            "op: between, value: [1, $dengbao_password_max_age]}",
            'op: between, value: [1, "90"]}',
            "'between' needs a [low, high] list of numbers",
        ),
    ],
)
def test_catalogue_values_have_the_type_their_operator_takes(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    root = _copy(tmp_path)
    _edit(root, "ces1-01-identity.yml", old, new)
    with pytest.raises(CatalogueError) as err:
        catalogue.load(root)
    assert "ces1-01-identity.yml" in str(err.value) and message in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{type: int, default: 8, desc: 口令最小长度}",
            '{type: int, default: "8", desc: 口令最小长度}',
            "default",
        ),
        (
            "{type: int, default: 8, desc: 口令最小长度}",
            "{default: 8, desc: 口令最小长度}",
            "'type' is a required",
        ),
        (
            "{type: int, default: 8, desc: 口令最小长度}",
            "{type: integer, default: 8, desc: 口令最小长度}",
            "type",
        ),
        ("    type: list_int\n    default: [21,", "    type: list_int\n    default: [ftp,", "default"),
    ],
)
def test_every_threshold_declares_a_type_its_default_has(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    root = _copy(tmp_path)
    _edit(root, "thresholds.yml", old, new)
    with pytest.raises(CatalogueError) as err:
        catalogue.load(root)
    assert "thresholds.yml" in str(err.value) and message in str(err.value)


def test_every_threshold_of_the_repository_is_typed() -> None:
    cat = catalogue.default()
    assert set(cat.threshold_types) == set(cat.thresholds)
    assert cat.threshold_types["dengbao_high_risk_ports"] == "list_int"
    assert cat.threshold_types["dengbao_forbidden_services"] == "list_str"
    assert cat.threshold_errors(dict(cat.thresholds)) == []


def test_preflight_names_variable_type_and_hosts_once_per_problem() -> None:
    hosts = [(f"pc-{n:03d}", {"dengbao_high_risk_ports": "21,23", "unrelated": "x"}) for n in range(8)]
    hosts.append(("srv-001", {"dengbao_forbidden_services": "telnet"}))
    hosts.append(("srv-002", {"dengbao_password_min_length": 12}))
    errors = preflight.audit_config_errors(hosts)
    assert len(errors) == 2
    ports = next(e for e in errors if "dengbao_high_risk_ports" in e)
    assert "expected list_int" in ports and "pc-000" in ports and "and 3 more" in ports
    services = next(e for e in errors if "dengbao_forbidden_services" in e)
    assert "expected list_str" in services and "srv-001" in services and "pc-" not in services


def test_preflight_reports_a_catalogue_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root, "ces1-01-identity.yml", "op: ge, value: $dengbao_password_min_length}", 'op: ge, value: "8"}')
    errors = preflight.audit_config_errors([("h", {})], root)
    assert len(errors) == 1 and "ces1-01-identity.yml" in errors[0] and "'ge' needs a number" in errors[0]
    assert preflight.audit_config_errors([("h", {"dengbao_password_min_length": 12})]) == []
