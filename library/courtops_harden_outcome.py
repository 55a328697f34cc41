#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_harden_outcome.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_harden_outcome
short_description: Compare the 等保 audit before and after a hardening run (加固结果)
description:
  - Runs on the controller only and never contacts a host.
  - Per host, says which items moved from 不符合/部分符合 to 符合, which did not (with the failed
    sub-checks), which got worse, which are 待人工 by nature (访谈/文档 items), which stay 待人工 for
    lack of evidence, and which are approved exceptions (已批准例外).
  - The result key C(courtops_harden_outcome) is rendered by the C(courtops_change_preview) callback.
version_added: "0.1.0"
author: courtops
options:
  before:
    description: The findings of the audit before hardening (as C(courtops_dengbao_evaluate) returns them).
    type: list
    elements: dict
    required: true
  after:
    description: The findings of the audit after hardening.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Compare the audits
  courtops_harden_outcome:
    before: "{{ harden_findings_before }}"
    after: "{{ dengbao_result.courtops_findings }}"
"""

RETURN = r"""
courtops_harden_outcome:
  description: One entry per host with C(fixed), C(not_fixed), C(worse), C(manual), C(unknown), C(excepted).
  returned: always
  type: list
  elements: dict
"""
