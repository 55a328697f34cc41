"""A harden_linux molecule scenario on the lab (molecule/harden_deb, molecule/harden_rpm: default
driver, a lab host as the instance): create → converge → idempotence → verify (pytest-testinfra: the
hardened state per control id, then the 等保 audit: every machine-decidable item 符合 except the lab
limits) → destroy (the change rolled back). Lab id from COURTOPS_LAB_ID, like every lab test."""

from __future__ import annotations

import re
import subprocess
import time

import pytest

from courtops.lab.config import REPO_ROOT

from .conftest import BIN, Lab

pytestmark = pytest.mark.lab


#: both Linux layouts: about 100 s each on an otherwise idle lab (measured 102 s for harden_rpm and a
#: little more for harden_deb on lab 1, with CI running beside them)
@pytest.mark.parametrize("scenario", ["harden_deb", "harden_rpm"])
def test_molecule_harden_scenario(lab: Lab, scenario: str) -> None:
    env = dict(
        lab.env,
        PATH=f"{BIN}:{lab.env.get('PATH', '')}",
        COURTOPS_LAB_ID=str(lab.cfg.lab_id),
        COURTOPS_LAB_INVENTORY=str(lab.inventory.parent),  # lab 0's is the repository's inventory/lab
    )
    env.pop("ANSIBLE_STDOUT_CALLBACK", None)
    env.pop("ANSIBLE_CALLBACKS_ENABLED", None)
    started = time.monotonic()
    proc = subprocess.run(
        [str(BIN / "molecule"), "test", "-s", scenario],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        check=False,
    )
    print(f"molecule {scenario}: {time.monotonic() - started:.0f} s")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    # every action of the sequence ran and succeeded (molecule's recap counter is not used: it says
    # successful=4 for these five actions, all "Executed: Successful")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    for action in ("create", "converge", "idempotence", "verify", "destroy"):
        assert f"{scenario} ➜ {action}: Executed: Successful" in plain, (action, plain[-3000:])
    assert re.search(r"failed=0\b", plain) and not re.search(r"failed=[1-9]", plain), plain[-3000:]
    # the verifier really ran the testinfra tests (molecule skips an empty test directory with a warning)
    assert (
        re.search(r"\b(1[0-9]|[2-9][0-9]) passed\b", plain) and "Verifier completed successfully" in plain
    ), plain[-3000:]
