"""Host profiles (lab/profiles.yml): load them and seed one into a host's root before it boots."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from courtops.lab.config import DATA_DIR
from courtops.lab.util import LabError, run

PROFILES_FILE = DATA_DIR / "profiles.yml"
PROFILE_ORDER = ("hardened", "drifted", "baseline", "rpm_layout")


@cache
def load() -> dict[str, Any]:
    try:
        data = yaml.safe_load(PROFILES_FILE.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LabError(f"{PROFILES_FILE}: not valid YAML: {exc}") from exc
    profiles = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(profiles, dict) or set(PROFILE_ORDER) - set(profiles):
        raise LabError(f"{PROFILES_FILE}: needs a `profiles` mapping with {', '.join(PROFILE_ORDER)}")
    return dict(data)


def profile(name: str) -> dict[str, Any]:
    profiles = load()["profiles"]
    if name not in profiles:
        raise LabError(f"unknown lab profile {name!r} (known: {', '.join(profiles)}; see {PROFILES_FILE})")
    return dict(profiles[name])


def _chain(name: str) -> list[str]:
    """The profile and its ancestors, ancestors first."""
    chain: list[str] = []
    while name:
        if name in chain:
            raise LabError(f"{PROFILES_FILE}: profile inheritance loop at {name!r}")
        chain.insert(0, name)
        name = profile(name).get("inherits") or ""
    return chain


def _copy_tree(src: Path, root: Path, gateway: str) -> None:
    for path in sorted(src.rglob("*")):
        if path.is_dir():
            continue
        rel = path.relative_to(src)
        dest = root / rel
        if path.suffix == ".in":
            dest = dest.with_suffix("")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.is_symlink():
            dest.unlink()
        if path.suffix == ".in":
            dest.write_text(path.read_text(encoding="utf-8").replace("@GATEWAY@", gateway), encoding="utf-8")
            dest.chmod(0o644)
        else:
            shutil.copyfile(path, dest)
            dest.chmod(0o755 if "/bin/" in f"/{rel}" else 0o644)


def apply(name: str, root: Path, gateway: str) -> None:
    """Seed profile `name` (after its ancestors) into the host root mounted at `root`."""
    for step in _chain(name):
        spec = profile(step)
        if spec.get("files"):
            _copy_tree(DATA_DIR / "profiles" / step, root, gateway)
        for command in spec.get("commands") or []:
            run(["chroot", str(root), "/bin/sh", "-ec", command])
