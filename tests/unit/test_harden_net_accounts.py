"""courtops/harden/netaccounts.py: what roles/harden_vrp, harden_comware and harden_ios send for
L3-CES1-06 (default accounts deleted), L3-CES1-28 (reversible passwords replaced by the court's
irreversible hashes) and L3-CES1-05 (console/AUX with a local account), per control and input, and what
they refuse before anything is sent. The lines are typed into the lab's simulated device, whose
configuration the audit then judges; VRP's computed undo takes them back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from courtops.harden import netaccounts, netconfig
from courtops.lab.harden_vars import lab_secret_hash
from courtops.lab.netsim.device import DeviceState
from courtops.lab.netsim.session import Session
from courtops.vendors import comware, ios, vrp

CONFIGS = Path(__file__).resolve().parents[2] / "lab" / "devices" / "configs"
EXTRACT = {"vrp": vrp.extract, "comware": comware.extract, "ios": ios.extract}
ENTER = {"vrp": "system-view", "comware": "system-view", "ios": "configure terminal"}
LEAVE = {"vrp": "return", "comware": "return", "ios": "end"}
SHOW = {
    "vrp": "display current-configuration",
    "comware": "display current-configuration",
    "ios": "show running-config",
}
MGMT = "labops"


def _device(tmp_path: Path, vendor: str) -> Session:
    seed = (CONFIGS / f"{vendor}_noncompliant.cfg").read_text(encoding="utf-8")
    seed = seed.replace("@SYSNAME@", "dev1").replace("@ADDRESS@", "10.254.0.9")
    return Session(DeviceState("dev1", vendor, tmp_path / "dev1", seed), {"commands": {}})


def _running(s: Session, vendor: str) -> str:
    return s.handle(SHOW[vendor]).output or ""


def _send(s: Session, vendor: str, lines: list[str]) -> None:
    """Type the lines as cli_config does: a section header, its indented lines, back to system view."""
    s.handle(ENTER[vendor])
    for line in lines:
        while not line.startswith(" ") and s.path:
            s.handle("quit")  # a new section header is typed from system view
        reply = s.handle(line.strip())
        assert "Error" not in (reply.output or "") and "%" not in (reply.output or ""), (
            f"{line!r}: {reply.output}"
        )
    s.handle(LEAVE[vendor])


def _type(s: Session, vendor: str, commands: list[str]) -> None:
    """Type commands as they are (the undo list carries its own `quit`s)."""
    s.handle(ENTER[vendor])
    for command in commands:
        reply = s.handle(command)
        assert "Error" not in (reply.output or ""), f"{command!r}: {reply.output}"
    s.handle(LEAVE[vendor])


def _facts(config: str, vendor: str) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    EXTRACT[vendor]({"commands": {SHOW[vendor]: config}}, facts, [])
    return facts


def _hashes(vendor: str, *users: str) -> dict[str, str]:
    return {u: lab_secret_hash(vendor, u) for u in users}


# ------------------------------------------------------------------ what is sent, per vendor and control
SENT = [
    ("vrp", "L3-CES1-06", ["aaa", " undo local-user admin"]),
    ("comware", "L3-CES1-06", ["undo local-user admin class manage"]),
    ("ios", "L3-CES1-06", ["no username admin"]),
    ("vrp", "L3-CES1-28", ["aaa", f" local-user netops password irreversible-cipher {lab_secret_hash('vrp', 'netops')}"]),
    ("comware", "L3-CES1-28", ["local-user netops class manage", f" password hash {lab_secret_hash('comware', 'netops')}"]),
    ("vrp", "L3-CES1-05", ["user-interface con 0", " authentication-mode aaa"]),
    ("comware", "L3-CES1-05", ["line aux 0", " authentication-mode scheme", "line class console", " authentication-mode scheme"]),
]  # fmt: skip


@pytest.mark.parametrize(("vendor", "control", "lines"), SENT)
def test_each_control_sends_its_lines_only_when_on(
    tmp_path: Path, vendor: str, control: str, lines: list[str]
) -> None:
    config = _running(_device(tmp_path, vendor), vendor)
    # admin keeps its reversible password when L3-CES1-06 is off: then it needs a hash as well
    args = (["admin"], _hashes(vendor, "netops", "admin"), ["netops"] if vendor != "ios" else [])
    got = netaccounts.plan(config, vendor, MGMT, *args, enabled=[control])
    if control == "L3-CES1-28":
        admin = netaccounts.plan(config, vendor, MGMT, *args, enabled=[control])["commands"][control]
        assert any("admin" in x for x in admin), "L3-CES1-06 off: admin's password is converted too"
        got = netaccounts.plan(config, vendor, MGMT, *args, enabled=[control, "L3-CES1-06"])
        got["commands"]["L3-CES1-06"] = []
    assert got["commands"][control] == lines
    assert all(not v for v in got["errors"].values()), got["errors"]
    others = [c for c in netaccounts.CONTROLS if c != control]
    assert all(got["commands"][c] == [] for c in others), "a control that is off sends nothing"


@pytest.mark.parametrize("vendor", ["vrp", "comware"])
def test_all_three_on_the_lab_device_turn_the_audit_items_compliant(tmp_path: Path, vendor: str) -> None:
    s = _device(tmp_path, vendor)
    before = _running(s, vendor)
    facts = _facts(before, vendor)
    assert "admin" in facts["net.local_users"] and facts["net.weak_stored_passwords"]
    assert facts["net.anonymous_login_lines"]
    got = netaccounts.plan(before, vendor, MGMT, ["admin"], _hashes(vendor, "netops"), ["netops"])
    assert got["remove"] == ["admin"] and got["convert"] == ["netops"], "admin goes, so it needs no hash"
    for control in ("L3-CES1-06", "L3-CES1-28", "L3-CES1-05"):
        _send(s, vendor, got["commands"][control])
    after = _running(s, vendor)
    facts = _facts(after, vendor)
    assert facts["net.local_users"] == sorted([MGMT, "netops"])
    assert facts["net.weak_stored_passwords"] == []
    assert facts["net.anonymous_login_lines"] == []
    again = netaccounts.plan(after, vendor, MGMT, ["admin"], _hashes(vendor, "netops"), ["netops"])
    assert again["commands"] == {c: [] for c in netaccounts.CONTROLS}, "a second run sends nothing"
    if vendor == "vrp":  # the rollback of VRP (no configuration replace) undoes the three
        undo = netconfig.undo_commands(before, after, "vrp")
        assert not any("irreversible-cipher" in x and x.startswith("undo") for x in undo), (
            "a password is retyped, not undone"
        )
        _type(s, vendor, undo)
        assert netconfig.same(before, _running(s, vendor), "vrp")


# ------------------------------------------------------------------ refused before anything is sent
REFUSED = [
    # (vendor, remove, hashes, console accounts, control refused, words of the reason)
    ("vrp", ["admin"], {}, [], "L3-CES1-28", ["netops", "user_secret_hashes"]),
    ("comware", [], _hashes("comware", "netops"), [], "L3-CES1-28", ["admin"]),  # admin stays: it needs a hash too
    ("vrp", ["admin"], {"netops": "$9$not-a-vrp-form"}, [], "L3-CES1-28", ["netops", "形式"]),
    ("vrp", ["labops"], {}, [], "L3-CES1-06", ["labops", "管理账户"]),
    ("comware", ["labops", "admin"], {}, [], "L3-CES1-06", ["最高权限"]),
    ("ios", ["admin", "labops"], {}, [], "L3-CES1-06", ["labops"]),
    ("vrp", [], {}, ["labops"], "L3-CES1-05", ["labops", "terminal"]),  # VRP labops: ssh only
    ("comware", [], {}, ["nobody"], "L3-CES1-05", ["nobody", "不存在"]),
    ("vrp", ["admin"], {}, ["admin"], "L3-CES1-05", ["admin", "L3-CES1-06"]),
]  # fmt: skip


@pytest.mark.parametrize(("vendor", "remove", "hashes", "consoles", "control", "words"), REFUSED)
def test_bad_inputs_are_refused_with_the_reason(
    tmp_path: Path,
    vendor: str,
    remove: list[str],
    hashes: dict[str, str],
    consoles: list[str],
    control: str,
    words: list[str],
) -> None:
    config = _running(_device(tmp_path, vendor), vendor)
    got = netaccounts.plan(config, vendor, MGMT, remove, hashes, consoles)
    reason = "；".join(got["errors"][control])
    assert all(w in reason for w in words), reason
    for value in hashes.values():
        assert value not in reason, "a hash never appears in a message"


def test_the_management_account_with_a_reversible_password_is_left_to_the_engineer(tmp_path: Path) -> None:
    config = _running(_device(tmp_path, "vrp"), "vrp")
    got = netaccounts.plan(
        config, "vrp", "admin", [], _hashes("vrp", "admin", "netops"), enabled=["L3-CES1-28"]
    )
    assert any("admin" in e and "管理账户" in e for e in got["errors"]["L3-CES1-28"])
    assert "admin" not in got["convert"]


def test_nothing_named_means_nothing_sent_and_nothing_refused(tmp_path: Path) -> None:
    for vendor in ("vrp", "comware", "ios"):
        config = _running(_device(tmp_path / vendor, vendor), vendor)
        got = netaccounts.plan(config, vendor, MGMT, [], {}, [], enabled=["L3-CES1-06", "L3-CES1-05"])
        assert got["commands"] == {c: [] for c in netaccounts.CONTROLS}
        assert all(not v for v in got["errors"].values())


def test_an_account_not_on_the_device_is_already_gone(tmp_path: Path) -> None:
    config = _running(_device(tmp_path, "vrp"), "vrp")
    got = netaccounts.plan(config, "vrp", MGMT, ["huawei"], enabled=["L3-CES1-06"])
    assert got["commands"]["L3-CES1-06"] == [] and got["errors"]["L3-CES1-06"] == []


def test_comware_console_lines_follow_the_line_class() -> None:
    config = "line class console\n authentication-mode scheme\n#\nline con 0\n#\nline aux 0\n authentication-mode none\n#\nline vty 0 63\n"
    assert netaccounts.console_lines(config, "comware") == ["line aux 0"]
    assert netaccounts.console_lines("line vty 0 63\n authentication-mode scheme\n", "comware") == [
        "line class console"
    ]
    assert (
        netaccounts.console_lines(
            "user-interface con 0\n authentication-mode aaa\nuser-interface vty 0 4\n", "vrp"
        )
        == []
    )
