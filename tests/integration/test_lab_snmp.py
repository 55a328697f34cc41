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
    assert octets(got[HR_PRINTER_ERRORS]) == b"\x20"  # lowToner: bit 2, most significant bit first (RFC 2790)
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


def _probe_module():  # type: ignore[no-untyped-def]
    import importlib.util

    from courtops import REPO_ROOT

    spec = importlib.util.spec_from_file_location(
        "courtops_probe", REPO_ROOT / "module_utils" / "courtops_probe.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _v3_spec(dev: HostSpec, **override: str) -> dict[str, object]:
    v = dev.vars
    snmp = {
        "version": v["courtops_snmp_version"],
        "user": v["courtops_snmp_v3_user"],
        "auth_key": v["courtops_snmp_v3_auth_key"],
        "priv_key": v["courtops_snmp_v3_priv_key"],
        "auth_protocol": v["courtops_snmp_v3_auth_protocol"],
        "priv_protocol": v["courtops_snmp_v3_priv_protocol"],
        "context": v["courtops_snmp_v3_context"],
    } | override
    return {"name": dev.name, "address": dev.address, "icmp": False, "snmp": snmp}


def test_the_v3_device_answers_snmpv3_auth_priv_and_refuses_a_wrong_key(lab: Lab) -> None:
    """The lab inventory's v3 device: the probe reads it with its authPriv user; a wrong key gets nothing."""
    import asyncio

    probe = _probe_module()
    [dev] = [d for d in lab.snmp if str(d.vars.get("courtops_snmp_version")) == "3"][:1]
    ok = asyncio.run(probe.probe_all([_v3_spec(dev)], timeout=2, retries=1))[dev.name]["snmp"]
    assert ok.get("sysName") == dev.name, ok
    wrong = {"priv_key": "not-the-lab-priv-key"}
    bad = asyncio.run(probe.probe_all([_v3_spec(dev, **wrong)], timeout=1, retries=0))[dev.name]["snmp"]
    assert "error" in bad and "sysName" not in bad
    wrong_auth = {"auth_key": "not-the-lab-auth-key"}
    bad = asyncio.run(probe.probe_all([_v3_spec(dev, **wrong_auth)], timeout=1, retries=0))[dev.name]["snmp"]
    assert "error" in bad and "sysName" not in bad


def test_the_lab_inventory_gives_v3_credentials_and_no_v2c_community_for_it(lab: Lab) -> None:
    v3 = [d for d in lab.snmp if str(d.vars.get("courtops_snmp_version")) == "3"]
    assert v3, "the lab serves at least one SNMPv3 device"
    for dev in v3:
        assert "courtops_snmp_community" not in dev.vars
        assert dev.vars["courtops_snmp_v3_priv_key"] and dev.vars["courtops_snmp_v3_auth_key"]
