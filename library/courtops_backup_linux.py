#!/usr/bin/python
# -*- coding: utf-8 -*-
# courtops: configuration backup (配置备份) of a Linux host in one call.
# Runs on the TARGET's Python (3.6+, standard library only): no f-strings with "=", no walrus,
# no dataclasses. Read-only: it never writes a file and never changes a setting (changed=false).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: courtops_backup_linux
short_description: Read what restores a Linux server in one call (the /etc tree, packages, units, crontabs, firewall)
description:
  - Reads the C(/etc) tree as files, the text of every text file; binary, oversized and special files
    are listed with their SHA-256 instead of their content. Every entry (directories and symlinks too)
    is in a manifest with its mode, owner and group, so a restore can set them back.
  - Also reads the installed packages with their versions (dpkg status or C(rpm -qa)) and which were
    installed by hand, the enabled systemd units, the system and per-user crontabs, and the firewall
    ruleset (C(nft list ruleset), else C(iptables-save)).
  - Returns everything raw. Masking (C(/etc/shadow) hashes, private keys), normalisation and the
    encrypted full copy happen on the controller (courtops.backup.server_rules). The result holds
    secrets, so the task that runs it sets C(no_log).
  - Runs on Python 3.6 and later with the standard library only (Kylin and UOS ship old Pythons).
version_added: "0.2.0"
author: courtops
options:
  root:
    description:
      - Directory to treat as C(/). Anything other than C(/) reads files only (no commands); the
        unit tests use it to run the collector against fixture trees.
    type: path
    default: /
  paths:
    description: Trees to back up file by file.
    type: list
    elements: str
    default: [/etc]
  max_file_size:
    description:
      - A file larger than this many bytes is listed with its hash instead of its content (128 KiB -
        what is bigger in /etc is package data such as C(/etc/ssh/moduli) or the generated
        C(ca-certificates.crt), which a package reinstall restores).
    type: int
    default: 131072
notes:
  - Supports check mode; it never changes anything.
  - "Commands run only when I(root=/): C(rpm -qa) (RPM systems), C(nft list ruleset) or C(iptables-save)."
"""

EXAMPLES = r"""
- name: Back up the host (one call)
  courtops_backup_linux:
  register: linux_backup
  no_log: true
