"""Restore (配置恢复) on the controller: what is put back, and whether the device now holds it.

The restore action (``plugins/action/courtops_restore.py``) reads the stored revision's unmasked files
(``BackupRepo.full_copy``), checks them here, copies the configuration onto the device and runs the
vendor's mechanism (``Vendor.restore``), then reads the device back and compares here. Pure functions:
tested without a device (tests/unit/test_restore.py) and against the lab (tests/integration).
"""

from __future__ import annotations

import difflib
import re

from courtops.backup.rules import rules_for
from courtops.backup.server_rules import VOLATILE_MARK
from courtops.secrets import HIDDEN, mask_text
from courtops.secrets import rules_for as secret_rules_for
from courtops.vendors import find

#: what a masked copy carries instead of a secret: such a configuration cannot be put back
_MASK_MARK = re.compile(re.escape(HIDDEN[:-1]))


class RestoreRefused(Exception):
    """The restore must not start; the message says why (in Chinese, for the operator)."""


def restorable_config(platform: str, files: dict[str, str]) -> str:
    """The configuration to put back from a revision's full copy, or RestoreRefused with the reason."""
    vendor = find(platform)
    if vendor is None or vendor.restore is None:
        raise RestoreRefused(f"平台 {platform} 没有声明恢复机制（courtops/vendors/）")
    config = files.get("config", "")
    if not config.strip():
        raise RestoreRefused("备份中没有配置文件（config）")
    problems = rules_for(platform).validate(files)
    if problems:
        raise RestoreRefused("备份不完整，拒绝恢复：" + "；".join(problems))
    if _MASK_MARK.search(config):
        raise RestoreRefused("备份中含有脱敏占位符（已隐藏），不是完整副本，拒绝恢复")
    return config


def identity_line(platform: str, config: str) -> str | None:
    """The line that names the device (sysname / hostname), as the configuration prints it."""
    vendor = find(platform)
    if vendor is None or vendor.restore is None:
        return None
    m = vendor.restore.identity.search(config)
    return m.group(0) if m else None


def for_target(platform: str, config: str, keep_identity_of: str | None) -> str:
    """The configuration as it is put on the target: with ``keep_identity_of`` (the target's current
    configuration, for a spare) the target keeps its own name line; everything else is the stored one."""
    if keep_identity_of is None:
        return config
    own = identity_line(platform, keep_identity_of)
    stored = identity_line(platform, config)
    if own is None or stored is None:
        return config
    return config.replace(stored, own, 1)


def normalised(platform: str, config: str) -> str:
    """The configuration as a backup stores it (volatile lines dropped): what must be equal after a restore."""
    return rules_for(platform).normalise("config", config)


def differences(platform: str, expected: str, actual: str, limit: int = 60) -> list[str]:
    """The unified diff expected → actual of the normalised configurations, secrets masked ([] = equal)."""
    a, b = normalised(platform, expected), normalised(platform, actual)
    if a == b:
        return []
    rules = secret_rules_for(platform)
    diff = difflib.unified_diff(
        a.splitlines(), b.splitlines(), "恢复的版本", "设备当前配置", lineterm="", n=1
    )
    return [mask_text(line, rules) for line in diff][:limit]


def same_platform(target_platform: str, source_platform: str, target: str, source: str) -> None:
    """A configuration goes only onto a device of its own platform (RestoreRefused otherwise)."""
    if target_platform != source_platform:
        raise RestoreRefused(
            f"拒绝恢复：{source} 的平台是 {source_platform}，目标 {target} 是 {target_platform}，"
            "只能恢复到同一平台的设备或备件"
        )


# -- Linux: the stored /etc back onto a host ---------------------------------------------------------
#: what makes a Linux host itself: kept as the target's when the backup goes onto another host
LINUX_IDENTITY = (
    "/etc/hostname",
    "/etc/hosts",
    "/etc/machine-id",
    "/etc/ssh/ssh_host_*",
    "/etc/network/interfaces",
    "/etc/network/interfaces.d/*",
    "/etc/systemd/network/*",
    "/etc/netplan/*",
    "/etc/sysconfig/network-scripts/*",
    "/etc/NetworkManager/system-connections/*",
)
_MANIFEST = re.compile(
    r"^(?P<type>\S+) (?P<mode>\d{3,4}) (?P<owner>.*?)\((?P<uid>\d+)\):(?P<group>.*?)\((?P<gid>\d+)\) (?P<rest>/.*)$"
)


