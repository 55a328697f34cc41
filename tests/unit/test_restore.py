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


# -- Linux -----------------------------------------------------------------------------------------
def _linux_full(tmp_path):  # type: ignore[no-untyped-def]
    from courtops.backup import server_rules
    from tests.unit.test_backup_linux import _collector, _tree

    root = _tree(tmp_path)
    backup = _collector().collect(str(root), ["/etc"], 4096)
    return root, server_rules.normalise(server_rules.files_of(backup))


def test_linux_entries_from_the_full_copy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, full = _linux_full(tmp_path)
    entries = {e["path"]: e for e in restore.linux_entries(full, keep_identity=False)}
    shadow = entries["/etc/shadow"]
    assert shadow["mode"] == "0640" and "root:$6$" in str(shadow["content"])  # unmasked: restorable
    assert entries["/etc/mtab"] == {**entries["/etc/mtab"], "type": "symlink", "target": "/proc/self/mounts"}
    assert entries["/etc/ssh"]["type"] == "dir"
    assert "content" not in entries["/etc/big.conf"] and len(str(entries["/etc/big.conf"]["sha256"])) == 64
    assert "/etc/adjtime" not in entries and "/etc/ld.so.cache" not in entries  # volatile: the host's own
    assert "/etc/initctl" not in entries  # a fifo is not configuration
    onto_other = {e["path"] for e in restore.linux_entries(full, keep_identity=True)}
    assert "/etc/ssh/ssh_host_ed25519_key" in entries and "/etc/ssh/ssh_host_ed25519_key" not in onto_other


def test_linux_masked_copy_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from courtops.backup import server_rules

    _, full = _linux_full(tmp_path)
    with pytest.raises(restore.RestoreRefused, match="已脱敏"):
        restore.linux_entries(server_rules.mask(full), keep_identity=False)


def test_linux_differences(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, full = _linux_full(tmp_path)
    assert restore.linux_differences(full, full, keep_identity=False) == []
    changed = dict(full, **{"etc/passwd": full["etc/passwd"] + "toor:x:0:0::/root:/bin/bash\n"})
    assert restore.linux_differences(full, changed, keep_identity=False) == ["/etc/passwd：内容不同"]
    chmod = dict(full, **{"manifest.txt": full["manifest.txt"].replace("file 0640 ", "file 0644 ", 1)})
    assert any(
        "权限、属主或链接不同" in d for d in restore.linux_differences(full, chmod, keep_identity=False)
    )
    units = dict(full, **{"units.txt": ""})
    assert restore.linux_differences(full, units, keep_identity=False) == ["启用的服务（units.txt）不同"]
    other_key = dict(full, **{"etc/ssh/ssh_host_ed25519_key": "another host's key\n"})
    assert restore.linux_differences(full, other_key, keep_identity=True) == []


def test_restore_files_module_on_a_tree(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The target side: writes, re-points, sets modes, keeps the replaced originals; check mode writes nothing."""
    import importlib.util
    import os

    spec = importlib.util.spec_from_file_location("rf", REPO / "library" / "courtops_restore_files.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "login.defs").write_text("PASS_MAX_DAYS 9999\n")
    (etc / "login.defs").chmod(0o600)
    (etc / "extra.conf").write_text("not in the backup\n")
    me, grp_ = os.getuid(), os.getgid()
    base = {"owner": "#none", "group": "#none", "uid": me, "gid": grp_}
    entries = [
        base
        | {"path": str(etc / "login.defs"), "type": "file", "mode": "0644", "content": "PASS_MAX_DAYS 90\n"},
        base | {"path": str(etc / "sub"), "type": "dir", "mode": "0750"},
        base | {"path": str(etc / "link"), "type": "symlink", "mode": "0777", "target": "login.defs"},
        base | {"path": str(etc / "ld.so.cache"), "type": "file", "mode": "0644", "sha256": "0" * 64},
    ]
    rollback = tmp_path / "rollback"
    changed, unrestorable = module.restore(entries, str(rollback), True)  # check mode
    assert (
        len(changed) == 3
        and (etc / "login.defs").read_text() == "PASS_MAX_DAYS 9999\n"
        and not rollback.exists()
    )
    changed, unrestorable = module.restore(entries, str(rollback), False)
    assert (etc / "login.defs").read_text() == "PASS_MAX_DAYS 90\n" and oct(
        (etc / "login.defs").stat().st_mode
    )[-3:] == "644"
    assert (etc / "sub").is_dir() and oct((etc / "sub").stat().st_mode)[-3:] == "750"
    assert str((etc / "link").readlink()) == "login.defs"
    assert unrestorable == [str(etc / "ld.so.cache")]
    assert (
        rollback / str(etc / "login.defs").lstrip("/")
    ).read_text() == "PASS_MAX_DAYS 9999\n"  # the original kept
    assert (etc / "extra.conf").exists()  # never deletes what the backup does not list
    assert module.restore(entries, str(rollback), False) == ([], [str(etc / "ld.so.cache")])  # idempotent
