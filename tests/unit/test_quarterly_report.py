"""季度运维服务报告 from a results store: the quarter's inspections, systems, incidents and commitments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from courtops.findings import Finding
from courtops.report import REPORTS, write_report
from courtops.report.quarterly import quarter_bounds
from courtops.store import HostInfo, Incident, Metric, RunInfo, Store

CST = dt.timezone(dt.timedelta(hours=8))


def at(month: int, day: int, hour: int = 10) -> float:
    return dt.datetime(2026, month, day, hour, tzinfo=CST).timestamp()


def inspection(store: Store, when: float, states: dict[str, str]) -> int:
    run = store.start_run(
        RunInfo(uuid=f"i{when}", kind="inspect", scope="inspect|court||||profile=monthly", started_at=when)
    )
    store.add_hosts(
        run, [HostInfo(name="nvr1", asset={"asset_system": "安防监控"}), HostInfo(name="pc1", asset={})]
    )
    store.add_metrics(
        run, [Metric(host=h, name="reachability", labels={"state": s}) for h, s in states.items()]
    )
    store.finish_run(run, "ok", ended_at=when + 60)
    return run


def test_quarter_bounds():
    label, start, end = quarter_bounds(at(11, 25))
    assert label == "2026年第4季度"
    assert (start, end) == (at(10, 1, 0), dt.datetime(2027, 1, 1, tzinfo=CST).timestamp())
    assert quarter_bounds(at(2, 1))[0] == "2026年第1季度"


def test_quarterly_context_and_html(tmp_path: Path):
    with Store(tmp_path / "s.sqlite3") as st:
        inspection(st, at(9, 20), {"nvr1": "故障"})  # previous quarter: not counted
        inspection(st, at(10, 20), {"nvr1": "故障", "pc1": "正常"})
        latest = inspection(st, at(11, 20), {"nvr1": "正常", "pc1": "告警"})
        fast = st.open_incident(
            Incident(device="nvr1", system="安防监控", check_name="nvr_disks:HDD3", opened_at=at(10, 20))
        )
        st.update_incident(fast, responded_at=at(10, 20, 12), closed_at=at(11, 20))
        slow = st.open_incident(Incident(device="pc9", check_name="manual:1", opened_at=at(11, 1)))
        st.update_incident(slow, responded_at=at(11, 3))  # 48 h: late, still open
        audit = st.start_run(RunInfo(uuid="a", kind="audit", started_at=at(11, 2)))
        st.add_findings(audit, [Finding(host="pc1", platform="linux_deb", control_id="L3-CES1-02", clause="8.1.4.1 b)",
                                        verdict="部分符合", record="…", expected="", actual="", control_point="身份鉴别",
                                        layer="安全计算环境", weight=0.7)])  # fmt: skip
        run = st.get_run(latest)
        ctx = REPORTS["quarterly"].build(st, run)
        html = write_report(REPORTS["quarterly"], st, run, tmp_path / "out", ("html",))[0].read_text(
            encoding="utf-8"
        )
    assert ctx["quarter"] == "2026年第4季度"
    assert [x["counts"] for x in ctx["inspections"]] == [
        {"正常": 1, "告警": 0, "故障": 1},
        {"正常": 1, "告警": 1, "故障": 0},
    ]
    assert dict(ctx["systems"])["安防监控"] == {"正常": 1, "告警": 0, "故障": 1}
    assert ctx["incident_totals"] == {
        "opened": 2,
        "closed": 1,
        "open": 1,
        "responded_in_time": 1,
        "responded": 2,
        "escalated": 0,
    }
    rows = {r["incident"].id: r for r in ctx["incidents"]}
    assert (rows[fast]["respond_h"], rows[fast]["duration_h"], rows[fast]["respond_ok"]) == (2.0, 744.0, True)
    assert (rows[slow]["respond_h"], rows[slow]["respond_ok"]) == (48.0, False)
    assert ctx["audit_estimate"] == 50.0  # 部分符合 everywhere: half of 100
    for heading in ("季度运维服务报告", "2026年第4季度", "系统运行状态", "故障处理记录", "优化措施及效果"):
        assert heading in html
