"""The results store: one SQLite file (the default) or one PostgreSQL database every report reads from.

Written by the recorder callback while a playbook runs (one transaction per batch), read by
``courtops findings`` / ``courtops report``. WAL mode lets readers work during a run, and a
committed batch survives kill -9 of the writer (the WAL is fsynced at checkpoints; a process
kill never loses committed pages, only a power cut could lose the last ones with
synchronous=NORMAL, which is the trade-off SQLite recommends for WAL).

``COURTOPS_STORE=postgresql://…`` puts the same schema and API on PostgreSQL (several controllers,
AWX): courtops.store.pg speaks to it, courtops.store.dialect translates the SQL (docs/store.md).
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from courtops import REPO_ROOT
from courtops.court_time import fmt_time
from courtops.findings import Finding
from courtops.secrets import mask_text
from courtops.store import dialect, pg
from courtops.store.forkguard import unsafe_reason
from courtops.store.migrations import MIGRATIONS, READABLE_FROM
from courtops.store.patches import PATCH_COLUMNS, PatchResult, patch_from_row, patch_row

#: Environment variable naming the store: a file path, ``sqlite:///path`` or ``postgresql://…``
#: (the callback's `store` option reads it too).
STORE_ENV = "COURTOPS_STORE"
DEFAULT_STORE = REPO_ROOT / ".cache" / "courtops.sqlite3"

_FINDING_COLUMNS = tuple(f.name for f in fields(Finding) if f.name != "evidence")


class StoreError(Exception):
    """The store cannot be opened or is from a newer courtops (schema version too high)."""


class IncidentError(StoreError):
    """A one-way incident transition was repeated or reversed; the message shows the recorded time."""


#: Tables every courtops store has since schema version 1: how a reader knows the file is a store.
STORE_TABLES = frozenset({"runs", "hosts", "task_results", "findings", "metrics", "incidents"})
#: The incident's one-way steps: open → responded → (escalated) → closed. Each time is set once.
INCIDENT_STEPS = ("responded_at", "escalated_at", "closed_at")
#: The schema version that added the drills table (readers still read older stores).
DRILLS_SINCE = 3
#: The schema version that added the backup_status table (配置备份状态).
BACKUP_STATUS_SINCE = 4
#: The schema version that added the patch_results table (courtops.store.patches).
PATCH_RESULTS_SINCE = 6
_STEP_NAMES = {"responded_at": "responded", "escalated_at": "escalated", "closed_at": "closed"}


#: What a refused write raises (a CHECK, or the triggers that keep incidents append-only), on either database.
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, *pg.integrity_errors())
#: A connection to either database: sqlite3's, or courtops.store.pg's with the same methods.
DB = sqlite3.Connection | pg.PgConnection


def location(value: str | os.PathLike[str] | None) -> Path | str:
    """Where a store is: a Path (SQLite) or a ``postgresql://`` DSN (str); None: ``default_path()``."""
    if value is None:
        return default_path()
    text = os.fspath(value)
    if dialect.is_postgres(text):
        return text
    return Path(dialect.sqlite_path(text)).expanduser()


def display(where: Path | str) -> str:
    """A store's location as it may be printed: a DSN's password never is."""
    return mask_text(str(where)).strip() if isinstance(where, str) else str(where)


def exists(where: Path | str) -> bool:
    """Whether a store may be there without opening it (a PostgreSQL server is asked when opened)."""
    return isinstance(where, str) or where.exists()


def default_path() -> Path | str:
    """The store (a path, or a ``postgresql://`` DSN), found the way the recorder finds it.

    $COURTOPS_STORE, else ``store`` in ansible.cfg's [callback_courtops_recorder] section ($ANSIBLE_CONFIG
    or the repository's; relative to that file, as Ansible resolves paths), else .cache/courtops.sqlite3.
    """
    env = os.environ.get(STORE_ENV)
    if env:
        return location(env)
    cfg_path = Path(os.environ.get("ANSIBLE_CONFIG") or REPO_ROOT / "ansible.cfg")
    cfg = configparser.ConfigParser(interpolation=None)
    try:
        cfg.read(cfg_path, encoding="utf-8")
    except configparser.Error:
        return DEFAULT_STORE  # ansible-playbook itself reports a broken ansible.cfg
    value = cfg.get("callback_courtops_recorder", "store", fallback="").strip()
    if dialect.is_postgres(value):
        return os.path.expandvars(value)
    if value:
        return cfg_path.parent / Path(os.path.expandvars(value)).expanduser()
    return DEFAULT_STORE


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@dataclass
class RunInfo:
    """What the recorder knows about a run when it starts."""

    uuid: str
    kind: str = ""
    scope: str = ""
    playbook: str = ""
    inventory: str = ""
    limit_expr: str = ""
    tags: str = ""
    skip_tags: str = ""
    check_mode: bool = False
    user: str = ""
    controller: str = ""
    ansible_version: str = ""
    git_commit: str = ""
    started_at: float = field(default_factory=time.time)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Run(RunInfo):
    id: int = 0
    ended_at: float | None = None
    status: str = "running"
    store_errors: int = 0


