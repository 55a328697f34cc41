"""Refuse to open SQLite in a process forked from a multi-threaded parent.

Ansible forks its worker processes from the controller, where the recorder callback runs a writer
thread that holds SQLite's (and the C allocator's) mutexes from time to time. A forked child inherits
those mutexes locked by a thread that does not exist in the child, so ``sqlite3.connect`` there can
block forever (issue 16.2: ``inspect.yml`` hung in ``pysqlite_connection_init``). The rule: no SQLite
in such a child. Plugins reach the store through ``courtops.store_access``, which execs a fresh
process; this guard turns any slip into an immediate, clear error instead of a rare hang.
"""

from __future__ import annotations

import os
import threading

_threads_at_last_fork = 1
_forked_from_threads = False


def _before_fork() -> None:
    global _threads_at_last_fork
    _threads_at_last_fork = threading.active_count()


def _after_fork_in_child() -> None:
    global _forked_from_threads
    # sticky: a grandchild of a threaded process inherits the parent's locked mutexes too
    _forked_from_threads = _forked_from_threads or _threads_at_last_fork > 1


os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def unsafe_reason() -> str | None:
    """Why SQLite must not be used in this process, or None when it may."""
    if _forked_from_threads:
        return (
            f"process {os.getpid()} was forked from a multi-threaded process; SQLite could deadlock "
            "here (use courtops.store_access, which runs the store work in a fresh process)"
        )
    return None
