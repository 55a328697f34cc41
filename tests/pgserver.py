"""A real PostgreSQL server for the tests: Debian's postgresql package, an unprivileged cluster.

The cluster lives in a temp dir (initdb + pg_ctl), run by the ``postgres`` system user when the tests
run as root (PostgreSQL refuses to run as root), listening on a unix socket in that dir only (no
TCP). Each test gets its own database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

SERVICE_USER = "postgres"  # created by Debian's postgresql-common
ROLE = "courtops"


def _bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[4]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL is not installed (Debian package postgresql, requirements/apt.txt)")
    return Path(initdb).resolve().parent


class PgServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="courtops-pg-"))
        self.data = self.dir / "data"
        self.bindir = _bindir()
        self.as_root = os.geteuid() == 0
        self._migrated = False

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", SERVICE_USER, "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stdout}{proc.stderr}")

    def start(self) -> PgServer:
        if self.as_root:
            shutil.chown(self.dir, SERVICE_USER, SERVICE_USER)
        self._run("initdb", "-D", str(self.data), "-U", ROLE, "--auth=trust", "-E", "UTF8", "--no-sync",
                  "--locale=C.UTF-8")  # fmt: skip
        opts = f"-c listen_addresses='' -k {self.dir} -c fsync=off -c max_connections=60"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-o", opts, "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def dsn(self, dbname: str = "postgres", password: str = "") -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{ROLE}{secret}@/{dbname}?host={self.dir}"

    def new_database(self, *, migrated: bool = False) -> str:
        """A fresh database, empty or (``migrated``) a copy of a store at the current schema; its DSN.

        Copying the migrated template saves each test the migrations (the migration tests start empty).
        """
        name = f"t_{uuid.uuid4().hex[:12]}"
        template = self._template() if migrated else "template1"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.dsn(name)

    def password_database(self, password: str) -> tuple[str, str]:
        """A new empty database owned by a new role that must log in with ``password`` (scram): the
        server refuses it without. (the DSN with the password percent-encoded, the DSN without it)"""
        role = f"pw_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
            conn.execute(f"CREATE DATABASE {role} OWNER {role}")
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"local all {role} scram-sha-256\n" + hba.read_text())  # first match wins
        self._run("pg_ctl", "-D", str(self.data), "reload")
        without = f"postgresql://{role}@/{role}?host={self.dir}"
        deadline = time.monotonic() + 30
        while True:  # the server reads pg_hba.conf again a moment after the reload signal
            try:
                psycopg.connect(without, connect_timeout=5).close()
            except psycopg.OperationalError:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server still lets {role} in without a password")
            time.sleep(0.1)
        return f"postgresql://{role}:{quote(password, safe='')}@/{role}?host={self.dir}", without

    @staticmethod
    def store_text(dsn: str) -> str:
        """Every row of every table of a database, as text (to look for what must not be there)."""
        with psycopg.connect(dsn) as conn:
            tables = [
                r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ]
            rows = [
                r[0]
                for t in tables
                for r in conn.execute(sql.SQL("SELECT t::text FROM {} t").format(sql.Identifier(t)))
            ]
        return "\n".join(rows)

    def _template(self) -> str:
        if not self._migrated:
            from courtops.store import Store

            with psycopg.connect(self.dsn(), autocommit=True) as conn:
                conn.execute("CREATE DATABASE courtops_template")
            Store(self.dsn("courtops_template")).close()
            self._migrated = True
        return "courtops_template"
