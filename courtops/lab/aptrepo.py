"""The lab's package repository (补丁源): real .deb packages, a real apt repository, served over HTTP.

At `lab up` the controller builds, with the Debian tools (`dpkg-deb`, `apt-ftparchive`), three test
packages and two flat repositories under ``<state dir>/aptrepo/``:

- ``main/``: ``courtops-testpkg`` 1.0 and 1.1 (1.1 asks for a reboot, as a kernel update does:
  its postinst writes ``/run/reboot-required``), ``courtops-recorder-client`` 1.0 and 1.1 (the
  courtroom recording client whose version the court pins: the lab holds it) and
  ``courtops-secpkg`` 1.0;
- ``security/``: ``courtops-secpkg`` 1.1, the "security" update, in a suite of its own;
- ``debian/``: real Debian packages the hardening role installs (AIDE, chrony and the dependencies the
  image lacks), fetched once on the controller and cached (`courtops/lab/debpkgs.py`). Every lab host
  has this suite as its own package source (``/etc/apt/sources.list.d/courtops-lab-debian.list``), as a
  court host has the court's mirror; the patch role reads only the sources it is given.

A ``python3 -m http.server`` on the lab bridge address serves it (port `repo_port`); each zone
has its own path (``/intranet``, ``/extranet``, ``/finance``, ``/courtroom``, ``/management``:
symlinks to the same tree) so the zone group_vars point each zone at "its" mirror, as in the court.
The repository is unsigned and the hosts trust it with ``[trusted=yes]``: it is built at every
lab up on the controller and served only on the lab bridge, which nothing else reaches; a signing
key would have to be generated and distributed per lab for no gain in what the tests prove. The
court's mirrors are signed: ``patch_linux_apt_signed_by`` names their keyring (docs/patching.md).

Fresh hosts get the 1.0 versions installed (`seed`); `reset` puts a host back there for tests.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from courtops.lab import courtcal, debpkgs, rebootd, state
from courtops.lab.config import LabConfig
from courtops.lab.plan import HostSpec
from courtops.lab.util import LabError, pid_alive, progress, run

#: (package, version, suite dir, reboot needed after install)
PACKAGES = (
    ("courtops-testpkg", "1.0", "main", False),
    ("courtops-testpkg", "1.1", "main", True),
    ("courtops-recorder-client", "1.0", "main", False),
    ("courtops-recorder-client", "1.1", "main", False),
    ("courtops-secpkg", "1.0", "main", False),
    ("courtops-secpkg", "1.1", "security", False),
)
#: what a fresh lab host has installed (the old versions)
BASE_VERSIONS = {"courtops-testpkg": "1.0", "courtops-recorder-client": "1.0", "courtops-secpkg": "1.0"}
#: the package the lab's courtroom group holds at its pinned version
HELD_PACKAGE = "courtops-recorder-client"
SUITES = {"main": "courtops-lab", "security": "courtops-lab-security", "debian": "courtops-lab-debian"}
#: the suite of real Debian packages (debpkgs.PACKAGES) and the host's source file that names it
DEBIAN_SUITE = "debian"
HOST_SOURCE = "etc/apt/sources.list.d/courtops-lab-debian.list"
#: every zone has its own mirror path (the court's intranet, extranet and finance networks each have one)
ZONE_PATHS = ("intranet", "extranet", "finance", "courtroom", "management")
#: where fresh hosts keep the base packages (inside the host's root)
GUEST_DEBS = "var/cache/courtops-lab/debs"


def repo_port(cfg: LabConfig) -> int:
    return 31380 + cfg.lab_id


def repo_dir(cfg: LabConfig) -> Path:
    return cfg.state_dir / "aptrepo"


def mirror_url(cfg: LabConfig, zone: str) -> str:
    return f"http://{cfg.gateway}:{repo_port(cfg)}/{zone}"


def _deb(workdir: Path, name: str, version: str, reboot: bool) -> Path:
    root = workdir / f"{name}_{version}"
    (root / "DEBIAN").mkdir(parents=True)
    share = root / "usr/share" / name
    share.mkdir(parents=True)
    (share / "VERSION").write_text(version + "\n", encoding="utf-8")
    (root / "DEBIAN/control").write_text(
        f"Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: courtops lab <lab@courtops.invalid>\n"
        f"Section: misc\nPriority: optional\nDescription: courtops lab test package {name} {version}\n"
        " Built by `courtops lab up` to exercise patching against a local repository.\n",
        encoding="utf-8",
    )
    if reboot:
        postinst = root / "DEBIAN/postinst"
        # the Debian convention (kernel, libc packages): ask for a reboot through /run/reboot-required
        postinst.write_text(
            f"#!/bin/sh\nset -e\ntouch /run/reboot-required\necho {name} >> /run/reboot-required.pkgs\n",
            encoding="utf-8",
        )
        postinst.chmod(0o755)
    out = workdir / f"{name}_{version}_all.deb"
    run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(out)])
    return out


def _run_in(cwd: Path, cmd: list[str]) -> str:
    """apt-ftparchive writes paths relative to where it runs: the flat repository's own directory."""
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise LabError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.strip()}")
    return proc.stdout


