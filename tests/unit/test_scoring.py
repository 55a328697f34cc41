"""控制点得分 against a hand-computed example: several objects, partial items, 不适用 and 待人工."""

from __future__ import annotations

import pytest

from courtops.findings import Finding
from courtops.report.scoring import control_point_scores, item_scores, overall_estimate, risk_level


def f(host: str, cid: str, verdict: str, weight: float, point: str = "身份鉴别", **kw: object) -> Finding:
    return Finding(
        host=host,
        platform="linux_deb",
        control_id=cid,
        clause="8.1.4.1",
        verdict=verdict,
        record="",
        expected="",
        actual="",
        layer="安全计算环境",
        control_point=point,
        weight=weight,
        **kw,  # type: ignore[arg-type]
    )


FINDINGS = [
    # CES1-01 (w 0.7): 符合, 部分符合, 不符合 over three objects -> (1 + 0.5 + 0) / 3 = 0.5
    f("a", "L3-CES1-01", "符合", 0.7),
    f("b", "L3-CES1-01", "部分符合", 0.7),
    f("c", "L3-CES1-01", "不符合", 0.7),
    # CES1-02 (w 0.7): 符合, 符合, 不适用 -> 1.0 (不适用 object left out)
    f("a", "L3-CES1-02", "符合", 0.7),
    f("b", "L3-CES1-02", "符合", 0.7),
    f("c", "L3-CES1-02", "不适用", 0.7),
    # CES1-03 (w 1.0): 部分符合, 不符合, 待人工 -> 0.25
    f("a", "L3-CES1-03", "部分符合", 1.0),
    f("b", "L3-CES1-03", "不符合", 1.0, high_risk=True),
    f("c", "L3-CES1-03", "待人工", 1.0),
    # CES1-04 (w 1.0): all 不适用 -> excluded from the 控制点 (its weight too)
    f("a", "L3-CES1-04", "不适用", 1.0),
    f("b", "L3-CES1-04", "不适用", 1.0),
    # another 控制点: CES1-05 (w 0.4) 部分符合 on one object -> 0.5 -> 5.0 points
    f("a", "L3-CES1-05", "部分符合", 0.4, point="访问控制"),
]


def test_item_averages() -> None:
    avg = {i.control_id: i.average for i in item_scores(FINDINGS)}
    assert avg == {
        "L3-CES1-01": pytest.approx(0.5),
        "L3-CES1-02": pytest.approx(1.0),
        "L3-CES1-03": pytest.approx(0.25),
        "L3-CES1-04": None,
        "L3-CES1-05": pytest.approx(0.5),
    }


def test_control_point_scores_by_hand() -> None:
    points = {p.control_point: p for p in control_point_scores(FINDINGS)}
    # 身份鉴别: (0.5*0.7 + 1.0*0.7 + 0.25*1.0) / (0.7 + 0.7 + 1.0) * 10 = 1.3 / 2.4 * 10 = 5.41666…
    assert points["身份鉴别"].score == pytest.approx(1.3 / 2.4 * 10)
    assert points["身份鉴别"].score == pytest.approx(5.4167, abs=1e-4)
    assert points["访问控制"].score == pytest.approx(5.0)
    assert points["身份鉴别"].counts == {"符合": 3, "部分符合": 2, "不符合": 2, "不适用": 3, "待人工": 1}
    # non-official estimate: mean of the two 控制点 on 100
    assert overall_estimate(points.values()) == pytest.approx((1.3 / 2.4 * 10 + 5.0) / 2 * 10)


def test_only_not_applicable_gives_no_score() -> None:
    [point] = control_point_scores([f("a", "L3-CES1-04", "不适用", 1.0)])
    assert point.score is None
    assert overall_estimate([point]) is None


def test_risk_levels() -> None:
    assert [risk_level(x) for x in FINDINGS[6:9]] == ["低", "高", "—"]
    assert risk_level(FINDINGS[2]) == "中"
