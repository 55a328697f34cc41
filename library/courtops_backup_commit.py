#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_backup_commit.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_backup_commit
short_description: Make the backup run's one commit in the backup repository (配置备份)
description:
  - Runs once on the controller at the end of C(playbooks/backup.yml). Commits every device copy staged by
    C(courtops_backup) in one commit naming the run id and the devices changed; commits nothing when no device
    changed. Pushes to C($COURTOPS_BACKUP_REMOTE) when set. Notes the commit in the results store.
  - Then fails when a device of O(hosts) had its backup rejected (status 失败), naming each with its reason, so the
    run's result shows it after the good copies are committed.
  - In check mode nothing was staged and nothing is committed.
version_added: "0.1.0"
author: courtops
options:
  hosts:
    description: The devices of the run whose registered C(courtops_backup) results to summarise (normally C(groups['all'])).
    type: list
    elements: str
    default: []
  result_var:
    description: The variable each device registered its C(courtops_backup) result in.
    type: str
    default: backup_result
  repo:
    description: The backup repository; default C($COURTOPS_BACKUP_REPO), else C(backups) next to the results store.
    type: str
  store:
    description: Results store path; default as the recorder finds it ($COURTOPS_STORE, ansible.cfg, .cache).
    type: str
"""

EXAMPLES = r"""
- name: Commit the devices that changed
  courtops_backup_commit:
    hosts: "{{ groups['all'] }}"
  run_once: true
"""

RETURN = r"""
failed_devices:
  description: The devices whose backup was rejected, with the reason.
  returned: always
  type: dict
rev:
  description: The commit made (empty when no device changed).
  returned: success
  type: str
devices:
  description: The devices the commit changed.
  returned: success
  type: list
  elements: str
msg:
  description: The outcome in Chinese.
  returned: always
  type: str
"""
