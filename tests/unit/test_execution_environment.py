"""The execution environment (AWX / AAP): `ansible-builder create` writes its build context without a
container engine, with the pinned packages and the courtops package, and no Galaxy step."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from courtops import REPO_ROOT

from ..conftest import tool


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.lower()] = version
    return pins


def test_ee_python_pins_are_the_lock_pins() -> None:
    ee, lock = (
        _pins(REPO_ROOT / "requirements" / "ee.txt"),
        _pins(REPO_ROOT / "requirements" / "constraints.txt"),
    )
    assert "ansible" in ee and "ansible-runner" in ee
    assert all(version for version in ee.values()), "every EE package is pinned"
    assert {name: lock.get(name) for name in ee} == ee
    spec = yaml.safe_load((REPO_ROOT / "execution-environment.yml").read_text(encoding="utf-8"))
    deps = spec["dependencies"]
    assert deps["ansible_core"]["package_pip"] == f"ansible-core=={lock['ansible-core']}"
    assert deps["ansible_runner"]["package_pip"] == f"ansible-runner=={lock['ansible-runner']}"
    assert "galaxy" not in deps  # the collections come with the `ansible` package


def test_ansible_builder_create_writes_the_build_context(tmp_path: Path) -> None:
    context = tmp_path / "context"
    proc = subprocess.run(
        [tool("ansible-builder"), "create", "-f", "execution-environment.yml", "-c", str(context),
         "--output-filename", "Containerfile"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM base AS final$", containerfile, re.M)
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile
    assert "ansible-galaxy" not in containerfile  # no Galaxy: the court's network does not reach it
    assert "pip install --no-cache-dir --no-deps /tmp/courtops-src" in containerfile
    requirements = (context / "_build" / "requirements.txt").read_text(encoding="utf-8")
    assert "ansible==12.3.0" in requirements
    src = context / "_build" / "courtops-src"
    assert (src / "pyproject.toml").is_file() and (src / "courtops" / "jobs" / "run.py").is_file()
    assert (context / "_build" / "bindep.txt").is_file()
