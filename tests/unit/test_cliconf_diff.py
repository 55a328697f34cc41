"""cli_config's diff for the VRP and Comware cliconf plugins: only what the device lacks is pushed."""

from __future__ import annotations

from pathlib import Path

import pytest

from courtops.cliconf_diff import generate_diff, unindent_globals

CONFIGS = Path(__file__).resolve().parents[2] / "lab" / "devices" / "configs"


def test_comware_global_lines_are_not_children_of_the_section_before() -> None:
    running = (CONFIGS / "comware_compliant.cfg").read_text(encoding="utf-8")
    flat = unindent_globals(running).splitlines()
    assert "sysname @SYSNAME@" in flat and "undo telnet server enable" in flat
    assert " ip address @ADDRESS@ 255.255.0.0" in flat, "section children keep their indentation"
    present = "undo telnet server enable\nline vty 0 63\n idle-timeout 10 0"
    assert generate_diff(present, running, global_indent=True)["config_diff"] == ""
    missing = "info-center loghost 10.9.9.9\nline vty 0 63\n idle-timeout 5 0"
    assert generate_diff(missing, running, global_indent=True)["config_diff"].splitlines() == [
        "info-center loghost 10.9.9.9", "line vty 0 63", "idle-timeout 5 0"
    ]  # fmt: skip


def test_vrp_diff_pushes_only_missing_lines_with_their_section() -> None:
    running = (CONFIGS / "vrp_compliant.cfg").read_text(encoding="utf-8")
    candidate = "telnet server disable\nuser-interface vty 0 4\n idle-timeout 10 0\n idle-timeout 5 0"
    assert generate_diff(candidate, running)["config_diff"].splitlines() == [
        "user-interface vty 0 4", "idle-timeout 5 0"
    ]  # fmt: skip
    assert generate_diff(candidate, running, diff_match="none")["config_diff"].count("\n") == 3


def test_bad_arguments_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="candidate configuration is required"):
        generate_diff(None, "")
    with pytest.raises(ValueError, match="'diff_match' value 'fuzzy' is invalid"):
        generate_diff("x", "", diff_match="fuzzy")
