"""The lab's network devices hold configuration state (issue 11, deliverable 8), seen through
network_cli as the backup, restore and hardening playbooks see it: on the three spares (one per
platform, factory configuration), a pushed change shows up as exactly that, a second push changes
nothing, a saved change survives a reboot and an unsaved one does not, a file copied onto flash
restores with the vendor's mechanism, and each misbehaviour reaches the client."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import BIN, Lab

pytestmark = pytest.mark.lab

PLAYBOOK = Path(__file__).parent / "playbooks" / "netsim_state.yml"
END = {"vrp": "return", "comware": "return", "ios": "end"}
#: what the device rewrites by itself on every change (IOS byte count, last-change comments)
VOLATILE = re.compile(
    r"^(Current configuration : \d+ bytes|! ?Last configuration (change|was updated) at .*)$"
)
ADDED = {
    "vrp": ["+info-center loghost 10.250.0.9", "+ idle-timeout 5 0"],
    "comware": ["+ info-center loghost 10.250.0.9", "+ idle-timeout 5 0"],
    "ios": ["+logging host 10.250.0.9", "+ exec-timeout 5 0"],
}
UNSAVED = {"vrp": "ntp-service unicast-server 10.250.0.8", "comware": "ntp-service unicast-server 10.250.0.8",
           "ios": "ntp server 10.250.0.8"}  # fmt: skip


@pytest.fixture(scope="module")
def run(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("netsim")
    proc = lab.playbook(PLAYBOOK, "-e", f"courtops_bin={BIN / 'courtops'}", "-e", f"lab_tmp={tmp}")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0, json.dumps(data.get("stats"), indent=1) + proc.stderr[-2000:]
    per_host: dict[str, dict[str, Any]] = {}
    for task in data["plays"][0]["tasks"]:
        for host, res in task["hosts"].items():
            per_host.setdefault(host, {})[task["task"]["name"]] = res
    assert sorted(per_host) == sorted(s.name for s in lab.spares)
    return per_host


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not VOLATILE.match(line)]


def _changes(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(_lines(before), _lines(after), lineterm="", n=0)
    # a new block brings its own separator line (`#`, `!`) as on the real devices: not a change
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")) and d[1:] not in ("#", "!")]


def _spare(lab: Lab, platform: str) -> str:
    return next(s.name for s in lab.spares if s.platform == platform)


PLATFORMS = ["vrp", "comware", "ios"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_spare_starts_factory_default_and_answers(lab: Lab, run: dict[str, Any], platform: str) -> None:
    before = run[_spare(lab, platform)]["Configuration before"]["stdout"]
    factory = {"vrp": "sysname HUAWEI", "comware": " sysname H3C", "ios": "hostname Switch"}[platform]
    assert factory in before.splitlines() and before.splitlines()[-1] == END[platform]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_push_shows_exactly_the_change_and_again_changes_nothing(
    lab: Lab, run: dict[str, Any], platform: str
) -> None:
    res = run[_spare(lab, platform)]
    assert res["Push a change"]["changed"] is True
    assert sorted(
        _changes(res["Configuration before"]["stdout"], res["Configuration after the push"]["stdout"])
    ) == (sorted(ADDED[platform]))
    assert res["Push the same change again"]["changed"] is False, "cli_config's diff finds nothing to push"
    assert _lines(res["Configuration after the second push"]["stdout"]) == _lines(
        res["Configuration after the push"]["stdout"]
    )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_saved_change_survives_reboot_unsaved_is_lost(lab: Lab, run: dict[str, Any], platform: str) -> None:
    res = run[_spare(lab, platform)]
    assert UNSAVED[platform] in res["Configuration with the unsaved change"]["stdout"]
    rebooted = res["Configuration after the reboot"]["stdout"]
    assert UNSAVED[platform] not in rebooted
    assert _lines(rebooted) == _lines(res["Configuration after the push"]["stdout"])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_file_on_flash_restores_with_the_vendor_mechanism(
    lab: Lab, run: dict[str, Any], platform: str
) -> None:
    res = run[_spare(lab, platform)]
    assert "golden.cfg" in res["List the flash"]["stdout"]
    restored = res["Configuration after the restore"]["stdout"]
    name = {"vrp": "RESTORED-VRP", "comware": "RESTORED-CMW", "ios": "RESTORED-IOS"}[platform]
    expected = res["Configuration after the reboot"]["stdout"]
    renamed = re.sub(r"(?m)^( ?)(sysname|hostname) \S+", rf"\1\2 {name}", expected)
    assert _changes(expected, restored) == _changes(expected, renamed), "the restored file, nothing else"
    assert any(name in line for line in _changes(expected, restored))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_misbehaviour_reaches_the_client_and_the_run_goes_on(
    lab: Lab, run: dict[str, Any], platform: str
) -> None:
    res = run[_spare(lab, platform)]
    truncated = res["Configuration, truncated"]
    assert not truncated.get("failed") and truncated["stdout"].strip()
    assert truncated["stdout"].splitlines()[-1] != END[platform], "no end marker"
    errored = res["Configuration, error"]
    assert errored["failed"] is True
    assert re.search(r"Error: Unrecognized command|% Unrecognized command|% Invalid input", errored["msg"])
    timed_out = res["Configuration, timeout"]
    assert timed_out["failed"] is True and "timeout" in timed_out["msg"]
    recovered = res["Configuration after recovering"]["stdout"]
    assert recovered.splitlines()[-1] == END[platform], "after `--misbehave none` the device answers in full"
