"""Action plugin: the backup run's one commit (the devices that changed), on the controller.

Documented in library/courtops_backup_commit.py (ansible-doc -t module courtops_backup_commit).
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from courtops import store_access


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # in check mode nothing was staged and nothing is committed

    def run(self, tmp=None, task_vars=None):  # type: ignore[no-untyped-def]
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={
                "hosts": {"type": "list", "elements": "str", "default": []},
                "result_var": {"type": "str", "default": "backup_result"},
                "repo": {"type": "str"},
                "store": {"type": "str"},
            },
        )
        hostvars = (task_vars or {}).get("hostvars", {})
        failed = {}
        for host in args["hosts"]:
            registered = hostvars.get(host, {}).get(args["result_var"]) or {}
            if registered.get("backup_status") == "失败":
                failed[host] = str(registered.get("reason") or "")
        result["failed_devices"] = failed
        from courtops.backup.repo import BackupRepo, RepoError

        summary = (
            f"；备份失败 {len(failed)} 台（保留上次完好副本）："
            + "，".join(f"{h}（{r}）" for h, r in failed.items())
            if failed
            else ""
        )
        if self._task.check_mode:
            result.update(changed=False, failed=bool(failed), msg="检查模式（未写入）：不提交" + summary)
            return result
        context = store_access.run_context(args["store"])
        repo = BackupRepo(args["repo"]) if args["repo"] else BackupRepo()
        try:
            commit = repo.commit(context["run_uuid"])
        except RepoError as exc:
            result.update(failed=True, msg=f"配置备份仓库提交失败：{exc}")
            return result
        if commit is None:
            result.update(
                changed=False,
                failed=bool(failed),
                rev="",
                devices=[],
                msg="配置备份：无设备变更，未提交" + summary,
            )
            return result
        try:
            store_access.call("backup-committed", context | {"hosts": list(commit.hosts), "rev": commit.rev})
        except store_access.StoreAccessError as exc:
            result.update(failed=True, msg=f"courtops_backup_commit: cannot update the results store: {exc}")
            return result
        result.update(
            changed=False,  # no target changed; the repository is our own record
            rev=commit.rev,
            devices=list(commit.hosts),
            failed=bool(failed),
            msg=f"配置备份：提交 {commit.rev[:10]}，{len(commit.hosts)} 台设备变更" + summary,
        )
        return result