"""

RETURN = r"""
backup:
  description: The raw backup (schema version in C(schema)).
  returned: always
  type: dict
  contains:
    files:
      description: Path to the text of every text file under I(paths).
      type: dict
    manifest:
      description: "One entry per file, directory, symlink or special file: C(path), C(type) (file, dir,
        symlink, fifo, socket, chardev, blockdev), C(mode) (octal text), C(uid), C(gid), C(owner),
        C(group); files also C(size), C(sha256) and C(content) (text, binary, too_large, unreadable);
        symlinks C(target)."
      type: list
      elements: dict
    packages:
      description: C(manager) (dpkg, rpm or null), C(installed) (C(name), C(version), C(arch), C(manual)), C(error).
      type: dict
    units:
      description: C(enabled) (unit names linked under /etc/systemd/{system,user}/*.wants and *.requires), C(source), C(error).
      type: dict
    crontabs:
      description: Per-user crontab (spool) path to its text; the system crontabs are in I(files).
      type: dict
    firewall:
      description: C(tool) (nftables, iptables or null), C(ruleset) text, C(error).
      type: dict
"""

import grp
import hashlib
import os
import pwd
import stat
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.courtops_cmd import run as run_bounded
from ansible.module_utils.courtops_cmd import under, which

SCHEMA = 1
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}
#: per-user crontabs: Debian/UOS keep them in crontabs/, Red Hat/Kylin Server directly in cron/
CRON_SPOOLS = ("/var/spool/cron/crontabs", "/var/spool/cron")
#: never read: version-control metadata etckeeper keeps inside /etc
SKIP_DIRS = (".git", ".hg", ".bzr", "_darcs")


def run(argv, timeout=60):
    """(rc, out, err) of a command; rc 127 when it does not exist, 124 when it timed out. Never raises."""
    return run_bounded(argv, timeout, ENV)


_NAMES = {}


def _name(lookup, ident):
    """Owner or group name of an id, looked up once per id (a tree has thousands of entries, few ids)."""
    key = (lookup, ident)
    if key not in _NAMES:
        try:
            _NAMES[key] = lookup(ident)[0]
        except (KeyError, OverflowError):
            _NAMES[key] = str(ident)
    return _NAMES[key]


def _kind(mode):
    for test, name in (
        (stat.S_ISDIR, "dir"),
        (stat.S_ISREG, "file"),
        (stat.S_ISLNK, "symlink"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "chardev"),
        (stat.S_ISBLK, "blockdev"),
    ):
        if test(mode):
            return name
    return "other"


def _read_file(full, size, limit):
    """(content kind, text or None, sha256 hex or None): text only when it decodes as UTF-8 without NULs."""
    digest = hashlib.sha256()
    try:
        with open(full, "rb") as handle:
            if size > limit:
                for block in iter(lambda: handle.read(65536), b""):
                    digest.update(block)
                return "too_large", None, digest.hexdigest()
            data = handle.read()
    except (IOError, OSError):
        return "unreadable", None, None
    digest.update(data)
    if b"\0" in data:
        return "binary", None, digest.hexdigest()
    try:
        return "text", data.decode("utf-8"), digest.hexdigest()
    except UnicodeDecodeError:
        return "binary", None, digest.hexdigest()


def _entry(root, full, limit, files):
    st = os.lstat(full)
    path = full if root == "/" else "/" + os.path.relpath(full, root)
    kind = _kind(st.st_mode)
    entry = {
        "path": path,
        "type": kind,
        "mode": "%04o" % stat.S_IMODE(st.st_mode),
        "uid": st.st_uid,
        "gid": st.st_gid,
        "owner": _name(pwd.getpwuid, st.st_uid),
        "group": _name(grp.getgrgid, st.st_gid),
    }
    if kind == "symlink":
        entry["target"] = os.readlink(full)
    elif kind == "file":
        content, text, sha = _read_file(full, st.st_size, limit)
        entry.update({"size": st.st_size, "sha256": sha, "content": content})
        if text is not None:
            files[path] = text
    return entry


def walk_tree(root, top, limit):
    """(files, manifest) of one tree, in path order; a missing tree gives nothing."""
    files = {}
    manifest = []
    start = under(root, top)
    if not os.path.isdir(start) or os.path.islink(start):
        return files, manifest
    manifest.append(_entry(root, start, limit, files))
    for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        # os.walk lists a symlink to a directory among dirnames: it is an entry, not a tree to enter
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            try:
                manifest.append(_entry(root, os.path.join(dirpath, name), limit, files))
            except OSError:
                continue
        for name in dirnames:
            full = os.path.join(dirpath, name)
            if not os.path.islink(full):
                try:
                    manifest.append(_entry(root, full, limit, files))
                except OSError:
                    continue
    manifest.sort(key=lambda e: e["path"])
    return files, manifest


def _dpkg_status(root):
    """Installed packages from /var/lib/dpkg/status (what dpkg-query reads), manual ones marked."""
    try:
        with open(under(root, "/var/lib/dpkg/status"), "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    except (IOError, OSError):
        return None
    auto = set()
    try:
        with open(under(root, "/var/lib/apt/extended_states"), "rb") as handle:
            for block in handle.read().decode("utf-8", "replace").split("\n\n"):
                fields = _stanza(block)
                if fields.get("Auto-Installed") == "1":
                    auto.add((fields.get("Package"), fields.get("Architecture")))
    except (IOError, OSError):
        pass
    installed = []
    for block in text.split("\n\n"):
        fields = _stanza(block)
        if not fields.get("Package") or not fields.get("Status", "").endswith(" installed"):
            continue
        arch = fields.get("Architecture", "")
        installed.append(
            {
                "name": fields["Package"],
                "version": fields.get("Version", ""),
                "arch": arch,
                "manual": (fields["Package"], arch) not in auto,
            }
        )
    return installed


def _stanza(block):
    fields = {}
    for line in block.splitlines():
        if line and not line[0].isspace() and ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def packages(root):
    found = _dpkg_status(root)
    if found is not None:
        return {
            "manager": "dpkg",
            "installed": sorted(found, key=lambda p: (p["name"], p["arch"])),
            "error": None,
        }
    rpm = which(root, ["rpm"])
    if rpm and root == "/":
        rc, out, err = run(
            [rpm, "-qa", "--qf", "%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n"], 120
        )
        if rc != 0:
            return {"manager": "rpm", "installed": [], "error": "rpm -qa 失败：" + err.strip()[-200:]}
        rows = []
        for line in out.splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                # rpm keeps no "installed by hand" mark; dnf history would, but is not always there
                rows.append({"name": parts[0], "version": parts[1], "arch": parts[2], "manual": None})
        return {
            "manager": "rpm",
            "installed": sorted(rows, key=lambda p: (p["name"], p["arch"])),
            "error": None,
        }
    return {"manager": None, "installed": [], "error": "未找到软件包数据库（dpkg / rpm）"}


def units(root):
    """Enabled units: the links `systemctl enable` makes under /etc/systemd/{system,user}/*.wants and
    *.requires (what `systemctl list-unit-files --state=enabled` reports, with template instances
    named, e.g. getty@tty1.service; reading the links takes milliseconds where systemctl takes seconds)."""
    names = set()
    for scope in ("system", "user"):
        base = under(root, "/etc/systemd/" + scope)
        if not os.path.isdir(base):
            continue
        for name in os.listdir(base):
            full = os.path.join(base, name)
            if name.endswith((".wants", ".requires")) and os.path.isdir(full) and not os.path.islink(full):
                names.update(n for n in os.listdir(full) if os.path.islink(os.path.join(full, n)))
    if not os.path.isdir(under(root, "/etc/systemd")):
        return {"enabled": [], "source": "wants", "error": "没有 /etc/systemd（非 systemd 系统？）"}
    return {"enabled": sorted(names), "source": "wants", "error": None}


def crontabs(root):
    tabs = {}
    for spool in CRON_SPOOLS:
        base = under(root, spool)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            full = os.path.join(base, name)
            if os.path.isfile(full) and not os.path.islink(full) and not name.startswith("."):
                _, text, _ = _read_file(full, os.path.getsize(full), 1048576)
                if text is not None:
                    tabs[spool + "/" + name] = text
    return tabs


def firewall(root):
    if root != "/":
        return {"tool": None, "ruleset": None, "error": "非运行系统，未读取防火墙规则"}
    nft = which(root, ["nft"])
    if nft:
        rc, out, err = run([nft, "list", "ruleset"])
        if rc == 0:
            return {"tool": "nftables", "ruleset": out, "error": None}
        failure = "nft list ruleset 失败：" + err.strip()[-200:]
    else:
        failure = None
    save = which(root, ["iptables-save"])
    if save:
        rc, out, err = run([save])
        if rc == 0:
            return {"tool": "iptables", "ruleset": out, "error": failure}
        failure = (failure + "；" if failure else "") + "iptables-save 失败：" + err.strip()[-200:]
    return {"tool": None, "ruleset": None, "error": failure or "未安装 nftables / iptables"}


def collect(root="/", paths=("/etc",), limit=131072):
    root = root or "/"
    files = {}
    manifest = []
    for top in paths:
        tree_files, tree_manifest = walk_tree(root, top, limit)
        files.update(tree_files)
        manifest.extend(tree_manifest)
    return {
        "collector": "courtops_backup_linux",
        "schema": SCHEMA,
        "collected_at": int(time.time()),
        "paths": list(paths),
        "files": files,
        "manifest": manifest,
        "packages": packages(root),
        "units": units(root),
        "crontabs": crontabs(root),
        "firewall": firewall(root),
    }


def main():
    module = AnsibleModule(
        argument_spec={
            "root": {"type": "path", "default": "/"},
            "paths": {"type": "list", "elements": "str", "default": ["/etc"]},
            "max_file_size": {"type": "int", "default": 131072},
        },
        supports_check_mode=True,
    )
    root = module.params["root"]
    if not os.path.isdir(root):
        module.fail_json(msg="root %s is not a directory" % root)
    bad = [p for p in module.params["paths"] if not p.startswith("/")]
    if bad:
        module.fail_json(msg="paths must be absolute: %s" % ", ".join(bad))
    module.exit_json(
        changed=False, backup=collect(root, module.params["paths"], module.params["max_file_size"])
    )


if __name__ == "__main__":
    main()
