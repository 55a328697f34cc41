"""Incidents open on 故障 and close on a later healthy reading; manual ones stay until closed by hand."""

from __future__ import annotations

import pytest

from courtops.inspection.incidents import sync
from courtops.store import Store
from tests.conftest import run_tool


def reading(host: str, check: str, state: str, item: str = "", remark: str = "") -> dict:
    return {"host": host, "name": check, "value": None, "text": "", "unit": "",
            "labels": {"title": check, "state": state, "item": item, "remark": remark}}  # fmt: skip


@pytest.fixture
def store(store_url):
    with Store(store_url) as s:
        yield s


def test_fault_opens_and_later_healthy_reading_closes(store):
    first = sync(
        store, [reading("nvr1", "nvr_disks", "故障", "HDD3", "录像硬盘故障")], {"nvr1": "安防监控"}, now=100.0
    )
    assert len(first.opened) == 1 and first.closed == []
    [incident] = store.incidents(open_only=True)
    assert (incident.device, incident.system, incident.check_name) == ("nvr1", "安防监控", "nvr_disks:HDD3")
    assert incident.message == "nvr_disks：录像硬盘故障" and incident.opened_at == 100.0

    again = sync(store, [reading("nvr1", "nvr_disks", "故障", "HDD3")], now=200.0)
    assert again.opened == [] and again.still_open == 1  # still broken: no second incident

    healed = sync(store, [reading("nvr1", "nvr_disks", "正常", "HDD3")], now=300.0)
    assert healed.closed == [incident.id] and healed.still_open == 0
    closed = store.incidents()[0]
    assert closed.closed_at == 300.0 and closed.closed_at - closed.opened_at == 200.0


@pytest.mark.parametrize("later", ["未检", None])
def test_unjudged_check_leaves_the_incident_open(store, later):
    sync(store, [reading("pc1", "key_services", "故障", "cron")], now=1.0)
    readings = (
        [reading("pc1", "key_services", later, "cron")] if later else [reading("pc1", "reachability", "故障")]
    )
    result = sync(store, readings, now=2.0)
    assert result.closed == []
    assert {i.check_name for i in store.incidents(open_only=True)} >= {"key_services:cron"}


def test_warning_is_not_an_incident(store):
    assert sync(store, [reading("prn1", "printer_supplies", "告警", "Black")]).opened == []


def test_manual_incident_is_never_closed_by_an_inspection(store, store_url):
    path = store_url
    proc = run_tool("courtops", "incident", "--store", path, "open", "--device", "main-ct01-av-host",
                    "--system", "智慧庭审", "--message", "第一审判庭无声音（电话报修）")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    incident_id = int(proc.stdout)
    sync(store, [reading("main-ct01-av-host", "reachability", "正常")])
    assert [i.id for i in store.incidents(open_only=True)] == [incident_id]
    for action in ("respond", "escalate", "close"):
        assert run_tool("courtops", "incident", "--store", path, action, str(incident_id)).returncode == 0
    [done] = store.incidents()
    assert done.opened_at <= done.responded_at <= done.escalated_at <= done.closed_at
    listing = run_tool("courtops", "incident", "--store", path, "list", "--open")
    assert "第一审判庭无声音" not in listing.stdout
    assert run_tool("courtops", "incident", "--store", path, "close", "999").returncode == 2


def test_dry_run_says_what_it_would_do_and_writes_nothing(store):
    sync(store, [reading("nvr1", "nvr_disks", "故障", "HDD3")], now=1.0)
    [existing] = store.incidents(open_only=True)
    before = [vars(i) for i in store.incidents()]
    planned = sync(
        store,
        [reading("nvr1", "nvr_disks", "正常", "HDD3"), reading("prn1", "printer_status", "故障")],
        now=2.0,
        dry_run=True,
    )
    assert planned.would_open == ["prn1 printer_status"] and planned.would_close == [existing.id]
    assert planned.opened == [] and planned.closed == [] and planned.still_open == 1
    assert [vars(i) for i in store.incidents()] == before
