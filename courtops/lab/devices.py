"""Simulated network devices (Huawei VRP, H3C Comware, Cisco IOS) served by courtops.lab.netsim.

NOS definitions are ours (lab/devices/<vendor>.yml + configs/<vendor>_<state>.cfg): the show commands'
fixed outputs and the seed of each device's running configuration, which is then state (netsim keeps
it under `<state dir>/devices/state/<host>/`: configuration commands, save, reboot, flash files).
Each device gets its own RSA host key; `up` pins them in ~/.ssh/known_hosts between marker lines
(paramiko, used by network_cli, reads only that file) and `down` removes exactly those lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from courtops.lab import hosts, netns
from courtops.lab.config import DATA_DIR, LabConfig
from courtops.lab.inventory import NETWORK_PASSWORD, NETWORK_USER
from courtops.lab.plan import HostSpec
from courtops.lab.util import LabError, pid_alive, run

DEVICE_DIR = DATA_DIR / "devices"
NETNS = "netdev"
VETH = 300  # the device namespace's single veth (index outside the per-host ranges)


def _vendor_state(spec: HostSpec) -> tuple[str, str]:
    vendor, state = spec.profile.split("_", 1)
    return vendor, state


def _substitute(text: str, cfg: LabConfig, spec: HostSpec) -> str:
    base = str(cfg.subnet.network_address)
    return (
        text.replace("@SYSNAME@", spec.name)
        .replace("@ADDRESS@", spec.address)
        .replace("@GATEWAY@", cfg.gateway)
        .replace("@SUBNET_BASE@", base)
    )


def nos_definition(cfg: LabConfig, spec: HostSpec) -> dict[str, Any]:
    """The NOS definition for one device: vendor commands + state overrides + its config."""
    vendor, state = _vendor_state(spec)
    path = DEVICE_DIR / f"{vendor}.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LabError(f"{path}: cannot read the device definition: {exc}") from exc
    # a factory-default spare answers the status commands as an unhardened device does
    merged = {**data["commands"], **data["states"].get(state, data["states"]["noncompliant"])}
    config = (DEVICE_DIR / "configs" / f"{vendor}_{state}.cfg").read_text(encoding="utf-8")
    merged[data["config_command"]] = config.rstrip("\n")
    commands: dict[str, Any] = {}
    for name, body in merged.items():
        entry = dict(body) if isinstance(body, dict) else {"output": body}
        if isinstance(entry.get("output"), str):
            entry["output"] = _substitute(entry["output"], cfg, spec)
        entry.setdefault("help", f"lab: {name}")
        commands[name] = entry
    commands["_default_"] = {"output": data["unknown_command"], "help": "unknown command"}
    return {"name": f"courtops_{spec.name}", "initial_prompt": data["initial_prompt"], "commands": commands}


def state_dir(cfg: LabConfig, name: str) -> Path:
    """Where device `name` keeps its running and startup configuration and flash (see netsim.device)."""
    return cfg.state_dir / "devices" / "state" / name


def _config_command(spec: HostSpec) -> str:
    vendor, _ = _vendor_state(spec)
    data = yaml.safe_load((DEVICE_DIR / f"{vendor}.yml").read_text(encoding="utf-8"))
    return str(data["config_command"])


def _host_key(cfg: LabConfig, spec: HostSpec) -> Path:
    key = cfg.state_dir / "devices" / "keys" / spec.name
    if not key.exists():
        key.parent.mkdir(parents=True, exist_ok=True)
        run(
            [
                "ssh-keygen",
                "-q",
                "-t",
                "rsa",
                "-b",
                "2048",
                "-m",
                "PEM",
                "-N",
                "",
                "-C",
                spec.name,
                "-f",
                str(key),
            ]
        )
    return key


def _marker(cfg: LabConfig, edge: str) -> str:
    return f"# courtops-lab-{cfg.lab_id} {edge} (managed by `courtops lab`; removed by `courtops lab down`)"


def _user_known_hosts() -> Path:
    return Path.home() / ".ssh" / "known_hosts"


def pin_host_keys(cfg: LabConfig, specs: list[HostSpec]) -> None:
    path = _user_known_hosts()
    path.parent.mkdir(mode=0o700, exist_ok=True)
    kept = _without_block(cfg, path.read_text(encoding="utf-8") if path.exists() else "")
    block = [_marker(cfg, "begin")]
    for spec in specs:
        pub = _host_key(cfg, spec).with_suffix(".pub").read_text(encoding="utf-8").split()
        block.append(f"{spec.address} {pub[0]} {pub[1]}")
    block.append(_marker(cfg, "end"))
    path.write_text(kept + "\n".join(block) + "\n", encoding="utf-8")


def _without_block(cfg: LabConfig, text: str) -> str:
    out, skip = [], False
    for line in text.splitlines():
        if line == _marker(cfg, "begin"):
            skip = True
        elif line == _marker(cfg, "end"):
            skip = False
        elif not skip:
            out.append(line)
    return "\n".join(out) + ("\n" if out else "")


def forget_host_keys(cfg: LabConfig) -> None:
    path = _user_known_hosts()
    if path.exists():
        path.write_text(_without_block(cfg, path.read_text(encoding="utf-8")), encoding="utf-8")


def up(cfg: LabConfig, specs: list[HostSpec], previous: dict[str, Any]) -> dict[str, Any]:
    names = sorted(s.name for s in specs)
    pid = previous.get("pid")
    if pid_alive(pid) and sorted(previous.get("devices", [])) == names:
        return previous
    if pid:
        hosts.kill(int(pid))
    ns = netns.ensure_netns(cfg, NETNS)
    for stale in netns.netns_pids(ns):  # left by a crashed or half-finished `up`
        hosts.kill(stale)
    netns.attach_netns(cfg, ns, VETH, [s.address for s in specs])
    work = cfg.state_dir / "devices"
    (work / "nos").mkdir(parents=True, exist_ok=True)
    entries = []
    for spec in specs:
        nos_file = work / "nos" / f"{spec.name}.yaml"
        nos_file.write_text(yaml.safe_dump(nos_definition(cfg, spec), allow_unicode=True), encoding="utf-8")
        entries.append({
            "name": spec.name, "address": spec.address, "nos_file": str(nos_file),
            "host_key": str(_host_key(cfg, spec)), "banner": f"{spec.name}: authorized O&M access only",
            "vendor": _vendor_state(spec)[0], "state_dir": str(state_dir(cfg, spec.name)),
            "config_command": _config_command(spec),
        })  # fmt: skip
    spec_file = work / "devices.json"
    spec_file.write_text(
        json.dumps({"username": NETWORK_USER, "password": NETWORK_PASSWORD, "devices": entries}),
        encoding="utf-8",
    )
    spec_file.chmod(0o600)
    pin_host_keys(cfg, specs)
    log = (work / "netsim.log").open("ab")
    proc = subprocess.Popen(
        ["ip", "netns", "exec", ns, sys.executable, "-m", "courtops.lab.netsim.server", str(spec_file)],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, cwd=str(cfg.repo_root),
    )  # fmt: skip
    missing = _wait_ssh([s.address for s in specs], proc)
    if missing:
        raise LabError(f"simulated devices not answering on {', '.join(missing)}; see {work / 'netsim.log'}")
    return {"pid": proc.pid, "devices": names}


def _wait_ssh(addresses: list[str], proc: subprocess.Popen[bytes], timeout: float = 60) -> list[str]:
    deadline = time.monotonic() + timeout
    pending = addresses
    while time.monotonic() < deadline and proc.poll() is None:
        pending = hosts.wait_ssh(pending, timeout=1)
        if not pending:
            return []
    return pending


def down(cfg: LabConfig) -> None:
    """Processes die with the namespace sweep in lab.down; nothing else is device-specific."""
