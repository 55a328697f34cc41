#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation only: the work is done on the controller by plugins/action/courtops_restore_compare.py.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_restore_compare
short_description: Compare a host restored from another host's backup with the original (services, 等保 verdicts)
description:
  - Controller-side action of playbooks/restore.yml for a Linux restore onto another host. Judges the
    audit evidence of both hosts (C(courtops_linux_collect)) with the audit's evaluator and each host's
    thresholds, and fails unless the verdict of every control id, the enabled units and the active
    services and sockets are equal. Control ids listed in
    C(courtops.backup.restore_compare.IDENTITY_CONTROLS) may differ (host identity files) and are
    reported in C(identity_differences).
version_added: "0.2.0"
author: courtops
options:
  source:
    description: The original host (whose backup was restored).
    type: str
    required: true
  target:
    description: The host the backup was restored onto.
    type: str
    required: true
  source_evidence:
    description: The registered result of C(courtops_linux_collect) on I(source).
    type: raw
    required: true
  target_evidence:
    description: The registered result of C(courtops_linux_collect) on I(target).
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Read the original and the restored host with the audit's collector
  courtops_linux_collect:
  become: true
  delegate_to: "{{ item }}"
  loop: ["{{ host }}", "{{ inventory_hostname }}"]
  register: restore_audit

- name: The restored host's services and 等保 verdicts must equal the original's
  courtops_restore_compare:
    source: "{{ host }}"
    target: "{{ inventory_hostname }}"
    source_evidence: "{{ restore_audit.results[0] }}"
    target_evidence: "{{ restore_audit.results[1] }}"
"""

RETURN = r"""
equal:
  description: Whether services and verdicts are equal.
  type: bool
  returned: always
verdict_differences:
  description: Control ids judged differently (C(id：原主机 X，新主机 Y)).
  type: list
  elements: str
  returned: always
service_differences:
  description: Units enabled or active on one host only.
  type: list
  elements: str
  returned: always
verdicts:
  description: Control id to verdict on the target.
  type: dict
  returned: always
"""
