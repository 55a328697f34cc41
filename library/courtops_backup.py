#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub: the work is done on the controller by the action plugin of the same name
# (plugins/action/courtops_backup.py); Ansible reads the documentation from here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_backup
short_description: Accept one network device's configuration backup and stage it in the backup repository (配置备份)
description:
  - Runs on the controller for each device after the backup commands (C(ansible.netcommon.cli_command) with
    the vendor's C(backup_commands)). Rejects an incomplete capture (unreachable, a failed command, a CLI error
    line, no end marker, empty, or shrunk by more than O(max_shrink) against the last good copy) and keeps the
    previous copy; otherwise normalises it (volatile lines dropped), masks every secret with a keyed
    fingerprint and stages it in the git repository with a vault-encrypted full copy (docs/backup.md).
  - Records the attempt in the results store (status 成功 / 失败 with the reason, last success, last change)
    and opens an incident for a failed backup, or closes it after a good one.
  - A rejected backup is not a failed task (the run goes on to its commit); C(courtops_backup_commit) names the
    rejected devices and fails the run after committing the good copies.
  - In check mode it says whether the copy would change and writes nothing.
version_added: "0.1.0"
author: courtops
options:
  results:
    description:
      - The registered C(cli_command) loop results of a network device (each with C(item) = the command).
      - One of O(results), O(files) and O(collected).
    type: list
    elements: dict
  files:
    description:
      - The capture of a collector (servers), relative path -> text, unmasked; validated, normalised and masked
        by the platform's rules (C(courtops.backup.rules)).
      - One of O(results), O(files) and O(collected).
    type: dict
  errors:
    description: What went wrong while collecting O(files); any error rejects the capture.
    type: list
    elements: str
    default: []
  collected:
    description:
      - For a server, the registered result of its one collecting call (C(courtops_backup_linux) or
        C(courtops_backup_windows)), laid out into files by courtops/backup/server_rules.py (what
        C(playbooks/backup.yml) passes).
      - One of O(results), O(files) and O(collected).
    type: dict
  platform:
    description: The device's platform; default the host's C(asset_platform).
    type: str
  site:
    description: The device's site (repository directory); default the host's C(asset_site).
    type: str
  device_class:
    description: The device's class (repository directory); default the host's C(asset_class).
    type: str
  max_shrink:
    description: Reject a configuration smaller than (1 - max_shrink) of the last good copy.
    type: float
    default: 0.5
  repo:
    description: The backup repository; default C($COURTOPS_BACKUP_REPO), else C(backups) next to the results store.
    type: str
  store:
    description: Results store path; default as the recorder finds it ($COURTOPS_STORE, ansible.cfg, .cache).
    type: str
"""

EXAMPLES = r"""
- name: Accept, normalise, mask and stage the copy
  courtops_backup:
    results: "{{ backup_cli_raw.results }}"
    max_shrink: 0.5
"""

RETURN = r"""
backup_status:
  description: 成功 or 失败.
  returned: success
  type: str
backup_changed:
  description: The accepted copy differs from the last good copy.
  returned: success
  type: bool
backup_path:
  description: The device's path in the backup repository (site/class/host).
  returned: success
  type: str
reason:
  description: Why the backup was rejected (empty when accepted).
  returned: success
  type: str
incidents_opened:
  description: Ids of incidents opened for this device (not in check mode).
  returned: success
  type: list
  elements: int
incidents_closed:
  description: Ids of incidents closed for this device (not in check mode).
  returned: success
  type: list
  elements: int
msg:
  description: The outcome in Chinese.
  returned: always
  type: str
"""
