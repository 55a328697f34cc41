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


# --------------------------------------------------------------------------- L3-CES1-27 / L3-CNS1-07 cleartext
TRANSPORT_ITEMS = ("L3-CES1-27", "L3-CNS1-07")
VRP_OFF = "undo telnet server enable\nundo http server enable"
COMWARE5 = """\
#
 version 5.20, Release 2220P02
#
 sysname FY-CMW5
{top}
#
user-interface vty 0 4
 authentication-mode scheme
 protocol inbound ssh
#
return
"""
IOS_OFF = "no ip http server\nip http secure-server"


def _transport(platform: str, text: str) -> tuple[list[str] | None, set[str]]:
    """The cleartext protocol set and the verdicts of both transport items."""
    return (
        _facts(platform, text).get("net.cleartext_management_protocols"),
        {_verdict(platform, text, item) for item in TRANSPORT_ITEMS},
    )


@pytest.mark.parametrize(
    ("top", "protocols", "verdict"),
    [
        (VRP_OFF, [], "符合"),
        (VRP_OFF + "\n FTP server enable", ["ftp"], "不符合"),  # VRP 5 prints it in capitals
        (VRP_OFF + "\nftp server enable", ["ftp"], "不符合"),
        ("telnet server enable\nundo http server enable", ["telnet"], "不符合"),
        (VRP_OFF + "\nsnmp-agent community read cipher %^%#constructed%^%#", ["snmpv1/v2c"], "不符合"),
        # Telnet and HTTP unknown (no line, a VRP 5 release has no default), FTP on: not 符合, and
        # the unknown ones are counted too so a narrowed threshold cannot pass on them
        (" FTP server enable", ["ftp", "http", "telnet"], "不符合"),
        ("", None, "待人工"),  # nothing on, Telnet and HTTP unknown: no fact
    ],
)
def test_vrp_cleartext_management_protocols(top: str, protocols: list[str] | None, verdict: str) -> None:
    assert _transport("vrp", _vrp(top=top)) == (protocols, {verdict})


@pytest.mark.parametrize(
    ("text", "protocols", "verdict"),
    [
        (COMWARE.format(top="", con="scheme", vty="scheme", vty_acl=""), [], "符合"),  # Comware 7 defaults: off
        (COMWARE.format(top="ftp server enable", con="scheme", vty="scheme", vty_acl=""), ["ftp"], "不符合"),
        (COMWARE.format(top="telnet server enable", con="scheme", vty="scheme", vty_acl=""), ["telnet"], "不符合"),
        (COMWARE5.format(top=" undo telnet server enable\n undo ip http enable"), [], "符合"),
        (COMWARE5.format(top=" FTP server enable\n undo telnet server enable\n undo ip http enable"), ["ftp"], "不符合"),
        # Comware 5 defaults: Telnet and HTTP on unless disabled
        (COMWARE5.format(top=""), ["http", "telnet"], "不符合"),
    ],
)  # fmt: skip
def test_comware_cleartext_management_protocols(text: str, protocols: list[str], verdict: str) -> None:
    assert _transport("comware", text) == (protocols, {verdict})


@pytest.mark.parametrize(
    ("top", "protocols", "verdict"),
    [
        (IOS_OFF, [], "符合"),  # HTTPS only
        (IOS_OFF + "\nftp-server enable", ["ftp"], "不符合"),
        (IOS_OFF + "\nFTP-SERVER ENABLE", ["ftp"], "不符合"),
        (IOS_OFF + "\nip ftp username backup\nip ftp password 7 0822455D0A16", ["ftp-client"], "不符合"),
        (IOS_OFF + "\nip ftp source-interface Vlan2", [], "符合"),  # the source address only: no credential
        (IOS_OFF + "\ntftp-server flash:image.bin", ["tftp"], "不符合"),
        ("ip http server", ["http"], "不符合"),
        (IOS_OFF + "\nsnmp-server community Constructed1 RO", ["snmpv1/v2c"], "不符合"),
        ("", None, "待人工"),  # the HTTP server's default differs between IOS releases
    ],
)
def test_ios_cleartext_management_protocols(top: str, protocols: list[str] | None, verdict: str) -> None:
    text = IOS.format(top=top, con=" login local", vty=" login local")
    assert _transport("ios", text) == (protocols, {verdict})


def test_ios_telnet_on_the_vty_is_a_cleartext_protocol() -> None:
    text = IOS.format(top=IOS_OFF, con=" login local", vty=" login local").replace(
        "transport input ssh", "transport input telnet ssh"
    )
    assert _transport("ios", text) == (["telnet"], {"不符合"})


def test_ios_ftp_client_password_never_becomes_a_fact() -> None:
    text = IOS.format(top="ip ftp password Secr3tFtp", con=" login local", vty=" login local")
    facts, problems, _ = evidence.extract("ios", {"commands": {"show running-config": text}})
    assert "ftp-client" in facts["net.cleartext_management_protocols"]
    assert "Secr3tFtp" not in repr(facts) + repr(problems)


def test_a_narrowed_threshold_does_not_pass_on_unknown_states() -> None:
    """A court that accepts FTP (drops it from the list) still gets no 符合 while Telnet is unknown."""
    narrowed = {"dengbao_net_cleartext_protocols": ["telnet", "http", "snmpv1/v2c"]}
    ev = {"commands": {"display current-configuration": _vrp(top=" FTP server enable")}}
    found = {f.control_id: f for f in evaluator.evaluate_host(catalogue.default(), "h", "vrp", ev, narrowed)}
    assert found["L3-CES1-27"].verdict == "不符合"
    ev = {"commands": {"display current-configuration": _vrp(top=VRP_OFF + "\n FTP server enable")}}
    found = {f.control_id: f for f in evaluator.evaluate_host(catalogue.default(), "h", "vrp", ev, narrowed)}
    assert found["L3-CES1-27"].verdict == "符合"  # every state known: FTP is what the court accepted


def test_the_cleartext_threshold_is_a_typed_list() -> None:
    cat = catalogue.default()
    assert cat.threshold_errors({"dengbao_net_cleartext_protocols": "telnet,ftp"})
    assert not cat.threshold_errors({"dengbao_net_cleartext_protocols": ["telnet", "ftp"]})


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
