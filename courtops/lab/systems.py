"""A lab member of every system the court named (MISSION.md): courtroom AV, both meeting systems,
police, execution command, video aggregation, surveillance and the 等保 security appliances.

Each member is the simplest real thing its inspection checks talk to: an SNMP agent (one snmpsim
responder for all members, a recording each under lab/snmp/systems/) and the TCP services of its
class (HTTP 80, HTTPS 443) in the lab's device namespace; the courtroom encoders also serve real RTSP audio/video (courtops.lab.rtsp_server:
one healthy, one silent, one choppy stream). Every member carries its 所属系统 (``asset_system``) as
the court's ledger spells it, so the reports name every seed system.

The members sit at fixed SNMP-range addresses from SYSTEMS_BASE, whatever the lab's size; a lab with
SNMP devices gets them (the default lab does), a lab without SNMP devices does not.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from courtops.lab import hosts, netns, snmp
from courtops.lab.config import LabConfig, LabConfigError
from courtops.lab.plan import TRIBUNAL_COURTROOM, TRIBUNAL_SITE, HostSpec
from courtops.lab.util import LabError

#: first SNMP-range host number of the system members (the plain SNMP devices count up from 1)
SYSTEMS_BASE = 200
#: recordings of the members, rendered by courtops.lab.snmp like the other devices'
RECORDING_DIR = "systems"
#: the system python3 that has Debian's python3-gi (the project's virtualenv has no GStreamer)
SYSTEM_PYTHON = "/usr/bin/python3"
RTSP_SERVER = Path(__file__).with_name("rtsp_server.py")
RTSP_PORT = 554


@dataclass(frozen=True)
class Member:
    stem: str  # inventory name lab-<stem>
    klass: str
    zone: str
    system: str  # asset_system, as the court's ledger names it
    model: str  # asset_os: the ledger's 操作系统/型号 column
    vendor: str
    role: str
    recording: str  # lab/snmp/systems/<recording>.snmprec
    ports: tuple[int, ...]  # TCP services besides RTSP
    stream: str = ""  # healthy | silent | choppy: an RTSP encoder (courtops.lab.rtsp_server)
    courtroom: str = ""
    site: str = "site_main"


#: one or more members per named system; the order fixes the addresses (never reorder, append)
MEMBERS = (
    Member("av-01", "courtroom_av", "courtroom", "智慧庭审", "庭审主机 KDV-TS8000（实验室：GStreamer RTSP）",
           "Kedacom", "庭审主机（码流正常）", "av_encoder", (80,), "healthy", TRIBUNAL_COURTROOM, TRIBUNAL_SITE),
    Member("av-02", "courtroom_av", "courtroom", "智慧庭审", "庭审主机 KDV-TS8000（实验室：GStreamer RTSP）",
           "Kedacom", "庭审主机（音频静音）", "av_encoder", (80,), "silent", "courtroom_ct01"),
    Member("av-03", "courtroom_av", "courtroom", "智慧庭审", "庭审主机 KDV-TS8000（实验室：GStreamer RTSP）",
           "Kedacom", "庭审主机（画面卡顿）", "av_encoder", (80,), "choppy", "courtroom_ct02"),
    Member("meet1-01", "meeting", "intranet", "会议系统1", "视频会议终端 KDV-H700", "Kedacom",
           "第一会议室视频会议终端", "meeting_terminal", (80,)),
    Member("meet2-01", "meeting", "intranet", "会议系统2", "视频会议终端 KDV-H700", "Kedacom",
           "第二会议室视频会议终端", "meeting_terminal", (80,)),
    Member("pol-door-01", "police", "intranet", "智慧警务", "门禁控制器 DS-K2604", "Hikvision",
           "羁押通道门禁控制器", "access_control", (80,)),
    Member("pol-term-01", "police", "intranet", "智慧警务", "警务终端 DS-KH6320", "Hikvision",
           "法警值班警务终端", "police_terminal", (80,)),
    Member("exe-screen-01", "execution_command", "intranet", "执行指挥", "大屏控制器 KDV-VS2000", "Kedacom",
           "执行指挥中心大屏控制器", "bigscreen_controller", (80,)),
    Member("va-srv-01", "video_aggregation", "management", "视频汇聚", "视频汇聚平台 iVMS-8700", "Hikvision",
           "视频汇聚服务器", "video_aggregation_server", (80, 554)),
    Member("vms-01", "servers", "management", "安防监控", "安防监控管理服务器 iVMS-4200", "Hikvision",
           "安防监控管理服务器", "surveillance_server", (80,)),
    Member("fw-01", "security_appliance", "management", "等级保护系统", "下一代防火墙 AF-1000", "Sangfor",
           "互联网边界防火墙", "firewall", (443,)),
    Member("logaudit-01", "security_appliance", "management", "等级保护系统", "日志审计系统 LAS", "Sangfor",
           "日志审计系统", "log_audit", (443,)),
    Member("bastion-01", "security_appliance", "management", "等级保护系统", "运维审计系统（堡垒机）DAS-USM",
           "Sangfor", "运维审计系统（堡垒机）", "bastion", (443,)),
)  # fmt: skip


def system_members(cfg: LabConfig, snmp_count: int) -> list[HostSpec]:
    """The members as SNMP-range lab hosts at addresses from SYSTEMS_BASE (above the SNMP devices)."""
    if snmp_count >= SYSTEMS_BASE:
        raise LabConfigError(
            f"at most {SYSTEMS_BASE - 1} SNMP devices besides the named systems' members, asked for {snmp_count}"
        )
    specs = []
    for i, m in enumerate(MEMBERS):
        n = SYSTEMS_BASE + i
        specs.append(
            HostSpec(
                name=f"lab-{m.stem}", kind="snmp", n=n, address=cfg.address("snmp", n), zone=m.zone,
                klass=m.klass, platform="snmp_device", site=m.site, courtroom=m.courtroom,
                profile=f"{RECORDING_DIR}/{m.recording}",
                vars={"asset_os": m.model, "asset_vendor": m.vendor, "asset_role": m.role,
                      "asset_department": "信息技术处", "asset_criticality": "高", "asset_system": m.system,
                      # one responder serves every member: snmpsim picks a v2c request's recording by
                      # its community, so each member has its own (a lab-only value, like `public`; not
                      # the host name: Ansible masks a no_log value wherever it appears in a result)
                      "courtops_snmp_community": f"courtops-sys{n}", "courtops_snmp_version": "2c",
                      **({"lab_stream": m.stream} if m.stream else {})},
            )
        )  # fmt: skip
    return specs


def _member(spec: HostSpec) -> Member:
    return MEMBERS[spec.n - SYSTEMS_BASE]


def up(cfg: LabConfig, specs: list[HostSpec], previous: dict[str, Any]) -> dict[str, Any]:
    """The members' SNMP agent, RTSP encoders and TCP services, in the lab's SNMP namespace (made by
    snmp.up). Idempotent: running processes for the same members are kept."""
    names = sorted(s.name for s in specs)
    pids = [int(p) for p in previous.get("pids", [])]
    if pids and all(Path(f"/proc/{p}").exists() for p in pids) and previous.get("devices") == names:
        return previous
    for pid in pids:
        hosts.kill(pid)
    ns = netns.ensure_netns(cfg, snmp.NETNS)
    netns.attach_netns(cfg, ns, snmp.VETH, [s.address for s in specs])
    work = cfg.state_dir / "systems"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log = (work / "systems.log").open("ab")
    mark = f"--lab-state={work}"  # lets `lab down` find the processes by this lab's state dir
    procs = [_snmp_agent(cfg, ns, specs, work, log)]
    streams = [f"{s.address}={_member(s).stream}" for s in specs if _member(s).stream]
    if streams:
        procs.append(
            subprocess.Popen(
                ["ip", "netns", "exec", ns, SYSTEM_PYTHON, str(RTSP_SERVER), f"--port={RTSP_PORT}", *streams, mark],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            )
        )  # fmt: skip
    services = [f"{s.address}:{p}" for s in specs for p in _member(s).ports]
    if services:
        procs.append(
            subprocess.Popen(
                ["ip", "netns", "exec", ns, sys.executable, "-m", "courtops.lab.tcp_services", *services, mark],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                cwd=str(cfg.repo_root),
            )
        )  # fmt: skip
    _wait(specs, procs, work)
    return {"pids": [p.pid for p in procs], "devices": names}


def _snmp_agent(
    cfg: LabConfig, ns: str, specs: list[HostSpec], work: Path, log: Any
) -> subprocess.Popen[bytes]:
    """One snmpsim responder on every member's address; a request's community selects the recording
    (each member's own community, data/<community>.snmprec), so 13 members cost one process."""
    data, cache = work / "data", work / "cache"
    data.mkdir()
    cache.mkdir()
    for spec in specs:
        community = spec.vars["courtops_snmp_community"]
        (data / f"{community}.snmprec").write_text(snmp.render(spec.profile, spec), encoding="utf-8")
    for p in [work, *work.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    user, group = snmp.responder_account(cfg.repo_root)
    shutil.chown(cache, user, group)
    return subprocess.Popen(
        ["ip", "netns", "exec", ns, sys.executable, "-m", "courtops.lab.snmpsim_runner",
         f"--data-dir={data}", f"--cache-dir={cache}", f"--process-user={user}", f"--process-group={group}",
         *(f"--agent-udpv4-endpoint={s.address}:161" for s in specs), "--log-level=error"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, cwd=str(cfg.repo_root),
    )  # fmt: skip


def _answers_snmp(spec: HostSpec) -> bool:
    from courtops.lab.snmpcheck import get

    name = "1.3.6.1.2.1.1.5.0"
    try:
        return (
            get(spec.address, [name], community=spec.vars["courtops_snmp_community"]).get(name) == spec.name
        )
    except Exception:  # not answering yet, whatever pysnmp raises
        return False


def _open(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait(specs: list[HostSpec], procs: list[subprocess.Popen[bytes]], work: Path) -> None:
    """Until every TCP service accepts and the SNMP agent answers (one process: the first and the last
    member's community prove it serves them). Cheap checks, re-run until the deadline passes."""
    want = [(s.address, p) for s in specs for p in _member(s).ports]
    want += [(s.address, RTSP_PORT) for s in specs if _member(s).stream]
    silent = [specs[0], specs[-1]] if specs else []
    deadline = time.monotonic() + 120
    while True:
        if any(p.poll() is not None for p in procs):
            raise LabError(f"a lab system service exited; see {work / 'systems.log'}")
        want = [(a, p) for a, p in want if not _open(a, p)]
        silent = [s for s in silent if not _answers_snmp(s)]
        if not (want or silent) or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    if want or silent:
        missing = [f"{a}:{p}" for a, p in want] + [f"{s.address}:161/udp" for s in silent]
        raise LabError(f"lab system services not answering: {', '.join(missing)}; see {work / 'systems.log'}")
