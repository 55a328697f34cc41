"""The lab's data and pure logic, without root: lab-id naming, plan, inventory groups, profile
data, device definitions and SNMP recordings."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest
import yaml

from courtops.lab import devices, inventory, profiles, rootfs, snmp
from courtops.lab.config import LabConfig, LabConfigError
from courtops.lab.plan import LabPlan

CONTROL_ID = re.compile(r"^L3-CES1-(0[1-9]|[12]\d|3[0-5])$")


def cfg(lab_id: str = "0") -> LabConfig:
    return LabConfig.from_env(
        {"COURTOPS_LAB_ID": lab_id, "COURTOPS_LAB_STATE": "/tmp/st", "COURTOPS_LAB_CACHE": "/tmp/c"}
    )


def test_lab_ids_never_share_names_or_addresses() -> None:
    a, b = cfg("0"), cfg("1")
    assert (a.bridge, b.bridge) == ("cl0br", "cl1br")
    assert str(a.subnet) == "10.250.0.0/16" and str(b.subnet) == "10.251.0.0/16"
    assert a.state_dir != b.state_dir and a.proxy_port != b.proxy_port
    assert len(a.veth_host(254)) <= 15  # Linux interface name limit


def test_all_ten_lab_ids_have_their_own_subnet_bridge_and_proxy() -> None:
    labs = [cfg(str(n)) for n in range(10)]
    assert len({str(c.subnet) for c in labs}) == 10
    assert len({c.bridge for c in labs}) == len({c.proxy_port for c in labs}) == 10
    assert str(cfg("6").subnet) == "10.246.0.0/16" and cfg("9").gateway == "10.249.0.1"
    assert all(c.subnet.subnet_of(ipaddress.IPv4Network("10.240.0.0/12")) for c in labs)


@pytest.mark.parametrize("bad", ["10", "-1", "x", "1.5"])
def test_bad_lab_id_is_a_clear_error(bad: str) -> None:
    with pytest.raises(LabConfigError, match="COURTOPS_LAB_ID"):
        cfg(bad)


def test_default_plan_covers_every_profile_vendor_and_snmp_state() -> None:
    plan = LabPlan.build(cfg(), 8, 6, 6)
    assert {h.profile for h in plan.linux} == set(profiles.PROFILE_ORDER)
    assert {h.profile for h in plan.network} == {
        f"{v}_{s}" for v in ("vrp", "comware", "ios") for s in ("compliant", "noncompliant")
    }
    assert {h.profile for h in plan.snmp} == {p.stem for p in snmp.SNMP_DIR.glob("*.snmprec")}
    names = [h.name for h in plan.all()]
    addresses = [h.address for h in plan.all()]
    assert len(set(names)) == len(names) and len(set(addresses)) == len(addresses)


def test_hundred_hosts_plan() -> None:
    plan = LabPlan.build(cfg(), 100, 0, 0)
    assert len({h.address for h in plan.linux}) == 100
    assert all(h.address.startswith("10.250.1.") for h in plan.linux)


def test_inventory_puts_every_host_in_one_zone_class_platform_site() -> None:
    plan = LabPlan.build(cfg(), 8, 6, 6)
    groups = inventory.build(cfg(), plan)["all"]["children"]
    for spec in plan.all():
        member = {g for g, body in groups.items() if spec.name in (body.get("hosts") or {})}
        assert len(member & set(inventory.ZONES)) == 1
        assert len(member & set(inventory.CLASSES)) == 1
        assert len(member & set(inventory.PLATFORMS)) == 1
        assert len({g for g in member if g.startswith("site_")}) == 1
        hv = groups[spec.platform]["hosts"][spec.name]
        assert hv["lab_profile"] == spec.profile and hv["ansible_host"] == spec.address
    assert groups["linux_rpm"]["hosts"] and all(
        groups["linux_rpm"]["hosts"][h]["lab_profile"] == "rpm_layout" for h in groups["linux_rpm"]["hosts"]
    )
    assert (
        "UserKnownHostsFile=/tmp/st/0/ssh/known_hosts"
        in groups["linux_deb"]["vars"]["ansible_ssh_common_args"]
    )


def test_profile_data_is_keyed_by_control_id_with_probes() -> None:
    data = profiles.load()
    for name in profiles.PROFILE_ORDER:
        spec = data["profiles"][name]
        for kind in ("deviations", "compliant"):
            for control, items in (spec.get(kind) or {}).items():
                assert CONTROL_ID.match(control), f"{name}: {control}"
                for item in items:
                    assert item["key"] and item["description"]
                    re.compile(item["probe"]["expect"])
    assert not data["profiles"]["hardened"]["deviations"]
    assert data["profiles"]["drifted"]["deviations"]
    assert data["profiles"]["rpm_layout"]["platform"] == "linux_rpm"
    assert any("auditd" in x["description"] for x in data["lab_limitations"])


def test_profile_file_trees_exist_for_profiles_that_ship_files() -> None:
    for name in profiles.PROFILE_ORDER:
        if profiles.profile(name).get("files"):
            assert (profiles.PROFILES_FILE.parent / "profiles" / name / "etc").is_dir(), name


def test_device_definitions_have_every_required_show_command() -> None:
    plan = LabPlan.build(cfg(), 0, 6, 0)
    required = {
        "vrp": ["display current-configuration", "display version", "display cpu-usage",
                "display memory-usage", "display interface brief", "display ntp-service status",
                "display ssh server status"],
        "comware": ["display current-configuration", "display version", "display cpu-usage", "display memory",
                    "display interface brief", "display ntp-service status", "display password-control",
                    "display ssh server status"],
        "ios": ["show running-config", "show version", "show privilege", "show ip interface brief",
                "show ntp status", "show ip ssh"],
    }  # fmt: skip
    for spec in plan.network:
        nos = devices.nos_definition(cfg(), spec)
        missing = [c for c in required[spec.platform] if c not in nos["commands"]]
        assert not missing, f"{spec.name}: {missing}"
        text = yaml.safe_dump(nos)
        assert "@" + "SYSNAME@" not in text and spec.name in text


def test_snmp_recordings_render_sorted_and_filled() -> None:
    for spec in LabPlan.build(cfg(), 0, 0, 6).snmp:
        lines = snmp.render(spec.profile, spec).splitlines()
        keys = [tuple(int(p) for p in ln.split("|")[0].split(".")) for ln in lines]
        assert keys == sorted(keys), spec.profile
        assert f"1.3.6.1.2.1.1.5.0|4|{spec.name}" in lines


def test_bad_snmp_record_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.snmprec").write_text("1.3.6.1.2.1.1.5.0|4|ok\nnot a record\n", encoding="utf-8")
    monkeypatch.setattr(snmp, "SNMP_DIR", tmp_path)
    spec = LabPlan.build(cfg(), 0, 0, 1).snmp[0]
    with pytest.raises(Exception, match=r"broken\.snmprec:2"):
        snmp.render("broken", spec)


def test_debian_mirror_from_deb822_and_one_line_sources(tmp_path: Path) -> None:
    one = tmp_path / "sources.list"
    one.write_text("deb [arch=amd64] http://mirrors.example.cn/debian bookworm main\n", encoding="utf-8")
    assert rootfs.debian_mirror([one]) == "http://mirrors.example.cn/debian"
    d822 = tmp_path / "debian.sources"
    d822.write_text(
        "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n",
        encoding="utf-8",
    )
    assert rootfs.debian_mirror([d822]) == "http://deb.debian.org/debian"
    assert rootfs.mirror_host("http://deb.debian.org/debian") == "deb.debian.org"


def test_rootfs_stamp_follows_the_package_list() -> None:
    assert rootfs.stamp_value() == rootfs.stamp_value()
    assert "openssh-server" in rootfs.packages() and "libpam-pwquality" in rootfs.packages()


def test_a_lab_subnet_that_holds_the_dns_server_or_a_routed_network_is_refused() -> None:
    from courtops.lab.netns import subnet_clashes

    lab5 = cfg("5").subnet  # 10.255.0.0/16: a resolver at 10.255.255.53 lives there on some machines
    found = subnet_clashes(lab5, ["10.255.255.53", "fe80::1", "bogus"], [("default", "eth0")], "cl5br")
    assert found == ["this machine's DNS server 10.255.255.53 (/etc/resolv.conf)"]
    routes = [
        ("default", "eth0"),
        ("10.255.0.0/16", "cl5br"),
        ("10.0.0.0/8", "wg0"),
        ("10.255.7.0/24", "eth1"),
    ]
    assert subnet_clashes(lab5, [], routes, "cl5br") == ["part of the network 10.0.0.0/8 routed via wg0"]
    # a host route that already carries the resolver elsewhere leaves it reachable: no clash
    assert subnet_clashes(lab5, ["10.255.255.53"], [("10.255.255.53", "eth0")], "cl5br") == []
    assert subnet_clashes(cfg("0").subnet, ["10.255.255.53", "192.0.2.53"], routes[:2], "cl0br") == []
