"""Start snmpsim's command responder with the modules it loads lazily already imported.

As root, snmpsim drops privileges to nobody before it opens its index database; after that, lazy
imports (dbm back-ends, codecs) can fail when the interpreter's files are not readable by nobody,
and snmpsim reports "no dbm clone found". Importing them first avoids that.
Usage: python -m courtops.lab.snmpsim_runner <snmpsim-command-responder arguments>
"""

from __future__ import annotations

import ast
import dbm
import dbm.dumb
import encodings.idna
import encodings.latin_1
import encodings.utf_8
import sys

from snmpsim.commands.responder import main

#: imported now, while still root; naming them keeps linters from dropping the imports as unused
PRELOADED = (ast, dbm, dbm.dumb, encodings.idna, encodings.latin_1, encodings.utf_8)

if __name__ == "__main__":
    sys.argv[0] = "snmpsim-command-responder"
    sys.exit(main())
