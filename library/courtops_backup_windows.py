#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub for the PowerShell module courtops_backup_windows.ps1 (Ansible convention).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_backup_windows
short_description: Read what restores a Windows host's configuration in one call
description:
  - PowerShell 5.1, data only. Returns the C(secedit /export) INF text (every area), the
    C(auditpol /backup) CSV, the installed roles and features (C(Get-WindowsFeature) on Server,
    C(Get-WindowsOptionalFeature -Online) on a client), the installed software from the registry
    Uninstall keys (64- and 32-bit), every scheduled task's XML (C(Export-ScheduledTask)) and what
    could not be read (C(errors)).
  - The secedit and auditpol exports go to C(%TEMP%) and are deleted as soon as they are read.
  - Masking, normalisation and the encrypted full copy happen on the controller
    (courtops/backup/windows_rules.py).
  - This module has NOT been run in this repository's CI (no Windows host can run here); the parsing
    of its output is tested with recorded real outputs (see docs/backup.md).
version_added: "0.2.0"
author: courtops
options: {}
notes:
  - Windows 10 / Server 2016 and later (ansible-core's floor).
"""

EXAMPLES = r"""
- name: Back up the host (one call)
  courtops_backup_windows:
  register: windows_backup
  no_log: true
"""

RETURN = r"""
backup:
  description: C(secedit), C(auditpol), C(features), C(software), C(tasks), C(os), C(errors).
  returned: always
  type: dict
"""
