"""Two ansible-playbook runs that open a new store at the same moment both get it (no lost run).

Found with concurrent audits (issue 16.5): the second process re-ran migration 1 ("table runs already
exists") and its recorder failed the run with exit 74.
"""

from __future__ import annotations

import subprocess
import sys

from courtops.store import SCHEMA_VERSION, Store

OPEN = "import sys\nfrom courtops.store import Store\nStore(sys.argv[1]).close()\n"


def test_processes_opening_a_new_store_together_all_succeed(tmp_path):
    for attempt in range(4):  # the race needs the opens to overlap: try a few fresh stores
        path = tmp_path / f"s{attempt}.sqlite3"
        procs = [
            subprocess.Popen([sys.executable, "-c", OPEN, str(path)], stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        errors = [p.communicate(timeout=120)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
        with Store(path, create=False) as store:
            assert store.version == SCHEMA_VERSION