def build(cfg: LabConfig) -> Path:
    """Build the packages and the repositories (again each time: cheap, and always consistent); the
    Debian packages come from the controller's cache (fetched the first time)."""
    if shutil.which("apt-ftparchive") is None:
        raise LabError("apt-ftparchive is not installed (Debian package apt-utils): run `make system-deps`")
    top = repo_dir(cfg)
    tree = top / "repo"
    if top.exists():
        shutil.rmtree(top)
    with tempfile.TemporaryDirectory(prefix="courtops-aptrepo-") as tmp:
        for name, version, suite, reboot in PACKAGES:
            dest = tree / suite
            dest.mkdir(parents=True, exist_ok=True)
            shutil.move(str(_deb(Path(tmp), name, version, reboot)), dest)
    (tree / DEBIAN_SUITE).mkdir(parents=True, exist_ok=True)
    for deb in debpkgs.fetch(cfg):
        shutil.copy2(deb, tree / DEBIAN_SUITE)
    for suite, label in SUITES.items():
        d = tree / suite
        packages = _run_in(d, ["apt-ftparchive", "packages", "."])
        (d / "Packages").write_text(packages, encoding="utf-8")
        release = _run_in(
            d,
            ["apt-ftparchive", "-o", f"APT::FTPArchive::Release::Origin={label}",
             "-o", f"APT::FTPArchive::Release::Label={label}", "-o", f"APT::FTPArchive::Release::Suite={label}",
             "release", "."],
        )  # fmt: skip
        (d / "Release").write_text(release, encoding="utf-8")
    for zone in ZONE_PATHS:
        (top / zone).symlink_to("repo")
    return top


