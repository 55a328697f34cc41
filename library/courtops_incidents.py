#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_incidents.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_incidents
short_description: Open incidents for 故障 readings and close those found healthy again (故障记录)
description:
  - Runs once on the controller after courtops_inspect. Reads each play host's registered inspection
    result, opens an incident in the courtops results store for every 故障 reading (device, system,
    check, message, opened at) and closes open incidents whose reading is now healthy, with the time.
  - Manual incidents (courtops incident open) are never closed automatically.
version_added: "0.1.0"
author: courtops
options:
  hosts:
    description: The hosts whose results to read; hosts that registered none are skipped (normally C(groups['all'])).
    type: list
    elements: str
    required: true
  result_var:
    description: The variable each host registered the courtops_inspect result in.
    type: str
    default: inspection_result
  store:
    description: Results store path; default as the recorder finds it ($COURTOPS_STORE, ansible.cfg, .cache).
    type: str
"""

EXAMPLES = r"""
- name: Open incidents for 故障 readings, close those healthy again
  courtops_incidents:
    hosts: "{{ groups['all'] }}"
  run_once: true
"""

RETURN = r"""
opened:
  description: Ids of the incidents opened by this run.
  returned: success
  type: list
  elements: int
closed:
  description: Ids of the incidents this run closed (found healthy again).
  returned: success
  type: list
  elements: int
open_incidents:
  description: How many incidents remain open.
  returned: success
  type: int
msg:
  description: The counts in Chinese (故障记录：新开 N，关闭 N，未关闭 N).
  returned: always
  type: str
"""
