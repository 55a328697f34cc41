"""The simulated devices' running configuration as a tree: every seeded config prints back exactly,
and changes keep each vendor's print format (separators, Comware's indented global lines)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from courtops.lab.netsim.dialects import COMWARE, DIALECTS, IOS, VRP
from courtops.lab.netsim.tree import ConfigTree

CONFIGS = Path(__file__).resolve().parents[2] / "lab" / "devices" / "configs"


def _lines(tree: ConfigTree) -> list[str]:
    return tree.render().split("\n")


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("*.cfg")), ids=lambda p: p.stem)
def test_every_seeded_config_prints_back_unchanged(path: Path) -> None:
    text = path.read_text(encoding="utf-8").rstrip("\n")
    dialect = DIALECTS[path.stem.split("_")[0]]
    out = ConfigTree.parse(dialect, text).render()
    if dialect is IOS:  # the byte count is the device's own: recomputed, the rest is the same
        head, body = out.split("\n", 3)[:3], out.split("\n", 3)[3]
        assert body == text.split("\n", 3)[3]
        assert head[2] == f"Current configuration : {len(body) + 1} bytes"
    else:
        assert out == text


VRP_SEED = """!Software Version V200R019C10SPC500
#
sysname sw1
#
telnet server disable
#
info-center loghost 10.0.0.1
#
interface GigabitEthernet0/0/1
 port link-type access
#
user-interface con 0
 authentication-mode aaa
user-interface vty 0 4
 idle-timeout 10 0
#
return"""


def test_vrp_lines_join_their_block_and_sections_get_their_own() -> None:
    tree = ConfigTree.parse(VRP, VRP_SEED)
    assert tree.set([], "info-center loghost 10.0.0.2")
    assert tree.enter([], "interface GigabitEthernet0/0/2")
    assert tree.set(["interface GigabitEthernet0/0/2"], "description uplink")
    assert tree.enter([], "user-interface vty 16 20")
    assert tree.set([], "ntp-service unicast-server 10.0.0.1")
    assert _lines(tree) == [
        "!Software Version V200R019C10SPC500", "#", "sysname sw1", "#", "telnet server disable", "#",
        "info-center loghost 10.0.0.1", "info-center loghost 10.0.0.2", "#",
        "interface GigabitEthernet0/0/1", " port link-type access", "#",
        "interface GigabitEthernet0/0/2", " description uplink", "#",
        "user-interface con 0", " authentication-mode aaa", "user-interface vty 0 4", " idle-timeout 10 0",
        "user-interface vty 16 20", "#", "ntp-service unicast-server 10.0.0.1", "#", "return",
    ]  # fmt: skip


def test_vrp_keyed_lines_replace_and_identical_lines_change_nothing() -> None:
    tree = ConfigTree.parse(VRP, VRP_SEED)
    assert tree.set([], "sysname sw2")
    assert tree.set(["user-interface vty 0 4"], "idle-timeout 5 0")
    assert not tree.set(["user-interface vty 0 4"], "idle-timeout 5 0")
    assert not tree.set([], "info-center loghost 10.0.0.1")
    out = tree.render()
    assert "sysname sw2" in out and "sysname sw1" not in out
    assert " idle-timeout 5 0" in out and "idle-timeout 10 0" not in out


def test_vrp_undo_removes_a_line_or_a_section_without_doubled_separators() -> None:
    tree = ConfigTree.parse(VRP, VRP_SEED)
    assert tree.negate([], "info-center loghost 10.0.0.1")
    assert tree.negate([], "interface GigabitEthernet0/0/1")
    lines = _lines(tree)
    assert "info-center loghost 10.0.0.1" not in lines and "interface GigabitEthernet0/0/1" not in lines
    assert not any(a == b == "#" for a, b in pairwise(lines))
    assert not tree.negate([], "ntp-service unicast-server 10.9.9.9"), "undo of an absent line: no change"


def test_vrp_undo_of_a_default_on_feature_is_a_line_and_idempotent() -> None:
    tree = ConfigTree.parse(VRP, VRP_SEED)
    assert tree.negate([], "http server enable")
    assert not tree.negate([], "http server enable")
    assert "undo http server enable" in _lines(tree)
    assert tree.set([], "http server enable"), "the positive form replaces the undo line"
    assert "undo http server enable" not in _lines(tree) and "http server enable" in _lines(tree)


COMWARE_SEED = """#
 sysname cmw1
#
 telnet server enable
#
interface GigabitEthernet1/0/1
 port access vlan 10
#
line vty 0 63
 authentication-mode scheme
#
return"""


def test_comware_global_lines_keep_one_leading_space_and_sections_none() -> None:
    tree = ConfigTree.parse(COMWARE, COMWARE_SEED)
    assert tree.negate([], "telnet server enable")
    assert tree.negate([], "ip http enable")
    assert tree.enter([], "local-user audit class manage")
    assert tree.set(["local-user audit class manage"], "service-type ssh")
    assert tree.set(["line vty 0 63"], "idle-timeout 10 0")
    lines = _lines(tree)
    assert " undo ip http enable" in lines
    assert " telnet server enable" not in lines
    assert lines[lines.index("local-user audit class manage") + 1] == " service-type ssh"
    assert lines[lines.index("line vty 0 63") + 2] == " idle-timeout 10 0"
    assert ConfigTree.parse(COMWARE, tree.render()).render() == tree.render(), "what it prints, it reads back"


IOS_SEED = """Building configuration...

Current configuration : 300 bytes
!
hostname r1
!
ip http server
!
interface GigabitEthernet1/0/1
 switchport mode access
!
line con 0
 exec-timeout 5 0
line vty 0 4
 transport input telnet ssh
!
end"""


def test_ios_no_forms_default_on_features_and_grouped_lines() -> None:
    tree = ConfigTree.parse(IOS, IOS_SEED)
    assert tree.negate([], "ip http server")
    assert "ip http server" not in _lines(tree)
    assert tree.negate([], "ip http secure-server"), "default-on: `no ...` is kept as a line"
    assert "no ip http secure-server" in _lines(tree)
    assert not tree.negate([], "logging host 10.0.0.9"), "no of an absent line changes nothing"
    assert tree.set(["line vty 0 4"], "transport input ssh")
    assert tree.enter([], "line vty 5 15")
    assert tree.enter([], "interface Vlan100")
    lines = _lines(tree)
    assert lines[lines.index("line vty 0 4") : lines.index("line vty 0 4") + 3] == [
        "line vty 0 4",
        " transport input ssh",
        "line vty 5 15",
    ]
    assert lines[lines.index("interface Vlan100") - 1] == "!"
    assert lines[-1] == "end" and lines[0] == "Building configuration..."


def test_a_missing_section_path_is_a_key_error() -> None:
    tree = ConfigTree.parse(VRP, VRP_SEED)
    with pytest.raises(KeyError):
        tree.set(["interface GigabitEthernet9/9/9"], "shutdown")
