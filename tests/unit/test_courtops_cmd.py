"""module_utils/courtops_cmd.py: the bounded command runner the Linux modules share, imported the way
the modules import it (ansible.module_utils.courtops_cmd, made findable by tests/conftest.py)."""

from __future__ import annotations

import ast
import time
from pathlib import Path

from ansible.module_utils.courtops_cmd import ERR_TAIL, execute, run

from tests.conftest import REPO

ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}


def test_parses_as_python_3_6() -> None:  # it runs on the target's Python, like the modules
    ast.parse((REPO / "module_utils" / "courtops_cmd.py").read_text(encoding="utf-8"), feature_version=(3, 6))


def test_exit_status_output_and_the_end_of_stderr() -> None:
    rc, out, err = run(
        [
            "sh",
            "-c",
            f"echo $LC_ALL; head -c {ERR_TAIL + 500} /dev/zero | tr '\\0' x >&2; echo END >&2; exit 3",
        ],
        10,
        ENV,
    )
    assert (rc, out) == (3, "C\n")
    assert len(err) == ERR_TAIL and err.endswith("xEND\n")


def test_a_missing_command_is_127_and_never_raises() -> None:
    rc, out, err = run(["/nonexistent/courtops-tool"], 10, ENV)
    assert rc == 127 and out == "" and "courtops-tool" in err
    assert run(["bad\0arg"], 10, ENV)[0] == 127  # ValueError from Popen: still an answer


def test_a_timeout_is_124_keeps_what_came_before_and_kills_the_group(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    started = time.monotonic()
    rc, out, err = run(["sh", "-c", f"echo partial; sleep 300 & echo $! > {marker}; wait"], 1, ENV)
    assert rc == 124 and out == "partial\n" and err == "超时：sh 在 1 秒内未返回 (timeout)"
    assert time.monotonic() - started < 10
    stat = Path(f"/proc/{int(marker.read_text())}/stat")
    deadline = time.monotonic() + 5  # SIGKILL is delivered at once; reaping may take a moment
    while _alive(stat) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(stat)  # the command's background child was killed with it
    done = execute(["sh", "-c", "sleep 300"], 0.5, ENV)
    assert done.rc is None and done.timed_out and done.failure is None


def _alive(stat: Path) -> bool:
    try:
        return ") Z" not in stat.read_text(errors="replace")  # a zombie is dead, only not yet reaped
    except FileNotFoundError:
        return False
