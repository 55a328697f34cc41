"""The `courtops` console command.

Each sub-command lives in its own module under ``courtops/commands/`` and exposes
``register(subparsers)``; this file only discovers them, so features can be added
without touching a shared list.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sqlite3
import sys
from collections.abc import Sequence

from courtops import __version__, commands
from courtops.secrets import mask_text
from courtops.store import StoreError, pg


class UserError(Exception):
    """An error the user can fix: printed as one clear line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="courtops",
        description="法院信息化运维与等保合规工具 / court IT operations and 等保 2.0 compliance",
    )
    parser.add_argument("--version", action="version", version=f"courtops {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


#: Exit status when the reader of our output went away (`courtops runs | head`): 128 + SIGPIPE, as a shell shows it.
EXIT_PIPE_CLOSED = 141


def _oserror_text(exc: OSError) -> str:
    where = exc.filename if exc.filename is not None else ""
    what = exc.strerror or str(exc)
    return f"{where}: {what}" if where else what


#: the store's database errors that reach a command: SQLite's, and psycopg's for a PostgreSQL store
_STORE_DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, *pg.errors())


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Expected failures are one line on stderr and a non-zero exit, never a traceback:
    UserError, the store's errors, files that cannot be read or written, text that is not UTF-8."""

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here, inside the handler, not at interpreter exit
        return status
    except BrokenPipeError:
        # The reader stopped reading: not an error of ours. Point stdout at /dev/null so that the
        # interpreter's final flush does not complain again, and exit like a process killed by SIGPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE_CLOSED
    except (UserError, StoreError) as exc:
        print(f"courtops: {exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:
        print(
            f"courtops: not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        print(f"courtops: {_oserror_text(exc)}", file=sys.stderr)
        return 2
    except _STORE_DB_ERRORS as exc:
        print(mask_text(f"courtops: results store: {exc}").rstrip(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("courtops: interrupted", file=sys.stderr)
        return 130
