"""SNMP devices: snmpsim responders in the lab's SNMP namespace, one per device on its own
address (UDP 161), community `public`; the devices the plan marks SNMPv3 (the switch) also serve
the lab's USM user (authPriv, courtops.lab.plan.LAB_SNMP_V3). The recordings under
lab/snmp/ are sorted by OID here (unsorted files end walks early). As root snmpsim must drop
privileges: to nobody / nogroup (its data and cache dirs are made readable / writable for that user)
when nobody can read the interpreter and this repository, else to root itself (a clone under /root or
a Python under /root is unreadable for nobody; the responders only serve the lab's own namespace).
Cameras and NVRs also get TCP 554 / 80 listeners (courtops.lab.camera_server).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from courtops.lab import hosts, netns
from courtops.lab.config import DATA_DIR, LabConfig
from courtops.lab.plan import HostSpec
from courtops.lab.util import LabError

SNMP_DIR = DATA_DIR / "snmp"
NETNS = "snmp"
VETH = 600


def _oid_key(line: str) -> tuple[int, ...]:
    return tuple(int(p) for p in line.split("|", 1)[0].split("."))


def render(name: str, spec: HostSpec) -> str:
    """One recording, comments dropped, placeholders filled, records sorted by OID."""
    path = SNMP_DIR / f"{name}.snmprec"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LabError(f"{path}: cannot read the SNMP recording: {exc}") from exc
    records = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("|", 2)
        if len(parts) != 3 or not all(p.isdigit() for p in parts[0].split(".")):
            raise LabError(f"{path}:{lineno}: not an `OID|type|value` record: {line!r}")
        records.append(line.replace("@SYSNAME@", spec.name).replace("@ADDRESS@", spec.address))
    return "\n".join(sorted(records, key=_oid_key)) + "\n"


def up(cfg: LabConfig, specs: list[HostSpec], previous: dict[str, Any]) -> dict[str, Any]:
    names = sorted(s.name for s in specs)
    pids = [int(p) for p in previous.get("pids", [])]
    if (
        pids
        and all(Path(f"/proc/{p}").exists() for p in pids)
        and sorted(previous.get("devices", [])) == names
    ):
        return previous
    for pid in pids:
        hosts.kill(pid)
    ns = netns.ensure_netns(cfg, NETNS)
    for stale in netns.netns_pids(ns):  # left by a crashed or half-finished `up`
        hosts.kill(stale)
    netns.attach_netns(cfg, ns, VETH, [s.address for s in specs])
    work = cfg.state_dir / "snmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log = (work / "snmpsim.log").open("ab")
    procs = []
    user, group = responder_account(cfg.repo_root)
    for spec in specs:
        # one responder per device: snmpsim's per-endpoint data selection (md5(community)/transport id)
        # did not match in snmpsim 1.2, and one small process per device is simple and certain
        data, cache = work / spec.name / "data", work / spec.name / "cache"
        data.mkdir(parents=True)
        cache.mkdir()
        recording = render(spec.profile, spec)
        (data / "public.snmprec").write_text(recording, encoding="utf-8")
        v3 = v3_args(spec)
        if v3:  # snmpsim picks a v3 request's recording by its context name
            (data / f"{spec.vars['courtops_snmp_v3_context']}.snmprec").write_text(
                recording, encoding="utf-8"
            )
        for p in [work, *work.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.chown(cache, user, group)
        cmd = [
            "ip", "netns", "exec", ns, sys.executable, "-m", "courtops.lab.snmpsim_runner",
            f"--data-dir={data}", f"--cache-dir={cache}", f"--process-user={user}", f"--process-group={group}",
            f"--agent-udpv4-endpoint={spec.address}:161", "--log-level=error", *v3,
        ]  # fmt: skip
        procs.append(
            subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                cwd=str(cfg.repo_root),
            )
        )
    cameras = [s.address for s in specs if s.klass in VIDEO_CLASSES]
    if cameras:
        procs.append(
            subprocess.Popen(
                ["ip", "netns", "exec", ns, sys.executable, "-m", "courtops.lab.camera_server", *cameras,
                 f"--lab-state={work}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                cwd=str(cfg.repo_root),
            )
        )  # fmt: skip
    _wait(cfg, specs, procs, work)
    return {"pids": [p.pid for p in procs], "devices": names}


def v3_args(spec: HostSpec) -> list[str]:
    """snmpsim's USM user for a device the lab inventory says speaks SNMPv3 (authPriv), else none."""
    v = spec.vars
    if str(v.get("courtops_snmp_version")) != "3":
        return []
    return [
        f"--v3-user={v['courtops_snmp_v3_user']}",
        f"--v3-auth-key={v['courtops_snmp_v3_auth_key']}",
        f"--v3-auth-proto={str(v['courtops_snmp_v3_auth_protocol']).upper()}",
        f"--v3-priv-key={v['courtops_snmp_v3_priv_key']}",
        f"--v3-priv-proto={str(v['courtops_snmp_v3_priv_protocol']).upper()}",
    ]


#: Devices that serve RTSP (554) and HTTP (80) like real cameras and NVRs do.
VIDEO_CLASSES = frozenset({"cameras", "nvr"})


def responder_account(repo_root: Path) -> tuple[str, str]:
    """nobody / nogroup when that user can import snmpsim from this interpreter and repository."""
    probe = subprocess.run(
        ["runuser", "-u", "nobody", "--", sys.executable, "-c", "import snmpsim.commands.responder, courtops.lab"],
        cwd=repo_root, capture_output=True, check=False, timeout=60,
    )  # fmt: skip
    return ("nobody", "nogroup") if probe.returncode == 0 else ("root", "root")


def _wait(cfg: LabConfig, specs: list[HostSpec], procs: list[subprocess.Popen[bytes]], work: Path) -> None:
    """Until each endpoint answers a real SNMP GET of sysName (and camera ports accept)."""
    from courtops.lab.snmpcheck import get_sys_name

    deadline = time.monotonic() + 60
    pending = list(specs)
    while pending and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise LabError(f"an SNMP simulator process exited; see {work / 'snmpsim.log'}")
        pending = [s for s in pending if get_sys_name(s.address) != s.name or not _camera_ports_open(s)]
        if pending:
            time.sleep(0.5)
    if pending:
        raise LabError(
            f"SNMP devices not answering: {', '.join(s.name for s in pending)}; see {work / 'snmpsim.log'}"
        )


def _camera_ports_open(spec: HostSpec) -> bool:
    if spec.klass not in VIDEO_CLASSES:
        return True
    for port in (554, 80):
        try:
            with socket.create_connection((spec.address, port), timeout=1):
                pass
        except OSError:
            return False
    return True


def down(cfg: LabConfig) -> None:
    """Processes die with the namespace sweep in lab.down; nothing else is SNMP-specific."""
