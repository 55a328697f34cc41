"""courtops/harden/netconfig.py: configurations compared as the device holds them, VRP's rollback by
undo commands (typed into a simulated device, which must end with its pre-change configuration),
the management ACL check."""

from __future__ import annotations

from pathlib import Path

import pytest

from courtops.harden import netconfig
from courtops.lab.netsim.device import DeviceState
from courtops.lab.netsim.session import Session

CONFIGS = Path(__file__).resolve().parents[2] / "lab" / "devices" / "configs"
#: what roles/harden_vrp sends to the non-compliant device (its task files, flattened)
VRP_HARDENING = [
    "stelnet server enable", "undo telnet server enable", "undo http server enable",
    "user-interface vty 0 4", "protocol inbound ssh", "acl 2000 inbound", "idle-timeout 15 0", "quit",
    "acl number 2000", "rule 5 permit source 10.254.0.0 0.0.255.255", "rule 10 deny", "quit",
    "ssh server acl 2000",
    "aaa", "local-aaa-user wrong-password retry-interval 5 retry-time 5 block-time 10",
    "local-aaa-user password policy administrator", "password history record number 5", "password expire 180",
    "quit", "local-user admin service-type ssh", "quit",
    "info-center loghost 10.254.0.1", "clock timezone BJ add 08:00:00", "ntp-service unicast-server 10.254.0.1",
    "undo snmp-agent community read cipher %^%#public%^%#", "snmp-agent sys-info version v3",
]  # fmt: skip


def _device(tmp_path: Path, vendor: str, state: str) -> Session:
    seed = (CONFIGS / f"{vendor}_{state}.cfg").read_text(encoding="utf-8").replace("@SYSNAME@", "dev1")
    return Session(DeviceState("dev1", vendor, tmp_path / "dev1", seed), {"commands": {}})


def _type(s: Session, commands: list[str]) -> None:
    s.handle("system-view")
    for command in commands:
        reply = s.handle(command)
        assert "Error" not in (reply.output or ""), f"{command!r}: {reply.output}"
    s.handle("return")


def _running(s: Session) -> str:
    return s.handle("display current-configuration").output or ""


def test_vrp_undo_commands_bring_the_device_back_to_its_pre_change_configuration(tmp_path: Path) -> None:
    s = _device(tmp_path, "vrp", "noncompliant")
    before = _running(s)
    _type(s, VRP_HARDENING)
    after = _running(s)
    assert not netconfig.same(before, after, "vrp")
    undo = netconfig.undo_commands(before, after, "vrp")
    assert (
        "undo acl number 2000" in undo and "undo rule 5 permit source 10.254.0.0 0.0.255.255" not in undo
    ), "an added section goes with its header"
    _type(s, undo)
    assert netconfig.same(before, _running(s), "vrp")


def test_no_change_means_no_undo(tmp_path: Path) -> None:
    text = _running(_device(tmp_path, "vrp", "compliant"))
    assert netconfig.undo_commands(text, text, "vrp") == []


def test_lines_keep_sections_and_skip_volatile_lines() -> None:
    text = (CONFIGS / "comware_compliant.cfg").read_text(encoding="utf-8")
    got = netconfig.lines(text, "comware")
    assert ((), "sysname @SYSNAME@") in got, "Comware's one-space global lines are top-level"
    assert (("line vty 0 63",), "idle-timeout 10 0") in got
    ios = netconfig.lines((CONFIGS / "ios_compliant.cfg").read_text(encoding="utf-8"), "ios")
    assert not any(line.startswith(("Current configuration", "Building", "!")) for _, line in ios)
    assert (("ip access-list standard MGMT",), "10 permit @SUBNET_BASE@ 0.0.255.255") in ios


@pytest.mark.parametrize("text", ["", "   \n"])
def test_an_empty_configuration_is_an_error_not_an_empty_one(text: str) -> None:
    with pytest.raises(netconfig.ConfigError):
        netconfig.lines(text, "vrp")


@pytest.mark.parametrize(
    ("address", "permitted"),
    [("10.254.0.1", True), ("10.254.255.254", True), ("10.253.0.1", False), ("192.168.1.1", False)],
)
def test_acl_permits(address: str, permitted: bool) -> None:
    sources = [{"address": "10.254.0.0", "wildcard": "0.0.255.255"}, {"address": "172.16.0.9"}]
    assert netconfig.acl_permits(sources, address) is permitted
    assert netconfig.acl_permits(sources, "172.16.0.9") and not netconfig.acl_permits(sources, "172.16.0.10")
    assert not netconfig.acl_permits([], address)


#: what roles/harden_vrp sends for L3-CES1-06, -28 and -05 on the non-compliant device (hash-shaped, no password)
VRP_ACCOUNTS = [
    "aaa", "undo local-user admin", "local-user netops password irreversible-cipher $1c$LabSalt$LabDigest$", "quit",
    "user-interface con 0", "authentication-mode aaa", "quit",
]  # fmt: skip


def test_vrp_undo_brings_back_a_deleted_user_a_reversible_password_and_the_console_mode(
    tmp_path: Path,
) -> None:
    s = _device(tmp_path, "vrp", "noncompliant")
    before = _running(s)
    _type(s, VRP_ACCOUNTS)
    after = _running(s)
    assert "local-user admin" not in after and "authentication-mode password" not in after
    undo = netconfig.undo_commands(before, after, "vrp")
    assert "local-user admin privilege level 15" in undo, "the deleted user is typed again"
    assert "local-user netops password cipher %^%#LabOnlyNetopsCipher%^%#" in undo, (
        "the old password is typed again"
    )
    assert not any(c.startswith("undo local-user netops password") for c in undo), (
        "VRP has no such undo: retyped instead"
    )
    _type(s, undo)
    assert netconfig.same(before, _running(s), "vrp")
