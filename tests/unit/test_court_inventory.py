"""The court's estate as Ansible sees it: exact counts per group, as the requirement states."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from courtops import vendors
from courtops.ledger import load_plan
from courtops.ledger.example import generate, to_csv
from tests.conftest import REPO, run_tool

COURT = REPO / "inventory" / "court"

ZONES = ("intranet", "extranet", "finance", "courtroom", "management")
CLASSES = (
    "pcs",
    "servers",
    "network",
    "nvr",
    "cameras",
    "printers",
    "scanners",
    "courtroom_av",
    "meeting",
    "police",
    "execution_command",
    "video_aggregation",
    "security_appliance",
)
PLATFORMS = ("windows", "linux_deb", "linux_rpm", "vrp", "comware", "ios", "snmp_device")


def _plain(value: object) -> object:
    """Ledger strings reach Ansible marked unsafe (never templated); unwrap them for comparison."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def inventory() -> dict:
    proc = run_tool("ansible-inventory", "-i", str(COURT), "--list")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    data["_meta"]["hostvars"] = _plain(data["_meta"]["hostvars"])
    return data


def hosts(inventory: dict, group: str) -> set[str]:
    return set(inventory.get(group, {}).get("hosts", []))


@pytest.mark.parametrize(
    ("zone", "count"), [("intranet", 352), ("extranet", 53), ("finance", 4), ("courtroom", 96)]
)
def test_pcs_per_zone_exactly_as_the_requirement(inventory, zone, count):
    assert len(hosts(inventory, zone) & hosts(inventory, "pcs")) == count


@pytest.mark.parametrize(
    ("group", "count"),
    [("pcs", 505), ("nvr", 13), ("cameras", 403), ("printers", 165), ("scanners", 153)],
)
def test_device_class_counts(inventory, group, count):
    assert len(hosts(inventory, group)) == count


def test_thirty_courtrooms_19_main_11_tribunals_each_with_pcs_and_av(inventory):
    rooms = [g for g in inventory if g.startswith("courtroom_") and g != "courtroom_av"]
    assert len(rooms) == 30
    main = [g for g in rooms if hosts(inventory, g) <= hosts(inventory, "site_main")]
    assert len(main) == 19
    for room in rooms:
        members = hosts(inventory, room)
        assert members & hosts(inventory, "pcs"), room
        assert len(members & hosts(inventory, "courtroom_av")) >= 3, room
    in_rooms = set().union(*(hosts(inventory, r) for r in rooms))
    assert hosts(inventory, "courtroom") & hosts(inventory, "pcs") <= in_rooms


def test_systems_of_the_requirement_are_present(inventory):
    systems = Counter(inventory["_meta"]["hostvars"][h]["asset_system"] for h in hosts(inventory, "meeting"))
    assert set(systems) == {"会议系统1", "会议系统2"}
    surveillance_servers = [
        h
        for h in hosts(inventory, "servers")
        if inventory["_meta"]["hostvars"][h]["asset_system"] == "安防监控"
    ]
    assert len(surveillance_servers) == 1
    for group in ("police", "execution_command", "video_aggregation", "security_appliance"):
        assert hosts(inventory, group), group


def test_network_gear_covers_roles_and_all_three_vendors(inventory):
    gear = hosts(inventory, "network")
    roles = {inventory["_meta"]["hostvars"][h]["asset_role"] for h in gear}
    assert roles == {"core", "aggregation", "access", "firewall", "router"}
    for platform in ("vrp", "comware", "ios"):
        assert gear & hosts(inventory, platform), platform


def test_pc_mix_windows_legacy_and_xinchuang(inventory):
    pcs = hosts(inventory, "pcs")
    hv = inventory["_meta"]["hostvars"]
    windows_os = Counter(hv[h]["asset_os"].split(" ")[1] for h in pcs & hosts(inventory, "windows"))
    assert windows_os["10"] > windows_os["7"] > 0
    legacy = hosts(inventory, "legacy_os")
    assert legacy and all("Windows 7" in hv[h]["asset_os"] or "CentOS" in hv[h]["asset_os"] for h in legacy)
    xinchuang = pcs & hosts(inventory, "linux_deb")
    assert xinchuang <= hosts(inventory, "intranet")
    assert {"统信UOS", "银河麒麟桌面操作系统"} <= {hv[h]["asset_os"].split(" ")[0] for h in xinchuang}


def test_every_host_in_exactly_one_zone_class_platform_site(inventory):
    sites = [g for g in inventory if g.startswith("site_")]
    assert "site_main" in sites and len(sites) >= 2
    for family in (ZONES, CLASSES, PLATFORMS, sites):
        seen: Counter[str] = Counter()
        for group in family:
            seen.update(hosts(inventory, group))
        assert set(seen) == set(inventory["_meta"]["hostvars"]), family
        assert set(seen.values()) == {1}, family


def test_hostvars_carry_the_ledger(inventory):
    hv = inventory["_meta"]["hostvars"]["main-core-sw01"]
    assert hv["ansible_host"] == hv["asset_ip"]
    assert (hv["asset_zone"], hv["asset_class"], hv["asset_platform"]) == ("management", "network", "vrp")
    assert hv["ansible_network_os"] == "vrp"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("intranet:&pcs:&windows", None),
        ("intranet:&pcs:&linux_deb", None),
        ("site_chengguan:&cameras", 35),
        ("courtroom_main_01", 7),
        ("network:!vrp", None),
    ],
)
def test_patterns_resolve(inventory, pattern, expected):
    proc = run_tool("ansible", "-i", str(COURT), pattern, "--list-hosts")
    assert proc.returncode == 0, proc.stderr
    count = int(proc.stdout.splitlines()[0].split("(")[1].rstrip("):"))
    assert count > 0
    if expected is not None:
        assert count == expected


def test_graph_succeeds():
    proc = run_tool("ansible-inventory", "-i", str(COURT), "--graph")
    assert proc.returncode == 0, proc.stderr
    assert "@intranet:" in proc.stdout and "@courtroom_main_19:" in proc.stdout


def test_broken_ledger_fails_the_inventory_loudly(tmp_path: Path):
    court = tmp_path / "court"
    shutil.copytree(COURT, court)
    lines = (court / "assets.csv").read_text(encoding="utf-8").splitlines()
    lines[99] = lines[99].replace(",intranet,", ",darknet,", 1)
    (court / "assets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run_tool("ansible-inventory", "-i", str(court), "--list")
    assert proc.returncode != 0
    assert f"{court / 'assets.csv'}:100: unknown zone 'darknet'" in proc.stderr


def test_committed_example_ledger_is_the_generated_one():
    text = to_csv(generate(load_plan(COURT / "address_plan.yml")))
    assert (COURT / "assets.csv").read_text(encoding="utf-8") == text


def test_network_cli_family_is_every_vendor_platform_host(inventory):
    """The platform family comes from the vendor registry, with each vendor's connection variables."""
    family = set().union(*(hosts(inventory, p) for p in vendors.platforms()))
    assert family and hosts(inventory, "network_cli") == family
    hv = inventory["_meta"]["hostvars"]
    for host in family:
        platform = hv[host]["asset_platform"]
        assert hv[host]["ansible_connection"] == "ansible.netcommon.network_cli"
        assert hv[host]["ansible_network_os"] == vendors.get(platform).network_os
    assert not any("ansible_network_os" in hv[h] for h in hosts(inventory, "windows"))
