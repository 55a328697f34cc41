"""Approved exceptions (已批准例外, courtops/exceptions.py): validation, activity, audit display."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError

from courtops import catalogue, evaluator
from courtops import exceptions as ex
from courtops.preflight import audit_config_errors
from courtops.report.model import build_assets, gap_rows

_PATH = Path(__file__).resolve().parents[2] / "plugins" / "filter" / "courtops_exceptions.py"
_SPEC = importlib.util.spec_from_file_location("courtops_exceptions_filter", _PATH)
assert _SPEC and _SPEC.loader
_FILTER: Any = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_FILTER)
courtops_active_exceptions = _FILTER.courtops_active_exceptions

TODAY = dt.date(2026, 11, 30)
GOOD = {
    "control_id": "L3-CES1-18",
    "reason": "庭审录音录像客户端需要 rpcbind",
    "approver": "信息技术科 科长",
    "expires": "2027-03-31",
}


def entry(**changes: object) -> dict[str, object]:
    return {k: v for k, v in (GOOD | changes).items() if v is not ...}


@pytest.mark.parametrize("missing", ["control_id", "reason", "approver", "expires"])
def test_a_missing_field_names_the_entry_and_the_field(missing: str) -> None:
    with pytest.raises(ex.ExceptionError) as err:
        ex.parse([GOOD, entry(**{missing: ...})], where="lab-deb-01")
    text = str(err.value)
    assert "dengbao_exceptions[1]" in text and repr(missing) in text and "lab-deb-01" in text
    assert "dengbao_exceptions[0]" not in text  # the good entry is not blamed


@pytest.mark.parametrize("bad", ["2027-02-30", "31/03/2027", "2027-3-1", "next year", 20270331])
def test_a_bad_date_is_refused_naming_it(bad: object) -> None:
    with pytest.raises(ex.ExceptionError, match=r"dengbao_exceptions\[0\] \(L3-CES1-18\).*expires"):
        ex.parse([entry(expires=bad)])


def test_an_unknown_key_a_bad_id_and_a_non_list_are_refused() -> None:
    with pytest.raises(ex.ExceptionError, match="unknown field 'aprover'"):
        ex.parse([entry(aprover="x")])
    with pytest.raises(ex.ExceptionError, match="not a unit code"):
        ex.parse([entry(control_id="ces1-18")])
    with pytest.raises(ex.ExceptionError, match="must be a list"):
        ex.parse({"control_id": "L3-CES1-18"})
    with pytest.raises(ex.ExceptionError, match=r"\[0\]: must be a mapping"):
        ex.parse(["L3-CES1-18"])


def test_yaml_dates_are_accepted_and_expiry_is_inclusive() -> None:
    entries = [entry(expires=dt.date(2026, 11, 30)), entry(control_id="L3-CES1-02", expires="2026-11-29")]
    assert sorted(ex.active(entries, TODAY)) == ["L3-CES1-18"]  # expires today: still active
    assert ex.active(entries, TODAY + dt.timedelta(days=1)) == {}  # both expired: ignored
    assert ex.active(None, TODAY) == {}


def test_the_filter_gives_active_ids_and_fails_clearly() -> None:
    entries = [GOOD, entry(control_id="L3-CES1-02", expires="2020-01-01")]
    assert courtops_active_exceptions(entries, today="2026-11-30") == ["L3-CES1-18"]
    with pytest.raises(AnsibleFilterError, match="approver"):
        courtops_active_exceptions([entry(approver="")])


def test_audit_shows_an_active_exception_never_as_compliant() -> None:
    cat = catalogue.default()
    # garbage evidence: every checked item is 待人工; an unusable host must not become 符合 either
    judged = evaluator.evaluate_host(cat, "h1", "linux_deb", {"failed": True, "msg": "x"})
    shown = ex.apply(judged, ex.active([GOOD], TODAY))
    row = next(f for f in shown if f.control_id == "L3-CES1-18")
    assert row.verdict == ex.EXCEPTION_VERDICT
    assert "庭审录音录像客户端需要 rpcbind" in row.record and "信息技术科 科长" in row.record
    assert "2027-03-31" in row.record and "原核查结果：待人工" in row.record
    assert row.evidence["_exception"]["verdict_without_exception"] == "待人工"
    others = [f for f in shown if f.control_id != "L3-CES1-18"]
    assert [f.verdict for f in others] == [f.verdict for f in judged if f.control_id != "L3-CES1-18"]
    # an expired exception changes nothing
    assert ex.apply(judged, ex.active([entry(expires="2026-11-29")], TODAY)) == judged


def test_a_compliant_item_stays_compliant_with_a_note() -> None:
    cat = catalogue.default()
    f = evaluator.evaluate_host(cat, "h1", "linux_deb", {"failed": True, "msg": "x"})[0]
    compliant = f.__class__(**(f.__dict__ | {"verdict": "符合", "record": "经现场核查：好"}))
    (out,) = ex.apply([compliant], ex.active([entry(control_id=f.control_id)], TODAY))
    assert out.verdict == "符合" and "可撤销" in out.record


def test_gap_analysis_lists_the_exception_with_its_reason() -> None:
    cat = catalogue.default()
    judged = evaluator.evaluate_host(cat, "h1", "linux_deb", {"failed": True, "msg": "x"})
    shown = ex.apply(judged, ex.active([GOOD], TODAY))
    rows = gap_rows(
        build_assets([], shown), verdicts=frozenset({"不符合", "部分符合", "待人工", "已批准例外"})
    )
    row = next(r for r in rows if r.control_id == "L3-CES1-18")
    assert row.verdict == "已批准例外" and "批准人：信息技术科 科长" in row.record


def test_preflight_stops_on_a_bad_exception_naming_the_hosts() -> None:
    errors = audit_config_errors(
        [("pc-1", {"dengbao_exceptions": [entry(expires="2027-13-01")]}), ("pc-2", {})]
    )
    assert len(errors) == 1 and "pc-1" in errors[0] and "expires" in errors[0] and "pc-2" not in errors[0]
    assert audit_config_errors([("pc-1", {"dengbao_exceptions": [GOOD]})]) == []
