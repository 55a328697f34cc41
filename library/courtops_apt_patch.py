#!/usr/bin/python
# -*- coding: utf-8 -*-
# Runs on the target: Python 3.6+ standard library only (UOS and Kylin desktop ship old Pythons).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: courtops_apt_patch
short_description: Plan and apply apt updates from the court's own mirror only (补丁更新, Debian/UOS)
description:
  - Computes the patch plan, the packages C(apt-get upgrade) would upgrade and to which version, from the
    given mirror sources only (the host's other sources are ignored, since court networks reach no internet),
    and in a normal run installs exactly that plan, version by version.
  - The plan is computed the same way in check mode and in a real run, so the plan a check run lists is
    what the real run installs. In check mode the package index is fetched into a temporary directory
    that is removed afterwards; nothing on the host changes.
  - C(security_only) plans from the security sources alone, the Debian way to apply security updates only.
  - Held packages are marked C(hold) (dpkg selections) and never part of a plan.
version_added: "0.1.0"
author: courtops
options:
  mirror:
    description: Base URL of the zone's apt mirror (e.g. C(http://mirror.intranet.court)).
    type: str
    required: true
  repos:
    description: The mirror's repositories, each C({path, suite, components, security}); C(suite) C(./) is a flat repository.
    type: list
    elements: dict
    required: true
  trusted:
    description: Trust the mirror without a signature (C([trusted=yes]); the lab's repository only).
    type: bool
    default: false
  signed_by:
    description: Keyring that signs the mirror (C([signed-by=...])).
    type: str
    default: ""
  security_only:
    description: Install only what the security suites offer.
    type: bool
    default: false
  hold:
    description: Packages never upgraded (held at their installed version).
    type: list
    elements: str
    default: []
  state_dir:
    description: Where the mirror's package index is kept between runs.
    type: path
    default: /var/lib/courtops-patch
"""

EXAMPLES = r"""
- name: Patch from the zone mirror
  courtops_apt_patch:
    mirror: http://mirror.intranet.court
    repos:
      - {path: debian, suite: bookworm, components: [main]}
      - {path: debian-security, suite: bookworm-security, components: [main], security: true}
    signed_by: /usr/share/keyrings/court-mirror.gpg
    hold: [recorder-client]
  become: true
"""

RETURN = r"""
plan:
  description: The updates, each with name, installed (version now), candidate (version installed by the run) and security.
  returned: always
  type: list
  elements: dict
pending:
  description: How many updates the mirror offers (held packages apart), whatever security_only says.
  returned: always
  type: int
pending_security:
  description: How many of them come from the security suites.
  returned: always
  type: int
held:
  description: Held packages and their installed version.
  returned: always
  type: dict
versions:
  description: Installed version of every planned and held package after the run.
  returned: always
  type: dict
reboot_required:
  description: The host asks for a reboot (/run/reboot-required).
  returned: always
  type: bool
"""

import os
import re
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

INST = re.compile(r"^Inst (\S+) \[([^\]]+)\] \((\S+) ")
REBOOT_FILES = ("/run/reboot-required", "/var/run/reboot-required")


def apt_options(workdir, sources_file):
    return [
        "-o", "Dir::Etc::SourceList=" + sources_file,
        "-o", "Dir::Etc::SourceParts=" + os.path.join(workdir, "parts.d"),
        "-o", "Dir::State::Lists=" + os.path.join(workdir, "lists"),
        "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
        "-o", "APT::Get::List-Cleanup=0",
    ]  # fmt: skip


def simulate(module, workdir, sources_file, hold):
    rc, out, err = module.run_command(
        ["apt-get", "-s", "-q", "-o", "Debug::NoLocking=1"] + apt_options(workdir, sources_file) + ["upgrade"]
    )
    if rc != 0:
        module.fail_json(msg="apt-get -s upgrade failed: " + (err or out).strip())
    plan = []
    for line in out.splitlines():
        m = INST.match(line)
        if m and m.group(1) not in hold:
            plan.append({"name": m.group(1), "installed": m.group(2), "candidate": m.group(3)})
    return plan


def installed_versions(module, names):
    if not names:
        return {}
    _rc, out, _ = module.run_command(["dpkg-query", "-W", "-f", "${Package}\\t${Version}\\n"] + sorted(names))
    versions = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[1]:
            versions[parts[0]] = parts[1]
    return versions


def source_lines(module, p):
    """The sources.list lines of every repository, and of the security ones."""
    opts = []
    if p["trusted"]:
        opts.append("trusted=yes")
    if p["signed_by"]:
        opts.append("signed-by=" + p["signed_by"])
    prefix = "deb [%s] " % " ".join(opts) if opts else "deb "
    lines, security = [], []
    for repo in p["repos"]:
        if not isinstance(repo, dict) or not repo.get("path") or not repo.get("suite"):
            module.fail_json(msg="each mirror repository needs path and suite: %r" % (repo,))
        line = prefix + "%s/%s %s %s" % (
            p["mirror"].rstrip("/"),
            str(repo["path"]).strip("/"),
            repo["suite"],
            " ".join(repo.get("components") or []),
        )
        lines.append(line.rstrip())
        if repo.get("security"):
            security.append(line.rstrip())
    return lines, security


def main():
    module = AnsibleModule(
        argument_spec=dict(
            mirror=dict(type="str", required=True),
            repos=dict(type="list", elements="dict", required=True),
            trusted=dict(type="bool", default=False),
            signed_by=dict(type="str", default=""),
            security_only=dict(type="bool", default=False),
            hold=dict(type="list", elements="str", default=[]),
            state_dir=dict(type="path", default="/var/lib/courtops-patch"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if not p["mirror"] or not p["repos"]:
        module.fail_json(msg="no mirror: set patch_linux_apt_mirror for the host's zone (group_vars)")
    sources, security_sources = source_lines(module, p)
    hold = set(p["hold"])
    workdir = tempfile.mkdtemp(prefix="courtops-patch-") if module.check_mode else p["state_dir"]
    try:
        for sub in ("lists/partial", "parts.d"):
            path = os.path.join(workdir, sub)
            if not os.path.isdir(path):
                os.makedirs(path, 0o755)
        all_file = os.path.join(workdir, "sources.list")
        sec_file = os.path.join(workdir, "security.list")
        with open(all_file, "w") as f:
            f.write("\n".join(sources) + "\n")
        with open(sec_file, "w") as f:
            f.write("\n".join(security_sources) + "\n")
        rc, out, err = module.run_command(["apt-get", "-q", "update"] + apt_options(workdir, all_file))
        if rc != 0 or re.search(r"^(E:|Err:)", out + err, re.M):
            module.fail_json(msg="apt-get update from the mirror failed: " + (err or out).strip()[-2000:])
        full = simulate(module, workdir, all_file, hold)
        security = simulate(module, workdir, sec_file, hold) if security_sources else []
        sec_names = {(u["name"], u["candidate"]) for u in security}
        for u in full:
            u["security"] = (u["name"], u["candidate"]) in sec_names
        plan = security if p["security_only"] else full
        for u in plan:
            u["security"] = (u["name"], u["candidate"]) in sec_names
        held_now = installed_versions(module, hold)
        rc, out, _ = module.run_command(["apt-mark", "showhold"])
        to_hold = sorted(n for n in held_now if n not in out.split())
        changed = bool(plan or to_hold)  # in check mode: what the real run would change
        if not module.check_mode:
            if to_hold:
                rc, out, err = module.run_command(["apt-mark", "hold"] + to_hold)
                if rc != 0:
                    module.fail_json(msg="apt-mark hold failed: " + (err or out).strip())
            if plan:
                src = all_file if not p["security_only"] else sec_file
                cmd = (["apt-get", "-y", "-q", "--only-upgrade", "-o", "Dpkg::Options::=--force-confold",
                        "-o", "Dpkg::Options::=--force-confdef"] + apt_options(workdir, src)
                       + ["install"] + ["%s=%s" % (u["name"], u["candidate"]) for u in plan])  # fmt: skip
                rc, out, err = module.run_command(cmd, environ_update={"DEBIAN_FRONTEND": "noninteractive"})
                if rc != 0:
                    module.fail_json(msg="apt-get install failed: " + (err or out).strip()[-2000:], plan=plan)
        versions = installed_versions(module, {u["name"] for u in plan} | hold)
        module.exit_json(
            changed=changed,
            plan=plan,
            pending=len(full),
            pending_security=len(security),
            held=held_now,
            versions=versions,
            reboot_required=any(os.path.exists(f) for f in REBOOT_FILES),
        )
    finally:
        if module.check_mode:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
