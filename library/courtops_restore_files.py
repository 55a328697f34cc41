#!/usr/bin/python
# -*- coding: utf-8 -*-
# courtops: put a Linux host's backed-up /etc entries back (the target side of a Linux restore).
# Runs on the TARGET's Python (3.6+, standard library only). Every file it replaces is first copied to
# a rollback directory; it never deletes a file the backup does not list.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_restore_files
short_description: Put backed-up files, directories and symlinks back with their mode and owner
description:
  - The target side of a Linux restore (playbooks/restore.yml, the C(courtops_restore) action builds
    I(entries) from the encrypted full copy of a backup). Directories are created, text files written
    atomically, symlinks re-pointed, and mode, owner and group set as the manifest recorded them.
  - Every file or symlink it replaces is first copied under I(rollback_dir), so the previous state can
    be put back by hand. Files the backup does not list are left alone and counted.
  - Binary or oversized files were backed up by hash only; when the host's differs it is reported in
    C(unrestorable) (a package reinstall restores them), never guessed.
  - The task that runs it sets C(no_log) (the entries hold /etc/shadow and private keys).
version_added: "0.2.0"
author: courtops
options:
  entries:
    description:
      - "One per path: C(path), C(type) (dir, file, symlink), C(mode) (octal text), C(owner), C(group),
        C(uid), C(gid); a file C(content) (text) or C(sha256) (hash only); a symlink C(target)."
    type: list
    elements: dict
    required: true
  rollback_dir:
    description: Where replaced files are copied first (created mode 0700).
    type: path
    required: true
notes:
  - Supports check mode, it then only reports what it would change.
"""

EXAMPLES = r"""
- name: Put the stored /etc back
  courtops_restore_files:
    entries: "{{ entries }}"
    rollback_dir: /var/backups/courtops-restore-20261130T120000
  no_log: true
"""

RETURN = r"""
changed_paths:
  description: The paths written, re-pointed or whose mode or owner was set.
  returned: always
  type: list
  elements: str
unrestorable:
  description: Hash-only files whose content on the host differs from the backup.
  returned: always
  type: list
  elements: str
"""

import grp
import hashlib
import os
import pwd
import shutil
import stat

from ansible.module_utils.basic import AnsibleModule


def _id(lookup, name, fallback):
    try:
        return lookup(name)[2]
    except (KeyError, TypeError):
        return int(fallback)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()


def _keep(path, rollback):
    """Copy what is at ``path`` under the rollback directory before it is replaced."""
    if not os.path.lexists(path):
        return
    dest = os.path.join(rollback, path.lstrip("/"))
    if not os.path.isdir(os.path.dirname(dest)):
        os.makedirs(os.path.dirname(dest), 0o700)
    if os.path.islink(path):
        os.symlink(os.readlink(path), dest)
    else:
        shutil.copy2(path, dest)


def _attrs(path, entry, check):
    """Set mode and owner; True when something changed."""
    st = os.lstat(path)
    uid = _id(pwd.getpwnam, entry.get("owner"), entry.get("uid", 0))
    gid = _id(grp.getgrnam, entry.get("group"), entry.get("gid", 0))
    mode = int(entry.get("mode", "0644"), 8)
    changed = False
    if (st.st_uid, st.st_gid) != (uid, gid):
        changed = True
        if not check:
            os.lchown(path, uid, gid)
    if not stat.S_ISLNK(st.st_mode) and stat.S_IMODE(st.st_mode) != mode:
        changed = True
        if not check:
            os.chmod(path, mode)
    return changed


def restore(entries, rollback, check):
    changed, unrestorable = [], []
    for entry in sorted(entries, key=lambda e: e["path"]):
        path, kind = entry["path"], entry["type"]
        touched = False
        if kind == "dir":
            if not os.path.isdir(path):
                touched = True
                if not check:
                    os.makedirs(path)
        elif kind == "symlink":
            if not (os.path.islink(path) and os.readlink(path) == entry["target"]):
                touched = True
                if not check:
                    _keep(path, rollback)
                    if os.path.lexists(path):
                        os.remove(path)
                    os.symlink(entry["target"], path)
        elif kind == "file" and entry.get("content") is not None:
            data = entry["content"].encode("utf-8")
            same = (
                os.path.isfile(path)
                and not os.path.islink(path)
                and _sha256(path) == hashlib.sha256(data).hexdigest()
            )
            if not same:
                touched = True
                if not check:
                    _keep(path, rollback)
                    tmp = path + ".courtops-restore"
                    with open(tmp, "wb") as handle:
                        handle.write(data)
                    os.rename(tmp, path)
        elif kind == "file":
            if not os.path.isfile(path) or _sha256(path) != entry.get("sha256"):
                unrestorable.append(path)
            continue
        else:
            continue
        if os.path.lexists(path) and not (check and touched):
            touched = _attrs(path, entry, check) or touched
        if touched:
            changed.append(path)
    return changed, unrestorable


def main():
    module = AnsibleModule(
        argument_spec={
            "entries": {"type": "list", "elements": "dict", "required": True, "no_log": True},
            "rollback_dir": {"type": "path", "required": True},
        },
        supports_check_mode=True,
    )
    rollback = module.params["rollback_dir"]
    if not module.check_mode and not os.path.isdir(rollback):
        os.makedirs(rollback, 0o700)
    try:
        changed, unrestorable = restore(module.params["entries"], rollback, module.check_mode)
    except (OSError, KeyError, ValueError) as exc:
        module.fail_json(msg="恢复文件失败：%s（已替换的文件的原件在 %s）" % (exc, rollback))
    module.exit_json(
        changed=bool(changed), changed_paths=changed, unrestorable=unrestorable, rollback_dir=rollback
    )


if __name__ == "__main__":
    main()
