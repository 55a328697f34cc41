"""Shared test helpers: where the repository and its tools are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from courtops.module_utils_path import expose_module_utils

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

# the tests load modules of library/ from their files: their `from ansible.module_utils.courtops_cmd
# import …` finds the repository's module_utils as AnsiballZ would have packed it
expose_module_utils()


def tool(name: str) -> str:
    """Path of a console script of the running virtualenv (ansible, courtops …)."""
    return str(VENV_BIN / name)


def run_tool(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: int = 600):
    full_env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), **(env or {})}
    return subprocess.run(
        [tool(args[0]), *args[1:]], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )


def files_holding(root: Path, needles: tuple[str, ...]) -> list[str]:
    """Files under root, not through links (a private data dir's project/ is the checkout), that hold
    any of the needles: ``path: needle`` each."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            found += [f"{path}: {n}" for n in needles if n.encode() in data]
    return found


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL cluster for the whole session (tests/pgserver.py), removed at the end."""
    from tests.pgserver import PgServer

    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's results store goes, once on each backend: a new file, then a PostgreSQL database
    of its own (already at the current schema: tests of the migrations themselves use empty ones)."""
    if request.param == "sqlite":
        return str(tmp_path / "s.sqlite3")
    return request.getfixturevalue("pg_server").new_database(migrated=True)
