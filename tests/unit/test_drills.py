"""Drills (应急演练): hand-recorded ones validated; every kind judged against the plan's recovery target
and shown in the quarterly report with the spares below minimum and the quarter's part replacements."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from courtops.emergency.drills import MET, MISSED, NO_TARGET, NOT_TIMED, judge
from courtops.emergency.plan import load
from courtops.emergency.timeparse import parse_duration, parse_time, quarter_span
from courtops.report import REPORTS, quarterly_emergency, write_report
from courtops.store import Drill, HostInfo, Incident, Metric, RunInfo, Store
from courtops.store.emergency_stock import PartReplacement, SpareMovement, add_movement, add_replacement
from courtops.store.migrations import MIGRATIONS
from tests.unit.emergencykit import at, cli, write_spares


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("45m", 2700), ("1h30m", 5400), ("90s", 90), ("2h", 7200), ("1:30", 5400), ("12min", 720)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "1x", "-5m", "1:75"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_times_and_quarters_are_beijing_time() -> None:
    assert parse_time("2026-11-30 09:30") == at(11, 30, 9, 30)
    assert quarter_span("2026Q4") == ("2026年第4季度", at(10, 1, 0), at(10, 1, 0) + 92 * 86400)
    assert quarter_span("2026q1")[1] == parse_time("2026-01-01 00:00")
    with pytest.raises(ValueError, match="2026Q4"):
        quarter_span("2026-4")


def _drill(**kw: object) -> Drill:
    base: dict[str, object] = {
        "kind": "tabletop",
        "started_at": at(11, 2),
        "ended_at": at(11, 2, 11),
        "result": "ok",
    }
    return Drill(**(base | kw))  # type: ignore[arg-type]


def test_judged_against_the_scenarios_target() -> None:
    plan = load()  # courtroom_av_hearing: 15 minutes; data_loss: 240
    assert judge(_drill(scenario="courtroom_av_hearing", recovery_s=14 * 60), plan).verdict == MET
    assert judge(_drill(scenario="courtroom_av_hearing", recovery_s=16 * 60), plan).verdict == MISSED
    assert (
        judge(_drill(scenario="courtroom_av_hearing", recovery_s=60, result="failed"), plan).verdict == MISSED
    )
    assert judge(_drill(scenario="courtroom_av_hearing"), plan).verdict == NOT_TIMED  # no time: not 达标
    assert judge(_drill(scenario="moon_landing", recovery_s=1), plan).verdict == NO_TARGET
    restore = judge(_drill(kind="restore", recovery_s=42.0), plan)  # no scenario: the plan's for its kind
    assert (restore.verdict, restore.target_min, restore.scenario and restore.scenario.id) == (
        MET,
        240,
        "data_loss",
    )


def test_record_validates_and_list_filters_by_quarter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s.sqlite3")
    rec = ("drill", "--store", store, "record")
    ok = ("--kind", "tabletop", "--scenario", "courtroom_av_hearing", "--started", "2026-11-30 09:30",
          "--ended", "2026-11-30 10:15", "--result", "ok")  # fmt: skip
    status, out, _ = cli(
        capsys, *rec, *ok, "--recovered-in", "12m", "--participants", "驻场工程师、法院信息技术部门"
    )
    assert (status, out.split()) == (0, ["1", "达标"])
    bad = [
        (("--scenario", "moon_landing"), "unknown scenario 'moon_landing'; the plan has: server_down"),
        (("--ended", "2026-11-30 09:00"), "--ended 2026-11-30 09:00 is before --started 2026-11-30 09:30"),
        (("--started", "30/11/2026"), "is not a time such as"),
        (("--recovered-in", "soon"), "not a duration"),
        (("--recovered-in", "2h"), "longer than the drill itself"),
    ]
    for change, message in bad:
        args = list(ok)
        for i in range(0, len(change), 2):
            if change[i] in args:
                args[args.index(change[i]) + 1] = change[i + 1]
            else:
                args += [change[i], change[i + 1]]
        status, _, err = cli(capsys, *rec, *args)
        assert status == 2 and message in err, (change, err)
    with Store(store) as st:
        st.add_drill(
            Drill(kind="restore", started_at=at(8, 1), ended_at=at(8, 1, 11), result="ok", recovery_s=30)
        )
    status, out, _ = cli(capsys, "drill", "--store", store, "list", "--quarter", "2026Q4")
    rows = [line.split("\t") for line in out.splitlines()[2:]]
    assert len(rows) == 1 and rows[0][:3] == ["1", "桌面推演", "庭审中音视频故障"]
    assert rows[0][7:10] == ["12", "15", "达标"]
    status, out, _ = cli(capsys, "drill", "--store", store, "list")
    assert [line.split("\t")[1] for line in out.splitlines()[2:]] == ["配置恢复演练", "桌面推演"]


def test_quarterly_report_shows_drills_spares_and_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quarterly_emergency, "DEFAULT_SPARES", write_spares(tmp_path / "spares.csv"))
    with Store(tmp_path / "s.sqlite3") as st:
        run = st.start_run(RunInfo(uuid="i1", kind="inspect", scope="inspect|court", started_at=at(11, 20)))
        st.add_hosts(run, [HostInfo(name="main-nvr-01", asset={"asset_system": "安防监控"})])
        st.add_metrics(run, [Metric(host="main-nvr-01", name="reachability", labels={"state": "正常"})])
        st.finish_run(run, "ok", ended_at=at(11, 20, 11))
        inc = st.open_incident(
            Incident(device="main-nvr-01", check_name="nvr_disks:HDD3", opened_at=at(11, 3))
        )
        st.add_drill(Drill(kind="tabletop", scenario="courtroom_av_hearing", title="庭审音视频故障桌面推演",
                           started_at=at(11, 5, 9), ended_at=at(11, 5, 10), result="ok", recovery_s=20 * 60,
                           participants="驻场工程师"))  # fmt: skip
        st.add_drill(Drill(kind="spare_swap", target="lab-vrp-01", source="lab-vrp-spare", started_at=at(11, 6),
                           ended_at=at(11, 6, 10, 5), result="ok", recovery_s=300))  # fmt: skip
        st.add_drill(Drill(kind="restore", started_at=at(9, 6), ended_at=at(9, 6, 11), result="ok"))  # Q3
        add_movement(st, SpareMovement("HDD-1", -2, at=at(11, 4), incident_id=inc, device="main-nvr-01"))
        add_replacement(st, PartReplacement(part="希捷 SkyHawk 8TB", device="main-nvr-01", quantity=2,
                                            unit_price_fen=165000, supplied_by="vendor", replaced_at=at(11, 4),
                                            incident_id=inc, spare_id="HDD-1"))  # fmt: skip
        add_replacement(st, PartReplacement(part="旧季度配件", device="x", quantity=1, unit_price_fen=1,
                                            supplied_by="court", replaced_at=at(9, 1)))  # fmt: skip
        chosen = st.get_run(run)
        ctx = REPORTS["quarterly"].build(st, chosen)["emergency"]
        out = write_report(REPORTS["quarterly"], st, chosen, tmp_path / "out", ("html", "pdf"))
    assert [(j.drill.kind, j.verdict) for j in ctx["drills"]] == [
        ("tabletop", "未达标"),
        ("spare_swap", "达标"),
    ]
    assert ctx["drills_met"] == 1 and ctx["problems"] == []
    assert [s.spare.id for s in ctx["spares_low"]] == ["HDD-1"]
    assert [p.part for p in ctx["parts"]] == ["希捷 SkyHawk 8TB"] and ctx["parts_total_yuan"] == 3300.0
    html = out[0].read_text(encoding="utf-8")
    for text in ("五、应急保障", "应急演练（2 次，达标 1 次）", "庭审中音视频故障", "备机替换演练", "网络设备硬件故障（备机替换）",
                 "2026-11-05 09:00:00", "未达标", "HDD-1", "希捷 SkyHawk 8TB", "3,300.00", "待审批"):  # fmt: skip
        assert text in html, text
    assert "旧季度配件" not in html
    assert html.index("五、应急保障") < html.index("七、优化措施及效果")
    pdf = subprocess.run(["pdftotext", str(out[1]), "-"], capture_output=True, text=True, check=True).stdout
    pdf = "".join(pdf.split())  # table cells wrap: compare the text without line breaks
    for text in (
        "五、应急保障",
        "应急演练（2次，达标1次）",
        "应急物资低于最低库存（1项",
        "配件更换记录（1项，合计3,300.00元",
    ):
        assert text in pdf, text


def test_quarterly_report_reads_a_store_older_than_the_emergency_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quarterly_emergency, "DEFAULT_SPARES", write_spares(tmp_path / "spares.csv"))
    old = tmp_path / "v1.sqlite3"
    db = sqlite3.connect(old)
    db.executescript(MIGRATIONS[0])  # a store written before drills and the emergency stock existed
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO runs (uuid, kind, started_at, ended_at, status) VALUES ('r', 'inspect', ?, ?, 'ok')",
               (at(11, 1), at(11, 1, 11)))  # fmt: skip
    db.commit()
    db.close()
    with Store(old, readonly=True) as st:
        ctx = quarterly_emergency.build_emergency(st, at(10, 1, 0), at(12, 31))
    assert ctx["drills"] == [] and ctx["parts"] == [] and ctx["spares_low"] == []


def test_a_broken_plan_or_spares_ledger_is_said_not_hidden(tmp_path: Path) -> None:
    bad_spares = write_spares(
        tmp_path / "bad.csv",
        ["HDD-1,监控硬盘,x,nvr,1,9,块,A1,2026-10-08,,", "X,y,z,w,lots,1,个,A,2026-10-08,,"],
    )
    bad_plan = tmp_path / "plan.yml"
    bad_plan.write_text("title: 预案\n", encoding="utf-8")
    with Store(tmp_path / "s.sqlite3") as st:
        st.add_drill(Drill(kind="tabletop", scenario="server_down", started_at=at(11, 2), ended_at=at(11, 2, 11),
                           result="ok", recovery_s=60))  # fmt: skip
        ctx = quarterly_emergency.build_emergency(
            st, at(10, 1, 0), at(12, 31), spares_path=bad_spares, plan_path=bad_plan
        )
    assert (
        ctx["problems"][0].startswith("应急预案有误")
        and "'version' is a required property" in ctx["problems"][0]
    )
    assert (
        ctx["problems"][1]
        == f"应急物资台账有误：{bad_spares}:3: 数量 (quantity) must be a whole number ≥ 0, not 'lots'"
    )
    assert (
        ctx["spares_ok"] is False and ctx["spares_low"] == []
    )  # HDD-1 (1 < 9) is not listed from a broken ledger
    assert [j.verdict for j in ctx["drills"]] == ["待人工"]  # nothing to judge against: not 达标, not 未达标
