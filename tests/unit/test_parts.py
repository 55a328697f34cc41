"""Part replacements (配件更换记录): record, approve once, list; the 配件清单及报价 XLSX read back cell by cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from courtops.cli import UserError
from courtops.commands.parts import price_fen
from courtops.store import INTEGRITY_ERRORS, Incident, Store
from courtops.store.emergency_stock import movements, replacements
from tests.unit.emergencykit import at, cli, write_spares


@pytest.fixture
def setup(tmp_path: Path, store_url: str) -> tuple[str, str, int]:
    store = store_url
    with Store(store) as st:
        inc = st.open_incident(Incident(device="main-sw-01", check_name="manual:1", opened_at=at(11, 1)))
    return store, str(write_spares(tmp_path / "spares.csv")), inc


@pytest.mark.parametrize(
    ("text", "fen"), [("4680", 468000), ("35.5", 3550), ("35.50", 3550), ("¥1,250.00", 125000), ("0", 0)]
)
def test_prices_are_exact_fen(text: str, fen: int) -> None:
    assert price_fen(text) == fen


@pytest.mark.parametrize("text", ["-1", "12.345", "abc", "NaN", ""])
def test_bad_prices_are_refused(text: str) -> None:
    with pytest.raises(UserError, match="--price"):
        price_fen(text)


def test_record_approve_list_and_quote(
    setup: tuple[str, str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, spares, inc = setup
    status, out, _ = cli(capsys, "parts", "--store", store, "record", "--device", "main-sw-01", "--incident", str(inc),
                         "--spare", "SW-1", "--spares", spares, "--price", "4680", "--supplied-by", "vendor",
                         "--replaced", "2026-11-02 14:30", "--notes", "原交换机电源损坏")  # fmt: skip
    assert status == 0
    first = int(out)
    status, out, _ = cli(capsys, "parts", "--store", store, "record", "--device", "main-prn-01", "--part",
                         "HP 76A 硒鼓 CF276A", "--quantity", "3", "--price", "480.50", "--supplied-by", "court",
                         "--replaced", "2026-11-05 09:00")  # fmt: skip
    second = int(out)
    assert cli(capsys, "parts", "--store", store, "approve", str(first), "--by", "信息技术处负责人",
               "--at", "2026-11-03 10:00")[0] == 0  # fmt: skip
    status, _, err = cli(capsys, "parts", "--store", store, "approve", str(first), "--by", "别人")
    assert status == 2 and "already approved by 信息技术处负责人 at 2026-11-03 10:00:00" in err
    with Store(store) as st:
        rows = replacements(st)
        taken = movements(st)
        with pytest.raises(INTEGRITY_ERRORS, match="recorded once"):
            st.db.execute("UPDATE part_replacements SET unit_price_fen = 1 WHERE id = ?", (second,))
    assert [(r.part, r.quantity, r.unit_price_fen, r.supplied_by, r.spare_id) for r in rows] == [
        ("Huawei S5735-L48T4X", 1, 468000, "vendor", "SW-1"),
        ("HP 76A 硒鼓 CF276A", 3, 48050, "court", ""),
    ]
    assert [(m.spare_id, m.delta, m.incident_id, m.device) for m in taken] == [
        ("SW-1", -1, inc, "main-sw-01")
    ]
    status, out, _ = cli(capsys, "parts", "--store", store, "list", "--pending")
    assert [line.split("\t")[0] for line in out.splitlines()[2:]] == [str(second)]

    xlsx = tmp_path / "quote.xlsx"
    assert cli(capsys, "parts", "--store", store, "xlsx", "--quarter", "2026Q4", "-o", str(xlsx))[0] == 0
    ws = load_workbook(xlsx).active
    assert ws.title == "配件清单及报价" and ws["A1"].value == "配件清单及报价"
    assert ws["A2"].value == "期间：2026年第4季度（时间为北京时间）"
    assert [c.value for c in ws[3]][:10] == ["序号", "记录编号", "更换时间", "设备", "故障编号", "配件名称及型号",
                                             "来源（备件编号）", "数量", "单价（元）", "金额（元）"]  # fmt: skip
    assert [c.value for c in ws[4]] == [1, first, "2026-11-02 14:30", "main-sw-01", inc, "Huawei S5735-L48T4X", "SW-1",
                                        1, 4680.0, 4680.0, "运维服务商", "已审批", "信息技术处负责人",
                                        "2026-11-03 10:00", "原交换机电源损坏"]  # fmt: skip
    assert [c.value for c in ws[5]][:13] == [2, second, "2026-11-05 09:00", "main-prn-01", "—", "HP 76A 硒鼓 CF276A",
                                             "—", 3, 480.5, 1441.5, "法院自购", "待审批", None]  # fmt: skip
    assert ws["J4"].number_format == "#,##0.00"
    assert (ws["A6"].value, ws["H6"].value, ws["J6"].value) == ("合计", 4, 6121.5)
    assert ws["A8"].value == "法院审批意见："
    # another quarter holds none of them
    assert cli(capsys, "parts", "--store", store, "xlsx", "--quarter", "2026Q3", "-o", str(xlsx))[0] == 0
    assert load_workbook(xlsx).active["A4"].value == "合计"


def test_bad_records_are_refused_and_nothing_is_written(
    setup: tuple[str, str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    store, spares, inc = setup
    base = ("parts", "--store", store, "record", "--device", "main-sw-01", "--supplied-by", "vendor")
    cases = [
        ((*base, "--part", "x", "--price", "1", "--incident", "42"), "no incident 42"),
        ((*base, "--spare", "SW-1", "--spares", spares, "--price", "1"), "names the incident"),
        (
            (
                *base,
                "--spare",
                "SW-1",
                "--spares",
                spares,
                "--price",
                "1",
                "--incident",
                str(inc),
                "--quantity",
                "5",
            ),
            "cannot take 5",
        ),
        ((*base, "--price", "1"), "name the part"),
        ((*base, "--part", "x", "--price", "1", "--quantity", "0"), "at least 1"),
        ((*base, "--part", "x", "--price", "1", "--replaced", "yesterday"), "not a time"),
    ]
    for args, message in cases:
        status, _, err = cli(capsys, *args)
        assert status == 2 and message in err, (args, err)
    with Store(store) as st:
        assert replacements(st) == [] and movements(st) == []


def test_hostile_text_is_written_as_text_in_the_quote(
    setup: tuple[str, str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, _, _ = setup
    hostile = '=HYPERLINK("http://x","点击")'
    args = (
        "--device",
        "@SUM(A1)",
        "--part",
        hostile,
        "--price",
        "1",
        "--supplied-by",
        "court",
        "--notes",
        "+1+1",
    )
    assert cli(capsys, "parts", "--store", store, "record", *args)[0] == 0
    xlsx = tmp_path / "q.xlsx"
    assert cli(capsys, "parts", "--store", store, "xlsx", "-o", str(xlsx))[0] == 0
    ws = load_workbook(xlsx).active
    assert (ws["D4"].value, ws["F4"].value, ws["O4"].value) == ("'@SUM(A1)", "'" + hostile, "'+1+1")
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
