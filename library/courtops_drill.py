#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub for the action plugin plugins/action/courtops_drill.py (Ansible convention).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_drill
short_description: Record a drill (应急演练) in the results store
description:
  - Adds one row to the results store's drills table (C(Store.add_drill)), linked to the current run,
    when the run is recorded. The quarterly report lists the quarter's drills from it.
  - Runs on the controller, touches no target.
version_added: "0.2.0"
author: courtops
options:
  kind:
    description: What was drilled.
    type: str
    required: true
    choices: [restore, spare_swap, tabletop, manual]
  result:
    description: The drill's outcome.
    type: str
    required: true
    choices: [ok, failed]
  started_at:
    description: Epoch seconds the drill started.
    type: float
    required: true
  ended_at:
    description: Epoch seconds it ended (now when omitted).
    type: float
  recovery_s:
    description: Time to recover in seconds (ended_at - started_at when omitted).
    type: float
  scenario:
    description: What the drill simulated, in Chinese for the report.
    type: str
    default: ""
  title:
    description: A short title.
    type: str
    default: ""
  target:
    description: The device that was restored.
    type: str
    default: ""
  source:
    description: Where the configuration came from (host and backup revision).
    type: str
    default: ""
  notes:
    description: Anything else the report should say (the reason of a failure).
    type: str
    default: ""
  store:
    description: The results store (default, the recorder's of this run).
    type: str
notes:
  - Supports check mode, nothing is recorded.
"""

EXAMPLES = r"""
- name: Record the restore drill
  courtops_drill:
    kind: restore
    result: ok
    started_at: "{{ restore_started }}"
    target: lab-vrp-01
    source: "lab-vrp-01@{{ restore_result.rev }}"
"""

RETURN = r"""
drill_id:
  description: The new row's id (null in check mode).
  returned: always
  type: int
"""
