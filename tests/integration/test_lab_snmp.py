"""SNMP devices: pysnmp (the Python path our SNMP module will take) and net-snmp both read the
seeded states — low toner, paper jam, failed NVR disk, camera ports, switch IF-MIB counters."""

from __future__ import annotations

import socket
import subprocess

import pytest

from courtops.lab import snmpcheck
from courtops.lab.plan import HostSpec

from .conftest import Lab

pytestmark = pytest.mark.lab

HR_DEVICE_STATUS = "1.3.6.1.2.1.25.3.2.1.5"
HR_PRINTER_STATUS = "1.3.6.1.2.1.25.3.5.1.1.1"
HR_PRINTER_ERRORS = "1.3.6.1.2.1.25.3.5.1.2.1"
SUPPLY_LEVEL = "1.3.6.1.2.1.43.11.1.1.9.1.1"
SUPPLY_MAX = "1.3.6.1.2.1.43.11.1.1.8.1.1"
ALERT_CODE = "1.3.6.1.2.1.43.18.1.1.7.1.1"
IF_OPER = "1.3.6.1.2.1.2.2.1.8"
IF_IN_ERRORS = "1.3.6.1.2.1.2.2.1.14"
IF_HC_IN = "1.3.6.1.2.1.31.1.1.1.6"


def octets(value: str) -> bytes:
    """pysnmp prints printable octets as text ("@" for 0x40) and others as hex ("0x04")."""
    return bytes.fromhex(value[2:]) if value.startswith("0x") else value.encode("latin-1")


def device(lab: Lab, profile: str) -> HostSpec:
    return next(d for d in lab.snmp if d.profile == profile)


def netsnmp(*args: str) -> str:
    tool = "snmpget" if args[0] == "get" else "snmpwalk"
    cmd = [tool, "-v2c", "-c", "public", "-On", "-t", "2", *args[1:]]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def test_every_device_answers_with_its_own_name(lab: Lab) -> None:
    for dev in lab.snmp:
        assert snmpcheck.get_sys_name(dev.address) == dev.name
        assert f'STRING: "{dev.name}"' in netsnmp("get", dev.address, "1.3.6.1.2.1.1.5.0")


def test_printer_low_on_toner(lab: Lab) -> None:
    dev = device(lab, "printer_low_toner")
    got = snmpcheck.get(
        dev.address, [SUPPLY_LEVEL, SUPPLY_MAX, f"{HR_DEVICE_STATUS}.1", HR_PRINTER_ERRORS, ALERT_CODE]
    )
    assert int(got[SUPPLY_LEVEL]) * 100 // int(got[SUPPLY_MAX]) <= 5
    assert got[f"{HR_DEVICE_STATUS}.1"] == "3"  # warning
    assert octets(got[HR_PRINTER_ERRORS]) == b"\x40"  # lowToner
    assert got[ALERT_CODE] == "1104"  # markerTonerAlmostEmpty
    assert f".{SUPPLY_LEVEL} = INTEGER: 3" in netsnmp("get", dev.address, SUPPLY_LEVEL)


def test_printer_with_paper_jam(lab: Lab) -> None:
    dev = device(lab, "printer_paper_jam")
    got = snmpcheck.get(
        dev.address, [f"{HR_DEVICE_STATUS}.1", HR_PRINTER_STATUS, HR_PRINTER_ERRORS, ALERT_CODE]
    )
    assert got[f"{HR_DEVICE_STATUS}.1"] == "5"  # down
    assert got[HR_PRINTER_STATUS] == "1"  # other (RFC 3805: jammed)
    assert octets(got[HR_PRINTER_ERRORS]) == b"\x04"  # jammed
    assert got[ALERT_CODE] == "8"  # jam
    walk = netsnmp("walk", dev.address, "1.3.6.1.2.1.43.18")
    assert "Jam in tray 2" in walk


def test_nvr_has_one_failed_disk(lab: Lab) -> None:
    dev = device(lab, "nvr_failed_disk")
    statuses = snmpcheck.walk(dev.address, HR_DEVICE_STATUS)
    assert sorted(statuses.values()) == ["2", "2", "2", "5"]
    assert statuses[f"{HR_DEVICE_STATUS}.3"] == "5"
    assert "(abnormal)" in netsnmp("get", dev.address, "1.3.6.1.2.1.25.3.2.1.3.3")


def test_camera_answers_snmp_rtsp_and_http(lab: Lab) -> None:
    dev = device(lab, "camera")
    assert "Hikvision" in snmpcheck.get(dev.address, ["1.3.6.1.2.1.1.1.0"])["1.3.6.1.2.1.1.1.0"]
    assert int(snmpcheck.get(dev.address, ["1.3.6.1.2.1.1.3.0"])["1.3.6.1.2.1.1.3.0"]) > 0
    with socket.create_connection((dev.address, 554), timeout=5) as s:
        s.sendall(b"OPTIONS rtsp://%s/ RTSP/1.0\r\nCSeq: 7\r\n\r\n" % dev.address.encode())
        reply = s.recv(1024).decode()
    assert reply.startswith("RTSP/1.0 200 OK") and "CSeq: 7" in reply
    with socket.create_connection((dev.address, 80), timeout=5) as s:
        s.sendall(b"HEAD / HTTP/1.1\r\nHost: camera\r\n\r\n")
        assert s.recv(1024).startswith(b"HTTP/1.1 401")


def test_switch_interface_counters_walk_completely(lab: Lab) -> None:
    dev = device(lab, "switch")
    oper = snmpcheck.walk(dev.address, IF_OPER)
    assert list(oper.values()) == ["1", "1", "2", "2"]
    assert snmpcheck.walk(dev.address, IF_IN_ERRORS)[f"{IF_IN_ERRORS}.2"] == "18342"
    assert int(snmpcheck.walk(dev.address, IF_HC_IN)[f"{IF_HC_IN}.1"]) > 2**32  # a real 64-bit counter
    # a full net-snmp walk of the device reaches the last ifXTable column (records are sorted)
    assert ".1.3.6.1.2.1.31.1.1.1.18.4 = STRING" in netsnmp("walk", dev.address, "1.3.6.1")


def test_wrong_community_gets_no_answer(lab: Lab) -> None:
    dev = lab.snmp[0]
    with pytest.raises(RuntimeError):
        snmpcheck.get(dev.address, ["1.3.6.1.2.1.1.5.0"], community="private", timeout=1)
