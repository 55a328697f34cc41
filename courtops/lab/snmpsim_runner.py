"""Start snmpsim's command responder with the modules it loads lazily already imported.

As root, snmpsim drops privileges to nobody before it opens its index database; after that, lazy
imports (dbm back-ends, codecs) can fail when the interpreter's files are not readable by nobody,
and snmpsim reports "no dbm clone found". Importing them first avoids that.
Usage: python -m courtops.lab.snmpsim_runner <snmpsim-command-responder arguments>
"""

from __future__ import annotations

import ast  # noqa: F401 - used by dbm.dumb
import encodings.idna
import encodings.latin_1
import encodings.utf_8  # noqa: F401
import sys

from snmpsim.commands.responder import main

if __name__ == "__main__":
    sys.argv[0] = "snmpsim-command-responder"
    sys.exit(main())
