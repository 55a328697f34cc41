"""The 巡检记录 report from a results store: courtroom readiness, cameras per NVR, comparison, XLSX cells."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from courtops.report import REPORTS, write_report
from courtops.store import HostInfo, Metric, RunInfo, Store

ASSETS = {
    "ct01-pc1": {"asset_class": "pcs", "asset_courtroom": "main_01", "asset_system": "智慧庭审"},
    "ct01-av-host": {"asset_class": "courtroom_av", "asset_courtroom": "main_01", "asset_system": "智慧庭审"},
    "ct02-pc1": {"asset_class": "pcs", "asset_courtroom": "main_02"},
    "ct02-av-host": {"asset_class": "courtroom_av", "asset_courtroom": "main_02"},
    "ct03-pc1": {"asset_class": "pcs", "asset_courtroom": "main_03"},
    "ct03-av-host": {"asset_class": "courtroom_av", "asset_courtroom": "main_03"},
    "cam1": {"asset_class": "cameras", "asset_site": "main", "asset_parent": "nvr1"},
    "cam2": {"asset_class": "cameras", "asset_site": "main", "asset_parent": "nvr1"},
    "cam3": {"asset_class": "cameras", "asset_site": "liuhe", "asset_parent": "nvr9"},
    "prn1": {"asset_class": "printers"},
}


def m(
    host: str,
    check: str,
    title: str,
    state: str,
    item: str = "",
    remark: str = "",
    value: float | None = None,
) -> Metric:
    unit = "" if value is None else ("页" if check == "printer_counters" else "%")
    return Metric(host=host, name=check, value=value, unit=unit,
                  labels={"title": title, "state": state, "item": item, "remark": remark})  # fmt: skip


def record(store: Store, metrics: list[Metric], started: float) -> int:
    run_id = store.start_run(
        RunInfo(uuid=f"u{started}", kind="inspect", scope="inspect|lab", started_at=started)
    )
    store.add_hosts(
        run_id,
        [HostInfo(name=h, address=f"10.250.1.{i}", asset=a) for i, (h, a) in enumerate(ASSETS.items())],
    )
    store.add_metrics(run_id, metrics)
    store.finish_run(run_id, "ok", ended_at=started + 30)
    return run_id


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "s.sqlite3") as s:
        record(s, [m("ct01-pc1", "disk", "磁盘使用率", "故障", "/", "磁盘空间不足", 95.0),
                   m("prn1", "printer_counters", "打印计数", "正常", value=41000.0)], 1000.0)  # fmt: skip
        record(
            s,
            [
                m("ct01-pc1", "disk", "磁盘使用率", "正常", "/", value=40.0),
                m("ct01-av-host", "reachability", "网络连通性", "正常"),
                m("ct02-pc1", "disk", "磁盘使用率", "告警", "/", "磁盘空间不足", 85.0),
                m("ct02-av-host", "reachability", "网络连通性", "正常"),
                m("ct03-pc1", "disk", "磁盘使用率", "正常", "/", value=10.0),
                m("ct03-av-host", "reachability", "网络连通性", "故障", remark="不可达"),
                m("cam1", "reachability", "网络连通性", "正常"),
                m("cam2", "reachability", "网络连通性", "故障", remark="无响应"),
                m("cam3", "reachability", "网络连通性", "正常"),
                m("prn1", "printer_counters", "打印计数", "正常", value=43150.0),
            ],
            2000.0,
        )
        yield s


def test_context(store: Store):
    run = store.get_run("latest", kind="inspect")
    ctx = REPORTS["inspection"].build(store, run)
    assert {r["id"]: r["status"] for r in ctx["courtrooms"]} == {
        "main_01": "就绪",
        "main_02": "降级",
        "main_03": "不可用",
    }
    assert [(c["site"], c["nvr"], c["total"], c["online"], c["offline"]) for c in ctx["cameras"]] == [
        ("liuhe", "nvr9", 1, 1, []),
        ("main", "nvr1", 2, 1, ["cam2"]),
    ]
    assert ctx["totals"] == {"正常": 7, "告警": 1, "故障": 2, "未检": 0}
    printer = next(d for d in ctx["devices"] if d.name == "prn1")
    assert printer.rows[0].reading == "43150页（较上次巡检 +2150 页）"
    assert any("ct01-pc1 磁盘使用率 /" in line for line in ctx["changes"]["resolved"])
    assert ctx["previous_run"] is not None


def test_html_xlsx_and_pdf(store: Store, tmp_path: Path):
    run = store.get_run("latest", kind="inspect")
    html, pdf, xlsx = write_report(
        REPORTS["inspection"], store, run, tmp_path / "out", ("html", "pdf", "xlsx")
    )
    pdf_text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for heading in ("日常巡检记录", "审判法庭就绪情况", "各设备巡检明细"):
        assert heading in pdf_text
    text = html.read_text(encoding="utf-8")
    for heading in (
        "日常巡检记录",
        "审判法庭就绪情况（3 个法庭）",
        "监控摄像机在线情况",
        "与上次巡检对比",
        "各设备巡检明细",
    ):
        assert heading in text
    assert "http://" not in text and "https://" not in text  # offline intranet: nothing external
    wb = load_workbook(xlsx)
    rooms = wb["法庭就绪"]
    assert [c.value for c in rooms[1]] == [
        "法庭",
        "状态",
        "设备数",
        "问题",
        "音视频码流（编码、帧率、音频电平、结论）",
    ]
    assert [rooms.cell(row=r, column=2).value for r in range(2, 5)] == ["就绪", "降级", "不可用"]
    pcs = wb["计算机"]
    rows = [[c.value for c in row] for row in pcs.iter_rows(min_row=2)]
    assert ["ct02-pc1", "10.250.1.2", None, None, "磁盘使用率", "/", "85%", "告警", "磁盘空间不足"] in rows
