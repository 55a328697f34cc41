#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation stub for the action plugin plugins/action/courtops_restore.py (Ansible convention).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_restore
short_description: Put a stored configuration back on a network device with the vendor's own mechanism
description:
  - Reads revision I(rev) of host I(source)'s configuration backup (the unmasked, vault-encrypted full
    copy), refuses an incomplete or masked copy and a target of another platform, copies the
    configuration onto the target's flash over SFTP and activates it with the mechanism its vendor
    module declares (courtops/vendors/restore.py) - IOS C(configure replace), Comware 7
    C(configuration replace file), VRP C(startup saved-configuration) and reboot.
  - Idempotent, a target whose configuration already equals the revision (normalised) is left alone.
  - With I(verify=true) it only reads the target's configuration and fails unless it equals the
    revision (normalised, the spare's own name line excepted); the differences are returned masked.
  - The configuration text never appears in a result or a log.
version_added: "0.2.0"
author: courtops
options:
  source:
    description: The host whose backup is restored (the target itself, or the device a spare replaces).
      A Linux host gets its C(/etc) back (C(courtops_restore_files)); a network device its configuration.
    type: str
    required: true
  rev:
    description: The backup repository revision; the newest copy of I(source) when omitted.
    type: str
  not_after:
    description:
      - Without I(rev), restore the newest revision committed at or before this time (epoch seconds),
        so the restore run's own pre-restore backup is not taken for the copy to restore.
    type: float
  verify:
    description: Only compare the target's configuration with the revision.
    type: bool
    default: false
  keep_identity:
    description:
      - Keep the target's own C(sysname) / C(hostname) line. Default true when the target is not
        I(source) (a spare), false otherwise.
    type: bool
  repo:
    description: The backup repository (default C($COURTOPS_BACKUP_REPO) or the store's C(backups/)).
    type: str
  timeout:
    description: Seconds for the SFTP copy.
    type: int
    default: 120
notes:
  - Supports check mode, everything is checked, nothing is copied or run.
  - A VRP restore reboots the device, run C(meta reset_connection) before the next task on it.
"""

EXAMPLES = r"""
- name: Restore lab-vrp-01's newest backup onto the spare
  courtops_restore:
    source: lab-vrp-01
"""

RETURN = r"""
rev:
  description: The full revision restored.
  returned: always
  type: str
mechanism:
  description: The vendor mechanism used.
  returned: always
  type: str
sha256:
  description: SHA-256 of the normalised configuration put back.
  returned: always
  type: str
equal:
  description: With I(verify), whether the target's configuration equals the revision.
  returned: when verify
  type: bool
diff:
  description: With I(verify), the masked differences (empty when equal).
  returned: when verify
  type: list
  elements: str
"""
