"""Spare stock = counted quantity ± movements since the count; below minimum is 告警 in the 巡检记录."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from courtops.emergency.stock import stock
from courtops.ledger.spares import read_spares
from courtops.report import REPORTS, inspection_spares, write_report
from courtops.store import INTEGRITY_ERRORS, HostInfo, Incident, Metric, RunInfo, Store
from courtops.store.emergency_stock import Count, SpareMovement, StockError, add_movement, movements
from tests.unit.emergencykit import at, cli, write_spares


def _incident(store: Store, device: str = "main-sw-01") -> int:
    return store.open_incident(
        Incident(device=device, check_name="manual:1", opened_at=at(11, 1), message="坏了")
    )


def test_stock_counts_movements_from_the_stocktake_day_until_the_time_asked(tmp_path: Path) -> None:
    spares = read_spares(write_spares(tmp_path / "s.csv")).spares
    with Store(tmp_path / "s.sqlite3") as st:
        inc = _incident(st)
        add_movement(
            st, SpareMovement("SW-1", -1, at=at(10, 7), incident_id=inc, device="d")
        )  # before the count
        add_movement(st, SpareMovement("SW-1", -2, at=at(11, 2), incident_id=inc, device="d"))
        add_movement(st, SpareMovement("SW-1", 1, at=at(11, 20), note="采购入库"))
        now = {s.spare.id: s for s in stock(spares, st)}
        before_restock = {s.spare.id: s for s in stock(spares, st, at=at(11, 10))}
    assert (now["SW-1"].current, now["SW-1"].taken, now["SW-1"].restocked) == (1, 2, 1)
    assert not now["SW-1"].below_minimum
    assert before_restock["SW-1"].current == 0 and before_restock["SW-1"].below_minimum
    assert now["HDD-1"].current == 4 and not now["HDD-1"].below_minimum  # at the minimum is not below it


def test_a_take_names_incident_and_device_and_movements_are_never_changed(store_url: str) -> None:
    with Store(store_url) as st:
        with pytest.raises(StockError, match="names the incident"):
            add_movement(st, SpareMovement("SW-1", -1, device="d"))
        with pytest.raises(StockError, match="no incident 99"):
            add_movement(st, SpareMovement("SW-1", -1, incident_id=99, device="d"))
        assert movements(st) == []
        add_movement(st, SpareMovement("SW-1", 3))
        with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
            st.db.execute("UPDATE spare_movements SET delta = 30")
        with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
            st.db.execute("DELETE FROM spare_movements")
        assert [m.delta for m in movements(st)] == [3]


def test_take_and_restock_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger, store = write_spares(tmp_path / "s.csv"), str(tmp_path / "s.sqlite3")
    with Store(store) as st:
        inc = _incident(st, "main-nvr-01")
    base = ("spares", "--store", store, "--spares", str(ledger))
    status, out, _ = cli(capsys, *base, "take", "HDD-1", "--incident", str(inc), "--device", "main-nvr-01")
    assert status == 0 and "剩余 3块" in out and "低于最低库存" in out
    status, _, err = cli(
        capsys, *base, "take", "HDD-1", "--incident", str(inc), "--device", "main-nvr-01", "--quantity", "4"
    )
    assert status == 2 and "has 3块 in stock; cannot take 4" in err
    status, _, err = cli(capsys, *base, "take", "HDD-1", "--incident", "77", "--device", "main-nvr-01")
    assert status == 2 and "no incident 77" in err
    status, _, err = cli(capsys, *base, "take", "HDD-1", "--incident", str(inc), "--device", "no-such-device")
    assert status == 2 and "neither incident" in err
    status, _, err = cli(capsys, *base, "take", "NOPE", "--incident", str(inc), "--device", "main-nvr-01")
    assert status == 2 and "no spare 'NOPE'" in err
    status, out, _ = cli(capsys, *base, "list", "--below-minimum")
    assert [line.split("\t")[0] for line in out.splitlines()[1:]] == ["HDD-1"]
    assert "告警" in out
    status, out, _ = cli(capsys, *base, "restock", "HDD-1", "--quantity", "2", "--note", "采购入库")
    assert status == 0 and "现有 5块" in out
    status, out, _ = cli(capsys, *base, "list", "--below-minimum")
    assert out.splitlines()[1:] == []
    with Store(store) as st:
        assert [(m.delta, m.incident_id, m.device) for m in movements(st)] == [
            (-1, inc, "main-nvr-01"),
            (2, None, ""),
        ]


def test_list_without_a_store_shows_the_counted_stock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = write_spares(tmp_path / "s.csv")
    status, out, _ = cli(
        capsys, "spares", "--store", str(tmp_path / "none.sqlite3"), "--spares", str(ledger), "list"
    )
    assert status == 0 and len(out.splitlines()) == 4 and "\t2台\t" in out
    assert not (tmp_path / "none.sqlite3").exists()


def _inspection(st: Store, when: float) -> int:
    run = st.start_run(RunInfo(uuid=f"i{when}", kind="inspect", scope="inspect|court", started_at=when))
    st.add_hosts(run, [HostInfo(name="main-nvr-01", asset={"asset_system": "安防监控"})])
    st.add_metrics(run, [Metric(host="main-nvr-01", name="reachability", labels={"state": "正常"})])
    st.finish_run(run, "ok", ended_at=when + 60)
    return run


def test_below_minimum_is_a_warning_in_the_inspection_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inspection_spares, "DEFAULT_SPARES", write_spares(tmp_path / "s.csv"))
    with Store(tmp_path / "s.sqlite3") as st:
        first = _inspection(st, at(11, 1))
        inc = _incident(st, "main-nvr-01")
        add_movement(st, SpareMovement("HDD-1", -1, at=at(11, 5), incident_id=inc, device="main-nvr-01"))
        second = _inspection(st, at(11, 10))
        before = REPORTS["inspection"].build(st, st.get_run(first))["spares"]
        after = REPORTS["inspection"].build(st, st.get_run(second))["spares"]
        html, xlsx = write_report(
            REPORTS["inspection"], st, st.get_run(second), tmp_path / "out", ("html", "xlsx")
        )
    assert (before["state"], before["low"]) == ("正常", [])  # the stock as that inspection saw it
    assert after["state"] == "告警" and [s.spare.id for s in after["low"]] == ["HDD-1"]
    text = html.read_text(encoding="utf-8")
    assert "应急物资库存" in text and "HDD-1" in text and "告警（低于最低库存，请补充）" in text
    sheet = load_workbook(xlsx)["应急物资"]
    assert [c.value for c in sheet[1]][:3] == ["状态", "告警", "低于最低库存 1 项，共 3 项"]
    assert [c.value for c in sheet[3]] == [
        "HDD-1",
        "监控硬盘",
        "希捷 SkyHawk 8TB",
        3,
        4,
        "块",
        "监控室",
        "告警",
    ]
    assert sheet.max_row == 3


def test_a_broken_spares_ledger_is_unchecked_not_normal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = write_spares(tmp_path / "bad.csv", ["X,类,型,平台,many,1,个,A,2026-10-08,,"])
    monkeypatch.setattr(inspection_spares, "DEFAULT_SPARES", bad)
    with Store(tmp_path / "s.sqlite3") as st:
        section = REPORTS["inspection"].build(st, st.get_run(_inspection(st, at(11, 1))))["spares"]
    assert section["state"] == "未检" and section["errors"] == [
        f"{bad}:2: 数量 (quantity) must be a whole number ≥ 0, not 'many'"
    ]


def test_the_stock_check_holds_under_the_write_lock(tmp_path: Path) -> None:
    """Two engineers taking the last one: the second take is refused by the store, not only by the CLI."""
    spare = read_spares(write_spares(tmp_path / "s.csv")).by_id()["SW-1"]  # 2 counted
    count = Count(spare.quantity, spare.counted_at)
    with Store(tmp_path / "s.sqlite3") as first, Store(tmp_path / "s.sqlite3") as second:
        inc = _incident(first)
        add_movement(first, SpareMovement("SW-1", -2, at=at(11, 2), incident_id=inc, device="d"), count)
        with pytest.raises(StockError, match="SW-1 has 0 in stock; cannot take 1"):
            add_movement(second, SpareMovement("SW-1", -1, at=at(11, 2), incident_id=inc, device="d"), count)
        add_movement(
            second, SpareMovement("SW-1", -1, at=at(10, 1), incident_id=inc, device="d"), count
        )  # before the count
        assert [m.delta for m in movements(first)] == [-1, -2]
