"""Courtroom audio/video on the lab's real RTSP streams, and every named system in the reports.

One monthly inspection of the lab's SNMP-side devices (every system member, the courtroom encoders,
printers, NVR, camera, the SNMP switch), with the recorder on; then the 巡检记录 and the
季度运维服务报告 are built from that run's store. An extra inventory adds a courtroom encoder whose
address answers HTTP but serves no stream: 故障, and the run goes on. About 40–60 s on 2 cores.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from courtops.report import REPORTS, write_report
from courtops.report.systems import SEED_SYSTEMS
from courtops.store import Store

from .conftest import Lab
from .test_inspection_lab import inspect

pytestmark = pytest.mark.lab

DEAD = "lab-av-nostream"


def av_rows(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        m["labels"]["item"]: (m["labels"]["state"], m["labels"]["remark"])
        for m in result["courtops_metrics"]
        if m["name"] == "av_stream"
    }


def member(lab: Lab, stem: str) -> Any:
    return next(s for s in lab.systems if s.name == f"lab-{stem}")


@pytest.fixture(scope="module")
def run(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("av")
    inv = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    groups = inv["all"]["children"]
    # a courtroom encoder whose address answers (the meeting terminal's HTTP) but streams nothing
    host = dict(groups["snmp_device"]["hosts"]["lab-av-01"])
    host.update(ansible_host=member(lab, "meet1-01").address, asset_courtroom="courtroom_nostream")
    groups["snmp_device"]["hosts"][DEAD] = host
    for g in ("courtroom", "courtroom_av", TRIBUNAL_SITE_GROUP(lab)):
        groups[g]["hosts"][DEAD] = None
    groups["courtroom_nostream"] = {"hosts": {DEAD: None}}
    path = tmp / "hosts.yml"
    path.write_text(yaml.safe_dump(inv, allow_unicode=True), encoding="utf-8")
    # the SNMP side holds a device of every seed system (机房网络: the SNMP switch); CLI devices are slow
    return inspect(lab, tmp, "-e", "profile=monthly", "-e", "target=snmp_device", inventory=path)


def TRIBUNAL_SITE_GROUP(lab: Lab) -> str:
    return member(lab, "av-01").site


def test_the_run_goes_on_and_changes_nothing(run: dict[str, Any], lab: Lab) -> None:
    assert run["rc"] == 0, run["stderr"][-2000:]
    judged = set(run["judged"])
    assert {s.name for s in lab.systems} | {DEAD} <= judged
    assert all(s["changed"] == 0 for s in run["stats"].values())


def test_healthy_stream_is_normal(run: dict[str, Any]) -> None:
    rows = av_rows(run["judged"]["lab-av-01"])
    assert {k: v[0] for k, v in rows.items()} == {"码流": "正常", "帧率": "正常", "音频": "正常"}
    result = run["judged"]["lab-av-01"]
    [stream] = [m for m in result["courtops_metrics"] if m["labels"]["item"] == "码流"]
    assert stream["text"].startswith("H264 640×360")  # measured on the real stream
    [audio] = [m for m in result["courtops_metrics"] if m["labels"]["item"] == "音频"]
    assert -20 < audio["value"] < -10


def test_silent_courtroom_is_a_fault(run: dict[str, Any]) -> None:
    rows = av_rows(run["judged"]["lab-av-02"])
    assert rows["音频"] == ("故障", "音频静音（无声音）")
    assert rows["帧率"][0] == "正常"


def test_choppy_stream_is_a_warning(run: dict[str, Any]) -> None:
    rows = av_rows(run["judged"]["lab-av-03"])
    assert rows["帧率"][0] == "告警" and "丢帧约" in rows["帧率"][1]
    assert rows["音频"][0] == "正常"


def test_unreachable_stream_is_a_fault(run: dict[str, Any]) -> None:
    rows = av_rows(run["judged"][DEAD])
    assert rows["码流"][0] == "故障" and rows["码流"][1].startswith("码流不可达")
    reach = [m for m in run["judged"][DEAD]["courtops_metrics"] if m["name"] == "reachability"]
    assert reach[0]["labels"]["state"] == "正常"  # the device answers; its stream does not


def test_every_seed_system_is_in_the_inspection_record_and_the_quarterly_report(
    run: dict[str, Any], tmp_path: Path
) -> None:
    store = Store(run["store"])
    latest = store.get_run("latest", kind="inspect")
    ctx = REPORTS["inspection"].build(store, latest)
    by_system: dict[str, dict[str, str]] = {}
    for d in ctx["devices"]:
        by_system.setdefault(d.system_label, {})[d.name] = d.state
    assert set(SEED_SYSTEMS) <= set(by_system), sorted(by_system)
    assert by_system["智慧庭审"]["lab-av-02"] == "故障"
    assert by_system["智慧庭审"]["lab-av-03"] == "告警"
    assert by_system["会议系统1"] == {"lab-meet1-01": "正常"}
    assert by_system["会议系统2"] == {"lab-meet2-01": "正常"}
    assert set(by_system["等级保护系统"]) == {"lab-fw-01", "lab-logaudit-01", "lab-bastion-01"}
    assert {"lab-pol-door-01", "lab-pol-term-01"} == set(by_system["智慧警务"])
    assert "lab-exe-screen-01" in by_system["执行指挥"] and "lab-va-srv-01" in by_system["视频汇聚"]
    assert {"lab-vms-01", "lab-nvr-01", "lab-cam-01"} <= set(by_system["安防监控"])
    assert "" not in by_system  # no lab device without 所属系统
    rooms = {r["id"]: r for r in ctx["courtrooms"]}
    assert rooms["courtroom_ct01"]["status"] == "不可用"  # the silent courtroom cannot hold a hearing
    assert rooms["courtroom_ct02"]["status"] == "降级"
    [av] = rooms["courtroom_ct01"]["av"]
    assert (av["device"], av["state"], av["stream"]) == (
        "lab-av-02",
        "故障",
        "H264 640×360 / pcm_alaw 8000Hz",
    )
    html, xlsx = write_report(REPORTS["inspection"], store, latest, tmp_path / "insp", ("html", "xlsx"))
    text = html.read_text(encoding="utf-8")
    # measured on the live stream: the frame rate is about 25, the silent track about -72 dBFS (G.711)
    assert re.search(r"lab-av-02：H264 640×360 / pcm_alaw 8000Hz，2[3-5](\.\d+)? fps，-7\d(\.\d)? dBFS", text)
    sheet = load_workbook(xlsx)["法庭就绪"]
    cells = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=5).value
        for r in range(2, sheet.max_row + 1)
    }
    assert "lab-av-03" in cells["courtroom_ct02"] and "告警" in cells["courtroom_ct02"]
    quarterly = REPORTS["quarterly"].build(store, latest)
    systems = dict(quarterly["systems"])
    for name in SEED_SYSTEMS:
        assert sum(systems[name].values()) > 0, name  # inspected, with its devices' states counted
    assert systems["智慧庭审"]["故障"] >= 2  # the silent encoder and the one without a stream
    [qhtml] = write_report(REPORTS["quarterly"], store, latest, tmp_path / "q", ("html",))
    qtext = qhtml.read_text(encoding="utf-8")
    assert all(f"<td>{name}</td>" in qtext for name in SEED_SYSTEMS)


def test_the_streams_are_real_for_ffprobe(lab: Lab) -> None:
    encoder = member(lab, "av-03")
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-show_entries", "stream=codec_name,width,height",
         "-of", "csv=p=0", f"rtsp://{encoder.address}:554/live/main"],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout.split()  # fmt: skip
    assert out == ["h264,640,360", "pcm_alaw"]