@dataclass
class HostInfo:
    name: str
    address: str = ""
    platform: str = ""
    os_version: str = ""
    asset: dict[str, Any] = field(default_factory=dict)


@dataclass
class HostStats(HostInfo):
    ok: int = 0
    changed: int = 0
    failed: int = 0
    unreachable: int = 0
    skipped: int = 0
    rescued: int = 0
    ignored: int = 0


@dataclass
class Metric:
    host: str
    name: str
    value: float | None = None
    text: str = ""
    unit: str = ""
    labels: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)


@dataclass
class Backup:
    host: str
    path: str
    sha256: str = ""
    size: int = 0
    changed: bool = False
    taken_at: float = field(default_factory=time.time)


@dataclass
class BackupStatus:
    """A device's configuration-backup state (one row per device, updated by every attempt)."""

    host: str
    status: str  # ok / failed
    last_attempt: float
    platform: str = ""
    site: str = ""
    device_class: str = ""
    path: str = ""
    reason: str = ""
    last_success: float | None = None
    last_change: float | None = None
    last_rev: str = ""
    run_id: int | None = None


@dataclass
class TaskResult:
    """One runner event (per host, per task, per loop item when the task loops)."""

    host: str
    status: str  # ok / changed / failed / unreachable / skipped
    ended_at: float
    play: str = ""
    task: str = ""
    task_uuid: str = ""
    action: str = ""
    changed: bool = False
    ignored: bool = False
    item: str | None = None
    started_at: float | None = None
    content: dict[str, Any] = field(default_factory=dict)
    # What our modules returned (see plugins/callback/courtops_recorder.py for the keys).
    findings: list[Finding] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    backups: list[Backup] = field(default_factory=list)
    id: int = 0


@dataclass
class Incident:
    device: str
    check_name: str
    opened_at: float
    system: str = ""
    severity: str = ""
    message: str = ""
    opened_run_id: int | None = None
    closed_run_id: int | None = None
    responded_at: float | None = None
    escalated_at: float | None = None
    closed_at: float | None = None
    id: int = 0


@dataclass
class Drill:
    """One emergency drill (应急演练); ``recovery_s`` is the time to recover when the drill measures it."""

    kind: str
    started_at: float
    ended_at: float
    result: str  # ok / failed
    scenario: str = ""
    title: str = ""
    target: str = ""
    source: str = ""
    recovery_s: float | None = None
    participants: str = ""
    notes: str = ""
    run_id: int | None = None
    id: int = 0


