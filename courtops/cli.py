"""The `courtops` console command.

Each sub-command lives in its own module under ``courtops/commands/`` and exposes
``register(subparsers)``; this file only discovers them, so features can be added
without touching a shared list.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from courtops import __version__, commands


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"courtops: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("courtops: interrupted", file=sys.stderr)
        return 130
