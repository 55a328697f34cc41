"""A PostgreSQL DSN's password taken apart from it (courtops.store.dsn), and the in-memory password file
that gives it to a job's playbook (courtops.jobs.pgpass). libpq itself reading that file to log in is
tested end to end in tests/integration/test_jobs_runner.py."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from courtops.jobs.pgpass import store_password_env
from courtops.store.dsn import any_connection_line, passfile_line, split_password

DSNS = [
    # (DSN, its password)
    ("postgresql://courtops:s3cret@db.court.internal/courtops?sslmode=verify-full", "s3cret"),
    ("postgresql://courtops:a%3Ab%40c%2Fd@db.court.internal:6432/courtops", "a:b@c/d"),
    ("postgres://ops:pw@[fd00::5]:5433/store", "pw"),
    ("postgresql://courtops@/store?host=/run/pg&password=q%26r", "q&r"),
    ("postgresql://u:first@h/db?password=second&sslmode=require", "second"),  # the query's wins, as in libpq
    ("postgresql://courtops@db.court.internal/courtops?sslmode=verify-full", ""),
    ("postgresql://db.court.internal/courtops", ""),
]


@pytest.mark.parametrize(("dsn", "password"), DSNS)
def test_the_password_leaves_the_dsn_and_everything_else_stays(dsn: str, password: str) -> None:
    bare, found = split_password(dsn)
    assert found == password
    assert found == conninfo_to_dict(dsn).get("password", "")  # libpq reads the same password
    expected = {k: v for k, v in conninfo_to_dict(dsn).items() if k != "password"}
    assert conninfo_to_dict(bare) == expected
    if not password:
        assert bare == dsn  # nothing to take out: the DSN as written


def test_a_passfile_line_names_the_store_and_escapes_colons_and_backslashes() -> None:
    line = passfile_line("postgresql://ops:x@db.court.internal:6432/courtops", "p:w\\d")
    assert line == "db.court.internal:6432:courtops:ops:p\\:w\\\\d"
    # a unix socket directory, an unset port: any value (libpq names the default socket "localhost")
    assert passfile_line("postgresql://ops@/store?host=/run/postgresql", "pw") == "*:*:store:ops:pw"
    assert passfile_line("postgresql://a,b/db?user=u&port=5", "pw") == "*:5:db:u:pw"
    assert any_connection_line("a:b") == "*:*:*:*:a\\:b"


def _read_as_child(path: str) -> tuple[str, int]:
    """What another process of the same user reads at that path, and the file's mode."""
    code = "import os,sys; p=sys.argv[1]; print(oct(os.stat(p).st_mode)); print(open(p).read(), end='')"
    out = subprocess.run(
        [sys.executable, "-c", code, path], capture_output=True, text=True, check=True
    ).stdout
    mode, _, text = out.partition("\n")
    return text, int(mode, 8)


def test_the_password_file_is_in_memory_private_and_gone_afterwards(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    own = tmp_path / "pgpass"
    own.write_text("other.court.internal:5432:*:ops:theirs\n")
    monkeypatch.setenv("PGPASSFILE", str(own))
    monkeypatch.setenv("PGPASSWORD", "envpw")
    with store_password_env("postgresql://ops:dsnpw@db/courtops") as env:
        path = env["PGPASSFILE"]
        assert path.startswith(f"/proc/{os.getpid()}/fd/")
        assert str(Path(path).readlink()).startswith("/memfd:")  # no file on any filesystem
        text, mode = _read_as_child(path)
    # the DSN's password for the store, PGPASSWORD for every other connection, then the user's own lines
    assert text.splitlines() == [
        "db:*:courtops:ops:dsnpw",
        "*:*:*:*:envpw",
        "other.court.internal:5432:*:ops:theirs",
    ]
    assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o600  # libpq refuses a file others may read
    assert not Path(path).exists()  # closed with the block


def test_no_password_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with store_password_env("postgresql://ops@db/courtops") as env:
        assert env == {}  # libpq finds ~/.pgpass itself
    with store_password_env(tmp_path / "store.sqlite3") as env:
        assert env == {}
