"""courtops_host_metrics on recorded target output (community.general style: data in, result out).

Each case under tests/data/host_metrics/ holds what a real host gave: /proc files, statvfs answers, the
output of each command (or that it timed out), and the expected raw readings and the judged states with
the project's thresholds (playbooks/group_vars/all/inspection.yml), boundaries included.
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from courtops.inspection.judge import judge
from tests.conftest import REPO

CASES = sorted((REPO / "tests" / "data" / "host_metrics").glob("*.yml"))
THRESHOLDS = yaml.safe_load((REPO / "playbooks/group_vars/all/inspection.yml").read_text(encoding="utf-8"))[
    "inspection_thresholds"
]

_spec = importlib.util.spec_from_file_location(
    "courtops_host_metrics", REPO / "library" / "courtops_host_metrics.py"
)
assert _spec and _spec.loader
hm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hm)


class FakeModule:
    def __init__(self, commands: dict[str, Any]) -> None:
        self.tools = {c.split()[0] for c in commands}

    def get_bin_path(self, name: str) -> str | None:
        return f"/usr/bin/{name}" if name in self.tools else None


def fake_runner(commands: dict[str, Any]):
    def run(args: list[str]) -> tuple[int | None, str]:
        key = " ".join(args)
        if args[0] not in {c.split()[0] for c in commands}:
            return None, f"{args[0]} not installed"
        answer = commands[key]  # a command the case did not record is a test error (KeyError)
        if answer.get("timeout"):
            return None, f"超时：{' '.join(args[:2])} 在 3 秒内未返回"
        return answer["rc"], answer["stdout"]

    return run


def gather_case(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    files, table, paths = case["files"], case["statvfs"], case.get("paths") or {}

    def statvfs(path: str) -> Any:
        entry = table[path]
        if "error" in entry:
            raise PermissionError(13, entry["error"])
        return SimpleNamespace(
            f_blocks=entry["blocks"], f_bfree=entry["bfree"], f_bavail=entry["bavail"], f_frsize=4096
        )

    def stat(path: str) -> Any:
        if path in table:
            return SimpleNamespace(st_dev=table[path]["dev"], st_mtime=0)
        if path in paths:
            return SimpleNamespace(st_dev=0, st_mtime=paths[path])
        raise FileNotFoundError(2, "No such file or directory", path)

    # the module's view of the host's file system only (the real os module stays untouched)
    host_os = SimpleNamespace(
        statvfs=statvfs,
        stat=stat,
        cpu_count=lambda: case.get("cpu_count", 2),
        listdir=lambda path: [],
        path=SimpleNamespace(
            isdir=lambda p: p in table, exists=lambda p: p in table or p in paths, join=os.path.join
        ),
    )
    monkeypatch.setattr(hm, "_read", lambda path: files[path])
    monkeypatch.setattr(hm, "os", host_os)
    commands = case["commands"]
    return hm.gather(FakeModule(commands), case["services"], case["since"], [], fake_runner(commands))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_recorded_output_gives_the_expected_readings_and_states(path: Path, monkeypatch: pytest.MonkeyPatch):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    metrics = gather_case(case, monkeypatch)
    for key, expected in case["expect"]["metrics"].items():
        assert metrics[key] == expected, key
    for key, words in (case["expect"].get("unreadable") or {}).items():
        assert words in metrics["unreadable"][key], metrics["unreadable"]
    checks = list(case["expect"]["judged"])
    results = judge("host", checks, {"host_metrics": metrics}, THRESHOLDS, {"now": time.time()})
    judged: dict[str, dict[str, str]] = {}
    for r in results:
        judged.setdefault(r.check, {})[r.item] = r.state
    assert judged == case["expect"]["judged"]


def test_there_are_cases_for_each_boundary():
    assert len(CASES) >= 3


def test_mount_field_escapes_are_decoded():
    assert hm._unescape_mount(r"/srv/data\040disk") == "/srv/data disk"
    assert hm._unescape_mount(r"/a\011tab\012nl\134back") == "/a\ttab\nnl\\back"
    assert hm._unescape_mount(r"/odd\04") == r"/odd\04"  # not an escape: kept as it is


def test_a_hung_command_is_killed_with_its_children_within_the_timeout(tmp_path):
    marker = tmp_path / "child.pid"
    script = tmp_path / "hang.sh"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {marker}\nwait\n")
    script.chmod(0o755)
    module = SimpleNamespace(get_bin_path=lambda name: str(script) if name == "hang" else None)
    started = time.monotonic()
    rc, text = hm.Runner(module, 1.0)(["hang", "--now"])
    assert rc is None and text.startswith("超时：hang --now") and time.monotonic() - started < 10
    child = Path(f"/proc/{int(marker.read_text())}/stat")
    deadline = time.monotonic() + 5  # SIGKILL is delivered at once; reaping may take a moment
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child)  # the command's child was killed too, not left sleeping


def _running(stat: Path) -> bool:
    try:
        return ") Z" not in stat.read_text(errors="replace")  # a zombie is dead, only not yet reaped
    except FileNotFoundError:
        return False


def test_the_runner_reports_a_missing_command_and_returns_output():
    module = SimpleNamespace(get_bin_path=lambda name: {"sh": "/bin/sh"}.get(name))
    runner = hm.Runner(module, 10.0)
    assert runner(["timedatectl"]) == (None, "timedatectl not installed")
    assert runner(["sh", "-c", "echo $LC_ALL; exit 3"]) == (3, "C\n")
