"""Restore on the controller (courtops/backup/restore.py) and the vendors' restore hooks: what is put
back, what is refused, how a spare keeps its name, and what counts as equal afterwards."""

from __future__ import annotations

import pytest

from courtops.backup import restore
from courtops.backup.network_rules import files_for
from courtops.vendors import get, registry
from tests.unit.casekit import REPO

CONFIGS = REPO / "lab" / "devices" / "configs"


def _files(platform: str, config: str) -> dict[str, str]:
    vendor = get(platform)
    return dict.fromkeys(files_for(vendor), "(facts)\n") | {"config": config}


@pytest.mark.parametrize(
    ("platform", "mechanism", "first"),
    [
        ("ios", "configure replace", "configure replace flash:courtops-restore.cfg force"),
        ("comware", "configuration replace file", "configuration replace file flash:/courtops-restore.cfg"),
        ("vrp", "startup saved-configuration + reboot", "startup saved-configuration courtops-restore.cfg"),
    ],
)
def test_every_vendor_declares_its_real_mechanism(platform: str, mechanism: str, first: str) -> None:
    method = get(platform).restore
    assert method is not None and method.name == mechanism
    assert method.steps[0].text(method.file) == first
    assert method.reboots == (platform == "vrp") and method.steps[-1].closes == (platform == "vrp")
    assert set(registry()) >= {"ios", "comware", "vrp"}


def test_vrp_reboot_refuses_to_save_over_the_restored_file() -> None:
    reboot = get("vrp").restore.steps[-1]  # type: ignore[union-attr]
    import re

    answers = dict(zip(reboot.prompts, reboot.answers, strict=True))
    question = (
        "Warning: All the configuration will be saved to the next startup configuration. Continue ? [y/n]:"
    )
    (answer,) = [a for p, a in answers.items() if re.search(p, question, re.I)]
    assert answer == "n"
    (confirm,) = [
        a for p, a in answers.items() if re.search(p, "System will reboot! Continue ? [y/n]:", re.I)
    ]
    assert confirm == "y"


@pytest.mark.parametrize("platform", ["ios", "comware", "vrp"])
def test_complete_copy_is_restorable(platform: str) -> None:
    config = (CONFIGS / f"{platform}_compliant.cfg").read_text(encoding="utf-8")
    assert restore.restorable_config(platform, _files(platform, config)) == config


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda c: c.rsplit("\n", 3)[0], "结束标记"),  # truncated: no end marker
        (lambda c: c.replace("sysname", "sysname （已隐藏:1a2b3c4d）\n#sysname", 1), "脱敏占位符"),
        (lambda c: "", "没有配置文件"),
    ],
)
def test_incomplete_or_masked_copy_refused(change, reason) -> None:  # type: ignore[no-untyped-def]
    config = (CONFIGS / "vrp_compliant.cfg").read_text(encoding="utf-8")
    with pytest.raises(restore.RestoreRefused, match=reason):
        restore.restorable_config("vrp", _files("vrp", change(config)))


def test_other_platform_refused() -> None:
    with pytest.raises(restore.RestoreRefused, match="只能恢复到同一平台"):
        restore.same_platform("comware", "vrp", "lab-cmw-spare", "lab-vrp-01")
    restore.same_platform("vrp", "vrp", "lab-vrp-spare", "lab-vrp-01")  # same platform: allowed


@pytest.mark.parametrize(
    ("platform", "word"), [("ios", "hostname"), ("comware", "sysname"), ("vrp", "sysname")]
)
def test_spare_keeps_its_own_name(platform: str, word: str) -> None:
    stored = (CONFIGS / f"{platform}_compliant.cfg").read_text(encoding="utf-8")
    spare = (CONFIGS / f"{platform}_factory.cfg").read_text(encoding="utf-8")
    put = restore.for_target(platform, stored, spare)
    own, theirs = restore.identity_line(platform, spare), restore.identity_line(platform, stored)
    assert own and theirs and own != theirs and word in own
    assert own in put and theirs not in put
    assert put.replace(own, theirs) == stored  # everything else is the stored configuration
    assert restore.for_target(platform, stored, None) == stored


def test_differences_ignore_volatile_lines_and_mask_secrets() -> None:
    stored = (CONFIGS / "ios_compliant.cfg").read_text(encoding="utf-8")
    stamped = stored.replace(
        "hostname", "! Last configuration change at 11:00:00 CST Mon Nov 30 2026 by x\nhostname", 1
    )
    assert restore.differences("ios", stored, stamped) == []
    changed = stored.replace("enable secret 9 $9$", "enable secret 9 $9$Changed", 1)
    diff = restore.differences("ios", stored, changed)
    assert diff and not any("Changed" in line for line in diff)
    assert any(line.startswith("+enable secret 9") for line in diff)
