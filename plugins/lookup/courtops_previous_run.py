"""Lookup plugin: when the previous run of this run started (for 'errors since the last inspection')."""

from __future__ import annotations

DOCUMENTATION = r"""
name: courtops_previous_run
short_description: Start time of the previous courtops run of the same kind and scope, from the results store
description:
  - Returns the UNIX start time of the previous run of the run being recorded - the same kind, the same
    scope (playbook, inventory, limit, tags, scope variables such as the inspection profile), finished,
    started before it (C(Store.previous_run), the one meaning of "the previous run") - so a playbook
    can count log errors "since the previous inspection".
  - The run being recorded is the one the courtops_recorder callback announced when the playbook started.
    Returns nothing when there is no previous run, no store yet, the recorder is not enabled, or the
    term names another kind than the run being recorded.
options:
  _terms:
    description: The run kind the caller expects to be running (courtops/runkinds.py, e.g. inspect).
    required: true
  store:
    description: Results store path; default as the recorder finds it ($COURTOPS_STORE, ansible.cfg, .cache).
    type: str
"""

EXAMPLES = r"""
- name: Count log errors since the previous inspection
  ansible.builtin.set_fact:
    inspection_since: "{{ lookup('courtops_previous_run', 'inspect') }}"
"""

RETURN = r"""
_raw:
  description: The previous run's start time (UNIX seconds), or None.
  type: list
  elements: float
"""

import sys
from pathlib import Path

from ansible.plugins.lookup import LookupBase

try:
    from courtops.store import Store, StoreError
    from courtops.store.current import current_run
except ImportError:  # a checkout without `make setup`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from courtops.store import Store, StoreError
    from courtops.store.current import current_run


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):  # type: ignore[no-untyped-def]
        self.set_options(var_options=variables, direct=kwargs)
        this = current_run()
        out = []
        for kind in terms:
            previous = None
            if this is not None and this.kind == kind:
                try:
                    with Store(self.get_option("store"), create=False) as store:
                        previous = store.previous_run(this)
                except (StoreError, OSError):
                    previous = None
            out.append(previous.started_at if previous else None)
        return out
