"""Linux lab hosts: reachable by Ansible with host key checking, and each profile's seeded state is
really observable on the hosts (the same data file an audit test will read)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from courtops.lab import profiles

from .conftest import BIN, Lab

pytestmark = pytest.mark.lab

MARK = "@@courtops-probe@@"


def run_probes(lab: Lab, host: str, probes: list[dict[str, Any]]) -> list[str]:
    """Run every probe on `host` (as root) in one SSH round trip; return their outputs in order."""
    script = "".join(f"echo '{MARK}'; ( {p['cmd']} ) 2>&1; " for p in probes)
    args = json.dumps({"cmd": script, "executable": "/bin/bash"})
    result = lab.ansible(host, "ansible.builtin.shell", args, become=True)
    assert result[host].get("rc") == 0 or "stdout" in result[host], result[host]
    parts = result[host]["stdout"].replace("\r", "").split(MARK + "\n")
    return [p.strip("\n") for p in parts[1:]]


def test_every_linux_host_answers_ansible_ping(lab: Lab) -> None:
    result = lab.ansible("linux_deb:linux_rpm", "ansible.builtin.ping")
    assert sorted(result) == sorted(h.name for h in lab.linux)
    assert all(r.get("ping") == "pong" for r in result.values()), result


def test_every_profile_is_present_in_default_lab(lab: Lab) -> None:
    assert {h.profile for h in lab.linux} == set(profiles.PROFILE_ORDER)


@pytest.mark.parametrize("profile_name", profiles.PROFILE_ORDER)
def test_profile_deviations_and_compliance_are_observable(lab: Lab, profile_name: str) -> None:
    spec = profiles.profile(profile_name)
    checks = [
        (kind, control, item)
        for kind in ("deviations", "compliant")
        for control, items in (spec.get(kind) or {}).items()
        for item in items
    ]
    assert checks, f"profile {profile_name} lists nothing to check"
    hosts = [h.name for h in lab.linux if h.profile == profile_name]
    for host in hosts[:2]:
        outputs = run_probes(lab, host, [item["probe"] for _, _, item in checks])
        for (kind, control, item), out in zip(checks, outputs, strict=True):
            assert re.search(item["probe"]["expect"], out), (
                f"{host} ({profile_name}) {kind} {control} {item['key']}: "
                f"expected /{item['probe']['expect']}/ in output:\n{out}"
            )


def test_lab_limitations_are_real(lab: Lab) -> None:
    """auditd cannot run, kernel.* is read-only, there is no default route: true in the lab."""
    limits = profiles.load()["lab_limitations"]
    host = next(h.name for h in lab.linux if h.profile == "hardened")
    for item, out in zip(limits, run_probes(lab, host, [x["probe"] for x in limits]), strict=True):
        assert re.search(item["probe"]["expect"], out), f"{item['controls']}: {out}"


def test_drifted_root_login_differs_from_hardened(lab: Lab) -> None:
    result = lab.ansible("linux_deb", "ansible.builtin.command", "/usr/sbin/sshd -T", become=True)
    by_profile = {h.name: h.profile for h in lab.linux}
    for host, r in result.items():
        line = next(ln for ln in r["stdout_lines"] if ln.startswith("permitrootlogin"))
        want = {"drifted": "yes", "hardened": "no"}.get(by_profile[host])
        if want:
            assert line == f"permitrootlogin {want}", (host, line)


def test_hosts_boot_real_systemd(lab: Lab) -> None:
    result = lab.ansible(
        "linux_deb:linux_rpm", "ansible.builtin.setup", "gather_subset=!all,!min,service_mgr"
    )
    assert {r["ansible_facts"]["ansible_service_mgr"] for r in result.values()} == {"systemd"}


def test_rpm_layout_hosts_are_linux_rpm_with_system_auth(lab: Lab) -> None:
    rpm = [h for h in lab.linux if h.profile == "rpm_layout"]
    assert rpm and all(h.platform == "linux_rpm" for h in rpm)
    result = lab.ansible("linux_rpm", "ansible.builtin.stat", "path=/etc/pam.d/password-auth")
    assert all(r["stat"]["exists"] for r in result.values())


def test_inventory_uses_the_contract_groups(lab: Lab) -> None:
    out = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(lab.inventory), "--list"],
        capture_output=True, text=True, env=lab.env, check=True,
    ).stdout  # fmt: skip
    inv = json.loads(out)
    hostvars = inv["_meta"]["hostvars"]
    groups = {g: set(v.get("hosts", [])) for g, v in inv.items() if g not in ("_meta", "all")}
    zones = ("intranet", "extranet", "finance", "courtroom", "management")
    platforms = ("windows", "linux_deb", "linux_rpm", "vrp", "comware", "ios", "snmp_device")
    for spec in [*lab.linux, *lab.network, *lab.snmp]:
        hv = hostvars[spec.name]
        assert hv["lab_profile"] == spec.profile
        assert hv["asset_zone"] == spec.zone and hv["asset_platform"] == spec.platform
        assert [z for z in zones if spec.name in groups.get(z, ())] == [spec.zone]
        assert [p for p in platforms if spec.name in groups.get(p, ())] == [spec.platform]
        assert [s for s in groups if s.startswith("site_") and spec.name in groups[s]] == [spec.site]
    assert {"site_main"} < {g for g in groups if g.startswith("site_")}


def test_guests_have_no_default_route_and_host_does_not_forward(lab: Lab) -> None:
    assert Path("/proc/sys/net/ipv4/ip_forward").read_text().strip() == "0"
    result = lab.ansible("linux_deb:linux_rpm", "ansible.builtin.command", "ip route show default")
    assert all(r["stdout"] == "" for r in result.values()), result


def test_apt_proxy_allows_the_debian_mirror_only(lab: Lab) -> None:
    host = lab.linux[0].name
    proxy = f"http://{lab.cfg.gateway}:{lab.cfg.proxy_port}"
    # a host outside the allow-list: tinyproxy refuses it itself (403) and never connects anywhere
    code = (
        "import urllib.request as u, urllib.error as e\n"
        f"o = u.build_opener(u.ProxyHandler({{'http': '{proxy}'}}))\n"
        "try:\n    o.open('http://www.example.com/', timeout=10); print('ALLOWED')\n"
        "except e.HTTPError as x:\n    print('DENIED', x.code)\n"
    )
    result = lab.ansible(host, "ansible.builtin.command", f"python3 -c {shlex.quote(code)}")
    assert result[host]["stdout"].startswith("DENIED 403"), result[host]
    apt = lab.ansible(host, "ansible.builtin.command", "apt-get -q update", become=True)
    assert apt[host].get("rc") == 0, apt[host].get("stdout", "") + apt[host].get("stderr", "")
