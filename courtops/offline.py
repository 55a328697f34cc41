"""Offline evaluation: saved inputs (a configuration file, a copied file tree, a Windows export)
-> the evidence dict the audit playbook would have registered, without touching any host.

The evidence has exactly the shape of the live collectors', so the same parsers and the same
evaluator judge it. What a saved file cannot show (running services, listening ports, live
registry, installed hotfixes …) is left out of the evidence, so those items stay 待人工; the
finding's reason then says that the offline input cannot show it (``OFFLINE_GAPS``).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from courtops import vendors
from courtops.module_utils_path import expose_module_utils

REPO = Path(__file__).resolve().parent.parent
COLLECTOR = REPO / "library" / "courtops_linux_collect.py"
NETWORK = ("vrp", "comware", "ios")
LINUX = ("linux_deb", "linux_rpm")
PLATFORMS = (*NETWORK, *LINUX, "windows")
#: a line every saved configuration of the platform has (its device name)
SIGNATURE = {"vrp": "sysname", "comware": "sysname", "ios": "hostname"}

#: fact (or fact prefix) -> what the offline input cannot show, per platform family (the reason
#: appended to a 待人工 finding that rests on such a fact).
OFFLINE_GAPS: dict[str, dict[str, str]] = {
    "linux": {
        "lnx.svc.": "服务运行状态需在主机上取得（systemctl）",
        "lnx.active_services": "服务运行状态需在主机上取得（systemctl）",
        "lnx.enabled_services": "文件树中没有 /etc/systemd/system，无法判断开机启用的服务",
        "lnx.listening_ports": "监听端口需在主机上取得（/proc/net、ss）",
        "lnx.ssh_listening": "监听端口需在主机上取得（/proc/net、ss）",
        "lnx.audit_": "审计规则与状态需在主机上取得（auditctl -l / -s）",
        "lnx.time_synchronized": "时钟同步状态需在主机上取得（timedatectl）",
        "lnx.timesync_active": "时间同步服务运行状态需在主机上取得",
        "lnx.pkg_index_age_days": "补丁状态需在主机上取得（软件源索引、apt-get -s / dnf updateinfo）",
        "lnx.security_updates_pending": "补丁状态需在主机上取得（软件源索引、apt-get -s / dnf updateinfo）",
        "lnx.av_signature_age_days": "拷贝的文件时间不可信，病毒库日期需在主机上取得",
        "lnx.selinux": "SELinux 内核状态需在主机上取得（/sys/fs/selinux）",
        "lnx.key_file_perm_violations": "拷贝中的文件权限与属主不可信，需在主机上取得",
        "lnx.log_perm_violations": "拷贝中的文件权限与属主不可信，需在主机上取得",
        "lnx.world_writable": "拷贝中的文件权限不可信，需在主机上取得",
        "lnx.aide_db": "文件树中没有 /var/lib/aide，无法判断 AIDE 基线库",
        "lnx.packages": "文件树中没有 /var/lib/dpkg/status，无法列出已安装软件包",
        "lnx.aide_installed": "文件树中没有 /var/lib/dpkg/status，无法列出已安装软件包",
        "lnx.lock.": "所需的 PAM 配置文件（common-auth / system-auth、faillock.conf）不在文件树中",
        "lnx.pw.": "所需的 PAM/pwquality 配置文件不在文件树中",
        "lnx.ssh_weak_": "sshd 的生效算法需在主机上取得（sshd -T；sshd_config 未写明时取决于 OpenSSH 版本）",
        "lnx.ssh": "sshd 的生效配置需在主机上取得（sshd -T），或 sshd_config 不在文件树中",
        "lnx.duplicate_uids": "/etc/passwd 不在文件树中",
        "lnx.uid0_accounts": "/etc/passwd 不在文件树中",
        "lnx.log_retention_days": "/etc/logrotate.conf 不在文件树中",
        "lnx.remote_syslog": "/etc/rsyslog.conf 不在文件树中",
        "lnx.pass_max_days": "/etc/login.defs 不在文件树中",
        "lnx.encrypt_method": "/etc/login.defs 不在文件树中",
        "lnx.pam_hash_method": "PAM 口令栈（common-password / system-auth）不在文件树中，或 pam_unix 未指定散列算法",
        "lnx.": "/etc/passwd 或 /etc/shadow 不在文件树中（账户状态取自这两个文件）",
    },
    "windows": {
        **dict.fromkeys(
            (
                "win.password_complexity",
                "win.min_password_length",
                "win.max_password_age",
                "win.min_password_age",
                "win.password_history",
                "win.cleartext_password",
                "win.lockout_",
                "win.reset_lockout_count",
            ),
            "secedit 导出的 [System Access] 未定义该项",
        ),
        "win.security_privilege_holders": "secedit 导出的 [Privilege Rights] 未定义 SeSecurityPrivilege",
        "win.audit_categories_incomplete": "没有 auditpol /r 导出（.csv），secedit 的 [Event Audit] 也未定义",
        **dict.fromkeys(
            (
                "win.restrict_anonymous",
                "win.everyone_includes_anonymous",
                "win.no_lm_hash",
                "win.limit_blank_password_use",
                "win.dont_display_last_user",
                "win.clear_pagefile",
                "win.smb_signing_required",
                "win.idle_lock_s",
                "win.rdp_",
                "win.security_log_max_kb",
                "win.eventlog_restrict_guest",
            ),
            "该注册表值不在 secedit 导出的 [Registry Values] 中，需在主机上读取注册表",
        ),
        "win.": "账户、服务、共享、防火墙、补丁、防病毒等实时状态不在导出文件中，需在主机上采集",
    },
    "network": {
        "net.unused_ports_open": "仅有配置文件，端口状态需 display interface brief / show interfaces status",
        "net.": "配置文件中没有该项的证据",
    },
}


class OfflineError(ValueError):
    """Saved input that cannot be evaluated (missing path, wrong kind of path, nothing readable)."""


def family(platform: str) -> str:
    return "linux" if platform in LINUX else ("network" if platform in NETWORK else platform)


@cache
def _config_command(platform: str) -> str:
    """The command whose output a configuration file is (``show running-config`` on IOS …)."""
    return vendors.get(platform).config_command


@cache
def _collector() -> ModuleType:
    """library/courtops_linux_collect.py: its ``collect(root)`` reads a file tree as the host's /."""
    expose_module_utils()  # the collector imports ansible.module_utils.courtops_cmd
    spec = importlib.util.spec_from_file_location("courtops_linux_collect", COLLECTOR)
    if spec is None or spec.loader is None:
        raise OfflineError(f"找不到 Linux 采集模块 {COLLECTOR}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def decode(data: bytes) -> str:
    """Device text: UTF-8, else GB18030 (Chinese-locale terminals), never an exception."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def network_evidence(platform: str, path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise OfflineError(
            f"{path}：{platform} 需要一个配置文件（display current-configuration / show running-config 的输出）"
        )
    text = decode(path.read_bytes())
    marker = SIGNATURE[platform]
    if not re.search(rf"^\s*{marker} \S", text, re.M):
        # not a configuration of this platform (wrong file, wrong --platform, garbage): no evidence
        # at all, so every item stays 待人工 instead of being judged on the absence of lines
        return {"failed": True, "msg": f"{path.name} 不是 {platform} 的配置文件（没有 {marker} 行）"}
    return {"commands": {_config_command(platform): text}}


def linux_evidence(path: Path) -> dict[str, Any]:
    """The live collector's evidence for a tree laid out as under ``/``, minus what a copy cannot show."""
    if not path.is_dir():
        raise OfflineError(f"{path}：Linux 需要一个目录（按 / 的布局存放主机文件，如 {path}/etc/login.defs）")
    if not (path / "etc").is_dir():
        raise OfflineError(f"{path}：目录中没有 etc/，不是按 / 布局的主机文件")
    ev: dict[str, Any] = _collector().collect(str(path))
    # A copied tree keeps neither modes nor owners reliably, and has no running state.
    ev["stat"] = None
    ev["world_writable"] = None
    ev["listening"] = None
    ev["commands"] = {}
    ev["selinux"] = None
    ev["av"] = None
    ev["updates"] = {
        "index_age_days": None,
        "security_pending": None,
        "error": "离线评估：补丁状态需在主机上取得",
    }
    if not any(
        (path / d).is_dir() for d in ("lib/security", "lib64/security", "usr/lib/security")
    ) and not any(path.glob("usr/lib/*/security")):
        ev["pam_modules"] = None  # module files not copied: unknown, not "missing"
    if not (path / "etc" / "systemd" / "system").is_dir():
        ev["services"] = None
    else:
        ev["services"] = {**ev["services"], "active": None}
    if not (path / "var" / "lib" / "aide").is_dir():
        ev["aide"] = None
    return ev


def windows_evidence(path: Path) -> dict[str, Any]:
    """secedit /export INF and auditpol /r CSV (or a GPO's GptTmpl.inf and audit.csv) of one PC."""
    if not path.is_dir():
        raise OfflineError(f"{path}：Windows 需要一个导出目录（secedit 导出的 .inf、auditpol /r 的 .csv）")
    infs = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".inf")
    csvs = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")
    if len(infs) > 1 or len(csvs) > 1:
        names = ", ".join(str(p.relative_to(path)) for p in (*infs, *csvs))
        raise OfflineError(f"{path}：一台主机只能有一个 .inf 和一个 .csv，找到：{names}")
    if not infs and not csvs:
        raise OfflineError(f"{path}：没有 secedit 导出（.inf）或 auditpol 导出（.csv）")
    ev: dict[str, Any] = {}
    if infs:
        ev["secedit"] = infs[0].read_bytes()  # UTF-16LE as secedit writes it; the parser decodes
    if csvs:
        ev["auditpol"] = decode(csvs[0].read_bytes())
    return ev


def _linux(_platform: str, path: Path) -> dict[str, Any]:
    return linux_evidence(path)


def _windows(_platform: str, path: Path) -> dict[str, Any]:
    return windows_evidence(path)


BUILDERS: dict[str, Callable[[str, Path], dict[str, Any]]] = {
    **dict.fromkeys(NETWORK, network_evidence),
    **dict.fromkeys(LINUX, _linux),
    "windows": _windows,
}


def evidence_for(platform: str, path: Path) -> dict[str, Any]:
    if platform not in BUILDERS:
        raise OfflineError(f"未知平台 {platform!r}（可选：{'、'.join(PLATFORMS)}）")
    if not path.exists():
        raise OfflineError(f"{path}：路径不存在")
    return BUILDERS[platform](platform, path)


def offline_reason(platform: str, facts: list[str]) -> str:
    """Why the saved input cannot show these facts (first matching prefix per fact)."""
    gaps = OFFLINE_GAPS.get(family(platform), {})
    reasons: list[str] = []
    for fact in facts:
        text = next((why for prefix, why in gaps.items() if fact.startswith(prefix)), "")
        if text and text not in reasons:
            reasons.append(text)
    return "；".join(reasons)
