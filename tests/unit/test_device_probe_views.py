"""The device probe's SNMP views, fed with the lab's recordings (lab/snmp/*.snmprec) as a walk returns them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("courtops_probe", REPO / "module_utils" / "courtops_probe.py")
assert _spec and _spec.loader
probe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(probe)


def walked(name: str) -> dict[str, dict[str, Any]]:
    """{column OID: {index suffix: value}} for every column the probe walks, values typed as pysnmp gives them."""
    values: dict[str, dict[str, Any]] = {c: {} for kind in probe.WALKS.values() for c in kind}
    for line in (REPO / "lab" / "snmp" / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        oid, kind, raw = line.split("|", 2)
        value: Any = int(raw) if kind in ("2", "65", "66", "67") else raw
        if kind == "4x":
            octets = bytes.fromhex(raw)
            value = octets.decode("latin-1") if octets.decode("latin-1").isprintable() else octets
        for column in values:
            if oid.startswith(column + "."):
                values[column][oid[len(column) + 1 :]] = value
    return values


def test_error_state_bits_follow_rfc_2790():
    assert probe.decode_error_state(b"\x20") == ["lowToner"]
    assert probe.decode_error_state(" ") == ["lowToner"]  # the same octet, printable
    assert probe.decode_error_state(b"\x04") == ["jammed"]
    assert probe.decode_error_state(b"\x80\x02") == ["lowPaper", "overduePreventMaint"]
    assert probe.decode_error_state(b"") == []


def test_low_toner_printer():
    view = probe.printer_view(walked("printer_low_toner.snmprec"))
    assert view["printer"] == {"printer_status": "idle", "device_status": "warning", "errors": ["lowToner"]}
    black = view["supplies"][0]
    assert black["level"] * 100 // black["max"] == 3
    assert view["page_count"] > 0


def test_jammed_printer():
    view = probe.printer_view(walked("printer_paper_jam.snmprec"))
    assert view["printer"]["device_status"] == "down"
    assert view["printer"]["errors"] == ["jammed"]
    assert "Jam" in view["alerts"][0]["description"]


def test_nvr_disks():
    disks = probe.disks_view(walked("nvr_failed_disk.snmprec"))["disks"]
    assert [d["status"] for d in disks] == ["running", "running", "down", "running"]


@pytest.mark.parametrize("name", ["camera.snmprec", "scanner.snmprec"])
def test_devices_without_tables_give_empty_views(name):
    assert probe.printer_view(walked(name))["supplies"] == []
    assert probe.disks_view(walked(name)) == {"disks": []}


def test_recordings_are_present():
    assert {p.name for p in Path(REPO / "lab" / "snmp").glob("*.snmprec")} >= {
        "printer_low_toner.snmprec", "printer_paper_jam.snmprec", "nvr_failed_disk.snmprec",
    }  # fmt: skip
