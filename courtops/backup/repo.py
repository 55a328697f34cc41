"""The backup repository: a real git repository of masked copies plus the vault-encrypted full copies.

Layout (docs/backup.md):

    <site>/<class>/<host>                one file per network device: facts as comments, then the config
    <site>/<class>/<host>/<relpath>      one directory per server, one file per backed-up file
    .full/<site>/<class>/<host>.vault    the unmasked, normalised files (JSON), ansible-vault encrypted

Path: ``$COURTOPS_BACKUP_REPO``, else ``backups/`` next to the results store (``.cache/backups``).
Per-host staging (``stage``) only writes the work tree, so hosts are staged in parallel; ``commit``
makes the run's one commit (``git add`` + ``git commit``), naming the run and the devices changed, and
commits nothing when nothing changed. ``$COURTOPS_BACKUP_REMOTE`` (a git URL or remote name) is pushed
to after each commit. git runs as a subprocess: nothing here needs more than its porcelain.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from courtops.backup import vault

REPO_ENV = "COURTOPS_BACKUP_REPO"
REMOTE_ENV = "COURTOPS_BACKUP_REMOTE"
FULL_DIR = ".full"
_IDENTITY = ["-c", "user.name=courtops", "-c", "user.email=courtops@localhost", "-c", "commit.gpgsign=false"]


class RepoError(Exception):
    """A git command failed, or the host has no backup (at that revision)."""


def default_path(store: str | os.PathLike[str] | None = None) -> Path:
    """$COURTOPS_BACKUP_REPO, else ``backups`` beside the results store (``store``, else the one the
    recorder uses)."""
    env = os.environ.get(REPO_ENV)
    if env:
        return Path(env).expanduser()
    from courtops.store import DEFAULT_STORE, location

    where = location(store)
    # a PostgreSQL store is no directory: the repository stays on this controller, in .cache
    return (where if isinstance(where, Path) else DEFAULT_STORE).parent / "backups"


@dataclass(frozen=True)
class Revision:
    rev: str
    at: float
    subject: str


@dataclass(frozen=True)
class DeviceChange:
    """One device's changes in a time window: the commits and the combined diff (masked)."""

    host: str
    path: str
    revisions: tuple[Revision, ...]  # newest first
    diff: str


@dataclass(frozen=True)
class Commit:
    rev: str
    hosts: tuple[str, ...]


def _safe(part: str, what: str) -> str:
    if not part or part in (".", "..") or "/" in part or part.startswith("."):
        raise RepoError(f"{what} 不能用作目录名：{part!r}")
    return part


