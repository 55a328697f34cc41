#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_dengbao_preflight.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_dengbao_preflight
short_description: Check the 等保 catalogue and every threshold's type before an audit contacts any host
description:
  - Runs on the controller only and never contacts a host. Loads the control catalogue
    (C(controls/*.yml)) and checks every C(dengbao_*) threshold the given hosts would be judged with
    (from group_vars, host_vars or C(-e)) against the type declared in C(controls/thresholds.yml).
  - Fails, naming the variable, the expected type and the hosts, when the catalogue is invalid or a
    threshold has another type. Nothing is coerced - C(-e dengbao_high_risk_ports=21,23) is the
    string C(21,23) and is refused.
  - 'Pass a list as JSON instead: C(-e ''{"dengbao_high_risk_ports": [21, 23]}'').'
  - Read-only; the same in check mode.
version_added: "0.1.0"
author: courtops
options:
  hosts:
    description: The hosts whose threshold variables to check (normally C(ansible_play_hosts_all)).
    type: list
    elements: str
    required: true
attributes:
  check_mode:
    support: full
    description: Reads only; check mode changes nothing.
  action:
    support: full
    description: Runs as an action plugin on the controller.
"""

EXAMPLES = r"""
- name: Check the catalogue and thresholds before collecting
  courtops_dengbao_preflight:
    hosts: "{{ ansible_play_hosts_all }}"
  run_once: true
"""

RETURN = r"""
errors:
  description: One message per configuration error, with the hosts it concerns.
  returned: failure
  type: list
  elements: str
msg:
  description: What was checked, or every error.
  returned: always
  type: str
"""
