"""How a vendor puts a saved configuration back (the vendor modules' ``restore`` hook).

Each network OS has its own real mechanism (backup-anchors.md §5); a vendor module declares it as a
``RestoreMethod``: the flash file the stored configuration is copied to (over SFTP), then the CLI steps
that activate it, each with the questions the device asks and the answers, and the text that proves
the step worked. The restore action (``plugins/action/courtops_restore.py``) runs them; the lab's
simulator (``courtops/lab/netsim/session.py``) implements the same commands and questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One CLI command of a restore. ``{file}`` in ``command`` is the flash file's name."""

    command: str
    #: the questions the device asks, in the order it asks them (regexes), and the answer to each
    prompts: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    #: what the output must hold for the step to have worked (None: only no CLI error)
    ok: re.Pattern[str] | None = None
    #: the device ends the session (reboot): the action reconnects before the next step
    closes: bool = False

    def text(self, file: str) -> str:
        return self.command.format(file=file)


@dataclass(frozen=True)
class RestoreMethod:
    #: the mechanism's name as the drill record and reports show it ("configure replace")
    name: str
    #: the flash file the stored configuration is copied to
    file: str
    steps: tuple[Step, ...]
    #: the restore reboots the device (the running configuration is lost until it is back)
    reboots: bool = False
    #: the line that names the device (sysname / hostname): a spare keeps its own (docs/restore.md)
    identity: re.Pattern[str] = re.compile(r"^\s*(?:sysname|hostname) \S+$", re.M)
