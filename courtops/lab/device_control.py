"""`courtops lab device HOST ...`: act on a simulated network device from the controller side.

The simulator keeps each device's state on disk (courtops/lab/netsim/device.py), so the controller
changes it there and the device sees it at its next command: make it misbehave, or reboot it
(running := startup, as `reboot` / `reload` on the device does; open sessions stay open), or reset
it to its seeded configuration (`--reset`, for tests that change a device and must leave it as found).
"""

from __future__ import annotations

import shutil
from typing import Any

import yaml

from courtops.lab import devices, lab
from courtops.lab.config import LabConfig
from courtops.lab.netsim.device import DeviceState
from courtops.lab.util import LabError


def _device(cfg: LabConfig, host: str) -> DeviceState:
    specs = {s.name: s for s in lab.host_specs(cfg) if s.kind == "network"}
    if host not in specs:
        known = ", ".join(sorted(specs)) or "none (is the lab up?)"
        raise LabError(f"{host}: not a simulated network device of lab {cfg.lab_id}; devices: {known}")
    directory = devices.state_dir(cfg, host)
    if not (directory / "running.cfg").exists():
        raise LabError(f"{host}: no device state under {directory}; run `courtops lab up` first")
    return DeviceState(host, specs[host].platform, directory)


def reset(cfg: LabConfig, host: str) -> None:
    """Back to the seeded configuration (factory default for a spare): running, startup and flash."""
    dev = _device(cfg, host)
    nos_file = cfg.state_dir / "devices" / "nos" / f"{host}.yaml"
    nos = yaml.safe_load(nos_file.read_text(encoding="utf-8"))
    seed = next(nos["commands"][c]["output"] for c in dev.dialect.config_commands if c in nos["commands"])
    shutil.rmtree(dev.dir)
    DeviceState(host, dev.dialect.vendor, dev.dir, seed)


def control(
    cfg: LabConfig,
    host: str,
    *,
    misbehave: str | None = None,
    reboot: bool = False,
    reset_state: bool = False,
) -> dict[str, Any]:
    """Apply the requested changes and return the device's state afterwards."""
    if reset_state:
        reset(cfg, host)
    dev = _device(cfg, host)
    with dev.lock:
        if misbehave is not None:
            try:
                dev.set_misbehave(misbehave)
            except ValueError as exc:
                raise LabError(str(exc)) from exc
        if reboot:
            dev.reboot()
        return {
            "device": host,
            "misbehave": dev.misbehave(),
            "unsaved_changes": dev.unsaved(),
            "startup": dev.startup_name(),
            "flash": [name for name, _, _ in dev.flash_files()],
            "state_dir": str(dev.dir),
        }
