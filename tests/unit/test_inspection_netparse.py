"""Network CLI parsers against real recorded outputs (tests/data/inspection, from shared/corpus)."""

from __future__ import annotations

import pytest

from courtops.inspection import netparse
from tests.conftest import REPO

DATA = REPO / "tests" / "data" / "inspection"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "seconds"),
    [
        ("ar617vw_v300r019_display_version_ntc.txt", 15 * 3600 + 16 * 60),
        ("hpe5130_cmw7.1.070_display_version_oxidized.txt", (16 * 7 + 6) * 86400 + 23 * 3600 + 5 * 60),
        ("c9200l_iosxe17.9_show_version_oxidized.txt", (44 * 7 + 4) * 86400 + 3600 + 16 * 60),
    ],
)
def test_uptime_from_real_version_outputs(file, seconds):
    assert netparse.uptime_seconds(read(file)) == seconds


def test_vrp_interface_brief_admin_oper_and_errors():
    rows = {r["name"]: r for r in netparse.interfaces(read("ne40e_display_interface_brief_napalm.txt"))}
    assert rows["GigabitEthernet0/0/0"] == {
        "name": "GigabitEthernet0/0/0",
        "admin": "down",
        "oper": "down",
        "errors": 0,
    }
    assert rows["GigabitEthernet1/0/0(10G)"]["oper"] == "up"
    assert rows["GigabitEthernet1/1/0(10G)"] == {
        "name": "GigabitEthernet1/1/0(10G)",
        "admin": "up",
        "oper": "down",
        "errors": 0,
    }
    assert len(rows) == 21


def test_comware_interface_brief():
    rows = {r["name"]: r for r in netparse.interfaces(read("msr_r9119p17_display_interface_brief_ntc.txt"))}
    assert rows["GE0/0/0"]["admin"] == "down"
    assert rows["GE0/0/1"]["oper"] == "up"
    assert rows["XGE0/0/10"] == {"name": "XGE0/0/10", "admin": "up", "oper": "down", "errors": None}


def test_ntp_status_real_and_negative():
    assert netparse.ntp_synchronized(read("display_ntp-service_status_ntc.txt")) is True
    assert netparse.ntp_synchronized("Clock is unsynchronized, stratum 16, no reference clock") is False
    assert netparse.ntp_synchronized(" Clock status: unsynchronized\n") is False
    assert netparse.ntp_synchronized("% Unrecognized command") is None


@pytest.mark.parametrize(
    ("text", "cpu"),
    [
        ("CPU Usage Stat. Cycle: 60 (Second)\nCPU Usage            : 7% Max: 31%\n", 7.0),
        (
            "Slot 1 CPU 0 CPU usage:\n       6% in last 5 seconds\n       6% in last 1 minute\n       5% in last 5 minutes\n",
            5.0,
        ),
        ("CPU utilization for five seconds: 4%/0%; one minute: 5%; five minutes: 9%", 9.0),
        ("Error: Unrecognized command found at '^' position.", None),
    ],
)
def test_cpu_formats(text, cpu):
    assert netparse.cpu_pct(text) == cpu


@pytest.mark.parametrize(
    ("text", "pct"),
    [
        (
            "System Total Memory Is: 402653184 bytes\nTotal Memory Used Is: 186118144 bytes\nMemory Using Percentage Is: 46%\n",
            46.0,
        ),
        (
            "              Total      Used      Free    Shared   Buffers    Cached   FreeRatio\nMem:        506272    310456    195816         0      1544     62312       40.4%\n",
            59.6,
        ),
        ("Processor Pool Total:  613642804 Used:  264021156 Free:  349621648", 43.0),
        ("garbage", None),
    ],
)
def test_memory_formats(text, pct):
    assert netparse.memory_pct(text) == pct


def test_alarms_and_environment():
    log = "%Nov 25 10:00:01 2026 core IFNET/3/LINK_DOWN: GE1/0/1 down\n%Nov 25 10:00:02 2026 core SHELL/6/LOGIN: ok\n"
    assert netparse.alarms(log) == ["%Nov 25 10:00:01 2026 core IFNET/3/LINK_DOWN: GE1/0/1 down"]
    assert netparse.environment_problems("Slot 1  Fan 1  Normal\nPower 2  Abnormal\n") == ["Power 2 Abnormal"]
    assert netparse.environment_problems("Fan 1 Normal\nPower 1 Normal\n") == []
    assert netparse.environment_problems("% Unrecognized command") is None
