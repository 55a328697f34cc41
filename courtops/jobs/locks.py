"""No overlap: a lock per job, and host claims for jobs that change targets.

Both rest on ``flock(2)``: the kernel releases a lock when its holder's process dies, so a killed job
never leaves a lock that blocks the schedule, and taking a lock is atomic (no check-then-create race).
The lock file also holds who took it (pid, controller, start time) so that a refusal can name the
holder; when the file names a holder but the flock is free, the holder died and the file is stale —
it is taken over and the caller is told.

Host claims: a changing job (patch, harden, restore) writes the hosts it resolves its limit to into
one registry file, under an flock held only while the registry is read and rewritten. A claim whose
process is gone (pid and the kernel's start time no longer match, on this controller) is dropped.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from courtops.store.liveness import process_start


class LockRefused(Exception):
    """Another run holds the lock; the message names it."""


@dataclass(frozen=True)
class Holder:
    job: str
    pid: int
    pid_start: str
    controller: str
    started_at: float

    @staticmethod
    def me(job: str) -> Holder:
        return Holder(job, os.getpid(), process_start(os.getpid()) or "", socket.gethostname(), time.time())

    def alive(self) -> bool:
        """Is the holder's process still running? (On another controller it cannot be known: assume so.)"""
        if self.controller != socket.gethostname():
            return True
        return bool(self.pid_start) and process_start(self.pid) == self.pid_start

    def describe(self) -> str:
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started_at))
        return f"作业 {self.job}（pid {self.pid}，主机 {self.controller}，自 {since} 起）"


def _holder(data: Any) -> Holder | None:
    try:
        return Holder(**{k: data[k] for k in Holder.__dataclass_fields__})
    except (KeyError, TypeError):
        return None


class JobLock:
    """The lock of one job: ``with JobLock(dir, name):`` or ``acquire()`` / ``release()``."""

    def __init__(self, lock_dir: Path, job: str) -> None:
        self.path = lock_dir / f"{job}.lock"
        self.job = job
        self.fh: IO[str] | None = None
        self.stale: Holder | None = None  # the dead holder whose lock was taken over, if any

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = _read_holder(fh.read())
            fh.close()
            who = holder.describe() if holder else "另一进程（未留下持有者信息）"
            raise LockRefused(
                f"作业 {self.job} 正在运行，拒绝重复启动：锁 {self.path} 由 {who} 持有"
            ) from None
        fh.seek(0)
        previous = _read_holder(fh.read())
        if previous is not None:
            # the flock was free, so whoever wrote this is gone (flock dies with its process)
            self.stale = previous
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(asdict(Holder.me(self.job)), ensure_ascii=False))
        fh.flush()
        self.fh = fh

    def holder(self) -> Holder | None:
        """Who the lock file names (alive or not), without taking the lock."""
        try:
            return _read_holder(self.path.read_text(encoding="utf-8"))
        except OSError:
            return None

    def release(self) -> None:
        if self.fh is None:
            return
        self.fh.seek(0)
        self.fh.truncate()  # an empty file: nobody holds it (a non-empty file with a free flock is stale)
        self.fh.flush()
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()
        self.fh = None

    def __enter__(self) -> JobLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(text: str) -> Holder | None:
    try:
        return _holder(json.loads(text)) if text.strip() else None
    except ValueError:
        return None


class HostClaims:
    """The hosts held by running changing jobs, in ``<lock_dir>/changing-hosts.json``."""

    def __init__(self, lock_dir: Path) -> None:
        self.path = lock_dir / "changing-hosts.json"
        self.guard = lock_dir / "changing-hosts.lock"
        self.released: list[Holder] = []  # claims of dead holders dropped by the last call

    def _locked(self) -> IO[str]:
        self.guard.parent.mkdir(parents=True, exist_ok=True)
        fh = self.guard.open("a", encoding="utf-8")
        fcntl.flock(fh, fcntl.LOCK_EX)  # held for a read and a rewrite only: milliseconds
        return fh

    def _read(self) -> list[dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [c for c in data if isinstance(c, dict)] if isinstance(data, list) else []

    def _write(self, claims: list[dict[str, Any]]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(claims, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self.path)

    def _live(self, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
        live = []
        self.released = []
        for claim in claims:
            holder = _holder(claim)
            if holder is not None and holder.alive():
                live.append(claim)
            elif holder is not None:
                self.released.append(holder)
        return live

    def claim(self, job: str, hosts: Iterable[str]) -> Holder:
        """Claim the hosts for this process; LockRefused names the job holding any of them."""
        wanted = sorted(set(hosts))
        me = Holder.me(job)
        with self._locked():
            claims = self._live(self._read())
            for other in claims:
                shared = sorted(set(other.get("hosts", ())) & set(wanted))
                if shared:
                    holder = _holder(other)
                    assert holder is not None
                    listed = "、".join(shared[:10]) + (f" 等 {len(shared)} 台" if len(shared) > 10 else "")
                    self._write(claims)
                    raise LockRefused(
                        f"变更作业 {job} 拒绝启动：主机 {listed} 正由变更{holder.describe()}占用"
                    )
            claims.append({**asdict(me), "hosts": wanted})
            self._write(claims)
        return me

    def release(self, holder: Holder) -> None:
        with self._locked():
            claims = [
                c for c in self._read() if not (c.get("pid") == holder.pid and c.get("job") == holder.job)
            ]
            self._write(self._live(claims))

    def held(self) -> list[tuple[Holder, list[str]]]:
        with self._locked():
            return [(h, list(c.get("hosts", ()))) for c in self._live(self._read()) if (h := _holder(c))]
