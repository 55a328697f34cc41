"""The spares ledger (应急物资储备库台账): the court's file is clean; a malformed one gives file:line errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from courtops.ledger.spares import DEFAULT_SPARES, read_spares
from tests.unit.emergencykit import HEADER, SPARES, cli, write_spares


def test_the_courts_spares_ledger_is_clean_and_covers_the_named_kinds() -> None:
    result = read_spares(DEFAULT_SPARES)
    assert result.errors == [] and result.warnings == []
    categories = {s.category for s in result.spares}
    for needed in (
        "接入交换机",
        "核心交换机模块",
        "监控硬盘",
        "计算机",
        "打印机配件",
        "庭审话筒",
        "庭审编码器",
        "UPS电池",
        "软件备份",
    ):
        assert needed in categories, needed
    assert all(s.quantity >= 0 and s.minimum >= 0 and s.location for s in result.spares)


def test_a_good_ledger_reads_every_row(tmp_path: Path) -> None:
    result = read_spares(write_spares(tmp_path / "s.csv"))
    assert result.ok
    sw = result.by_id()["SW-1"]
    assert (sw.quantity, sw.minimum, sw.unit, sw.counted_on) == (2, 1, "台", dt.date(2026, 10, 8))
    assert sw.compatible == ("vrp", "Huawei S5735-L48T4X")


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    rows = [
        SPARES[0],
        "SW-1,接入交换机,dup,vrp,1,1,台,A1,2026-10-08,,",  # 3: duplicate id
        "HDD-2,监控硬盘,x,nvr,four,1,块,A1,2026-10-08,,",  # 4: quantity not a number
        "HDD-3,监控硬盘,x,nvr,1,-1,块,A1,2026-10-08,,",  # 5: negative minimum
        "HDD-4,监控硬盘,x,nvr,1,1,块,A1,08/10/2026,,",  # 6: date
        "HDD-5,监控硬盘,x,nvr,1,1,块,,2026-10-08,,",  # 7: empty location
        "HDD-6,监控硬盘,x,nvr,1,1,块,A1,2026-10-08,12.345,",  # 8: price
        'HDD-7,"监控硬盘,x,nvr,1,1,块,A1,2026-10-08,,',  # 9: quote never closed
        "bad id!,监控硬盘,x,nvr,1,1,块,A1,2026-10-08,,",  # 10: id
        "HDD-8,监控硬盘,x,nvr,1,1,块,A1,2026-10-08,,,extra",  # 11: too many fields
    ]
    path = write_spares(tmp_path / "bad.csv", rows)
    result = read_spares(path)
    by_line = {e.line: e.message for e in result.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "duplicate 编号" in by_line[3] and "line 2" in by_line[3]
    assert "whole number" in by_line[4] and "'four'" in by_line[4]
    assert "whole number" in by_line[5]
    assert "YYYY-MM-DD" in by_line[6]
    assert "存放位置 (location) is empty" in by_line[7]
    assert "参考单价" in by_line[8]
    assert "never closed" in by_line[9]
    assert "not a valid id" in by_line[10]
    assert "fields but the header has" in by_line[11]
    assert [s.id for s in result.spares] == ["SW-1"]  # bad rows load nothing, the good one is kept
    assert str(result.errors[0]).startswith(f"{path}:3: ")


def test_missing_and_duplicate_columns_are_header_errors(tmp_path: Path) -> None:
    header = HEADER.replace("最低库存", "最低库存(minimum)").replace(",存放位置", ",类别")
    result = read_spares(write_spares(tmp_path / "h.csv", header=header))
    messages = [(e.line, e.message) for e in result.errors]
    assert (1, "missing required column 存放位置 (location)") in messages
    assert any(line == 1 and "类别 (category) appears twice" in m for line, m in messages)
    assert result.spares == []


def test_gbk_file_and_english_headers_are_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    header = "id,category,model,compatible,quantity,minimum,unit,location,counted_on"
    path.write_bytes((header + "\nSW-1,接入交换机,S5735,vrp,1,1,台,机房,2026-10-08\n").encode("gb18030"))
    result = read_spares(path)
    assert result.ok and result.spares[0].category == "接入交换机"


def test_spares_check_command_prints_file_line_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_spares(tmp_path / "bad.csv", [SPARES[0], "X-1,类,型,平台,1,one,个,A,2026-10-08,,"])
    status, _, err = cli(capsys, "spares", "--spares", str(bad), "check")
    assert status == 1 and f"{bad}:3: 最低库存 (minimum) must be a whole number" in err
    status, out, _ = cli(capsys, "spares", "--spares", str(write_spares(tmp_path / "ok.csv")), "check")
    assert status == 0 and "3 spares OK" in out
