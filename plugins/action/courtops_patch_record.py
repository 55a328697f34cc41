"""Action plugin: record each host's patch result in the results store (补丁记录).

Documented in library/courtops_patch_record.py (ansible-doc -t module courtops_patch_record).
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from courtops import store_access


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # in check mode it records nothing and says so

    def run(self, tmp=None, task_vars=None):  # type: ignore[no-untyped-def]
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec={
                "results": {"type": "list", "elements": "dict", "required": True},
                "store": {"type": "str"},
            }
        )
        if self._task.check_mode:
            result.update(changed=False, recorded=0, msg="检查模式（未写入）：补丁记录未入库")
            return result
        try:
            answer = store_access.call(
                "patch-record", store_access.run_context(args["store"]) | {"results": args["results"]}
            )
        except store_access.StoreAccessError as exc:
            result.update(failed=True, msg=f"courtops_patch_record: cannot write the results store: {exc}")
            return result
        result.update(changed=False, recorded=answer["recorded"], msg=f"补丁记录入库 {answer['recorded']} 条")
        return result
