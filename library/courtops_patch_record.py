#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_patch_record.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_patch_record
short_description: Record each host's patch result in the results store (补丁记录)
description:
  - Runs once on the controller at the end of a batch; writes one row per host (updates planned and installed,
    held packages, reboot, duration, result and reason, the blocking session) to the patch_results table,
    attached to the recorder's run. In check mode it writes nothing.
version_added: "0.1.0"
author: courtops
options:
  results:
    description: One dict per host with the fields of courtops.store.PatchResult.
    type: list
    elements: dict
    required: true
  store:
    description: Results store path; default as the recorder finds it.
    type: str
"""

EXAMPLES = r"""
- name: Record the batch
  courtops_patch_record:
    results: "{{ patch_records }}"
  run_once: true
"""

RETURN = r"""
recorded:
  description: How many rows were written (0 in check mode).
  returned: success
  type: int
"""
