#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_dengbao_evaluate.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_dengbao_evaluate
short_description: Judge every audited host's 等保 evidence and write the findings export (差距分析)
description:
  - Runs on the controller only and never contacts a host. Reads the evidence each host registered in
    C(playbooks/audit.yml) (C(dengbao_linux), C(dengbao_windows), C(dengbao_network)), judges it with
    the control catalogue (C(controls/*.yml)) and the host's C(dengbao_*) thresholds, and returns one
    finding per host and 测评项.
  - L3-CES1-21 of a Linux or Windows host with patch records is judged from those records (the data of
    the 补丁合规报告), read-only from the results store through C(courtops.store_access)
    (C(courtops/patch_audit.py), docs/patching.md); without a record it stays as the host's evidence gives.
  - Writes C(<output_dir>/<UTC timestamp>/findings.json) and points C(<output_dir>/latest) at it.
  - An unreachable host or failed collection gives 待人工 findings with the reason, never 符合.
version_added: "0.1.0"
author: courtops
options:
  hosts:
    description:
      - The candidate hosts, e.g. C(groups['all']); those a collecting play of C(playbooks/audit.yml)
        registered a result for (C(dengbao_linux), C(dengbao_windows) or C(dengbao_network)) are judged.
      - Each host's platform is resolved on the controller (C(courtops/audit_platform.py)).
    type: list
    elements: str
    required: true
  output_dir:
    description: Directory of the findings export; one subdirectory per run.
    type: path
    required: true
attributes:
  action:
    support: full
    description: Runs as an action plugin on the controller.
"""

EXAMPLES = r"""
- name: Evaluate every audited host and write the findings export
  courtops_dengbao_evaluate:
    hosts: "{{ groups['all'] }}"
    output_dir: "{{ playbook_dir }}/../reports/audit"
  register: dengbao_result
"""

RETURN = r"""
path:
  description: The findings export written (findings.json).
  returned: success
  type: str
hosts:
  description: How many hosts were judged.
  returned: success
  type: int
findings:
  description: How many findings were written.
  returned: success
  type: int
summary:
  description: Findings per verdict (符合, 部分符合, 不符合, 待人工, 不适用) and the 高风险候选 count.
  returned: success
  type: dict
courtops_findings:
  description: Every finding with its evidence, for the courtops_recorder callback (results store).
  returned: success
  type: list
  elements: dict
"""