class BackupRepo:
    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    # -- git ---------------------------------------------------------------------------------
    def git(self, *args: str, check: bool = True, input: str | None = None) -> str:
        proc = subprocess.run(
            ["git", *_IDENTITY, *args],
            cwd=self.path,
            capture_output=True,
            text=True,
            input=input,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
        if check and proc.returncode != 0:
            raise RepoError(f"git {' '.join(args)}: {(proc.stderr or proc.stdout).strip()[-400:]}")
        return proc.stdout

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One writer of the index at a time (two runs committing at once)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with (self.path.parent / f".{self.path.name}.lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield

    def exists(self) -> bool:
        return (self.path / ".git").is_dir()

    def ensure(self) -> None:
        """Create the repository on first use (private: it holds configurations, if masked)."""
        if self.exists():
            return
        with self.lock():
            if self.exists():
                return
            self.path.mkdir(parents=True, exist_ok=True)
            self.path.chmod(0o700)
            self.git("init", "-q", "-b", "main")
            # the encrypted copies are ciphertext: `git log -p` says "binary files differ"
            (self.path / ".gitattributes").write_text(f"{FULL_DIR}/** -diff\n", encoding="utf-8")
            self.git("add", ".gitattributes")
            self.git("commit", "-q", "-m", "配置备份仓库 / configuration backup repository")

    # -- paths -------------------------------------------------------------------------------
    @staticmethod
    def device_path(site: str, device_class: str, host: str) -> str:
        return "/".join(
            (_safe(site or "unknown", "站点"), _safe(device_class or "unknown", "类别"), _safe(host, "主机"))
        )

    @staticmethod
    def full_path(device_path: str) -> str:
        return f"{FULL_DIR}/{device_path}.vault"

    def _locate(self, host: str, rev: str | None) -> str:
        """The device path of ``host`` at ``rev`` (the work tree's when rev is None)."""
        if rev is None:
            found = [
                str(p.relative_to(self.path))
                for p in self.path.glob(f"*/*/{host}")
                if not str(p.relative_to(self.path)).startswith(".")
            ]
        else:
            names = self.git("ls-tree", "-r", "--name-only", self.resolve(rev)).splitlines()
            found = sorted(
                {
                    "/".join(n.split("/")[:3])
                    for n in names
                    if n.split("/")[2:3] == [host] and not n.startswith(".")
                }
            )
        if not found:
            raise RepoError(f"{host} 没有配置备份" + (f"（版本 {rev}）" if rev else ""))
        return found[0]

    def resolve(self, rev: str) -> str:
        out = self.git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False).strip()
        if not out:
            raise RepoError(f"没有版本 {rev!r}")
        return out

    # -- staging (per host, work tree only) ---------------------------------------------------
    def current_full(self, device_path: str) -> dict[str, str] | None:
        """The last good copy's unmasked files (work tree), None when there is none."""
        blob = self.path / self.full_path(device_path)
        if not blob.is_file():
            return None
        files: dict[str, str] = json.loads(vault.decrypt(blob.read_text(encoding="ascii")))
        return files

    def stage(self, device_path: str, masked: dict[str, str], full: dict[str, str]) -> bool:
        """Write one device's accepted copy into the work tree; True when it differs from the last.

        ``masked``: the rendered repository entries (``{"": text}`` for one file); ``full``: the
        unmasked normalised files, re-encrypted only when they changed (ciphertext is salted, so
        re-encrypting the same text would make a commit)."""
        changed = False
        target = self.path / device_path
        if "" in masked:
            if target.is_dir():
                shutil.rmtree(target)
            changed |= _write(target, masked[""])
        else:
            if target.is_file():
                target.unlink()
            keep = {target / rel for rel in masked}
            if target.is_dir():
                for old in [p for p in target.rglob("*") if p.is_file() and p not in keep]:
                    old.unlink()
                    changed = True
            for rel, text in masked.items():
                changed |= _write(target / rel, text)
        if self.current_full(device_path) != full:
            blob = self.path / self.full_path(device_path)
            blob.parent.mkdir(parents=True, exist_ok=True)
            blob.write_text(
                vault.encrypt(json.dumps(full, ensure_ascii=False, sort_keys=True)), encoding="ascii"
            )
            blob.chmod(0o600)
            changed = True
        return changed

    # -- the run's commit --------------------------------------------------------------------
    def commit(self, run_id: str = "") -> Commit | None:
        """Commit everything staged by this run; None when no device changed."""
        self.ensure()
        with self.lock():
            self.git("add", "-A", ".")
            names = [n for n in self.git("diff", "--cached", "--name-only", "-z").split("\0") if n]
            if not names:
                return None
            hosts = sorted({_host_of(n) for n in names} - {""})
            subject = f"配置备份 {run_id or '手工'}：{len(hosts)} 台设备变更"
            body = "\n".join(hosts)
            self.git("commit", "-q", "-F", "-", input=f"{subject}\n\n{body}\n")
            rev = self.git("rev-parse", "HEAD").strip()
        remote = os.environ.get(REMOTE_ENV)
        if remote:
            self.git("push", "-q", remote, "HEAD:refs/heads/main")
        return Commit(rev, tuple(hosts))

    # -- reading -----------------------------------------------------------------------------
    def log(self, host: str) -> list[Revision]:
        """The revisions that changed ``host``'s masked copy, newest first."""
        if not self.exists():
            return []
        try:
            path = self._locate(host, "HEAD")
        except RepoError:
            return []
        out = self.git("log", "--format=%H%x1f%at%x1f%s", "--", path)
        revs = []
        for line in out.splitlines():
            rev, at, subject = line.split("\x1f", 2)
            revs.append(Revision(rev, float(at), subject))
        return revs

    def show(self, host: str, rev: str | None = None) -> str:
        """The masked copy of ``host`` at ``rev`` (newest when None); a directory as ``==> path <==`` sections."""
        if not self.exists():
            raise RepoError(f"没有配置备份仓库 {self.path}")
        commit = self.resolve(rev or "HEAD")
        path = self._locate(host, commit)
        kind = self.git("cat-file", "-t", f"{commit}:{path}").strip()
        if kind == "blob":
            return self.git("show", f"{commit}:{path}")
        names = self.git("ls-tree", "-r", "--name-only", commit, "--", path + "/").splitlines()
        return "".join(f"==> {n[len(path) + 1 :]} <==\n" + self.git("show", f"{commit}:{n}") for n in names)

    def diff(self, host: str, rev1: str | None = None, rev2: str | None = None) -> str:
        """``git diff`` of ``host``'s masked copy: rev1 → rev2 (default: the last change; rev1 alone: → newest)."""
        if not self.exists():
            raise RepoError(f"没有配置备份仓库 {self.path}")
        path = self._locate(host, "HEAD")
        if rev1 is None:
            revs = self.log(host)
            if not revs:
                raise RepoError(f"{host} 没有配置备份")
            new = revs[0].rev
            old = revs[1].rev if len(revs) > 1 else self.git("hash-object", "-t", "tree", "/dev/null").strip()
        else:
            old, new = self.resolve(rev1), self.resolve(rev2 or "HEAD")
        return self.git("diff", old, new, "--", path)

    def changes_since(self, since: float | None) -> list[DeviceChange]:
        """Every device whose masked copy changed after ``since`` (all history when None), with the
        diff from its copy before the window to its newest copy. One ``git log`` for all devices."""
        if not self.exists():
            return []
        args = ["log", "--format=%x1e%H%x1f%at%x1f%s", "--name-only"]
        if since is not None:
            args.append(f"--since=@{int(since)}")
        by_path: dict[str, list[Revision]] = {}
        for entry in self.git(*args).split("\x1e")[1:]:
            head, *names = entry.strip("\n").split("\n")
            rev, at, subject = head.split("\x1f", 2)
            for name in filter(None, names):
                if name.startswith(".") or name.count("/") < 2:
                    continue
                path = "/".join(name.split("/")[:3])
                revs = by_path.setdefault(path, [])
                if not revs or revs[-1].rev != rev:
                    revs.append(Revision(rev, float(at), subject))
        out = []
        empty = self.git("hash-object", "-t", "tree", "/dev/null").strip()
        for path, revs in sorted(by_path.items()):
            oldest = revs[-1].rev
            base = self.git("rev-parse", "--verify", "--quiet", f"{oldest}^", check=False).strip() or empty
            diff = self.git("diff", base, revs[0].rev, "--", path)
            out.append(DeviceChange(path.rsplit("/", 1)[-1], path, tuple(revs), diff))
        return out

    def full_copy(self, host: str, rev: str | None = None) -> dict[str, str]:
        """The unmasked files of ``host`` at ``rev`` (newest when None), decrypted: what a restore puts back."""
        if not self.exists():
            raise RepoError(f"没有配置备份仓库 {self.path}")
        commit = self.resolve(rev or "HEAD")
        path = self._locate(host, commit)
        blob = self.git("show", f"{commit}:{self.full_path(path)}")
        files: dict[str, str] = json.loads(vault.decrypt(blob))
        return files


def _write(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def _host_of(name: str) -> str:
    parts = name.split("/")
    if parts[0] == FULL_DIR:
        return parts[3].removesuffix(".vault") if len(parts) > 3 else ""
    return parts[2] if len(parts) > 2 else ""
