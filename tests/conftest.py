"""Shared test helpers: where the repository and its tools are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """Path of a console script of the running virtualenv (ansible, courtops …)."""
    return str(VENV_BIN / name)


def run_tool(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: int = 600):
    full_env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), **(env or {})}
    return subprocess.run(
        [tool(args[0]), *args[1:]], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
