"""The results store's password for a job's playbook, held in memory only.

ansible-runner writes the whole environment it starts ansible-playbook with into
``artifacts/<ident>/command`` (and sends it in the ``starting`` status of a transmit stream), and a
playbook that gathers facts on the controller gets it as ``ansible_env`` in its job events. So a
password may not travel as an environment variable — neither inside ``COURTOPS_STORE`` nor as
``PGPASSWORD``. It goes into a libpq password file that is an anonymous memory file of the
``courtops job run`` process (``memfd_create``, mode 0600, never on a filesystem); the playbook's
processes get its name, ``PGPASSFILE=/proc/<pid>/fd/<n>``, which libpq opens like ``~/.pgpass``
while the job runs. Another user cannot open it (the kernel checks /proc/<pid>/fd like ptrace).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from courtops.store.dsn import any_connection_line, passfile_line, split_password

#: libpq's environment variables for a password and for the password file
PASSWORD_ENV = "PGPASSWORD"
PASSFILE_ENV = "PGPASSFILE"


def _existing_passfile() -> str:
    """The lines of the password file libpq would read without us (PGPASSFILE, else ~/.pgpass): kept
    after ours, so the playbook's other PostgreSQL connections find their passwords as before."""
    path = os.environ.get(PASSFILE_ENV) or str(Path.home() / ".pgpass")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    return text if text.endswith("\n") or not text else text + "\n"


@contextmanager
def store_password_env(store: Path | str) -> Iterator[dict[str, str]]:
    """Environment entries that give the playbook the store's password from memory: ``{}`` when
    there is no password to give (a SQLite store; a DSN without password and no ``PGPASSWORD``: libpq
    finds ~/.pgpass itself), else ``{"PGPASSFILE": "/proc/<pid>/fd/<n>"}`` valid inside the block.

    The caller withholds ``PGPASSWORD`` from the playbook's environment (its line is in the file)."""
    lines = []
    if isinstance(store, str):
        _, password = split_password(store)
        if password:
            lines.append(passfile_line(store, password) + "\n")
    if os.environ.get(PASSWORD_ENV):
        # PGPASSWORD outranks any password file: its line comes before the user's own lines
        lines.append(any_connection_line(os.environ[PASSWORD_ENV]) + "\n")
    if not lines:
        yield {}
        return
    try:
        fd = os.memfd_create("courtops-pgpass", os.MFD_CLOEXEC)
    except (AttributeError, OSError) as exc:  # not Linux ≥ 3.17: no memory file to hand over
        raise RuntimeError(
            "cannot hold the results store's password in memory (memfd_create); put it in ~/.pgpass"
            f" and leave it out of the DSN: {exc.__class__.__name__}"
        ) from None
    try:
        os.fchmod(fd, 0o600)  # libpq ignores a password file that group or others may read
        data = ("".join(lines) + _existing_passfile()).encode("utf-8")
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        yield {PASSFILE_ENV: f"/proc/{os.getpid()}/fd/{fd}"}
    finally:
        os.close(fd)
