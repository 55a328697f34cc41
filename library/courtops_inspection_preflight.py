#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_inspection_preflight.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_inspection_preflight
short_description: Check the inspection plan, thresholds and settings against the check catalogue (巡检前检查)
description:
  - Runs once on the controller at the start of playbooks/inspect.yml and never contacts a host.
  - For each given host, reads C(inspection_plan), C(inspection_thresholds) and the C(inspection_*)
    settings as that host sees them (playbook group_vars, inventory group_vars and host_vars, C(-e)) and
    checks them against the inspection-check catalogue (inspection/checks.yml) - every check id exists,
    every threshold and setting has its declared type.
  - Fails naming each variable, what was expected and which hosts see the bad value, so the run stops
    before any reading is taken (a misspelt check or a string threshold is never silently dropped or
    judged).
options:
  hosts:
    description: The hosts whose variables to check (normally C(ansible_play_hosts_all)).
    type: list
    elements: str
    required: true
version_added: "0.1.0"
author: courtops
"""

EXAMPLES = r"""
- name: Check the plan, thresholds and settings before contacting any host
  courtops_inspection_preflight:
    hosts: "{{ ansible_play_hosts_all }}"
  run_once: true
"""

RETURN = r"""
checked_hosts:
  description: How many hosts' variables were checked.
  returned: success
  type: int
"""