def serve(cfg: LabConfig, st: dict[str, Any]) -> None:
    """Serve the repository on the lab bridge (one server per lab id; killed by `lab down` with the
    lab's other processes: its command line names the state dir)."""
    pid = st.get("aptrepo_pid")
    if pid_alive(pid):
        return
    log = (cfg.state_dir / "aptrepo.log").open("ab")
    proc = subprocess.Popen(
        ["python3", "-m", "http.server", "--bind", cfg.gateway, "--directory", str(repo_dir(cfg)),
         str(repo_port(cfg))],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    time.sleep(0.3)
    if proc.poll() is not None:
        raise LabError(
            f"the lab package repository server exited at once; see {cfg.state_dir / 'aptrepo.log'}"
        )
    st["aptrepo_pid"] = proc.pid
    state.save(cfg, st)


def _installed(root: Path, package: str) -> bool:
    status = root / "var/lib/dpkg/status"
    text = status.read_text(encoding="utf-8", errors="replace") if status.exists() else ""
    block = text.split(f"Package: {package}\n", 1)
    return len(block) == 2 and "Status: install ok installed" in block[1].split("\n\n", 1)[0]


def _in_guest(leader: int, *cmd: str) -> subprocess.CompletedProcess[str]:
    return run(["nsenter", "-t", str(leader), "-m", "-u", "-i", "-p", "-r", "-w", *cmd])


def seed(cfg: LabConfig, spec: HostSpec, leader: int, *, force: bool = False) -> None:
    """Install the base (1.0) packages into a host; `force` puts a patched host back to them."""
    root = cfg.hosts_dir / spec.name / "root"
    # the repository is on the bridge itself: apt reaches it directly, not through the Debian-only proxy
    (root / "etc/apt/apt.conf.d/91courtops-lab-repo").write_text(
        f'Acquire::http::Proxy::{cfg.gateway} "DIRECT";\n', encoding="utf-8"
    )
    # the host's own package source for what hardening installs (AIDE, chrony), its zone's mirror
    (root / HOST_SOURCE).write_text(
        f"deb [trusted=yes] {mirror_url(cfg, spec.zone)}/{DEBIAN_SUITE} ./\n", encoding="utf-8"
    )
    if not force and all(_installed(root, p) for p in BASE_VERSIONS):
        return
    debs = root / GUEST_DEBS
    debs.mkdir(parents=True, exist_ok=True)
    names = []
    for name, version, suite, _ in PACKAGES:
        if BASE_VERSIONS.get(name) == version:
            src = repo_dir(cfg) / "repo" / suite / f"{name}_{version}_all.deb"
            shutil.copy2(src, debs)
            names.append(f"/{GUEST_DEBS}/{src.name}")
    if force:
        _in_guest(leader, "apt-mark", "unhold", *BASE_VERSIONS)
    _in_guest(leader, "dpkg", "-i", *names)
    for f in ("run/reboot-required", "run/reboot-required.pkgs"):
        (root / f).unlink(missing_ok=True)  # /run of the overlay; the running host's /run is its tmpfs
    _in_guest(leader, "rm", "-f", "/run/reboot-required", "/run/reboot-required.pkgs")


def group_vars(cfg: LabConfig) -> dict[str, dict[str, Any]]:
    """Per zone, its mirror; for all lab hosts, the repository layout, the lab's calendar (a hearing in
    progress in the lab courtroom) and the reboot command; the courtroom zone holds the recording client."""
    per_zone: dict[str, dict[str, Any]] = {
        zone: {"patch_linux_apt_mirror": mirror_url(cfg, zone)} for zone in ZONE_PATHS
    }
    per_zone["all"] = {
        "patch_linux_apt_sources": [
            {"path": "main", "suite": "./", "components": [], "security": False},
            {"path": "security", "suite": "./", "components": [], "security": True},
        ],
        "patch_linux_apt_trusted": True,
        # lab hosts come back after a reboot through courtops/lab/rebootd.py, which needs this marker
        "patch_linux_reboot_command": rebootd.REBOOT_COMMAND,
        "patch_calendar_files": [str(courtcal.calendar_path(cfg))],
    }
    per_zone["courtroom"]["patch_linux_hold_packages"] = [HELD_PACKAGE]
    return per_zone


def write_group_vars(cfg: LabConfig) -> None:
    """Next to the generated hosts.yml (Ansible reads group_vars/ beside an inventory file), one file
    per group in the group's directory so other generated group_vars can sit beside it."""
    gv = cfg.inventory_dir / "group_vars"
    gv.mkdir(parents=True, exist_ok=True)
    for group, values in group_vars(cfg).items():
        header = f"# Generated by `courtops lab up` (lab id {cfg.lab_id}): the lab's package mirror.\n---\n"
        body = yaml.safe_dump(values, allow_unicode=True, sort_keys=False)
        (gv / group).mkdir(exist_ok=True)
        (gv / group / "patch_mirror.yml").write_text(header + body, encoding="utf-8")


#: the lab's canary (patched first): the first Linux host, a management server
def write_canary(cfg: LabConfig, linux: list[HostSpec]) -> None:
    hv = cfg.inventory_dir / "host_vars" / linux[0].name
    hv.mkdir(parents=True, exist_ok=True)
    (hv / "patch_ring.yml").write_text(
        f"# Generated by `courtops lab up` (lab id {cfg.lab_id}): the lab's canary ring.\n---\npatch_ring: canary\n",
        encoding="utf-8",
    )


def up(cfg: LabConfig, st: dict[str, Any], linux: list[HostSpec]) -> None:
    """Build, serve, seed fresh hosts, write the calendar and the mirror group_vars and the canary:
    the one hook `lab up` calls for patching."""
    progress("building and serving the lab package repository")
    build(cfg)
    serve(cfg, st)
    running = st.get("linux") or {}
    for spec in linux:
        leader = (running.get(spec.name) or {}).get("leader_pid")
        if leader:
            seed(cfg, spec, int(leader))
    courtcal.write(cfg)
    write_group_vars(cfg)
    write_canary(cfg, linux)


def remove(cfg: LabConfig) -> None:
    for f in [*(cfg.inventory_dir / "group_vars").glob("*/patch_mirror.yml"),
              *(cfg.inventory_dir / "host_vars").glob("*/patch_ring.yml")]:  # fmt: skip
        f.unlink()
    shutil.rmtree(repo_dir(cfg), ignore_errors=True)
