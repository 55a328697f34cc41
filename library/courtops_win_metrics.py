#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub for the PowerShell module courtops_win_metrics.ps1 (Ansible convention).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_win_metrics
short_description: Gather a Windows host's inspection readings in one call (日常巡检采集)
description:
  - PowerShell 5.1, read-only. Returns the same reading shape as M(courtops_host_metrics) on Linux -
    uptime, CPU count and load, memory, disk use per fixed volume, W32Time synchronisation, the state
    of the given services, whether a reboot is pending, when the last hot fix was installed, the
    number of error-level System and Application events since a given time, the age of the antivirus
    signatures (Defender or the given files) and disk health.
  - No localized text is parsed, so it reads zh-CN Windows the same as en-US.
  - Returns raw readings only; the controller judges them (courtops.inspection.judge).
  - This module has NOT been run in this repository's CI (no Windows host can run in the lab).
version_added: "0.1.0"
author: courtops
options:
  services:
    description: Service names whose state is reported.
    type: list
    elements: str
    default: []
  since:
    description: Count error events since this UNIX time (the previous inspection); default 30 days ago.
    type: float
  av_signature_paths:
    description: Antivirus signature files or directories; the newest modification time is reported.
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    support: full
    description: Reads only; check mode changes nothing.
notes:
  - Windows 10 / Server 2016 and later (ansible-core's floor).
"""

EXAMPLES = r"""
- name: Gather inspection readings
  courtops_win_metrics:
    services: [W32Time, EventLog]
  register: readings
"""

RETURN = r"""
metrics:
  description: Raw readings in the shape of M(courtops_host_metrics); missing readings are null with a
    reason in C(unreadable).
  returned: always
  type: dict
"""
