"""The molecule scenario on the lab (molecule/lab: default driver, lab hosts as instances) passes
its full sequence: create → converge → idempotence → verify → destroy."""

from __future__ import annotations

import subprocess

import pytest

from courtops.lab.config import REPO_ROOT

from .conftest import BIN, Lab

pytestmark = pytest.mark.lab


def test_molecule_lab_scenario(lab: Lab) -> None:
    if lab.cfg.lab_id != 0:
        pytest.skip("molecule/lab points at lab id 0's known_hosts and key")
    env = dict(lab.env, PATH=f"{BIN}:{lab.env.get('PATH', '')}")
    env.pop("ANSIBLE_STDOUT_CALLBACK", None)
    env.pop("ANSIBLE_CALLBACKS_ENABLED", None)
    proc = subprocess.run(
        [str(BIN / "molecule"), "test", "-s", "lab"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        check=False,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert "successful=5" in proc.stdout + proc.stderr
