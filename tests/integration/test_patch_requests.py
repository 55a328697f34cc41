"""The dnf (Kylin / Red Hat) and WSUS (Windows) patch paths cannot run in this lab (its hosts are
Debian; there is no Windows): these tests check what the roles would send — the zone's mirror only,
security only, held packages excluded, WSUS categories, reject list, reboot gated by the calendar."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

PLAY = REPO / "tests" / "integration" / "playbooks" / "patch_requests.yml"


def requests(*extra: str) -> dict[str, Any]:
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
               ANSIBLE_CALLBACKS_ENABLED="ansible.posix.json")  # fmt: skip
    cmd = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i",
        "localhost,",
        "-c",
        "local",
        str(PLAY),
        *extra,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    tasks = json.loads(proc.stdout)["plays"][0]["tasks"]
    return dict(tasks[-1]["hosts"]["localhost"]["msg"])


def test_dnf_uses_only_the_zone_mirror_and_excludes_held_packages():
    sent = requests(
        "-e", json.dumps({
            "patch_linux_yum_mirror": "http://mirror.intranet.court/kylin/",
            "patch_linux_hold_packages": ["recorder-client"],
        }),
    )  # fmt: skip
    assert sent["dnf"] == {
        "name": "*", "state": "latest", "update_only": True, "security": False,
        "exclude": ["recorder-client"], "disablerepo": "*", "enablerepo": ["courtops-base", "courtops-updates"],
    }  # fmt: skip
    assert [r["baseurl"] for r in sent["repos"]] == [
        "http://mirror.intranet.court/kylin/BaseOS/$basearch/os",
        "http://mirror.intranet.court/kylin/updates/$basearch",
    ]
    assert all(r["gpgcheck"] is True for r in sent["repos"])


@pytest.mark.parametrize("flag", ["patch_security_only=true", "patch_linux_security_only=true"])
def test_dnf_security_only(flag):
    assert requests("-e", "patch_linux_yum_mirror=http://m", "-e", flag)["dnf"]["security"] is True


def test_wsus_request_categories_reject_list_and_calendar_gated_reboot():
    sent = requests(
        "-e", json.dumps({"patch_windows_reject_list": ["KB5034441"], "patch_windows_reboot_allowed": False})
    )
    assert sent["win"] == {
        "server_selection": "managed_server", "category_names": ["SecurityUpdates", "CriticalUpdates", "UpdateRollups"],
        "reject_list": ["KB5034441"], "state": "installed", "reboot": False, "reboot_timeout": 1200,
    }  # fmt: skip
    secure = requests("-e", "patch_security_only=true")["win"]
    assert secure["category_names"] == ["SecurityUpdates", "CriticalUpdates"] and secure["reboot"] is True
