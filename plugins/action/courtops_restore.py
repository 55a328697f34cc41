"""Action plugin: put a stored configuration back on a network device with its vendor's mechanism.

Documented in library/courtops_restore.py (ansible-doc -t module courtops_restore). Runs on the
target (network_cli); the configuration text never becomes a task variable or a result (it holds the
device's secrets): it goes from the encrypted full copy to a private temporary file, over SFTP onto
the device's flash, and the file is deleted at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from ansible.module_utils.connection import Connection, ConnectionError
from ansible.plugins.action import ActionBase

from courtops.backup.repo import BackupRepo, RepoError
from courtops.backup.restore import (
    RestoreRefused,
    differences,
    for_target,
    normalised,
    restorable_config,
    same_platform,
)
from courtops.secrets import mask_text
from courtops.secrets import rules_for as secret_rules_for
from courtops.vendors import GROUP, find, platforms


def _pick(repo: BackupRepo, revs: list[Any], rev: str | None, not_after: float | None) -> str:
    """The revision to restore: the one asked for, else the newest committed before ``not_after`` (the
    run's start: the run's own pre-restore backup is what the device holds now, not what to restore)."""
    if rev:
        return repo.resolve(rev)
    eligible = [r for r in revs if not_after is None or r.at <= not_after]
    if not eligible:
        raise RestoreRefused("没有早于本次恢复的配置备份，无法恢复")
    return str(eligible[0].rev)


def _backup_of(
    args: dict[str, Any], hostvars: dict[str, Any], platform: str, target: str, source: str
) -> tuple[str, str, dict[str, str]]:
    """What a restore of ``source``'s backup onto ``target`` starts from, for devices and Linux hosts
    alike: (the revision to restore, the target's own newest backup revision or "", that revision's
    full copy). Raises RestoreRefused (no such host, another platform, no backup) or RepoError."""
    if source not in hostvars:
        raise RestoreRefused(f"清单中没有主机 {source}")
    same_platform(platform, _platform(hostvars[source]), target, source)
    repo = BackupRepo(args["repo"]) if args["repo"] else BackupRepo()
    revs = repo.log(source)
    if not revs:
        raise RestoreRefused(f"{source} 没有配置备份，无法恢复")
    rev = _pick(repo, revs, args["rev"], args["not_after"])
    own = repo.log(target) if target != source else revs
    return rev, own[0].rev if own else "", repo.full_copy(source, rev)


def _keep_identity(args: dict[str, Any], target: str, source: str) -> bool:
    """Keep the target's own name and addresses: asked for, else whenever it is another host."""
    return bool(args["keep_identity"]) if args["keep_identity"] is not None else source != target


