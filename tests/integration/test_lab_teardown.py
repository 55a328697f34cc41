"""Lab lifecycle: `up` twice is harmless, `down` leaves nothing of this lab id behind (and nothing of
another id is touched), and `down` after a killed `up` still cleans up.

It takes the session lab down and, in its last test, brings it back up, so test files running
after it still find the lab (the fixture takes it down at session end if it started it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from courtops.lab import hosts, netns, state
from courtops.lab import lab as lab_mod
from courtops.lab.config import LabConfig
from courtops.lab.device_control import control

from .conftest import Lab

pytestmark = pytest.mark.lab


def assert_nothing_left(cfg: LabConfig) -> None:
    assert hosts.lab_processes(cfg) == [], "processes left"
    assert netns.list_netns(cfg) == [], "namespaces left"
    assert netns.lab_links(cfg) == [], "links / bridge left"
    assert hosts.lab_mounts(cfg) == [], "mounts left"
    assert hosts.lab_cgroups(cfg) == [], "cgroups left"
    nspawn = [
        p for p in Path("/proc").iterdir()
        if p.name.isdigit() and f"-M\0{cfg.prefix}-".encode() in _cmdline(p)
    ]  # fmt: skip
    assert nspawn == [], "containers left"
    assert not cfg.hosts_dir.exists() and not cfg.state_file.exists()
    assert not (cfg.inventory_dir / "hosts.yml").exists()
    known = Path.home() / ".ssh" / "known_hosts"
    assert f"courtops-lab-{cfg.lab_id} begin" not in (known.read_text() if known.exists() else "")


def _cmdline(p: Path) -> bytes:
    try:
        return (p / "cmdline").read_bytes()
    except OSError:
        return b""


@pytest.fixture
def foreign_sentinel(lab: Lab) -> Iterator[str]:
    """A link named like another lab id's veth: `down` must leave it alone."""
    other = 5 if lab.cfg.lab_id != 5 else 4
    name = f"cl{other}hsentinel"
    subprocess.run(["ip", "link", "add", name, "type", "bridge"], check=True)
    yield name
    subprocess.run(["ip", "link", "del", name], check=False)


def test_up_twice_is_harmless(lab: Lab) -> None:
    spare = next(s.name for s in lab.spares if s.platform == "ios")
    pushed = lab.ansible(spare, "ansible.netcommon.cli_config", "config='logging host 10.250.0.5'")
    assert pushed[spare]["changed"] is True, pushed
    before = state.load(lab.cfg)
    lab_mod.up(lab.cfg, len(lab.linux), len(lab.network), len(lab.snmp))
    after = state.load(lab.cfg)
    shown = lab.ansible(spare, "ansible.netcommon.cli_command", "command='show running-config'")
    assert "logging host 10.250.0.5" in shown[spare]["stdout"], "device state survives an `up` rerun"
    control(lab.cfg, spare, reset_state=True)
    assert {n: v["nspawn_pid"] for n, v in after["linux"].items()} == {
        n: v["nspawn_pid"] for n, v in before["linux"].items()
    }
    assert after["network"] == before["network"] and after["snmp"] == before["snmp"]
    assert after["systems"] == before["systems"]  # the named systems' agent, encoders and services kept
    assert len(netns.lab_links(lab.cfg)) == len(lab.linux) + 3  # bridge + host veths + 2 simulator veths
    assert lab.ansible(lab.linux[0].name, "ansible.builtin.ping")[lab.linux[0].name]["ping"] == "pong"


def test_down_removes_everything_of_this_lab_only(lab: Lab, foreign_sentinel: str) -> None:
    control(lab.cfg, next(s.name for s in lab.spares), misbehave="error")
    lab_mod.down(lab.cfg)
    assert_nothing_left(lab.cfg)
    assert not (lab.cfg.state_dir / "devices").exists(), "device state (configs, flash, misbehave) is reset"
    assert netns.link_exists(foreign_sentinel), "down removed a link of another lab id"
    assert Path("/proc/sys/net/ipv4/ip_forward").read_text().strip() == "0"


def test_down_after_a_killed_up_cleans_up(lab: Lab) -> None:
    cmd = [sys.executable, "-m", "courtops", "lab", "up", "--linux", "3", "--network", "2", "--snmp", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    # kill it mid-way: once containers are booting but before it finishes
    while time.monotonic() < deadline and proc.poll() is None and len(hosts.lab_mounts(lab.cfg)) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert hosts.lab_mounts(lab.cfg) or hosts.lab_processes(lab.cfg), (
        "the killed up left nothing to test with"
    )
    subprocess.run([sys.executable, "-m", "courtops", "lab", "down"], check=True, capture_output=True)
    assert_nothing_left(lab.cfg)


def test_lab_is_back_up_for_later_tests(lab: Lab) -> None:
    """Other test files using the session `lab` fixture may run after this one: restore the lab
    (the fixture still takes it down at session end if it started it)."""
    lab_mod.up(lab.cfg, len(lab.linux), len(lab.network), len(lab.snmp))
    assert lab_mod.status(lab.cfg)["linux_running"] == len(lab.linux)
    result = lab.ansible("linux_deb:linux_rpm", "ansible.builtin.ping")
    assert sorted(result) == sorted(h.name for h in lab.linux)
