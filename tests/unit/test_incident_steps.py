"""Issue 16.8: incidents are append-only. Each step (responded, escalated, closed) is recorded once,
in order; a repeat is an error showing the recorded time, in the store and in the database itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from courtops.court_time import fmt_minute, fmt_time
from courtops.store import INTEGRITY_ERRORS, Incident, IncidentError, Store
from tests.conftest import run_tool


def cli(store: Path, *args: str, tz: str | None = None):
    return run_tool("courtops", "incident", "--store", str(store), *args, env={"TZ": tz} if tz else None)


def _opened(tmp_path: Path) -> tuple[Path, str]:
    store = tmp_path / "s.sqlite3"
    proc = cli(
        store, "open", "--device", "main-ct01-av-host", "--system", "智慧庭审", "--message", "庭审主机黑屏"
    )
    assert proc.returncode == 0, proc.stderr
    return store, proc.stdout.strip()


def _incident(store: Path, incident_id: str) -> Incident:
    with Store(store, readonly=True) as st:
        return next(i for i in st.incidents() if i.id == int(incident_id))


def test_repeating_respond_is_an_error_showing_the_recorded_time(tmp_path: Path) -> None:
    store, iid = _opened(tmp_path)
    assert cli(store, "respond", iid).returncode == 0
    first = _incident(store, iid).responded_at
    assert first is not None
    proc = cli(store, "respond", iid)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"courtops: incident {iid} was already responded at {fmt_time(first)}; a recorded time is never changed"
    )
    assert _incident(store, iid).responded_at == first


def test_respond_after_close_cannot_make_the_response_later_than_the_close(tmp_path: Path) -> None:
    store, iid = _opened(tmp_path)
    assert cli(store, "close", iid).returncode == 0
    closed = _incident(store, iid).closed_at
    proc = cli(store, "respond", iid)
    assert proc.returncode == 2
    assert f"incident {iid} was already closed at {fmt_time(closed)}" in proc.stderr
    after = _incident(store, iid)
    assert (after.responded_at, after.closed_at) == (None, closed)
    again = cli(store, "close", iid)
    assert again.returncode == 2 and "already closed" in again.stderr
    assert _incident(store, iid).closed_at == closed


def test_escalation_follows_the_response(tmp_path: Path) -> None:
    store, iid = _opened(tmp_path)
    proc = cli(store, "escalate", iid)
    assert proc.returncode == 2 and "record the response before escalating" in proc.stderr
    assert cli(store, "respond", iid).returncode == 0
    assert cli(store, "escalate", iid).returncode == 0
    assert cli(store, "close", iid).returncode == 0
    i = _incident(store, iid)
    assert i.opened_at <= i.responded_at <= i.escalated_at <= i.closed_at  # type: ignore[operator]


def test_unknown_incident_is_a_clear_error(tmp_path: Path) -> None:
    store, _ = _opened(tmp_path)
    proc = cli(store, "close", "999")
    assert (proc.returncode, proc.stderr.strip()) == (2, "courtops: no incident 999")


@pytest.fixture
def store(store_url: str):
    with Store(store_url) as st:
        yield st


def _open(st: Store) -> int:
    return st.open_incident(Incident(device="pc1", check_name="disk:/", opened_at=1000.0))


def test_store_refuses_a_step_before_the_previous_one(store: Store) -> None:
    iid = _open(store)
    with pytest.raises(IncidentError, match="before it was opened"):
        store.update_incident(iid, responded_at=999.0)
    store.update_incident(iid, responded_at=1100.0)
    with pytest.raises(IncidentError, match="before it was responded"):
        store.update_incident(iid, closed_at=1050.0)
    with pytest.raises(ValueError, match="cannot be changed"):
        store.update_incident(iid, opened_at=5.0)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE incidents SET responded_at = 1150 WHERE id = :id",  # overwrite a recorded time
        "UPDATE incidents SET closed_at = NULL WHERE id = :id",  # reopen a closed incident
        "UPDATE incidents SET opened_at = 1 WHERE id = :id",
        "DELETE FROM incidents WHERE id = :id",
    ],
)
def test_database_triggers_keep_incidents_append_only(store: Store, sql: str) -> None:
    iid = _open(store)
    store.update_incident(iid, responded_at=1100.0)
    store.update_incident(iid, closed_at=1200.0)
    with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
        store.db.execute(sql, {"id": iid})


def test_database_trigger_refuses_steps_out_of_order(store: Store) -> None:
    iid = _open(store)
    with pytest.raises(INTEGRITY_ERRORS, match="never backwards"):
        store.db.execute("UPDATE incidents SET closed_at = 900 WHERE id = ?", (iid,))
    with pytest.raises(INTEGRITY_ERRORS, match="never backwards"):
        store.db.execute("UPDATE incidents SET escalated_at = 1100 WHERE id = ?", (iid,))


# -- issue 16.12: one time zone everywhere (China Standard Time), whatever TZ the controller has ---


@pytest.mark.parametrize("command", [("incident", "list"), ("runs",)])
def test_times_are_china_standard_time_whatever_the_tz(tmp_path: Path, command: tuple[str, ...]) -> None:
    store, iid = _opened(tmp_path)
    assert cli(store, "respond", iid).returncode == 0
    with Store(store) as st:
        from courtops.store import RunInfo

        st.start_run(
            RunInfo(uuid="r1", playbook="inspect.yml", started_at=1_767_225_600.0)
        )  # 2026-01-01 08:00 CST
    outputs = []
    for tz in ("UTC", "America/New_York", "Asia/Shanghai"):
        args = (
            ("incident", "--store", str(store), "list")
            if command[0] == "incident"
            else ("runs", "--store", str(store))
        )
        proc = run_tool("courtops", *args, env={"TZ": tz})
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    if command[0] == "incident":
        i = _incident(store, iid)
        assert "时间均为北京时间" in outputs[0]
        assert f"\t{fmt_minute(i.opened_at)}\t{fmt_minute(i.responded_at)}\t—\t—\t" in outputs[0]
    else:
        assert re.search(r"started \(CST\).*\n.*2026-01-01 08:00:00", outputs[0])


def test_inspection_does_not_overwrite_a_close_the_engineer_recorded(store: Store) -> None:
    from courtops.inspection.incidents import sync

    iid = _open(store)
    store.update_incident(iid, responded_at=1100.0)
    healthy = [{"host": "pc1", "name": "disk", "labels": {"item": "/", "state": "正常"}}]
    # a response recorded after the inspection's own clock: the close would go backwards, so it waits
    assert sync(store, healthy, now=1050.0).closed == []
    assert sync(store, healthy, now=1200.0).closed == [iid]
    assert store.incidents()[0].closed_at == 1200.0
