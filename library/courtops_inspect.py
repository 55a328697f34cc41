#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_inspect.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_inspect
short_description: Judge a host's inspection readings against the plan and thresholds (巡检判定)
description:
  - Runs on the controller only - it never contacts the host. Selects the checks of the host's device
    class and platform from C(inspection_plan) for the given profile, judges the raw readings with
    C(inspection_thresholds) and returns one result per check and item.
  - Returns the results under C(courtops_metrics), where the courtops recorder callback stores them.
  - An unreachable host gets one 故障 reachability result; unreadable readings give 未检 with the reason.
version_added: "0.1.0"
author: courtops
options:
  profile:
    description: Inspection profile.
    type: str
    choices: [monthly, quarterly, yearly]
    default: monthly
  readings:
    description: Raw readings - C(unreachable), C(msg), C(host_metrics), C(probe), C(cli).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Judge the readings on the controller
  courtops_inspect:
    profile: monthly
    readings:
      unreachable: false
      host_metrics: "{{ inspection_host_raw.metrics | default({}) }}"
  register: inspection_result
"""

RETURN = r"""
courtops_metrics:
  description: One entry per check and item - host, name, value, text, unit, labels (title, state, item, remark).
  returned: success
  type: list
  elements: dict
inspection_state:
  description: The worst state of the host (正常 / 告警 / 故障; 未检 only when nothing was checked).
  returned: success
  type: str
checks:
  description: The checks the plan selected for the host.
  returned: success
  type: list
  elements: str
"""
