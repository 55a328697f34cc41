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
