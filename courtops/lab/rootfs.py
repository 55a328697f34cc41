"""The shared read-only Debian bookworm rootfs every lab host's overlayfs sits on.

Built once with debootstrap from the Debian mirror configured on this machine and cached in
COURTOPS_LAB_CACHE; a stamp (hash of the package list and this builder's version) decides when
it must be rebuilt. Hosts never write to it: each gets its own overlay upper dir.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from courtops.lab.config import DATA_DIR, LabConfig
from courtops.lab.util import LabError, progress, quiet, run

#: bump when the post-install steps below change, so cached images get rebuilt
BUILDER_VERSION = "3"
SUITE = "bookworm"
PACKAGES_FILE = DATA_DIR / "rootfs-packages.txt"


def packages() -> list[str]:
    pkgs = []
    for line in PACKAGES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pkgs.append(line)
    return pkgs


def stamp_value() -> str:
    h = hashlib.sha256(f"{BUILDER_VERSION}\n{SUITE}\n".encode())
    h.update("\n".join(sorted(packages())).encode())
    return h.hexdigest()[:16]


def rootfs_dir(cfg: LabConfig) -> Path:
    return cfg.cache_dir / f"rootfs-{SUITE}-{stamp_value()}"


def debian_mirror(sources: list[Path] | None = None) -> str:
    """The Debian archive URI this machine's apt uses (one-line or deb822 format)."""
    if sources is None:
        d = Path("/etc/apt/sources.list.d")
        sources = [Path("/etc/apt/sources.list")] + (sorted(d.glob("*")) if d.is_dir() else [])
    for src in sources:
        if not src.is_file():
            continue
        text = src.read_text(encoding="utf-8", errors="replace")
        uris = re.findall(r"^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+" + SUITE + r"\s", text, re.M)
        for stanza in re.split(r"\n\s*\n", text):
            if re.search(rf"^Suites:.*\b{SUITE}\b", stanza, re.M):
                uris += re.findall(r"^URIs:\s*(\S+)", stanza, re.M)
        for uri in uris:
            if uri.rstrip("/").endswith("/debian"):
                return uri.rstrip("/")
    raise LabError("no Debian bookworm mirror found in /etc/apt/sources.list(.d); the lab rootfs needs one")


def mirror_host(uri: str) -> str:
    m = re.match(r"^[a-z]+://([^/:]+)", uri)
    if not m:
        raise LabError(f"cannot read the host name of the Debian mirror {uri!r}")
    return m.group(1)


def _unmount_below(path: Path) -> None:
    for line in reversed(Path("/proc/mounts").read_text().splitlines()):
        mnt = line.split()[1].replace("\\040", " ")
        if mnt == str(path) or mnt.startswith(f"{path}/"):
            quiet(["umount", "-l", mnt])


def _chroot(root: Path, script: str) -> None:
    run(["chroot", str(root), "/bin/sh", "-ec", script])


def _post_install(root: Path, mirror: str) -> None:
    """Image-wide settings; per-host identity (keys, hostname, address, profile) comes later."""
    (root / "etc/apt/sources.list").write_text(
        f"deb {mirror} {SUITE} main\ndeb {mirror} {SUITE}-updates main\n", encoding="utf-8"
    )
    _chroot(
        root,
        # the O&M account Ansible uses: key-only (password '*'), passwordless sudo
        "id ops >/dev/null 2>&1 || useradd -m -s /bin/bash -c 'courtops lab O&M' ops;"
        "usermod -p '*' ops;"
        "echo 'ops ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/ops; chmod 0440 /etc/sudoers.d/ops;"
        # host keys are generated per lab host (known_hosts is built from them)
        "rm -f /etc/ssh/ssh_host_*;"
        # no console gettys, no wait for networks that a container never has
        "systemctl mask console-getty.service getty@tty1.service systemd-networkd-wait-online.service"
        " >/dev/null 2>&1 || true;"
        "echo > /etc/machine-id; apt-get clean; rm -rf /var/lib/apt/lists/*",
    )


def ensure_rootfs(cfg: LabConfig, *, force: bool = False) -> Path:
    """Return the cached rootfs for the current package list, building it if missing."""
    target = rootfs_dir(cfg)
    if (target / ".courtops-stamp").is_file() and not force:
        return target
    if shutil.which("debootstrap") is None:
        raise LabError("debootstrap is not installed: run `make system-deps` first")
    mirror = debian_mirror()
    cfg.cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cfg.cache_dir / f".build-{os.getpid()}"
    _unmount_below(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    progress(f"building the lab rootfs from {mirror} into {target} (once; ~2 min)")
    started = time.monotonic()
    cmd = [
        "debootstrap", "--variant=minbase", f"--include={','.join(packages())}",
        SUITE, str(tmp), mirror,
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    tail: list[str] = []
    last = 0.0
    for line in proc.stdout:
        tail = [*tail[-20:], line.rstrip()]
        # debootstrap prints one line per package: show one every 5 s so long builds show life
        if time.monotonic() - last > 5 and line.startswith("I: "):
            progress(f"  debootstrap: {line[3:].strip()}")
            last = time.monotonic()
    if proc.wait() != 0:
        _unmount_below(tmp)
        raise LabError("debootstrap failed:\n" + "\n".join(tail))
    _unmount_below(tmp)  # debootstrap leaves proc (and sometimes sys) mounted
    _post_install(tmp, mirror)
    (tmp / ".courtops-stamp").write_text(stamp_value() + "\n", encoding="utf-8")
    if (target / ".courtops-stamp").is_file():
        # another lab finished the same build meanwhile and may already use it: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
        return target
    for old in cfg.cache_dir.glob(f"rootfs-{SUITE}-*"):
        if old != target and not _in_use(old):
            shutil.rmtree(old, ignore_errors=True)
    if not _in_use(target):
        shutil.rmtree(target, ignore_errors=True)  # a half-finished earlier build
    tmp.rename(target)
    progress(f"rootfs ready in {time.monotonic() - started:.0f} s")
    return target


def _in_use(path: Path) -> bool:
    return f"lowerdir={path}" in Path("/proc/mounts").read_text()