def _identity(path: str) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(path, g) for g in LINUX_IDENTITY)


def linux_entries(files: dict[str, str], *, keep_identity: bool) -> list[dict[str, object]]:
    """The entries ``courtops_restore_files`` puts back, from a Linux backup's full copy: every
    directory, symlink and text file of the manifest with its mode and owner; hash-only files with
    their hash (reported, not written); volatile files and, onto another host, identity files skipped."""
    manifest = files.get("manifest.txt", "")
    if not manifest.strip() or "etc/passwd" not in files:
        raise RestoreRefused("备份中没有 /etc 清单或 /etc/passwd，不是完整的 Linux 备份")
    entries: list[dict[str, object]] = []
    for line in manifest.splitlines():
        m = _MANIFEST.match(line)
        if m is None:
            continue
        rest, kind = m.group("rest"), m.group("type")
        path, _, tail = rest.partition(" -> ") if kind == "symlink" else rest.partition(" [")
        if tail == "易变]" or (keep_identity and _identity(path)):
            continue
        entry: dict[str, object] = {
            "path": path,
            "type": kind,
            "mode": m.group("mode"),
            "owner": m.group("owner"),
            "group": m.group("group"),
            "uid": int(m.group("uid")),
            "gid": int(m.group("gid")),
        }
        if kind == "symlink":
            entry["target"] = tail
        elif kind == "file":
            text = files.get("etc/" + path.removeprefix("/etc/"))
            if tail:  # binary / too large: "[binary size=N sha256=H]"
                sha = re.search(r"sha256=(\w+)", tail)
                entry["sha256"] = sha.group(1) if sha else ""
            elif text is not None and text.startswith(VOLATILE_MARK):
                continue  # a volatile file: the host writes its own
            elif text is None or _MASK_MARK.search(text):
                raise RestoreRefused(f"备份中 {path} 的内容缺失或已脱敏，拒绝恢复")
            else:
                entry["content"] = text
        elif kind != "dir":
            continue  # fifos, sockets, devices: not configuration
        entries.append(entry)
    return entries


def linux_differences(expected: dict[str, str], actual: dict[str, str], *, keep_identity: bool) -> list[str]:
    """The backed-up paths whose content, mode, owner or link differ on the host now, and a changed set
    of enabled units ([] = the host holds the revision). Files the backup does not list are not compared."""
    out: list[str] = []
    for name, text in sorted(expected.items()):
        if not name.startswith("etc/"):
            continue
        path = "/" + name
        if keep_identity and _identity(path):
            continue
        if actual.get(name) != text:
            out.append(f"{path}：内容不同" if name in actual else f"{path}：缺失")
    if expected.get("units.txt") != actual.get("units.txt"):
        out.append("启用的服务（units.txt）不同")
    lines = {ln.split(" [", 1)[0] for ln in actual.get("manifest.txt", "").splitlines()}
    for line in expected.get("manifest.txt", "").splitlines():
        m = _MANIFEST.match(line)
        if m is None or (keep_identity and _identity(m.group("rest").split(" ", 1)[0])):
            continue
        if m.group("type") in ("dir", "file", "symlink") and line.split(" [", 1)[0] not in lines:
            out.append(f"{m.group('rest').split(' [', 1)[0]}：权限、属主或链接不同")
    return out


def linux_packages(files: dict[str, str]) -> tuple[str, list[dict[str, str]]]:
    """(package manager, installed packages) of a Linux backup's ``packages.txt``: what a restore onto
    another host installs (``courtops_restore_activate``)."""
    manager = "未知"
    rows: list[dict[str, str]] = []
    for line in files.get("packages.txt", "").splitlines():
        if line.startswith("# manager:"):
            manager = line.split(":", 1)[1].strip()
            continue
        parts = line.split()
        if line.startswith("#") or len(parts) < 3:
            continue
        rows.append({"name": parts[0], "arch": parts[1], "version": parts[2]})
    return manager, rows


def linux_units(files: dict[str, str]) -> list[str]:
    """The units a Linux backup had enabled (``units.txt``)."""
    return [u.strip() for u in files.get("units.txt", "").splitlines() if u.strip()]
