"""Action plugin: accept one device's backup capture on the controller and stage it in the backup repository.

Documented in library/courtops_backup.py (ansible-doc -t module courtops_backup).
"""

from __future__ import annotations

import re
import time
from typing import Any

from ansible.plugins.action import ActionBase

from courtops import store_access


def _capture_files(results: list[dict[str, Any]], platform: str) -> tuple[dict[str, str], list[str]]:
    """The registered cli_command results → capture files and collection errors."""
    from courtops import vendors
    from courtops.backup.network_rules import file_name

    vendor = vendors.get(platform)
    files: dict[str, str] = {}
    errors: list[str] = []
    for r in results:
        command = str(r.get("item", ""))
        msg = str(r.get("msg") or "").strip().splitlines()
        detail = msg[0][:200] if msg else "无输出"
        if r.get("unreachable"):
            errors.append(f"设备不可达：{detail}")
        elif r.get("skipped"):
            continue
        elif r.get("failed") or "stdout" not in r:
            # the terminal plugin fails a command the device refused: name the device's error line
            text = str(r.get("msg") or "").encode().decode("unicode_escape", "replace")
            refused = [x.strip() for x in re.split(r"[\r\n]+", text) if vendor.is_cli_error(x)]
            if refused:
                errors.append(f"{command} 返回错误：{refused[0][:160]}")
            else:
                errors.append(f"{command} 执行失败：{detail}")
        else:
            files[file_name(vendor, command)] = str(r["stdout"])
    return files, list(dict.fromkeys(errors))  # an unreachable device fails every command alike


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # in check mode it says whether the copy would change, writes nothing

    def run(self, tmp=None, task_vars=None):  # type: ignore[no-untyped-def]
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        _, args = self.validate_argument_spec(
            argument_spec={
                "results": {"type": "list", "elements": "dict"},
                "files": {"type": "dict"},
                "errors": {"type": "list", "elements": "str", "default": []},
                "collected": {"type": "dict"},
                "platform": {"type": "str"},
                "site": {"type": "str"},
                "device_class": {"type": "str"},
                "max_shrink": {"type": "float", "default": 0.5},
                "repo": {"type": "str"},
                "store": {"type": "str"},
            },
            mutually_exclusive=[("results", "files", "collected")],
            required_one_of=[("results", "files", "collected")],
        )
        from courtops.backup.capture import Capture
        from courtops.backup.device import backup_device
        from courtops.backup.repo import BackupRepo, RepoError
        from courtops.backup.vault import VaultError
        from courtops.secrets import mask_text, rules_for

        host = str(task_vars.get("inventory_hostname"))
        platform = args["platform"] or str(task_vars.get("asset_platform") or "")
        site = args["site"] or str(task_vars.get("asset_site") or "")
        device_class = args["device_class"] or str(task_vars.get("asset_class") or "")
        check = bool(self._task.check_mode)
        if args["collected"] is not None:  # a server: its collector's one registered result
            from courtops.backup.server_rules import capture_files

            files, errors = capture_files(args["collected"], platform)
        elif args["files"] is not None:  # a collector's files (servers): relative path -> text
            files = {str(k): str(v) for k, v in args["files"].items()}
            errors = list(args["errors"]) or ([] if files else ["采集结果为空"])
        else:
            files, errors = _capture_files(args["results"], platform)
            if not args["results"]:
                errors = ["未执行任何备份命令"]
        # an error message may quote device output: masked like everything courtops writes down
        errors = [mask_text(e, rules_for(platform)) for e in errors]
        capture = Capture(host, platform, site, device_class, files, tuple(errors))
        repo = BackupRepo(args["repo"]) if args["repo"] else BackupRepo()
        try:
            outcome = backup_device(capture, repo, max_shrink=args["max_shrink"], check=check)
        except (RepoError, VaultError, ValueError, LookupError) as exc:
            result.update(failed=True, msg=f"配置备份失败（控制端）：{exc}")
            return result
        result.update(
            changed=False,  # the device is only read; the repository is our own record
            backup_status="成功" if outcome.ok else "失败",
            backup_changed=outcome.changed,
            backup_path=outcome.path,
            reason=outcome.reason,
        )
        if not check:
            attempt = {
                "host": host,
                "status": "ok" if outcome.ok else "failed",
                "last_attempt": time.time(),
                "platform": platform,
                "site": site,
                "device_class": device_class,
                "path": outcome.path,
                "reason": outcome.reason,
            }
            request = store_access.run_context(args["store"]) | {
                "attempt": attempt,
                "changed": outcome.changed,
                "sha256": outcome.sha256,
                "size": outcome.size,
                "system": str(task_vars.get("asset_system") or ""),
            }
            try:
                incidents = store_access.call("backup-record", request)
            except store_access.StoreAccessError as exc:
                result.update(failed=True, msg=f"courtops_backup: cannot update the results store: {exc}")
                return result
            result.update(incidents_opened=incidents["opened"], incidents_closed=incidents["closed"])
        prefix = "检查模式（未写入）：" if check else ""
        if outcome.ok:
            result["msg"] = (
                prefix + ("配置已变更" if outcome.changed else "配置未变更") + f"（{outcome.path}）"
            )
        else:
            # not a failed task: the run goes on to its commit, whose summary fails the run (all hosts
            # of a play failing would end the playbook before the good copies are committed)
            result["msg"] = f"{prefix}配置备份失败，保留上次完好副本：{outcome.reason}"
        return result
