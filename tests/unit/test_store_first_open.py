"""Two ansible-playbook runs that open a new store at the same moment both get it (no lost run).

Found with concurrent audits (issue 16.5): the second process re-ran migration 1 ("table runs already
exists") and its recorder failed the run with exit 74.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from courtops.store import SCHEMA_VERSION, Store

OPEN = "import sys\nfrom courtops.store import Store\nStore(sys.argv[1]).close()\n"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_processes_opening_a_new_store_together_all_succeed(tmp_path, request, backend):
    # on PostgreSQL the migrations' transactions take the writers' advisory lock: one migrates
    attempts = 4 if backend == "sqlite" else 2
    for attempt in range(attempts):  # the race needs the opens to overlap: try a few fresh stores
        if backend == "sqlite":
            path = str(tmp_path / f"s{attempt}.sqlite3")
        else:
            path = request.getfixturevalue("pg_server").new_database()
        procs = [
            subprocess.Popen([sys.executable, "-c", OPEN, path], stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        errors = [p.communicate(timeout=120)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
        with Store(path, create=False) as store:
            assert store.version == SCHEMA_VERSION
