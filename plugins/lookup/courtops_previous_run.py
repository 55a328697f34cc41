"""Lookup plugin: when the previous run of this run started (for 'errors since the last inspection')."""

from __future__ import annotations

DOCUMENTATION = r"""
name: courtops_previous_run
short_description: Start time of the previous courtops run of the same kind and scope, from the results store
description:
  - Returns the UNIX start time of the latest run of the given kind (e.g. C(inspect)) that has finished,
    so a playbook can count log errors "since the previous inspection". Returns nothing when there is no
    such run or no store yet.
  - The store is read in a fresh process (courtops.store_access), never in the forked Ansible worker.
options:
  _terms:
    description: The run kind the caller expects to be running (courtops/runkinds.py, e.g. inspect).
    required: true
  store:
    description: Results store path; default the store the recorder of this run writes to, else as the recorder finds it.
    type: str
"""

EXAMPLES = r"""
- name: Count log errors since the previous inspection (30 days back when there is none)
  ansible.builtin.set_fact:
    errors_since: "{{ lookup('courtops_previous_run', 'inspect') or (now(utc=true).timestamp() - 30 * 86400) }}"
"""

RETURN = r"""
_raw:
  description: Per term, the UNIX start time of the latest finished run of that kind, or null when there is none.
  type: list
  elements: float
"""


from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from courtops import store_access


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):  # type: ignore[no-untyped-def]
        self.set_options(var_options=variables, direct=kwargs)
        out = []
        for kind in terms:
            request = store_access.run_context(self.get_option("store")) | {"kind": str(kind)}
            try:
                answer = store_access.call("previous-run", request)
            except store_access.StoreAccessError as exc:
                raise AnsibleLookupError(f"courtops_previous_run: {exc}") from exc
            out.append(answer["started_at"])
        return out
