"""Drills (应急演练) in the results store: recorded as given, read back by period, bad ones refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from courtops.store import INTEGRITY_ERRORS, Drill, Store


def _drill(start: float, **kw: object) -> Drill:
    base: dict[str, object] = {"kind": "restore", "started_at": start, "ended_at": start + 90, "result": "ok"}
    return Drill(**(base | kw))  # type: ignore[arg-type]


def test_drills_come_back_unchanged_and_by_period(store_url: str) -> None:
    with Store(store_url) as st:
        first = _drill(1000.0, scenario="data_loss", target="lab-ios-1", source="rev abc123", recovery_s=42.5)
        st.add_drill(first)
        st.add_drill(
            _drill(5000.0, kind="tabletop", title="法庭音视频故障桌面推演", participants="驻场工程师")
        )
        st.add_drill(_drill(9000.0, result="failed"))
        got = st.drills()
        assert [d.started_at for d in got] == [1000.0, 5000.0, 9000.0]
        assert got[0].recovery_s == 42.5 and got[0].source == "rev abc123" and got[0].id > 0
        assert got[1].title == "法庭音视频故障桌面推演" and got[1].recovery_s is None
        assert [d.started_at for d in st.drills(since=5000.0, until=9000.0)] == [5000.0]


@pytest.mark.parametrize(
    ("change", "message"),
    [({"result": "passed"}, "ok or failed"), ({"ended_at": 999.0}, "before it starts")],
)
def test_a_bad_drill_is_refused_and_nothing_is_written(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    with Store(tmp_path / "s.sqlite3") as st:
        with pytest.raises(ValueError, match=message):
            st.add_drill(_drill(1000.0, **change))
        assert st.drills() == []


def test_the_database_itself_refuses_an_unknown_result(store_url: str) -> None:
    with Store(store_url) as st, pytest.raises(INTEGRITY_ERRORS):
        st.db.execute(
            "INSERT INTO drills (kind, started_at, ended_at, result) VALUES ('manual', 1, 2, 'maybe')"
        )


def test_a_reader_of_a_store_older_than_drills_sees_none(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with Store(path) as st:
        st.add_drill(_drill(1000.0))
    db = sqlite3.connect(path)
    db.executescript("DROP TABLE drills; PRAGMA user_version = 2;")
    db.close()
    with Store(path, readonly=True) as st:
        assert st.version == 2 and st.drills() == []
