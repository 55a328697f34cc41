"""The Linux collector: runs on old Pythons, never leaks hashes, works through Ansible."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.unit.casekit import REPO, build_tree, collector

MODULE = REPO / "library" / "courtops_linux_collect.py"


def test_parses_as_python_3_6() -> None:
    ast.parse(MODULE.read_text(encoding="utf-8"), feature_version=(3, 6))


def _tree(tmp_path: Path) -> Path:
    build_tree(
        tmp_path,
        {
            "files": {
                "/etc/passwd": {"constructed": "linux/passwd_debian"},
                "/etc/shadow": {"constructed": "linux/shadow_weak"},
                "/etc/pam.d/common-auth": {"constructed": "linux/common-auth_tally2"},
                "/etc/world": {"text": "x"},
            },
            "modes": {"/etc/world": "666"},
        },
    )
    return tmp_path


def test_shadow_states_without_hashes(tmp_path: Path) -> None:
    ev = collector().collect(str(_tree(tmp_path)))
    dumped = json.dumps(ev)
    assert "placeholder" not in dumped and "fixtureDES" not in dumped
    states = {s["name"]: (s["state"], s["scheme"]) for s in ev["shadow"]}
    assert states["root"] == ("set", "1") and states["games"] == ("set", "des")
    assert states["kylin"] == ("empty", None) and states["daemon"] == ("locked", None)
    assert ev["world_writable"] == ["/etc/world"]
    assert ev["commands"] == {}  # a non-/ root never runs commands


def test_through_ansible_module(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_STDOUT_CALLBACK="json",
        ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
    )
    out = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "ansible"),
            "localhost",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-m",
            "courtops_linux_collect",
            "-a",
            f"root={root}",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    doc, _ = json.JSONDecoder().raw_decode(
        out.stdout[out.stdout.index("\n{") + 1 :]
    )  # profile_tasks text around it
    result = doc["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert result["changed"] is False
    assert result["evidence"]["files"]["/etc/pam.d/common-auth"].startswith("# /etc/pam.d/common-auth")
    assert "placeholder" not in out.stdout


def test_enabled_unit_candidates_cover_what_systemd_can_call_enabled(tmp_path: Path) -> None:
    """The names the collector asks `systemctl list-unit-files --state=enabled` about: every entry of
    /etc/systemd/system and of its .wants/.requires/.upholds directories, what each symlink points at
    and the template of an instance; never a drop-in directory, a mask's /dev/null or another directory."""
    etc = tmp_path / "etc/systemd/system"
    for sub in ("multi-user.target.wants", "getty.target.wants", "sockets.target.requires", "foo.service.d"):
        (etc / sub).mkdir(parents=True)
    (etc / "multi-user.target.wants/ssh.service").symlink_to("/lib/systemd/system/ssh.service")
    (etc / "sshd.service").symlink_to("/lib/systemd/system/ssh.service")  # an alias
    (etc / "getty.target.wants/getty@tty1.service").symlink_to("/lib/systemd/system/getty@.service")
    (etc / "multi-user.target.wants/agent@main.service").symlink_to("../agent@main.service")
    (etc / "sockets.target.requires/req.socket").write_text("[Socket]\n")  # a plain file counts too
    (etc / "console-getty.service").symlink_to("/dev/null")  # masked: the name, not "null"
    (etc / "foo.service.d/override.conf").write_text("[Service]\n")  # a drop-in enables nothing
    (etc / "other.d").mkdir()
    (etc / "other.d/x.service").symlink_to("/lib/systemd/system/x.service")  # not a dependency directory
    names = collector().enabled_unit_candidates(str(tmp_path))
    assert names == [
        "agent@.service",
        "agent@main.service",
        "console-getty.service",
        "getty@.service",
        "getty@tty1.service",
        "req.socket",
        "ssh.service",
        "sshd.service",
    ]
    assert collector().enabled_unit_candidates(str(tmp_path / "nothing")) == []
