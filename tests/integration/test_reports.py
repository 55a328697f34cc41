"""Reports from a store built with Finding objects: export, HTML in Chromium, XLSX cell by cell, PDF text."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from courtops import REPO_ROOT
from courtops.cli import main
from courtops.findings import EXPORT_KEYS, Finding
from courtops.report import REPORTS
from courtops.report.render import CHROMIUM_FLAGS, ENV, find_chromium, render_html
from courtops.store import HostInfo, RunInfo, Store

HEADINGS = (
    "差距分析报告",
    "一、总体情况",
    "二、控制点得分",
    "四、差距分析",
    "五、高风险候选项",
    "六、与上次运行对比",
)


def finding(host: str, cid: str, verdict: str, **kw: object) -> Finding:
    base: dict[str, object] = {
        "host": host,
        "platform": "linux_deb",
        "control_id": cid,
        "clause": {"L3-CES1-01": "8.1.4.1 a)", "L3-CES1-02": "8.1.4.1 b)", "L3-CES1-03": "8.1.4.1 c)"}[cid],
        "verdict": verdict,
        "record": f"经现场核查：{host} {cid}",
        "expected": "deny<=5",
        "actual": "deny=0",
        "layer": "安全计算环境",
        "control_point": "身份鉴别",
        "title": {"L3-CES1-01": "身份标识唯一", "L3-CES1-02": "登录失败处理", "L3-CES1-03": "远程管理防窃听"}[
            cid
        ],
        "weight": {"L3-CES1-01": 0.7, "L3-CES1-02": 0.7, "L3-CES1-03": 1.0}[cid],
        "remediation": "courtops_harden_l3_ces1_02: true",
    }
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


BEFORE = [
    finding("pc-a", "L3-CES1-02", "不符合"),
    finding("pc-a", "L3-CES1-03", "不符合"),
    finding("pc-b", "L3-CES1-02", "符合"),
]
AFTER = [
    finding("pc-a", "L3-CES1-01", "符合"),
    finding("pc-a", "L3-CES1-02", "符合"),  # fixed
    finding("pc-a", "L3-CES1-03", "不符合", high_risk=True, record="经现场核查：telnet server enable"),
    finding("pc-b", "L3-CES1-01", "不适用", reason="无本地账户"),
    finding("pc-b", "L3-CES1-02", "部分符合", actual="deny=5; TMOUT 未设置"),  # new
    finding("pc-b", "L3-CES1-03", "待人工"),
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    where = tmp_path_factory.mktemp("reports")
    store = where / "s.sqlite3"
    with Store(store) as st:
        hosts = [
            HostInfo("pc-a", address="10.250.0.5", os_version="UOS 20 1070"),
            HostInfo("pc-b", address="10.250.0.6", os_version="Kylin V10 SP1"),
        ]
        for n, found in enumerate((BEFORE, AFTER), start=1):
            run_id = st.start_run(
                RunInfo(uuid=f"r{n}", kind="audit", scope="audit|site", started_at=n * 1000)
            )
            st.write_batch(run_id, hosts=hosts, findings=found)
            st.finish_run(run_id, "ok", ended_at=n * 1000 + 60)
    out = where / "out"
    assert main(["report", "--store", str(store), "--out", str(out)]) == 0
    return store, out


def test_findings_export_json_and_csv(reports: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    store, _ = reports
    assert main(["findings", "--store", str(store), "--run", "latest", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == len(AFTER)
    assert list(data[0])[: len(EXPORT_KEYS)] == list(EXPORT_KEYS)
    assert data[2]["control_id"] == "L3-CES1-03" and data[2]["high_risk"] is True
    assert {d["verdict"] for d in data} == {"符合", "不符合", "不适用", "部分符合", "待人工"}
    assert main(["findings", "--store", str(store), "--run", "1", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["host"], r["control_id"], r["verdict"]) for r in rows] == [
        (f.host, f.control_id, f.verdict) for f in BEFORE
    ]


def test_unknown_run_is_a_user_error(reports: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    store, _ = reports
    assert main(["findings", "--store", str(store), "--run", "99"]) == 2
    assert "no run '99'" in capsys.readouterr().err


def test_html_is_self_contained_and_opens_in_chromium(reports: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = reports
    html = (out / "dengbao.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert "非官方估算" in html
    chrome = [find_chromium(), *CHROMIUM_FLAGS, "--enable-logging=stderr", "--v=0"]
    with tempfile.TemporaryDirectory() as profile:
        shot = tmp_path / "shot.png"
        proc = subprocess.run(
            [*chrome, f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1400,2000",
             (out / "dengbao.html").as_uri()],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
        console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "net::ERR" in line]
        assert console == []
        dom = subprocess.run(
            [*chrome, f"--user-data-dir={profile}", "--dump-dom", (out / "dengbao.html").as_uri()],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout  # fmt: skip
    for heading in HEADINGS:
        assert heading in dom
    assert dom.count("<svg") == 2


def test_gap_table_scores_and_trend(reports: tuple[Path, Path]) -> None:
    _, out = reports
    html = (out / "dengbao.html").read_text(encoding="utf-8")
    # 身份鉴别: CES1-01 avg 1 (pc-b 不适用), CES1-02 avg (1 + 0.5) / 2, CES1-03 avg 0 (待人工 left out)
    # (1 * 0.7 + 0.75 * 0.7 + 0 * 1.0) / 2.4 * 10 = 5.10
    assert ">5.10<" in html
    assert "8.1.4.1 c) L3-CES1-03" in html and "pc-a / 10.250.0.5 / UOS 20 1070" in html
    assert "对比对象：运行 #1" in html
    trend = html.split("六、与上次运行对比")[1]
    assert trend.count("<h3>") == 3  # 已整改 (pc-a CES1-02), 新增问题 (pc-b CES1-02), 仍未整改 (pc-a CES1-03)


def trimmed(values: list[object]) -> list[object]:
    while values and values[-1] is None:
        values = values[:-1]
    return values


def test_records_workbook_cell_by_cell(reports: tuple[Path, Path]) -> None:
    _, out = reports
    wb = load_workbook(out / "dengbao.xlsx")
    assert wb.sheetnames == ["控制点得分", "pc-a", "pc-b"]
    ws = wb["pc-a"]
    rows = [trimmed([c.value for c in row]) for row in ws.iter_rows()]
    assert rows == [
        ["IP：10.250.0.5 版本：UOS 20 1070"],
        ["控制点", "测评项", "结果记录", "符合情况", "权重", "编号"],
        ["身份鉴别", "8.1.4.1 a) 身份标识唯一", "经现场核查：pc-a L3-CES1-01", "符合", 0.7, "L3-CES1-01"],
        ["身份鉴别", "8.1.4.1 b) 登录失败处理", "经现场核查：pc-a L3-CES1-02", "符合", 0.7, "L3-CES1-02"],
        [
            "身份鉴别",
            "8.1.4.1 c) 远程管理防窃听",
            "经现场核查：telnet server enable",
            "不符合",
            1.0,
            "L3-CES1-03",
        ],
    ]
    assert [trimmed([c.value for c in row]) for row in wb["控制点得分"].iter_rows(min_row=3)] == [
        ["安全计算环境", "身份鉴别", "5.10"]
    ]


def test_pdf_has_the_chinese_headings(reports: tuple[Path, Path]) -> None:
    _, out = reports
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "dengbao.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for heading in HEADINGS:
        assert heading in text


def test_report_playbook_renders_the_latest_audit(reports: tuple[Path, Path], tmp_path: Path) -> None:
    store, _ = reports
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
        # recorded too (kind "report"): report_kind=audit must still pick the audit run
        "ANSIBLE_CALLBACKS_ENABLED": "courtops_recorder",
        "COURTOPS_STORE": str(store),
        "ANSIBLE_NOCOLOR": "1",
    }
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
         str(REPO_ROOT / "playbooks" / "report.yml"),
         "-e", f"report_store={store} report_out={tmp_path} report_formats=html,xlsx"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dengbao.html", "dengbao.xlsx"]
    assert "对比对象：运行 #1" in (tmp_path / "dengbao.html").read_text(encoding="utf-8")
    with Store(store, create=False) as st:
        assert st.get_run("latest").kind == "report"


def test_print_edition_folds_long_gap_tables(
    reports: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = reports
    monkeypatch.setitem(ENV.globals, "PRINT_MAX_ROWS", 1)
    spec = REPORTS["dengbao"]
    with Store(store, create=False) as st:
        context = spec.build(st, st.get_run("2")) | {"report_title": spec.title}
    full = render_html(spec.template, context)
    folded = render_html(spec.template, context | {"print_edition": True})
    assert "打印版按测评项与符合情况归并" in folded and "打印版" not in full
    # pc-b's 部分符合 and 待人工 on different items, pc-a's 不符合: three groups
    section = folded.split("四、差距分析")[1].split("五、高风险候选项")[0]
    assert section.count('<tr><td class="num">') == 3


def test_a_run_without_findings_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.sqlite3"
    with Store(store) as st:
        st.start_run(RunInfo(uuid="inspect-1", kind="inspect", playbook="playbooks/inspect.yml"))
    assert main(["report", "--store", str(store), "--run", "1", "--out", str(tmp_path / "out")]) == 2
    assert "recorded nothing for the dengbao report" in capsys.readouterr().err
    # `--run latest` (the default) looks for the latest run of the report's own kind
    assert main(["report", "--store", str(store), "--out", str(tmp_path / "out")]) == 2
    assert "no runs recorded of kind 'audit'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_findings_default_to_the_newest_run_that_has_any(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An inspection after the audit records no findings; `courtops findings` still exports the audit's."""
    store = tmp_path / "s.sqlite3"
    with Store(store) as st:
        audit = st.start_run(RunInfo(uuid="audit-1", kind="audit", started_at=100.0))
        st.add_findings(audit, [Finding(host="pc-a", platform="linux_deb", control_id="L3-CES1-02", clause="8.1.4.1 b)",
                                        verdict="不符合", record="经现场核查：…", expected="e", actual="a")])  # fmt: skip
        st.start_run(RunInfo(uuid="inspect-1", kind="inspect", started_at=200.0))
    assert main(["findings", "--store", str(store), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["host"], r["control_id"], r["verdict"]) for r in rows] == [("pc-a", "L3-CES1-02", "不符合")]
