"""What the network hardening roles rely on in the simulated devices, as a real device behaves:
turning a default-on feature off prints its `undo` / `no` line (so a second run sees it and sends
nothing), entering a feature's view drops its `undo` line, a bad address is refused, and VRP's
`display http server` follows the configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from courtops.lab.netsim.device import DeviceState
from courtops.lab.netsim.session import Session

CONFIGS = Path(__file__).resolve().parents[2] / "lab" / "devices" / "configs"
HTTP_STATUS = "HTTP Server Status              : enabled\nHTTP Secure-server Status       : enabled"


def _session(tmp_path: Path, vendor: str, state: str = "noncompliant") -> Session:
    seed = (CONFIGS / f"{vendor}_{state}.cfg").read_text(encoding="utf-8").replace("@SYSNAME@", "dev1")
    nos = {"commands": {"display http server": {"output": HTTP_STATUS}, "_default_": {"output": "Error: Unrecognized command"}}}  # fmt: skip
    return Session(DeviceState("dev1", vendor, tmp_path / "dev1", seed), nos)


def _config(s: Session) -> list[str]:
    return (
        s.handle("display current-configuration" if s.d.vendor != "ios" else "show running-config").output
        or ""
    ).splitlines()


def test_turning_off_an_enabled_default_on_feature_prints_its_undo_line(tmp_path: Path) -> None:
    s = _session(tmp_path, "vrp")
    assert "telnet server enable" in _config(s)
    for line in ("system-view", "undo telnet server enable", "undo http server enable", "return"):
        s.handle(line)
    lines = _config(s)
    assert "telnet server enable" not in lines and "undo telnet server enable" in lines
    assert "http server enable" not in lines and "undo http server enable" in lines


def test_vrp_http_status_follows_the_configuration(tmp_path: Path) -> None:
    s = _session(tmp_path, "vrp")
    assert "HTTP Server Status              : enabled" in (s.handle("display http server").output or "")
    for line in ("system-view", "undo http server enable", "return"):
        s.handle(line)
    out = s.handle("display http server").output or ""
    assert "HTTP Server Status              : disabled" in out
    assert "HTTP Secure-server Status       : enabled" in out, "only what the configuration says changes"


def test_entering_the_password_policy_view_drops_its_undo_line(tmp_path: Path) -> None:
    s = _session(tmp_path, "vrp")
    assert " undo local-aaa-user password policy administrator" in _config(s)
    for line in ("system-view", "aaa", "local-aaa-user password policy administrator", "password expire 90", "return"):  # fmt: skip
        s.handle(line)
    lines = _config(s)
    assert " undo local-aaa-user password policy administrator" not in lines
    assert lines[lines.index(" local-aaa-user password policy administrator") + 1] == "  password expire 90"


def test_vrp_local_user_service_type_replaces_the_earlier_one(tmp_path: Path) -> None:
    s = _session(tmp_path, "vrp")
    for line in ("system-view", "aaa", "local-user admin service-type ssh", "return"):
        s.handle(line)
    lines = _config(s)
    assert " local-user admin service-type ssh" in lines
    assert not any("service-type telnet" in line for line in lines)


@pytest.mark.parametrize(
    ("vendor", "enter", "command", "error"),
    [
        (
            "vrp",
            "system-view",
            "info-center loghost 10.0.0.300",
            "Error: Wrong parameter found at '^' position.",
        ),
        (
            "comware",
            "system-view",
            "info-center loghost 10.0.0.300",
            "% Wrong parameter found at '^' position.",
        ),
        ("ios", "configure terminal", "logging host 10.0.0.300", "% Invalid input detected at '^' marker."),
    ],
)
def test_an_address_with_an_octet_above_255_is_refused_and_changes_nothing(
    tmp_path: Path, vendor: str, enter: str, command: str, error: str
) -> None:
    s = _session(tmp_path, vendor)
    before = _config(s)
    s.handle(enter)
    assert error in (s.handle(command).output or "")
    assert s.handle(command.replace("300", "30")).output in (None, ""), "a valid address is accepted"
    s.ctrl_z()
    after = _config(s)
    assert not any("10.0.0.300" in line for line in after)
    assert any("10.0.0.30" in line for line in after) and len(after) > len(before)
