"""Lookup plugin: the default of a 等保 threshold from controls/thresholds.yml (one number, one place)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: courtops_threshold
short_description: Default value of a 等保 threshold declared in controls/thresholds.yml
description:
  - Returns the C(default) of each named threshold of C(controls/thresholds.yml), the file the audit's
    evaluator reads, so a hardening role sets exactly the number the audit judges against.
  - A court overrides a threshold with the C(dengbao_*) variable of the same name in group_vars /
    host_vars; the hardening roles read that variable first and fall back to this lookup.
  - An unknown name is an error (a typo never becomes an empty value).
options:
  _terms:
    description: Threshold names, e.g. C(dengbao_password_min_length).
    required: true
"""

EXAMPLES = r"""
- name: Show the default minimum password length
  ansible.builtin.debug:
    msg: "{{ lookup('courtops_threshold', 'dengbao_password_min_length') }}"
"""

RETURN = r"""
_raw:
  description: One value per term, of the type the threshold declares (int or list).
  type: list
"""

from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from courtops import catalogue


class LookupModule(LookupBase):
    def run(self, terms: list[Any], variables: Any = None, **kwargs: Any) -> list[Any]:
        thresholds = catalogue.default().thresholds
        out = []
        for term in terms:
            if term not in thresholds:
                raise AnsibleLookupError(
                    f"courtops_threshold: {term!r} is not a threshold of controls/thresholds.yml"
                )
            out.append(thresholds[term])
        return out
