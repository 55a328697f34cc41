#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_patch_gate.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_patch_gate
short_description: Decide which hosts may be patched or rebooted now (开庭排期、维护窗口、配置备份)
description:
  - Runs once on the controller. Reads the hearing schedules (CSV with Chinese headers, or iCalendar),
    the per-zone maintenance windows and, from the results store, each host's newest configuration backup.
  - A host of a C(courtroom_<id>) group with a session in progress, or one starting within the margin plus
    the expected duration, is skipped with the session named; so is a host outside its zone's window.
    A host without a recent enough backup fails the pre-check. A malformed calendar fails the task with
    the file and line, before any host is contacted.
version_added: "0.1.0"
author: courtops
options:
  hosts:
    description: The hosts to decide for.
    type: list
    elements: str
    required: true
  calendar_files:
    description: Hearing schedule files (.csv or .ics).
    type: list
    elements: path
    default: []
  courtroom_names:
    description: Courtroom names as calendars write them, mapped to courtroom ids (e.g. C(北乡第一法庭) to C(bx01)).
    type: dict
    default: {}
  windows:
    description: Per zone, a list of maintenance windows C({days, start, end}) in CST; a zone without one is not restricted.
    type: dict
    default: {}
  margin_minutes:
    description: No patch or reboot this many minutes before a session.
    type: int
    default: 60
  duration_minutes:
    description: How long the work on one host may take (a reboot's share when deciding a reboot).
    type: int
    default: 30
  backup_max_age_hours:
    description: A backup older than this fails the pre-check; unset turns the backup pre-check off.
    type: int
  check_backup:
    description: Apply the backup pre-check (off when deciding a reboot).
    type: bool
    default: true
  now:
    description: Decide as of this UNIX time (tests); default now.
    type: float
  store:
    description: Results store path; default as the recorder finds it.
    type: str
"""

EXAMPLES = r"""
- name: Decide which hosts may be patched
  courtops_patch_gate:
    hosts: "{{ ansible_play_hosts_all }}"
    calendar_files: [/srv/court/hearings.ics]
    backup_max_age_hours: 168
  run_once: true
  register: gate
"""

RETURN = r"""
decisions:
  description: Per host C({go, result, reason, blocked_by}); blocked_by is the session (courtroom, start, end, case, title, source, text).
  returned: success
  type: dict
records:
  description: The hosts not to patch, as courtops_patch_record takes them (result skipped or failed, reason, session).
  returned: success
  type: list
  elements: dict
"""
