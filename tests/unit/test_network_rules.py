"""The network rules of issue 10 on small constructed configurations (VRP has no whole real
configuration in the corpus yet: these snippets follow the VRP command references), one rule per
test, each with the configuration that passes and the one that must not."""

from __future__ import annotations

from typing import Any

import pytest

from courtops import catalogue, evaluator, evidence

VRP = """\
!Software Version V200R019C10SPC500
#
 sysname FY-SW
#
{top}
#
aaa
{aaa}
#
acl number 2000
 rule 5 permit source 10.1.1.0 0.0.0.255
 rule 10 deny
#
acl number 2001
 rule 5 permit
#
user-interface con 0
 authentication-mode {con}
user-interface vty 0 4
 authentication-mode {vty}
 {vty_acl}
 protocol inbound ssh
#
return
"""
COMWARE = """\
#
 version 7.1.070, Release 6616P01
#
 sysname FY-CMW
#
{top}
#
acl basic 2000
 rule 0 permit source 10.1.1.0 0.0.0.255
#
line class console
 authentication-mode {con}
#
line vty 0 63
 authentication-mode {vty}
 protocol inbound ssh
 {vty_acl}
#
local-user admin class manage
 password hash $h$6$constructed==
service-type ssh
service-type telnet
#
return
"""
IOS = """\
version 15.2
{top}
!
line con 0
{con}
line vty 0 4
{vty}
 transport input ssh
!
end
"""


def _facts(platform: str, text: str) -> dict[str, Any]:
    command = {"vrp": "display current-configuration", "comware": "display current-configuration"}
    facts, _, usable = evidence.extract(
        platform, {"commands": {command.get(platform, "show running-config"): text}}
    )
    assert usable
    return facts


def _verdict(platform: str, text: str, control_id: str) -> str:
    ev = {"commands": {{"ios": "show running-config"}.get(platform, "display current-configuration"): text}}
    return {f.control_id: f for f in evaluator.evaluate_host(catalogue.default(), "h", platform, ev)}[
        control_id
    ].verdict


def _vrp(**kw: str) -> str:
    values = {"top": "", "aaa": " local-user admin password irreversible-cipher $1c$x$", "con": "aaa", "vty": "aaa", "vty_acl": "acl 2000 inbound"}  # fmt: skip
    return VRP.format(**{**values, **kw})


# --------------------------------------------------------------------------- L3-CES1-05 anonymous / shared
@pytest.mark.parametrize(("con", "vty", "anonymous"), [("aaa", "aaa", []), ("none", "aaa", ["con"]), ("aaa", "password", ["vty"])])  # fmt: skip
def test_vrp_line_without_personal_authentication(con: str, vty: str, anonymous: list[str]) -> None:
    lines = _facts("vrp", _vrp(con=con, vty=vty))["net.anonymous_login_lines"]
    assert [x.split()[1] for x in lines] == anonymous
    assert (_verdict("vrp", _vrp(con=con, vty=vty), "L3-CES1-05") == "符合") == (not anonymous)


def test_vrp_line_without_a_mode_is_unknown_not_compliant() -> None:
    text = _vrp().replace(" authentication-mode aaa\nuser-interface vty", "user-interface vty")
    assert "net.anonymous_login_lines" not in _facts("vrp", text)
    assert _verdict("vrp", text, "L3-CES1-05") == "待人工"


def test_comware_console_class_default_and_explicit_none() -> None:
    good = COMWARE.format(top="", con="scheme", vty="scheme", vty_acl="acl 2000 inbound")
    assert _facts("comware", good)["net.anonymous_login_lines"] == []
    no_console_mode = good.replace("line class console\n authentication-mode scheme\n", "")
    assert _facts("comware", no_console_mode)["net.anonymous_login_lines"]  # Comware 7 console: none
    shared = COMWARE.format(top="", con="scheme", vty="password", vty_acl="")
    assert _verdict("comware", shared, "L3-CES1-05") != "符合"


@pytest.mark.parametrize(
    ("top", "con", "vty", "anonymous"),
    [
        ("username a secret 9 $9$x", " login local", " login local", 0),
        ("username a secret 9 $9$x", "", " login local", 1),  # console: no login at all
        ("", " password 7 0822455D0A16\n login", " login local", 1),  # line password only
        ("aaa new-model\naaa authentication login default local none", "", " login", 2),
        ("aaa new-model\naaa authentication login default local", "", "", 0),
    ],
)
def test_ios_lines(top: str, con: str, vty: str, anonymous: int) -> None:
    facts = _facts("ios", IOS.format(top=top, con=con, vty=vty))
    assert len(facts["net.anonymous_login_lines"]) == anonymous


def test_ios_undefined_aaa_list_is_unresolved() -> None:
    text = IOS.format(top="aaa new-model", con="", vty=" login authentication VTY")
    assert "net.anonymous_login_lines" not in _facts("ios", text)
    assert _verdict("ios", text, "L3-CES1-05") == "待人工"


