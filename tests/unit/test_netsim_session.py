"""A CLI session on a simulated device, without SSH: views and prompts, the vendors' questions,
save / reboot / startup file, flash files, configuration replace, errors and misbehaviour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from courtops.lab.netsim.device import DeviceState
from courtops.lab.netsim.session import Reply, Session

CONFIGS = Path(__file__).resolve().parents[2] / "lab" / "devices" / "configs"


def _session(tmp_path: Path, vendor: str, state: str = "compliant") -> Session:
    seed = (CONFIGS / f"{vendor}_{state}.cfg").read_text(encoding="utf-8").replace("@SYSNAME@", "dev1")
    unknown = {
        "vrp": "Error: Unrecognized command",
        "comware": "% Unrecognized command",
        "ios": "% Invalid input",
    }
    nos = {"commands": {"display clock": {"output": "2026-11-25 15:02:20+08:00"}, "_default_": {"output": unknown[vendor]}}}  # fmt: skip
    return Session(DeviceState("dev1", vendor, tmp_path / "dev1", seed), nos)


def _run(session: Session, *lines: str) -> list[Reply]:
    return [session.handle(line) for line in lines]


def test_vrp_change_prompts_save_question_and_reboot(tmp_path: Path) -> None:
    s = _session(tmp_path, "vrp")
    assert s.prompt() == "<dev1>"
    _run(s, "system-view")
    assert s.prompt() == "[dev1]"
    _run(s, "user-interface vty 0 4")
    assert s.prompt() == "[dev1-ui-vty0-4]"
    _run(s, "idle-timeout 5 0", "quit", "info-center loghost 10.9.9.9", "return")
    assert s.prompt() == "<dev1>"
    config = s.handle("display current-configuration").output or ""
    assert "info-center loghost 10.9.9.9" in config and " idle-timeout 5 0" in config
    assert config.endswith("\nreturn")
    ask = s.handle("save")
    assert ask.prompt == "Are you sure to continue?[Y/N]" and "flash:/vrpcfg.cfg" in (ask.output or "")
    assert "successfully" in (s.handle("y").output or "")
    _run(s, "system-view", "undo info-center loghost 10.9.9.9", "return")
    assert "Continue ? [y/n]:" in (s.handle("reboot").prompt or ""), "unsaved change: asks whether to save"
    assert s.handle("n").prompt == "System will reboot! Continue ? [y/n]:"
    assert s.handle("y").close
    after = _session(tmp_path, "vrp").handle("display current-configuration").output or ""
    assert "info-center loghost 10.9.9.9" in after, "saved change survives, unsaved undo is lost"


def test_vrp_answer_no_saves_nothing_and_reboot_drops_the_change(tmp_path: Path) -> None:
    s = _session(tmp_path, "vrp")
    _run(s, "system-view", "sysname renamed", "return", "save", "n", "reboot", "n", "y")
    assert s.prompt() == "<dev1>"
    assert "sysname renamed" not in (s.handle("display current-configuration").output or "")


def test_vrp_startup_file_on_flash_then_reboot_loads_it(tmp_path: Path) -> None:
    s = _session(tmp_path, "vrp")
    _run(s, "system-view", "sysname staged", "return")
    assert (
        s.handle("save staged.cfg").prompt
        == "Are you sure to save the configuration to flash:/staged.cfg?[Y/N]:"
    )
    _run(s, "y", "system-view", "sysname dev1", "return", "save", "y")
    listing = s.handle("dir").output or ""
    assert "staged.cfg" in listing and "vrpcfg.cfg" in listing
    assert "Error" in (s.handle("startup saved-configuration missing.cfg").output or "")
    assert "Succeeded" in (s.handle("startup saved-configuration staged.cfg").output or "")
    assert "Next startup saved-configuration file:     flash:/staged.cfg" in (
        s.handle("display startup").output or ""
    )
    assert "Continue ? [y/n]:" in (s.handle("reboot").prompt or ""), (
        "running differs from the next startup file"
    )
    _run(s, "n", "y")  # do not overwrite staged.cfg with the running config; reboot
    assert s.prompt() == "<staged>"


def test_vrp_invalid_config_commands_print_the_real_errors(tmp_path: Path) -> None:
    s = _session(tmp_path, "vrp")
    _run(s, "system-view")
    before = s.dev.running_text()
    assert "Error: Incomplete command found at '^' position." in (s.handle("undo").output or "")
    assert "Error: Incomplete command found at '^' position." in (s.handle("interface").output or "")
    assert s.dev.running_text() == before
    assert s.handle("return").output is None
    assert "Unrecognized" in (s.handle("display nonsense").output or "")
    assert s.handle("display clock").output == "2026-11-25 15:02:20+08:00", (
        "static show commands still answer"
    )


@pytest.mark.parametrize("vendor,end", [("vrp", "return"), ("comware", "return"), ("ios", "end")])
def test_misbehaviour_truncate_error_timeout(tmp_path: Path, vendor: str, end: str) -> None:
    s = _session(tmp_path, vendor)
    show = s.d.config_commands[0]
    assert (s.handle(show).output or "").endswith("\n" + end)
    s.dev.set_misbehave("truncate")
    cut = s.handle(show)
    assert cut.output and not cut.output.rstrip().endswith(end) and not cut.hang
    s.dev.set_misbehave("error")
    err = s.handle(show).output or ""
    assert ("Error:" in err or "% " in err) and end not in err.split("\n")
    s.dev.set_misbehave("timeout")
    assert s.handle(show).hang
    s.dev.set_misbehave("none")
    assert (s.handle(show).output or "").endswith("\n" + end)
    with pytest.raises(ValueError):
        s.dev.set_misbehave("explode")


def test_error_mode_rejects_config_commands(tmp_path: Path) -> None:
    s = _session(tmp_path, "comware")
    _run(s, "system-view")
    s.dev.set_misbehave("error")
    assert "Unrecognized" in (s.handle("sysname other").output or "")
    s.dev.set_misbehave("none")
    assert " sysname other" not in s.dev.running_text()


def test_comware_save_dialogue_replace_file_and_prompts(tmp_path: Path) -> None:
    s = _session(tmp_path, "comware")
    assert (
        s.handle("save").prompt
        == "The current configuration will be written to the device. Are you sure? [Y/N]:"
    )
    ask = s.handle("y")
    assert "[flash:/startup.cfg]" in (ask.output or "") and "press the enter key" in (ask.prompt or "")
    assert "successfully" in (s.handle("").output or "")
    _run(s, "save flash:/golden.cfg", "y", "system-view", "sysname changed", "line vty 0 63")
    assert s.prompt() == "[changed-line-vty0-63]"
    _run(s, "quit", "undo ssh server enable")
    assert " sysname changed" in s.dev.running_text()
    ask = s.handle("configuration replace file flash:/golden.cfg")
    assert ask.prompt == "Current configuration will be lost, save current configuration? [Y/N]:"
    assert "Succeeded in replacing" in (s.handle("n").output or "")
    text = s.dev.running_text()
    assert " sysname dev1" in text and " ssh server enable" in text
    assert "does not exist" in (s.handle("configuration replace file nothere.cfg").output or "")
    assert "successfully" in (s.handle("save force").output or "")


def test_ios_modes_write_reload_copy_and_configure_replace(tmp_path: Path) -> None:
    s = _session(tmp_path, "ios")
    assert s.prompt() == "dev1#"
    assert "End with CNTL/Z" in (s.handle("configure terminal").output or "")
    assert s.prompt() == "dev1(config)#"
    _run(s, "interface GigabitEthernet1/0/3")
    assert s.prompt() == "dev1(config-if)#"
    _run(s, "no shutdown", "description spare port", "exit", "ip access-list standard MGMT")
    assert s.prompt() == "dev1(config-std-nacl)#"
    _run(s, "exit", "logging host 10.9.9.9")
    assert "% Incomplete command." in (s.handle("no").output or "")
    assert "logging host 10.9.9.9" in (s.handle("do show running-config").output or "")
    _run(s, "end")
    assert s.handle("copy running-config flash:golden.cfg").prompt == "Destination filename [golden.cfg]? "
    assert "bytes copied" in (s.handle("").output or "")
    _run(s, "configure terminal", "no logging host 10.9.9.9", "hostname other", "end")
    assert s.prompt() == "other#"
    assert s.handle("reload").prompt == "System configuration has been modified. Save? [yes/no]: "
    assert s.handle("no").prompt == "Proceed with reload? [confirm]"
    assert s.handle("").close
    assert s.prompt() == "dev1#", "unsaved changes are lost on reload"
    assert "No such file" in (s.handle("configure replace flash:none.cfg force").output or "")
    assert "Rollback Done" in (s.handle("configure replace flash:golden.cfg force").output or "")
    config = s.handle("show running-config").output or ""
    assert "logging host 10.9.9.9" in config and " description spare port" in config
    assert s.handle("write memory").output == "Building configuration...\n[OK]"
    assert "logging host 10.9.9.9" in (s.handle("show startup-config").output or "")


def test_state_lives_on_disk_and_a_second_session_sees_it(tmp_path: Path) -> None:
    first = _session(tmp_path, "ios")
    _run(first, "configure terminal", "ntp server 10.1.1.1", "end")
    second = _session(tmp_path, "ios")  # same directory, like a new SSH session or a restarted simulator
    assert "ntp server 10.1.1.1" in (second.handle("show running-config").output or "")
    assert second.dev.unsaved()


def test_vrp_status_outputs_follow_the_configuration(tmp_path: Path) -> None:
    from courtops.lab import devices
    from courtops.lab.config import LabConfig
    from courtops.lab.plan import LabPlan

    cfg = LabConfig.from_env(
        {"COURTOPS_LAB_ID": "0", "COURTOPS_LAB_STATE": str(tmp_path), "COURTOPS_LAB_CACHE": "/tmp/c"}
    )
    for spec in (s for s in LabPlan.build(cfg, 0, 6, 0).network if s.platform == "vrp"):
        nos = devices.nos_definition(cfg, spec)
        seed = nos["commands"]["display current-configuration"]["output"]
        s = Session(DeviceState(spec.name, "vrp", tmp_path / spec.name, seed), nos)
        for command in ("display telnet server status", "display ssh server status"):
            assert s.handle(command).output == nos["commands"][command]["output"], "seeded state: unchanged"
        if spec.vars["lab_compliant"]:
            continue
        _run(s, "system-view", "undo telnet server enable", "telnet server disable", "ssh server acl 2000",
             "undo ssh server compatible-ssh1x enable", "undo sftp server enable", "return")  # fmt: skip
        telnet = s.handle("display telnet server status").output or ""
        assert re.search(r"TELNET IPv4 server\s+:Disable", telnet)
        ssh = s.handle("display ssh server status").output or ""
        assert re.search(r"SSH version\s+:2.0", ssh) and re.search(r"ACL4 number\s+:2000", ssh)
        assert re.search(r"SFTP Server\s+:Disable", ssh) and re.search(r"Stelnet server\s+:Enable", ssh)
