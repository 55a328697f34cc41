"""courtops_backup's reading of the registered cli_command results: outputs become capture files, an
unreachable device / a refused or timed-out command becomes the reason (plugins/action/courtops_backup.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _plugin() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "courtops_backup_action", REPO / "plugins/action/courtops_backup.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_outputs_become_files_named_after_the_commands() -> None:
    results = [
        {"item": "display current-configuration", "stdout": "sysname a\nreturn"},
        {"item": "display version", "stdout": "VRP"},
        {"item": "display device", "stdout": "Slot 0"},
    ]
    files, errors = _plugin()._capture_files(results, "vrp")
    assert (
        files == {"config": "sysname a\nreturn", "version": "VRP", "display-device": "Slot 0"}
        and errors == []
    )


def test_refused_command_names_the_device_error_line() -> None:
    msg = "b\"display device manuinfo\\r\\n              ^\\r\\n % Unrecognized command found at '^' position.\\r\\n<H3C>\""
    files, errors = _plugin()._capture_files(
        [{"item": "display device manuinfo", "failed": True, "msg": msg}], "comware"
    )
    assert files == {} and errors == [
        "display device manuinfo 返回错误：% Unrecognized command found at '^' position."
    ]


def test_timeout_and_unreachable_are_reasons_said_once() -> None:
    timeout = {
        "item": "show running-config",
        "failed": True,
        "msg": "command timeout triggered, timeout value is 15 secs.",
    }
    down = {"item": "show version", "unreachable": True, "msg": "ssh connection failed"}
    _, errors = _plugin()._capture_files([timeout, down, dict(down, item="show inventory")], "ios")
    assert errors == [
        "show running-config 执行失败：command timeout triggered, timeout value is 15 secs.",
        "设备不可达：ssh connection failed",
    ]