class Store:
    """A connection to one store (an SQLite file, or a PostgreSQL database: ``path`` may be a
    ``postgresql://`` DSN, and ``Store.path`` then shows it with its password masked). Not shared
    between threads: open one per thread.

    ``readonly=True`` is for every command that only reads (runs, report, findings, incident list):
    the file is opened read-only, never migrated, never switched to WAL, and refused unless it is a
    courtops store of a schema this courtops can read. Only writers (the recorder, the incident
    commands) create, migrate and switch the store to WAL.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, create: bool = True, readonly: bool = False
    ) -> None:
        where = location(path)
        #: the store's location as it may be shown: the file, or the DSN with its password masked
        self.path: Path | str = display(where)
        self.readonly = readonly
        if reason := unsafe_reason():  # a hang here would be silent and forever: fail at once
            raise StoreError(f"{self.path}: not opened: {reason}")
        self.db: DB
        if isinstance(where, str):
            self._open_postgres(where, create=create, readonly=readonly)
            return
        self.path = where
        if (readonly or not create) and not where.exists():
            raise StoreError(f"{self.path}: no results store here (run a playbook with the recorder first)")
        if readonly:
            self.db = _open_readonly(where)
            return
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (one transaction per batch).
            self.db = db = sqlite3.connect(where, isolation_level=None, timeout=30)
            db.row_factory = sqlite3.Row
            _refuse_foreign(db, where)  # before WAL: another application's file stays as it is
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except StoreError:
            self.db.close()
            raise
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the results store: {exc}") from exc

    def _open_postgres(self, dsn: str, *, create: bool, readonly: bool) -> None:
        try:
            self.db = pg.connect(dsn, readonly=readonly, id_tables=dialect.tables_with_id(MIGRATIONS))
        except ConnectionError as exc:
            raise StoreError(f"{self.path}: {exc}") from None
        try:
            # the tables first, then the version: a migration commits its tables and its version
            # together, so tables seen here mean the version read after them is already committed —
            # read the other way round, a store another process creates at this moment looked foreign
            tables = pg.table_names(self.db) - {dialect.VERSION_TABLE}
            version = self.version
            problem = ""
            if version == 0 and tables:
                problem = "not a courtops results store (a PostgreSQL database with other tables)"
            elif version == 0 and (readonly or not create):
                problem = "no results store here (run a playbook with the recorder first)"
            elif readonly and not tables >= STORE_TABLES:
                problem = "not a courtops results store (a database without the courtops tables)"
            elif readonly and version > len(MIGRATIONS):
                problem = f"schema version {version} is newer than this courtops ({len(MIGRATIONS)}); upgrade courtops"
            elif readonly and version < READABLE_FROM:
                problem = f"schema version {version} is older than this courtops reads ({READABLE_FROM})"
            if problem:
                raise StoreError(f"{self.path}: {problem}")
            if not readonly:
                self.migrate()
        except StoreError:
            self.db.close()
            raise
        except pg.errors() as exc:
            self.db.close()
            raise StoreError(
                mask_text(f"{self.path}: cannot open the results store: {exc}").strip()
            ) from None

    @property
    def is_postgres(self) -> bool:
        return isinstance(self.db, pg.PgConnection)

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        if isinstance(self.db, pg.PgConnection):
            return pg.schema_version(self.db)
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int | None = None) -> None:
        """Bring the schema to ``target`` (default: the newest), one migration per transaction.

        On PostgreSQL each transaction holds the writers' advisory lock (courtops.store.pg): two
        controllers starting at once migrate one after the other, the second finding nothing to do.
        """
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only; only writers migrate the store")
        target = len(MIGRATIONS) if target is None else target
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {current} is newer than this courtops ({len(MIGRATIONS)})"
            )
        for number in range(current + 1, target + 1):
            with self.transaction() as db:
                # re-read under the write lock: another process opening a new store at the same
                # moment may have applied this step already (two first runs: "table runs already exists")
                if self.version >= number:
                    continue
                if isinstance(db, pg.PgConnection):
                    for statement in dialect.migration(MIGRATIONS[number - 1]):
                        db.execute(statement)
                    pg.set_schema_version(db, number)
                    continue
                for statement in dialect.statements(MIGRATIONS[number - 1]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[DB]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------
    def start_run(self, info: RunInfo) -> int:
        data = asdict(info)
        data["extra"] = _json(data["extra"])
        data["check_mode"] = int(data["check_mode"])
        cols = ", ".join(data)
        marks = ", ".join(f":{k}" for k in data)
        with self.transaction() as db:
            cur = db.execute(f"INSERT INTO runs ({cols}) VALUES ({marks})", data)
        return int(cur.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        status: str,
        *,
        ended_at: float | None = None,
        store_errors: int = 0,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Close a run; ``extra`` is merged into the run's extra JSON (e.g. the recorder's own timing)."""
        with self.transaction() as db:
            row = db.execute("SELECT extra FROM runs WHERE id = ?", (run_id,)).fetchone()
            merged = (json.loads(row[0]) if row else {}) | (extra or {})
            db.execute(
                "UPDATE runs SET status = ?, ended_at = ?, store_errors = ?, extra = ? WHERE id = ?",
                (status, ended_at or time.time(), store_errors, _json(merged), run_id),
            )

    def write_batch(
        self,
        run_id: int,
        results: Sequence[TaskResult] = (),
        hosts: Sequence[HostInfo] = (),
        findings: Sequence[Finding] = (),
        metrics: Sequence[Metric] = (),
    ) -> None:
        """Write one batch in one transaction: all of it is stored, or none of it."""
        with self.transaction() as db:
            for host in hosts:
                self._upsert_host(db, run_id, host)
            # Plain results (most of them) go in one executemany; those carrying findings, metrics or
            # backups one by one, since those rows point at their result's id.
            plain = [r for r in results if not (r.findings or r.metrics or r.backups)]
            db.executemany(_INSERT_RESULT, [_result_row(run_id, r) for r in plain])
            for res in results:
                if res.findings or res.metrics or res.backups:
                    cur = db.execute(_INSERT_RESULT, _result_row(run_id, res))
                    res.id = int(cur.lastrowid or 0)
                    self._insert_findings(db, run_id, res.findings, res.id)
                    self._insert_metrics(db, run_id, res.metrics)
                    self._insert_backups(db, run_id, res.backups)
            self._insert_findings(db, run_id, findings, None)
            self._insert_metrics(db, run_id, metrics)

    def add_findings(self, run_id: int, findings: Iterable[Finding]) -> None:
        self.write_batch(run_id, findings=list(findings))

    def add_metrics(self, run_id: int, metrics: Iterable[Metric]) -> None:
        self.write_batch(run_id, metrics=list(metrics))

    def add_hosts(self, run_id: int, hosts: Iterable[HostInfo]) -> None:
        self.write_batch(run_id, hosts=list(hosts))

    def set_host_stats(self, run_id: int, stats: dict[str, dict[str, int]]) -> None:
        """Ansible's own per-host recap (ok/changed/failures/...), as `stats.summarize` gives it."""
        with self.transaction() as db:
            for name, s in stats.items():
                self._upsert_host(db, run_id, HostInfo(name=name))
                db.execute(
                    "UPDATE hosts SET ok = ?, changed = ?, failed = ?, unreachable = ?, skipped = ?,"
                    " rescued = ?, ignored = ? WHERE run_id = ? AND name = ?",
                    (
                        s.get("ok", 0),
                        s.get("changed", 0),
                        s.get("failures", s.get("failed", 0)),
                        s.get("unreachable", 0),
                        s.get("skipped", 0),
                        s.get("rescued", 0),
                        s.get("ignored", 0),
                        run_id,
                        name,
                    ),
                )

    def _upsert_host(self, db: DB, run_id: int, host: HostInfo) -> None:
        # Later, richer information (facts) fills in blanks; an empty value never erases one.
        db.execute(
            "INSERT INTO hosts (run_id, name, address, platform, os_version, asset)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, name) DO UPDATE SET"
            " address = CASE WHEN excluded.address != '' THEN excluded.address ELSE hosts.address END,"
            " platform = CASE WHEN excluded.platform != '' THEN excluded.platform ELSE hosts.platform END,"
            " os_version = CASE WHEN excluded.os_version != '' THEN excluded.os_version"
            " ELSE hosts.os_version END,"
            " asset = CASE WHEN excluded.asset != '{}' THEN excluded.asset ELSE hosts.asset END",
            (run_id, host.name, host.address, host.platform, host.os_version, _json(host.asset)),
        )

    def _evidence_id(self, db: DB, evidence: dict[str, Any]) -> int | None:
        if not evidence:
            return None
        text = _json(evidence)
        digest = hashlib.sha256(text.encode()).hexdigest()
        db.execute("INSERT OR IGNORE INTO evidence (sha256, content) VALUES (?, ?)", (digest, text))
        return int(db.execute("SELECT id FROM evidence WHERE sha256 = ?", (digest,)).fetchone()[0])

    def _insert_findings(
        self, db: DB, run_id: int, findings: Iterable[Finding], result_id: int | None
    ) -> None:
        cols = ", ".join(_FINDING_COLUMNS)
        marks = ", ".join("?" for _ in _FINDING_COLUMNS)
        for f in findings:
            row = [getattr(f, c) for c in _FINDING_COLUMNS]
            db.execute(
                f"INSERT INTO findings (run_id, task_result_id, evidence_id, {cols})"
                f" VALUES (?, ?, ?, {marks})",
                [run_id, result_id, self._evidence_id(db, f.evidence), *row],
            )

    def _insert_metrics(self, db: DB, run_id: int, metrics: Iterable[Metric]) -> None:
        db.executemany(
            "INSERT INTO metrics (run_id, host, name, value, text, unit, labels, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, m.host, m.name, m.value, m.text, m.unit, _json(m.labels), m.at) for m in metrics],
        )

    def _insert_backups(self, db: DB, run_id: int | None, backups: Iterable[Backup]) -> None:
        db.executemany(
            "INSERT INTO backups (run_id, host, path, sha256, size, changed, taken_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(run_id, b.host, b.path, b.sha256, b.size, int(b.changed), b.taken_at) for b in backups],
        )

    # -- incidents (the inspection issue opens and closes them) ----------------------------
    def open_incident(self, incident: Incident) -> int:
        """Open an incident, or return the id of the one already open for (device, check)."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT id FROM incidents WHERE device = ? AND check_name = ? AND closed_at IS NULL",
                (incident.device, incident.check_name),
            ).fetchone()
            if row:
                return int(row[0])
            data = asdict(incident)
            data.pop("id")
            cur = db.execute(
                f"INSERT INTO incidents ({', '.join(data)}) VALUES ({', '.join('?' for _ in data)})",
                list(data.values()),
            )
            return int(cur.lastrowid or 0)

    def update_incident(self, incident_id: int, **changes: Any) -> None:
        """Record steps of an incident: ``responded_at``, ``escalated_at``, ``closed_at`` (+ ``closed_run_id``).

        Append-only: each step is recorded once, in order (open → responded → escalated → closed), never
        before the previous one and never after the close; a repeat raises IncidentError naming the time
        already recorded. Migration 2's triggers enforce the same rules in the database itself.
        """
        unknown = set(changes) - {*INCIDENT_STEPS, "closed_run_id"}
        if unknown:
            raise ValueError(f"incident fields that cannot be changed: {sorted(unknown)}")
        if "closed_run_id" in changes and "closed_at" not in changes:
            raise ValueError("closed_run_id is recorded together with closed_at")
        with self.transaction() as db:
            row = db.execute("SELECT * FROM incidents WHERE id = ?", (incident_id,)).fetchone()
            if row is None:
                raise IncidentError(f"no incident {incident_id}")
            _check_steps(Incident(**dict(row)), changes)
            sets = ", ".join(f"{k} = ?" for k in changes)
            db.execute(f"UPDATE incidents SET {sets} WHERE id = ?", [*changes.values(), incident_id])

    def incidents(self, *, open_only: bool = False) -> list[Incident]:
        sql = "SELECT * FROM incidents" + (" WHERE closed_at IS NULL" if open_only else "")
        return [Incident(**dict(r)) for r in self.db.execute(sql + " ORDER BY opened_at, id")]

    # -- drills (应急演练) --------------------------------------------------------------------
    def add_drill(self, drill: Drill) -> int:
        """Record a drill; a drill that ends before it starts or has another result is refused."""
        if drill.result not in ("ok", "failed"):
            raise ValueError(f"drill result must be ok or failed, not {drill.result!r}")
        if drill.ended_at < drill.started_at:
            raise ValueError("a drill cannot end before it starts")
        data = asdict(drill)
        data.pop("id")
        with self.transaction() as db:
            cur = db.execute(
                f"INSERT INTO drills ({', '.join(data)}) VALUES ({', '.join('?' for _ in data)})",
                list(data.values()),
            )
            return int(cur.lastrowid or 0)

    def drills(self, *, since: float | None = None, until: float | None = None) -> list[Drill]:
        """Drills that started in [since, until), oldest first."""
        if self.version < DRILLS_SINCE:  # a read-only store older than the table: no drill was ever recorded
            return []
        rows = self.db.execute(
            "SELECT * FROM drills WHERE started_at >= ? AND started_at < ? ORDER BY started_at, id",
            (since if since is not None else float("-inf"), until if until is not None else float("inf")),
        )
        return [Drill(**dict(r)) for r in rows]

    # -- configuration backup state (配置备份) ---------------------------------------------------
    def record_backup(
        self, attempt: BackupStatus, *, changed: bool = False, sha256: str = "", size: int = 0
    ) -> None:
        """Record one backup attempt. A good one (status ok) also adds a ``backups`` row (an accepted
        copy) and moves last_success (and last_change when ``changed``); a failed one keeps both."""
        if attempt.status not in ("ok", "failed"):
            raise ValueError(f"backup status must be ok or failed, not {attempt.status!r}")
        ok = attempt.status == "ok"
        with self.transaction() as db:
            db.execute(
                "INSERT INTO backup_status (host, platform, site, device_class, path, status, reason,"
                " last_attempt, last_success, last_change, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (host) DO UPDATE SET platform = excluded.platform, site = excluded.site,"
                " device_class = excluded.device_class, path = excluded.path, status = excluded.status,"
                " reason = excluded.reason, last_attempt = excluded.last_attempt, run_id = excluded.run_id,"
                " last_success = COALESCE(excluded.last_success, backup_status.last_success),"
                " last_change = COALESCE(excluded.last_change, backup_status.last_change)",
                (
                    attempt.host,
                    attempt.platform,
                    attempt.site,
                    attempt.device_class,
                    attempt.path,
                    attempt.status,
                    "" if ok else attempt.reason,
                    attempt.last_attempt,
                    attempt.last_attempt if ok else None,
                    attempt.last_attempt if ok and changed else None,
                    attempt.run_id,
                ),
            )
            if ok:
                self._insert_backups(
                    db,
                    attempt.run_id,
                    [Backup(attempt.host, attempt.path, sha256, size, changed, attempt.last_attempt)],
                )

    def set_backup_rev(self, hosts: Iterable[str], rev: str) -> None:
        """The commit that holds these devices' last change."""
        with self.transaction() as db:
            db.executemany("UPDATE backup_status SET last_rev = ? WHERE host = ?", [(rev, h) for h in hosts])

    def backup_statuses(self, *, host: str | None = None) -> list[BackupStatus]:
        """Every device's backup state (or one device's), by host name; empty in a store older than the table."""
        if self.version < BACKUP_STATUS_SINCE:
            return []
        sql, args = "SELECT * FROM backup_status", []
        if host:
            sql, args = sql + " WHERE host = ?", [host]
        return [BackupStatus(**dict(r)) for r in self.db.execute(sql + " ORDER BY host", args)]

    # -- patch results (补丁记录; courtops.store.patches) ---------------------------------------
    def add_patch_results(self, results: Iterable[PatchResult]) -> None:
        rows = [patch_row(r) for r in results]
        if not rows:
            return
        with self.transaction() as db:
            db.executemany(
                f"INSERT INTO patch_results ({', '.join(PATCH_COLUMNS)})"
                f" VALUES ({', '.join('?' for _ in PATCH_COLUMNS)})",
                rows,
            )

    def patch_results(self, *, host: str | None = None, since: float | None = None) -> list[PatchResult]:
        """Patch results, oldest first; a store older than the table has none."""
        if self.version < PATCH_RESULTS_SINCE:
            return []
        sql = "SELECT * FROM patch_results WHERE ended_at >= ?"
        args: list[Any] = [since if since is not None else float("-inf")]
        if host:
            sql += " AND host = ?"
            args.append(host)
        return [patch_from_row(dict(r)) for r in self.db.execute(sql + " ORDER BY ended_at, id", args)]

    # -- reading ---------------------------------------------------------------------------
    def runs(self, *, kind: str | None = None, limit: int = 50) -> list[Run]:
        sql, args = "SELECT * FROM runs", []
        if kind:
            sql, args = sql + " WHERE kind = ?", [kind]
        rows = self.db.execute(sql + " ORDER BY started_at DESC, id DESC LIMIT ?", [*args, limit])
        return [_run(r) for r in rows]

    def get_run(self, ref: str | int = "latest", *, kind: str | None = None) -> Run:
        """A run by id, uuid, or ``latest`` (optionally the latest of one kind)."""
        if ref == "latest":
            found = self.runs(kind=kind, limit=1)
            if not found:
                raise StoreError(f"{self.path}: no runs recorded" + (f" of kind {kind!r}" if kind else ""))
            return found[0]
        key = "id" if isinstance(ref, int) or str(ref).isdigit() else "uuid"
        row = self.db.execute(f"SELECT * FROM runs WHERE {key} = ?", (ref,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no run {ref!r}")
        return _run(row)

    def previous_run(self, run: RunInfo | Run) -> Run | None:
        """THE previous run of ``run``: the same kind and the same scope (playbook, inventory, limit,
        tags, scope variables such as profile=monthly), finished (ok or failed, not running or
        interrupted), not a --check run (it wrote nothing and proves nothing), started before it. The inspection report's comparison, the 等保 trend and the
        `courtops_previous_run` lookup ("log errors since the previous inspection") all mean this one.
        ``run`` may be a recorded Run or the RunInfo of a run still being recorded."""
        run_id = run.id if isinstance(run, Run) else 0
        row = self.db.execute(
            "SELECT * FROM runs WHERE kind = ? AND scope = ? AND uuid != ? AND status IN ('ok', 'failed')"
            " AND check_mode = 0"
            " AND (started_at < ? OR (started_at = ? AND id < ?))"
            " ORDER BY started_at DESC, id DESC LIMIT 1",
            (run.kind, run.scope, run.uuid, run.started_at, run.started_at, run_id),
        ).fetchone()
        return _run(row) if row else None

    def hosts(self, run_id: int) -> list[HostStats]:
        rows = self.db.execute("SELECT * FROM hosts WHERE run_id = ? ORDER BY name", (run_id,))
        out = []
        for r in rows:
            d = dict(r)
            d.pop("id")
            d.pop("run_id")
            d["asset"] = json.loads(d["asset"])
            out.append(HostStats(**d))
        return out

    def task_results(self, run_id: int) -> list[TaskResult]:
        rows = self.db.execute("SELECT * FROM task_results WHERE run_id = ? ORDER BY ended_at, id", (run_id,))
        out = []
        for r in rows:
            d = dict(r)
            d.pop("run_id")
            d["content"] = json.loads(d["content"])
            d["changed"], d["ignored"] = bool(d["changed"]), bool(d["ignored"])
            out.append(TaskResult(**d))
        return out

    def latest_run_with_findings(self) -> Run | None:
        """The newest run that recorded at least one finding (an audit, whatever its playbook)."""
        row = self.db.execute(
            "SELECT * FROM runs WHERE EXISTS (SELECT 1 FROM findings WHERE findings.run_id = runs.id)"
            " ORDER BY started_at DESC, id DESC LIMIT 1"
        ).fetchone()
        return _run(row) if row else None

    def status_counts(self, run_id: int) -> dict[str, dict[str, int]]:
        """Per host: how many results of each status were recorded."""
        out: dict[str, dict[str, int]] = {}
        for host, status, n in self.db.execute(
            "SELECT host, status, COUNT(*) FROM task_results WHERE run_id = ? GROUP BY host, status",
            (run_id,),
        ):
            out.setdefault(host, {})[status] = n
        return out

    def first_result_end(self, run_id: int, task: str) -> float | None:
        """When a run's first result of the task named ``task`` ended (None: the run has none)."""
        row = self.db.execute(
            "SELECT MIN(ended_at) FROM task_results WHERE run_id = ? AND task = ?", (run_id, task)
        ).fetchone()
        return float(row[0]) if row and row[0] is not None else None

    def findings(
        self, run_id: int, *, with_evidence: bool = False, ended: tuple[float, float] | None = None
    ) -> list[Finding]:
        """A run's findings; with ``ended=(after, before)`` only those whose task result ended in between
        (one of the two audits of a hardening run: courtops/harden_audits.py)."""
        cols = ", ".join(f"f.{c}" for c in _FINDING_COLUMNS)
        where: list[Any] = [run_id]
        sql = (
            f"SELECT {cols}, e.content AS evidence FROM findings f"
            " LEFT JOIN evidence e ON e.id = f.evidence_id WHERE f.run_id = ?"
        )
        if ended is not None:
            sql += (
                " AND f.task_result_id IN (SELECT id FROM task_results"
                " WHERE run_id = ? AND ended_at > ? AND ended_at < ?)"
            )
            where += [run_id, *ended]
        rows = self.db.execute(sql + " ORDER BY f.id", where)
        out = []
        for r in rows:
            d = {c: r[c] for c in _FINDING_COLUMNS}
            d["high_risk"] = bool(d["high_risk"])
            if with_evidence and r["evidence"]:
                d["evidence"] = json.loads(r["evidence"])
            out.append(Finding(**d))
        return out

    def metrics(self, run_id: int) -> list[Metric]:
        rows = self.db.execute(
            "SELECT host, name, value, text, unit, labels, at FROM metrics WHERE run_id = ? ORDER BY id",
            (run_id,),
        )
        return [Metric(**(dict(r) | {"labels": json.loads(r["labels"])})) for r in rows]

    def backups(self, *, host: str | None = None) -> list[Backup]:
        sql, args = "SELECT host, path, sha256, size, changed, taken_at FROM backups", []
        if host:
            sql, args = sql + " WHERE host = ?", [host]
        rows = self.db.execute(sql + " ORDER BY taken_at, id", args)
        return [Backup(**(dict(r) | {"changed": bool(r["changed"])})) for r in rows]


def _check_steps(incident: Incident, changes: dict[str, Any]) -> None:
    """Raise IncidentError unless ``changes`` moves ``incident`` forward along its one-way steps."""
    label = f"incident {incident.id}"
    if incident.closed_at is not None:
        raise IncidentError(
            f"{label} was already closed at {fmt_time(incident.closed_at)}; a closed incident is final"
        )
    recorded = {step: getattr(incident, step) for step in INCIDENT_STEPS}
    for step in INCIDENT_STEPS:
        if step not in changes:
            continue
        at = changes[step]
        if not isinstance(at, (int, float)):
            raise ValueError(f"{step} must be a time (seconds since the epoch), not {at!r}")
        if recorded[step] is not None:
            raise IncidentError(
                f"{label} was already {_STEP_NAMES[step]} at {fmt_time(recorded[step])}; a recorded time is never changed"
            )
        if step == "escalated_at" and recorded["responded_at"] is None:
            raise IncidentError(
                f"{label} has no response recorded yet: record the response before escalating"
            )
        earlier = [("opened", incident.opened_at)] + [
            (_STEP_NAMES[s], recorded[s]) for s in INCIDENT_STEPS if recorded[s] is not None
        ]
        for name, when in earlier:
            if at < when:
                raise IncidentError(
                    f"{label}: {_STEP_NAMES[step]} at {fmt_time(at)} would be before it was {name} ({fmt_time(when)})"
                )
        recorded[step] = at


def _refuse_foreign(db: DB, path: Path) -> None:
    """A writer never turns another application's SQLite database into a courtops store."""
    try:
        # one statement, one snapshot: read apart, another process's first migration could commit in
        # between (version 0 read before it, its tables after) and a new store would look foreign
        version, tables = db.execute(
            "SELECT (SELECT user_version FROM pragma_user_version),"
            " (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table')"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a courtops results store ({exc})") from exc
    if int(version) == 0 and tables:
        raise StoreError(f"{path}: not a courtops results store (an SQLite database of another application)")


def _open_readonly(path: Path) -> sqlite3.Connection:
    """Open ``path`` for reading only, creating nothing next to it, and check it is a readable store.

    A store with no ``-wal`` file has no writer and nothing unmerged: it is opened ``immutable`` (no
    lock files, works in a read-only directory). With a ``-wal`` file (a run in progress, or a writer
    killed before merging) it is opened ``mode=ro`` so that the write-ahead log is read too.
    """
    wal = path.with_name(path.name + "-wal")
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if wal.exists() else "&immutable=1")
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the results store for reading: {exc}") from exc
    db.row_factory = sqlite3.Row
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        db.close()
        if "readonly" in str(exc) or "unable to open" in str(exc):
            raise StoreError(f"{path}: cannot read the results store: {exc}") from exc
        raise StoreError(f"{path}: not a courtops results store ({exc})") from exc
    problem = ""
    if version == 0 or not tables >= STORE_TABLES:
        problem = "not a courtops results store (an SQLite database without the courtops tables)"
    elif version > len(MIGRATIONS):
        problem = (
            f"schema version {version} is newer than this courtops ({len(MIGRATIONS)}); upgrade courtops"
        )
    elif version < READABLE_FROM:
        problem = (
            f"schema version {version} is older than this courtops reads ({READABLE_FROM}); "
            "the next playbook run (the recorder) upgrades it"
        )
    if problem:
        db.close()
        raise StoreError(f"{path}: {problem}")
    return db


_INSERT_RESULT = (
    "INSERT INTO task_results (run_id, host, play, task, task_uuid, action, status,"
    " changed, ignored, item, started_at, ended_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _result_row(run_id: int, r: TaskResult) -> tuple[Any, ...]:
    content = _json(r.content) if r.content else "{}"
    return (run_id, r.host, r.play, r.task, r.task_uuid, r.action, r.status, int(r.changed), int(r.ignored),
            r.item, r.started_at, r.ended_at, content)  # fmt: skip


def _run(row: Any) -> Run:
    d = dict(row)
    d["extra"] = json.loads(d["extra"])
    d["check_mode"] = bool(d["check_mode"])
    return Run(**d)
