"""`courtops lab device HOST`: the controller acts on a device's state on disk (no SSH, no root)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from courtops.lab import devices, state
from courtops.lab.config import LabConfig
from courtops.lab.device_control import control
from courtops.lab.netsim.device import DeviceState
from courtops.lab.netsim.session import Session
from courtops.lab.plan import LabPlan
from courtops.lab.util import LabError


@pytest.fixture
def cfg(tmp_path: Path) -> LabConfig:
    cfg = LabConfig.from_env(
        {"COURTOPS_LAB_ID": "0", "COURTOPS_LAB_STATE": str(tmp_path), "COURTOPS_LAB_CACHE": "/tmp/c"}
    )
    state.save(cfg, {"size": [0, 6, 0]})
    plan = LabPlan.build(cfg, 0, 6, 0)
    for spec in [*plan.network, *plan.spares]:  # what `lab up` writes for the simulator
        nos = devices.nos_definition(cfg, spec)
        nos_file = cfg.state_dir / "devices" / "nos" / f"{spec.name}.yaml"
        nos_file.parent.mkdir(parents=True, exist_ok=True)
        nos_file.write_text(yaml.safe_dump(nos), encoding="utf-8")
        seed = nos["commands"][
            "show running-config" if spec.platform == "ios" else "display current-configuration"
        ]
        DeviceState(spec.name, spec.platform, devices.state_dir(cfg, spec.name), seed["output"])
    return cfg


def test_unknown_host_is_a_clear_error_naming_the_devices(cfg: LabConfig) -> None:
    with pytest.raises(
        LabError, match=r"lab-nope: not a simulated network device of lab 0; devices: .*lab-vrp-spare"
    ):
        control(cfg, "lab-nope")


def test_misbehave_reboot_and_reset(cfg: LabConfig) -> None:
    assert control(cfg, "lab-ios-01", misbehave="truncate")["misbehave"] == "truncate"
    dev = DeviceState("lab-ios-01", "ios", devices.state_dir(cfg, "lab-ios-01"))
    assert dev.misbehave() == "truncate"
    session = Session(dev, {"commands": {}})
    control(cfg, "lab-ios-01", misbehave="none")
    for line in ("configure terminal", "hostname changed", "end"):
        session.handle(line)
    assert control(cfg, "lab-ios-01")["unsaved_changes"] is True
    assert control(cfg, "lab-ios-01", reboot=True)["unsaved_changes"] is False
    assert dev.hostname() == "lab-ios-01", "reboot: running := startup"
    for line in ("configure terminal", "hostname changed", "end", "write memory"):
        session.handle(line)
    control(cfg, "lab-ios-01", reboot=True)
    assert dev.hostname() == "changed", "a saved change survives"
    control(cfg, "lab-ios-01", reset_state=True)
    assert dev.hostname() == "lab-ios-01" and not dev.unsaved()
    spare = control(cfg, "lab-vrp-spare", reset_state=True)
    assert spare["flash"] == ["vrpcfg.cfg"]
    assert DeviceState("lab-vrp-spare", "vrp", Path(spare["state_dir"])).hostname() == "HUAWEI"
    with pytest.raises(LabError, match="misbehave must be one of"):
        control(cfg, "lab-ios-01", misbehave="explode")
