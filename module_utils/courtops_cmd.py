# -*- coding: utf-8 -*-
"""Run a command on the target for at most a given time, never raising, and find a command in a
host's file tree: the one copy of this for the modules that read or change a Linux host
(courtops_linux_collect, courtops_backup_linux, courtops_restore_activate, courtops_host_metrics).

Shipped inside each module's AnsiballZ payload (``from ansible.module_utils.courtops_cmd import …``),
so it runs on the target's own Python: standard library only, Python 3.6 (Kylin and UOS ship old
Pythons). The command gets a process group of its own, so a timeout kills whatever it started too
(a hung ``systemctl`` child, a pager) and the module always returns.
"""

import os
import signal
import subprocess

#: what a shell answers for a command it cannot start, and timeout(1) for one it had to kill
NOT_STARTED = 127
TIMED_OUT = 124
#: the end of stderr a module keeps (the cause of a failure is at the end)
ERR_TAIL = 2000


class Completed(object):
    """How a bounded command ended.

    ``rc`` is its exit status, or None when it could not be started (``failure`` says why) or was
    killed at its timeout (``timed_out``; ``out`` and ``err`` hold what it wrote before).
    ``out`` and ``err`` are text: UTF-8, undecodable bytes replaced.
    """

    __slots__ = ("err", "failure", "out", "rc", "timed_out")

    def __init__(self, rc, out, err, timed_out=False, failure=None):
        self.rc = rc
        self.out = out
        self.err = err
        self.timed_out = timed_out
        self.failure = failure


def execute(argv, timeout, env, stdin=None):
    """Run ``argv`` with ``env`` for at most ``timeout`` seconds; a :class:`Completed`. Never raises."""
    try:
        proc = subprocess.Popen(
            argv,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # its own process group: a timeout kills what it started too
        )
    except (OSError, ValueError) as exc:
        return Completed(None, "", "", failure=str(exc))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        out, err = proc.communicate()
        return Completed(None, _text(out), _text(err), timed_out=True)
    return Completed(proc.returncode, _text(out), _text(err))


def run(argv, timeout, env):
    """``(rc, out, err)`` of a command as the modules report it: rc 127 when it cannot be started
    (err the reason), 124 when it was killed at its timeout (out what it wrote before, err
    ``超时：…``); err is the last ERR_TAIL characters of stderr. Never raises."""
    done = execute(argv, timeout, env)
    if done.timed_out:
        return TIMED_OUT, done.out, "超时：%s 在 %d 秒内未返回 (timeout)" % (argv[0], timeout)
    if done.rc is None:
        return NOT_STARTED, "", done.failure
    return done.rc, done.out, done.err[-ERR_TAIL:]


def under(root, path):
    """The path as seen from the host, when the target filesystem is mounted at ``root``."""
    return path if root == "/" else os.path.join(root, path.lstrip("/"))


def which(root, names):
    """The path (as the host sees it) of the first of ``names`` in the host's sbin / bin directories,
    looked up in the filesystem at ``root``; None when there is none."""
    for name in names:
        for d in ("/usr/sbin", "/sbin", "/usr/bin", "/bin"):
            if os.path.exists(under(root, d + "/" + name)):
                return d + "/" + name
    return None


def _text(data):
    return (data or b"").decode("utf-8", "replace")
