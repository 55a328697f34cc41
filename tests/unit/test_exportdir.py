"""Issue 16.5: each run's export in a directory of its own; `latest` repointed atomically."""

from __future__ import annotations

import os
import threading

import pytest

from courtops.exportdir import ExportDirError, make_run_dir, point_latest, run_dir_name


def test_two_runs_in_the_same_second_get_different_directories(tmp_path):
    assert run_dir_name("run-a", now=0) != run_dir_name("run-b", now=0)
    assert run_dir_name("", now=0) != run_dir_name("", now=0)  # no run id: a random token
    assert run_dir_name("3f0c9a2e-1111", now=0).startswith("19700101T000000Z-3f0c9a2e1111")


def test_even_the_same_run_token_never_shares_a_directory(tmp_path):
    made: list = []
    threads = [threading.Thread(target=lambda: made.append(make_run_dir(tmp_path, "same"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(made)) == 8 and all(p.is_dir() and p.parent == tmp_path for p in made)


def test_latest_is_replaced_not_removed_and_recreated(tmp_path):
    first, second = make_run_dir(tmp_path, "one"), make_run_dir(tmp_path, "two")
    latest = point_latest(tmp_path, first)
    inode_before = os.lstat(latest).st_ino
    point_latest(tmp_path, second)
    assert latest.readlink().name == second.name and os.lstat(latest).st_ino != inode_before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name, "latest"])


def test_a_real_latest_directory_is_an_error_not_deleted(tmp_path):
    (tmp_path / "latest").mkdir()
    (tmp_path / "latest" / "keep.txt").write_text("x")
    with pytest.raises(ExportDirError, match="not a link"):
        point_latest(tmp_path, make_run_dir(tmp_path, "one"))
    assert (tmp_path / "latest" / "keep.txt").exists()
