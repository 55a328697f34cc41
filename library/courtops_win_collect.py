#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub for the PowerShell module courtops_win_collect.ps1 (Ansible convention).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_win_collect
short_description: Gather every piece of 等保 level-3 evidence from a Windows host in one call
description:
  - PowerShell 5.1, data only and read-only. Returns the C(secedit /export) INF text, the
    C(auditpol /get /category:* /r) CSV, the registry values of the catalogue, local users by
    SID, services, SMB shares, firewall profiles and remote-management rules, hot fixes,
    Defender status, WinRM service settings and the SMB1 state.
  - All judgement happens on the controller (courtops/evidence/windows.py).
  - This module has NOT been run in this repository's CI (no Windows host can run here); the
    parsing of its output is tested with recorded real outputs and documented constructed ones.
version_added: "0.1.0"
author: courtops
options: {}
notes:
  - Windows 10 / Server 2016 and later (ansible-core's floor). Windows 7 needs another path.
  - The secedit export is written to C(%TEMP%) and deleted immediately after it is read.
"""

EXAMPLES = r"""
- name: Collect 等保 evidence (one call per host)
  courtops_win_collect:
  register: dengbao_windows
"""

RETURN = r"""
evidence:
  description: Raw evidence for courtops.evaluator.
  returned: always
  type: dict
"""
