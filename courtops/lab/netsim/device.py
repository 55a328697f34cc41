"""One simulated device's state, kept on disk so it survives the simulator's restart and the lab
controller can act on it without talking to the process.

Layout of a device's directory (under `<lab state dir>/devices/state/<host>/`, removed by `lab down`):

    running.cfg        the running configuration as the device prints it
    flash/             the device's flash: the startup file(s) and any file copied or saved there
    nvram/startup-config   (IOS) the startup configuration
    next-startup       (VRP, Comware) the flash file the next boot loads
    misbehave          none | truncate | error | timeout (written by `courtops lab device`)
"""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from courtops.lab.netsim.dialects import DIALECTS, Dialect
from courtops.lab.netsim.tree import ConfigTree

MISBEHAVIOURS = ("none", "truncate", "error", "timeout")
#: the factory startup file of each vendor on flash (IOS keeps it in nvram instead)
DEFAULT_STARTUP = {"vrp": "vrpcfg.cfg", "comware": "startup.cfg"}
_CST = timezone(timedelta(hours=8))
_FLASH_NAME = re.compile(r"^(?:flash:)?/?([\w.\-]+)$")


class DeviceError(Exception):
    """A request the device refuses (bad file name, missing file): its text is the device's answer."""


def flash_name(spec: str) -> str:
    """`flash:/a.cfg`, `flash:a.cfg`, `a.cfg` -> `a.cfg`; anything with a directory part is refused."""
    m = _FLASH_NAME.match(spec.strip())
    if not m or m.group(1) in (".", ".."):
        raise DeviceError(spec)
    return m.group(1)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class DeviceState:
    def __init__(self, name: str, vendor: str, directory: Path, seed: str | None = None) -> None:
        self.name = name
        self.dialect: Dialect = DIALECTS[vendor]
        self.dir = directory
        self.flash = directory / "flash"
        self.lock = threading.RLock()
        if seed is not None and not (directory / "running.cfg").exists():
            self.flash.mkdir(parents=True, exist_ok=True)
            text = ConfigTree.parse(self.dialect, seed).render()
            _write(directory / "running.cfg", text + "\n")
            _write(self.startup_path(), text + "\n")

    # -- configuration --------------------------------------------------------------------------
    def running(self) -> ConfigTree:
        return ConfigTree.parse(self.dialect, (self.dir / "running.cfg").read_text(encoding="utf-8"))

    def write_running(self, tree: ConfigTree, *, stamp: bool = True) -> None:
        if stamp:
            _stamp_last_change(tree)
        _write(self.dir / "running.cfg", tree.render() + "\n")

    def running_text(self) -> str:
        return self.running().render()

    def hostname(self) -> str:
        word = "hostname" if self.dialect.vendor == "ios" else "sysname"
        for node in self.running().root.children:
            if node.text.startswith(word + " "):
                return node.text.split(None, 1)[1]
        return self.name

    # -- startup and flash ------------------------------------------------------------------------
    def startup_name(self) -> str:
        if self.dialect.vendor == "ios":
            return "startup-config"
        marker = self.dir / "next-startup"
        if marker.exists():
            return marker.read_text(encoding="utf-8").strip()
        return DEFAULT_STARTUP[self.dialect.vendor]

    def startup_path(self) -> Path:
        if self.dialect.vendor == "ios":
            return self.dir / "nvram" / "startup-config"
        return self.flash / self.startup_name()

    def startup_text(self) -> str | None:
        path = self.startup_path()
        return path.read_text(encoding="utf-8").rstrip("\n") if path.exists() else None

    def unsaved(self) -> bool:
        startup = self.startup_text()
        return startup is None or ConfigTree.parse(self.dialect, startup).render() != self.running_text()

    def save(self, name: str | None = None) -> Path:
        """Write the running configuration to the startup file, or to flash file `name`."""
        path = self.flash / flash_name(name) if name else self.startup_path()
        _write(path, self.running_text() + "\n")
        return path

    def set_next_startup(self, name: str) -> None:
        name = flash_name(name)
        if not (self.flash / name).is_file():
            raise DeviceError(name)
        _write(self.dir / "next-startup", name + "\n")

    def read_flash(self, name: str) -> str:
        path = self.flash / flash_name(name)
        if not path.is_file():
            raise DeviceError(name)
        return path.read_text(encoding="utf-8")

    def replace_running(self, text: str) -> None:
        """Running := the given configuration (configure replace, configuration replace file)."""
        self.write_running(ConfigTree.parse(self.dialect, text))

    def reboot(self) -> None:
        """Running := startup, as a device boots from its saved configuration."""
        text = self.startup_text()
        tree = ConfigTree.parse(self.dialect, text or "")
        self.write_running(tree, stamp=False)

    def flash_files(self) -> list[tuple[str, int, float]]:
        if not self.flash.is_dir():
            return []
        return sorted(
            (p.name, p.stat().st_size, p.stat().st_mtime) for p in self.flash.iterdir() if p.is_file()
        )

    # -- lab control ------------------------------------------------------------------------------
    def misbehave(self) -> str:
        path = self.dir / "misbehave"
        mode = path.read_text(encoding="utf-8").strip() if path.exists() else "none"
        return mode if mode in MISBEHAVIOURS else "none"

    def set_misbehave(self, mode: str) -> None:
        if mode not in MISBEHAVIOURS:
            raise ValueError(f"misbehave must be one of {', '.join(MISBEHAVIOURS)}, not {mode!r}")
        _write(self.dir / "misbehave", mode + "\n")


def _stamp_last_change(tree: ConfigTree) -> None:
    """Real devices rewrite their last-change comment on every change (VRP and IOS print one)."""
    now = datetime.fromtimestamp(time.time(), _CST)
    for node in tree.root.children:
        if node.text.startswith("!Last configuration was updated at "):
            node.text = f"!Last configuration was updated at {now:%Y-%m-%d %H:%M:%S}+08:00 by labops"
        elif node.text.startswith("! Last configuration change at "):
            node.text = f"! Last configuration change at {now:%H:%M:%S} CST {now:%a %b %d %Y} by labops"