def _platform(values: dict[str, Any]) -> str:
    groups = values.get("group_names") or []
    return str(values.get("asset_platform") or next((p for p in platforms() if p in groups), ""))


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True  # in check mode: everything is checked, nothing is copied or run

    def run(self, tmp=None, task_vars=None):  # type: ignore[no-untyped-def]
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={
                "source": {"type": "str", "required": True},
                "rev": {"type": "str"},
                "not_after": {"type": "float"},
                "verify": {"type": "bool", "default": False},
                "keep_identity": {"type": "bool"},
                "repo": {"type": "str"},
                "timeout": {"type": "int", "default": 120},
            }
        )
        task_vars = task_vars or {}
        target = str(task_vars.get("inventory_hostname"))
        source = args["source"]
        hostvars = task_vars.get("hostvars", {})
        platform = _platform(task_vars)
        if platform in ("linux_deb", "linux_rpm"):
            return result | self._linux(args, task_vars, target, source, platform)
        vendor = find(platform)
        if GROUP not in (task_vars.get("group_names") or []) or vendor is None or vendor.restore is None:
            return result | {
                "failed": True,
                "msg": f"{target} 不是有恢复机制的网络设备（平台 {platform or '未知'}）",
            }
        method = vendor.restore
        keep = _keep_identity(args, target, source)
        try:
            rev, pre_rev, full = _backup_of(args, hostvars, platform, target, source)
            config = restorable_config(platform, full)
        except (RestoreRefused, RepoError) as exc:
            return result | {"failed": True, "msg": str(exc)}

        conn = Connection(self._connection.socket_path)
        current = str(conn.get(command=vendor.config_command))
        config = for_target(platform, config, current if keep else None)
        expected = normalised(platform, config)
        digest = hashlib.sha256(expected.encode("utf-8")).hexdigest()
        facts = {
            "rev": rev,
            "pre_rev": pre_rev,
            "source": source,
            "mechanism": method.name,
            "sha256": digest,
            "reboots": method.reboots,
        }
        if args["verify"]:
            diff = differences(platform, config, current)
            ok = not diff
            msg = "恢复后配置与恢复的版本一致" if ok else f"恢复后配置与版本 {rev[:12]} 不一致"
            return (
                result | facts | {"changed": False, "equal": ok, "diff": diff, "failed": not ok, "msg": msg}
            )
        if not differences(platform, config, current):
            return (
                result
                | facts
                | {"changed": False, "msg": f"{target} 的配置已与版本 {rev[:12]} 一致，无需恢复"}
            )
        if self._task.check_mode:
            return (
                result | facts | {"changed": True, "msg": f"检查模式：将以 {method.name} 恢复版本 {rev[:12]}"}
            )
        try:
            self._put(conn, config, method.file, args["timeout"])
            outputs = self._steps(conn, vendor, method, platform)
        except (ConnectionError, RestoreRefused) as exc:
            text = mask_text(str(exc), secret_rules_for(platform))
            return result | facts | {"failed": True, "changed": True, "msg": f"恢复失败：{text}"}
        return (
            result
            | facts
            | {"changed": True, "outputs": outputs, "msg": f"已以 {method.name} 恢复版本 {rev[:12]}"}
        )

    def _linux(
        self, args: dict[str, Any], task_vars: dict[str, Any], target: str, source: str, platform: str
    ) -> dict[str, Any]:
        """A Linux host: the revision's /etc entries back through courtops_restore_files (on the
        target), or with ``verify`` a fresh read (courtops_backup_linux) compared with the revision."""
        from courtops.backup import server_rules
        from courtops.backup.restore import linux_differences, linux_entries, linux_packages, linux_units

        keep = _keep_identity(args, target, source)
        try:
            rev, pre_rev, full = _backup_of(args, task_vars.get("hostvars", {}), platform, target, source)
            entries = linux_entries(full, keep_identity=keep)
        except (RestoreRefused, RepoError) as exc:
            return {"failed": True, "msg": str(exc)}
        facts = {
            "rev": rev,
            "pre_rev": pre_rev,
            "source": source,
            "mechanism": "/etc 文件恢复",
        }
        if args["verify"]:
            read = self._execute_module("courtops_backup_linux", module_args={}, task_vars=task_vars)
            if read.get("failed") or not isinstance(read.get("backup"), dict):
                return facts | {"failed": True, "msg": f"恢复后读取失败：{read.get('msg')}"}
            actual = server_rules.normalise(server_rules.files_of(read["backup"]))
            diff = linux_differences(full, actual, keep_identity=keep)
            ok = not diff
            msg = "恢复后 /etc 与恢复的版本一致" if ok else f"恢复后 /etc 与版本 {rev[:12]} 不一致"
            return facts | {"changed": False, "equal": ok, "diff": diff[:60], "failed": not ok, "msg": msg}
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        done = self._execute_module(
            "courtops_restore_files",
            module_args={"entries": entries, "rollback_dir": f"/var/backups/courtops-restore-{stamp}"},
            task_vars=task_vars,
        )
        if done.get("failed"):
            return facts | {"failed": True, "changed": True, "msg": f"恢复失败：{done.get('msg')}"}
        paths = done.get("changed_paths") or []
        # then make the host run it: sshd -t before any reload, the backup's packages, the enabled units
        manager, packages = linux_packages(full)
        active = self._execute_module(
            "courtops_restore_activate",
            module_args={
                "packages": packages,
                "manager": manager,
                "enabled_units": linux_units(full),
                "changed_paths": paths,
                "rollback_dir": done.get("rollback_dir") or f"/var/backups/courtops-restore-{stamp}",
            },
            task_vars=task_vars,
        )
        if active.get("failed"):
            return facts | {"failed": True, "changed": bool(paths), "msg": f"恢复失败：{active.get('msg')}"}
        unavailable = active.get("unavailable") or []
        return facts | {
            "changed": bool(paths) or bool(active.get("changed")),
            "changed_paths": paths,
            "unrestorable": done.get("unrestorable") or [],
            "rollback_dir": done.get("rollback_dir"),
            "installed": active.get("installed") or [],
            "unavailable": unavailable,
            "extra_packages": active.get("extra_packages", 0),
            "started": active.get("started") or [],
            "not_started": active.get("not_started") or [],
            "sshd_reloaded": bool(active.get("sshd_reloaded")),
            "msg": f"已恢复版本 {rev[:12]} 的 /etc：{len(paths)} 项变更；安装软件包 "
            f"{len(active.get('installed') or [])} 个"
            + (
                f"，软件源中没有的 {len(unavailable)} 个："
                + "、".join(f"{u['name']}={u['version']}" for u in unavailable[:10])
                if unavailable
                else ""
            )
            + f"；启动服务 {len(active.get('started') or [])} 个"
            + ("（检查模式）" if self._task.check_mode else ""),
        }

    @staticmethod
    def _put(conn: Connection, config: str, name: str, timeout: int) -> None:
        fd, path = tempfile.mkstemp(prefix="courtops-restore-", suffix=".cfg")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(config.rstrip("\n") + "\n")
            conn.copy_file(source=path, destination=name, proto="sftp", timeout=timeout)
        finally:
            Path(path).unlink()

    @staticmethod
    def _steps(conn: Connection, vendor: Any, method: Any, platform: str) -> list[str]:
        outputs = []
        rules = secret_rules_for(platform)
        for step in method.steps:
            command = step.text(method.file)
            try:
                raw = conn.get(
                    command=command,
                    prompt=list(step.prompts) or None,
                    answer=list(step.answers) or None,
                    check_all=bool(step.prompts),
                )
                out = "" if raw is None else str(raw)
            except ConnectionError:
                if not step.closes:
                    raise
                out = ""
            if step.closes:
                # the device rebooted and ended the session, as it should: close our end too, so the
                # next task opens a new session instead of writing into the dead one
                with contextlib.suppress(ConnectionError):
                    conn.close()
                outputs.append(f"{command}: 设备已重启（会话已结束）")
                break
            outputs.append(f"{command}: {mask_text(out.strip(), rules)[-300:]}")
            if vendor.is_cli_error(out) or (step.ok is not None and not step.ok.search(out)):
                raise RestoreRefused(f"{command} 未成功：{mask_text(out.strip(), rules)[-300:]}")
        return outputs
