"""Lookup plugin: when the previous recorded run of a kind started (for 'errors since the last inspection')."""

from __future__ import annotations

DOCUMENTATION = r"""
name: courtops_previous_run
short_description: Start time of the latest finished courtops run of a kind, from the results store
description:
  - Returns the UNIX start time of the latest run of the given kind (e.g. C(inspect)) that has finished,
    so a playbook can count log errors "since the previous inspection". Returns nothing when there is no
    such run or no store yet.
options:
  _terms:
    description: The run kind (the playbook's stem, e.g. inspect).
    required: true
  store:
    description: Results store path; default as the recorder finds it ($COURTOPS_STORE, ansible.cfg, .cache).
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


from ansible.plugins.lookup import LookupBase

from courtops.store import Store, StoreError


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):  # type: ignore[no-untyped-def]
        self.set_options(var_options=variables, direct=kwargs)
        out = []
        for kind in terms:
            try:
                with Store(self.get_option("store"), create=False) as store:
                    finished = [r for r in store.runs(kind=kind, limit=20) if r.status != "running"]
            except (StoreError, OSError):
                finished = []
            out.append(finished[0].started_at if finished else None)
        return out
