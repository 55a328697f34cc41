"""Issue 16.6: the recorder with another ansible.cfg (one that does not name a store or error file).

The options used to default to "" which Ansible's `type: path` turns into the working directory: every
run failed with exit 74 and the error file (the directory itself) was never written. Now an unset store
is courtops' default store and the error file is derived from the store.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from courtops import REPO_ROOT

from .test_recorder import ANSIBLE_PLAYBOOK, DATA


def run_with_config(tmp_path: Path, recorder_section: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """simple.yml under a foreign ansible.cfg, from a foreign working directory, with a private copy of
    the courtops package (so its default store, beside the package, is inside tmp_path)."""
    package_root = tmp_path / "checkout"
    shutil.copytree(
        REPO_ROOT / "courtops", package_root / "courtops", ignore=shutil.ignore_patterns("__pycache__")
    )
    config = tmp_path / "other" / "ansible.cfg"
    config.parent.mkdir(exist_ok=True)
    config.write_text(
        "[defaults]\n"
        f"callback_plugins = {REPO_ROOT / 'plugins' / 'callback'}\n"
        "callbacks_enabled = courtops_recorder\n"
        f"{recorder_section}",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURTOPS_", "ANSIBLE_"))}
    env.update(ANSIBLE_CONFIG=str(config), PYTHONPATH=str(package_root), ANSIBLE_NOCOLOR="1")
    workdir = tmp_path / "somewhere-else"
    workdir.mkdir()
    proc = subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", str(DATA / "simple.yml")],
        env=env, cwd=workdir, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return proc, package_root


def test_no_store_configured_records_into_the_default_store(tmp_path: Path) -> None:
    proc, package_root = run_with_config(tmp_path, "")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    store = package_root / ".cache" / "courtops.sqlite3"
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        assert db.execute("SELECT kind, status FROM runs").fetchall() == [("simple", "ok")]
    assert not list((tmp_path / "somewhere-else").iterdir())  # nothing written in the working directory


def test_error_file_is_derived_from_the_configured_store(tmp_path: Path) -> None:
    # the store path names a directory: it cannot be opened, and the error must land beside it
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "busy").mkdir()
    proc, _ = run_with_config(tmp_path, "[callback_courtops_recorder]\nstore = busy\n")
    assert proc.returncode == 74, proc.stdout + proc.stderr
    error_file = tmp_path / "other" / "busy.error"
    assert "cannot open the results store" in error_file.read_text(encoding="utf-8")