# --------------------------------------------------------------------------- L3-CES1-19 ACL references
@pytest.mark.parametrize(("acl", "restricted"), [("acl 2000 inbound", True), ("acl 2001 inbound", False), ("acl 3999 inbound", False), ("", False)])  # fmt: skip
def test_vrp_vty_acl_must_be_defined_and_restrict_the_source(acl: str, restricted: bool) -> None:
    assert _facts("vrp", _vrp(vty_acl=acl))["net.vty_acl"] is restricted


@pytest.mark.parametrize(("acl", "restricted"), [("acl 2000 inbound", True), ("acl 2999 inbound", False)])
def test_comware_undefined_acl_permits_everyone(acl: str, restricted: bool) -> None:
    text = COMWARE.format(top="", con="scheme", vty="scheme", vty_acl=acl)
    assert _facts("comware", text)["net.vty_acl"] is restricted


@pytest.mark.parametrize(
    ("acls", "restricted"),
    [
        ("access-list 10 permit 10.1.1.0 0.0.0.255", True),
        ("access-list 10 permit any", False),
        ("access-list 111 permit tcp any any eq 22", False),
        ("", False),  # access-class 10 names an ACL the configuration does not define
    ],
)
def test_ios_access_class_resolved(acls: str, restricted: bool) -> None:
    text = IOS.format(top=acls, con=" login local", vty=" access-class 10 in\n login local")
    if "111" in acls:
        text = text.replace("access-class 10 in", "access-class 111 in")
    assert _facts("ios", text)["net.vty_acl"] is restricted


# --------------------------------------------------------------------------- L3-CES1-18 / 27 FTP, services
@pytest.mark.parametrize("line", ["ftp server enable", " FTP server enable", "ftp ipv6 server enable"])
def test_vrp_ftp_found_whatever_its_case(line: str) -> None:
    facts = _facts("vrp", _vrp(top=line))
    assert facts["net.ftp_enabled"] is True and "ftp server" in facts["net.risky_services"]
    assert _verdict("vrp", _vrp(top=line), "L3-CES1-18") != "符合"


def test_vrp_risky_services_are_read_not_assumed() -> None:
    aaa = " local-user admin password irreversible-cipher $1c$x$\n local-user admin service-type telnet ssh"
    assert _facts("vrp", _vrp(aaa=aaa))["net.risky_services"] == ["local-user admin 明文服务类型"]
    assert _facts("vrp", _vrp())["net.risky_services"] == []


def test_comware_every_service_type_line_counts() -> None:
    text = COMWARE.format(top="", con="scheme", vty="scheme", vty_acl="")
    assert _facts("comware", text)["net.risky_services"] == ["local-user admin 明文服务类型"]


def test_ios_transport_input_all_is_not_ssh() -> None:
    text = IOS.format(top="", con=" login local", vty=" login local").replace(
        "transport input ssh", "transport input all"
    )
    facts = _facts("ios", text)
    assert "net.ssh_enabled" not in facts and facts["net.telnet_enabled"] is True
    assert (
        _facts("ios", text.replace("version 15.2", "version 15.2\nip ssh version 2"))["net.ssh_enabled"]
        is True
    )


# --------------------------------------------------------------------------- L3-CES1-28 stored passwords
@pytest.mark.parametrize(
    ("top", "vty", "weak"),
    [
        ("enable secret 9 $9$x\nusername a secret 9 $9$y", " login local", 0),
        ("enable password cisco\nusername a secret 9 $9$y", " login local", 1),
        ("username a secret 9 $9$y", " password cisco\n login", 1),  # no service password-encryption
        ("service password-encryption\nusername a secret 9 $9$y", " password 7 0822455D0A16\n login", 0),
    ],
)
def test_ios_cleartext_enable_and_line_passwords(top: str, vty: str, weak: int) -> None:
    facts = _facts("ios", IOS.format(top=top, con=" login local", vty=vty))
    assert len(facts["net.weak_stored_passwords"]) == weak


def test_vrp_simple_line_password_is_cleartext() -> None:
    text = _vrp().replace(
        " protocol inbound ssh", " set authentication password simple Huawei@123\n protocol inbound ssh"
    )
    assert "Huawei@123" in text
    stored = _facts("vrp", text)["net.weak_stored_passwords"]
    assert stored == ["set authentication password simple（已隐藏）"]


# --------------------------------------------------------------------------- empty sets and fragments
def test_no_user_and_no_enable_line_is_unknown_not_a_pass() -> None:
    facts = _facts("ios", IOS.format(top="", con=" login local", vty=" login local"))
    assert "net.users_weak_password_type" not in facts and "net.enable_password_cleartext" not in facts
    assert "net.weak_stored_passwords" not in facts
    assert facts["net.local_users"] == []
    assert (
        _verdict("ios", IOS.format(top="", con=" login local", vty=" login local"), "L3-CES1-06") == "待人工"
    )


def test_a_configuration_without_vtys_is_a_fragment() -> None:
    fragment = "#\n sysname X\n#\n clock timezone BJ add 08:00:00\n#\nreturn\n"
    facts, problems, _ = evidence.extract("vrp", {"commands": {"display current-configuration": fragment}})
    assert facts == {"net.timezone": "BJ"} and any("配置不完整" in p for p in problems)
    assert _verdict("vrp", fragment, "L3-CES1-13") == "待人工"  # a missing ntp line proves nothing here
