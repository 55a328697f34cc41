"""Linux lab hosts: one systemd-nspawn container per host, booting real systemd.

Each host gets an overlayfs (shared read-only rootfs below, its own upper dir), its own SSH host
key, the lab's O&M public key, its profile, and a veth into the lab bridge with a static address
set from outside (no udev in containers, so nspawn's --network-interface cannot be used).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from courtops.lab import netns, profiles
from courtops.lab.config import LabConfig
from courtops.lab.plan import HostSpec
from courtops.lab.util import LabError, pid_alive, quiet, run


def host_dir(cfg: LabConfig, spec: HostSpec) -> Path:
    return cfg.hosts_dir / spec.name


def _is_mounted(path: Path) -> bool:
    return any(line.split()[1] == str(path) for line in Path("/proc/mounts").read_text().splitlines())


def prepare(cfg: LabConfig, rootfs: Path, spec: HostSpec, pubkey: str) -> Path:
    """Mount the host's overlay and seed identity + profile (once per host)."""
    base = host_dir(cfg, spec)
    root = base / "root"
    for sub in ("upper", "work", "root"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    if not _is_mounted(root):
        opts = f"lowerdir={rootfs},upperdir={base / 'upper'},workdir={base / 'work'}"
        run(["mount", "-t", "overlay", f"courtops-lab{cfg.lab_id}", "-o", opts, str(root)])
    marker = base / "upper" / ".courtops-seeded"
    if marker.exists():
        return root
    # a machine id of its own (the image ships none): journald, dbus and Ansible facts expect one
    (root / "etc/machine-id").write_text(uuid.uuid4().hex + "\n", encoding="utf-8")
    (root / "etc/hostname").write_text(f"{spec.name}\n", encoding="utf-8")
    (root / "etc/hosts").write_text(
        f"127.0.0.1\tlocalhost\n127.0.1.1\t{spec.name}\n{spec.address}\t{spec.name}\n", encoding="utf-8"
    )
    # a host key of its own: known_hosts pins each host, host_key_checking stays on
    for f in (root / "etc/ssh").glob("ssh_host_*"):
        f.unlink()
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"root@{spec.name}",
         "-f", str(root / "etc/ssh/ssh_host_ed25519_key")])  # fmt: skip
    ssh_dir = root / "home/ops/.ssh"
    ssh_dir.mkdir(mode=0o700, exist_ok=True)
    (ssh_dir / "authorized_keys").write_text(pubkey, encoding="utf-8")
    run(["chroot", str(root), "chown", "-R", "ops:ops", "/home/ops/.ssh"])
    # apt only through the lab's filtering proxy (Debian mirror alone); no default route exists
    (root / "etc/apt/apt.conf.d/90courtops-lab-proxy").write_text(
        f'Acquire::http::Proxy "http://{cfg.gateway}:{cfg.proxy_port}";\n', encoding="utf-8"
    )
    profiles.apply(spec.profile, root, cfg.gateway)
    marker.write_text(spec.profile + "\n", encoding="utf-8")
    return root


#: cgroup hierarchies systemd-nspawn and the container's systemd use on this (hybrid) host
CGROUP_HIERARCHIES = ("systemd", "unified")


def cgroup_root(cfg: LabConfig, hierarchy: str) -> Path:
    return Path("/sys/fs/cgroup") / hierarchy / f"courtops-lab{cfg.lab_id}"


def _own_cgroup(cfg: LabConfig, spec: HostSpec) -> list[Path]:
    """A cgroup of its own per container. With --keep-unit and no systemd on the host, nspawn would
    use the cgroup it was started in — the root, shared by every container — and their systemds
    would remove each other's unit cgroups ("Failed to attach to cgroup ... 219/CGROUP")."""
    files = []
    for hierarchy in CGROUP_HIERARCHIES:
        if not (Path("/sys/fs/cgroup") / hierarchy / "cgroup.procs").exists():
            continue
        group = cgroup_root(cfg, hierarchy) / spec.name
        group.mkdir(parents=True, exist_ok=True)
        files.append(group / "cgroup.procs")
    return files


def remove_cgroups(cfg: LabConfig) -> None:
    """Remove this lab's cgroup trees, deepest first (only empty cgroups can be removed)."""
    for hierarchy in CGROUP_HIERARCHIES:
        root = cgroup_root(cfg, hierarchy)
        if not root.is_dir():
            continue
        for group in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            with contextlib.suppress(OSError):
                group.rmdir()
        with contextlib.suppress(OSError):
            root.rmdir()


def lab_cgroups(cfg: LabConfig) -> list[str]:
    return [str(cgroup_root(cfg, h)) for h in CGROUP_HIERARCHIES if cgroup_root(cfg, h).exists()]


def host_public_key(cfg: LabConfig, spec: HostSpec) -> str:
    return (host_dir(cfg, spec) / "root/etc/ssh/ssh_host_ed25519_key.pub").read_text(encoding="utf-8").strip()


def start(cfg: LabConfig, spec: HostSpec) -> int:
    """Boot the container; returns the systemd-nspawn pid.

    --console=read-only forwards the container's console to console.log. (With `passive` nobody
    drains the console pty: once its buffer fills, the container's systemd blocks writing boot
    messages and the host never finishes booting.)
    """
    base = host_dir(cfg, spec)
    log = (base / "console.log").open("ab")
    cmd = [
        "systemd-nspawn", "--quiet", "--register=no", "--keep-unit", "--console=read-only",
        "-D", str(base / "root"), "-M", cfg.machine(spec.name), "--hostname", spec.name,
        "--private-network", "--boot",
    ]  # fmt: skip
    procs_files = _own_cgroup(cfg, spec)

    def enter_cgroup() -> None:  # runs in the child between fork and exec
        for f in procs_files:
            f.write_text(str(os.getpid()))

    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, preexec_fn=enter_cgroup
    )
    (base / "nspawn.pid").write_text(f"{proc.pid}\n", encoding="utf-8")
    return proc.pid


def children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids += [int(p) for p in (task / "children").read_text().split()]
    return kids


def _ns(pid: int | str, kind: str) -> str:
    try:
        return str(Path(f"/proc/{pid}/ns/{kind}").readlink())
    except OSError:
        return ""


def leader(nspawn_pid: int, timeout: float = 30.0) -> int:
    """The container's init (its PID 1, seen from outside).

    systemd-nspawn forks an intermediate child before the container's init, so take the first
    descendant that already lives in its own PID *and* network namespace: moving a veth "into" a
    process still in our namespace would configure this machine's own network instead.
    """
    mine_pid, mine_net = _ns("self", "pid"), _ns("self", "net")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack = children(nspawn_pid)
        while stack:
            pid = stack.pop(0)
            pidns, netns_ = _ns(pid, "pid"), _ns(pid, "net")
            if pidns and netns_ and pidns != mine_pid and netns_ != mine_net:
                return pid
            stack += children(pid)
        if not pid_alive(nspawn_pid):
            break
        time.sleep(0.05)
    raise LabError(f"container (systemd-nspawn pid {nspawn_pid}) did not start; see its console.log")


def attach_network(cfg: LabConfig, spec: HostSpec, leader_pid: int) -> None:
    if _ns(leader_pid, "net") in ("", _ns("self", "net")):
        raise LabError(f"{spec.name}: refusing to configure a network namespace that is not the container's")
    _, guest = netns.add_veth(cfg, spec.veth_index)
    run(["ip", "link", "set", guest, "netns", str(leader_pid)])
    netns.configure_guest(["nsenter", "-t", str(leader_pid), "-n"], guest, spec.address, cfg.subnet.prefixlen)


def wait_ssh(addresses: Iterable[str], timeout: float = 120.0) -> list[str]:
    """Wait until every address answers with an SSH banner; return those that never did."""
    pending = set(addresses)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for addr in sorted(pending):
            with contextlib.suppress(OSError), socket.create_connection((addr, 22), timeout=0.5) as s:
                s.settimeout(2)
                if s.recv(8).startswith(b"SSH-"):
                    pending.discard(addr)
        if pending:
            time.sleep(0.3)
    return sorted(pending)


def wait_logins_allowed(leaders: dict[str, int], timeout: float = 60.0) -> list[str]:
    """Wait until each container has removed /run/nologin (systemd-user-sessions ran): before that
    sshd answers but refuses non-root logins with "System is booting up". Returns those still booting."""
    pending = dict(leaders)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for name, pid in list(pending.items()):
            # /proc/<pid>/root is the container's own view of its file system, /run tmpfs included
            if not Path(f"/proc/{pid}/root/run/nologin").exists() and Path(f"/proc/{pid}").exists():
                del pending[name]
        if pending:
            time.sleep(0.2)
    return sorted(pending)


def lab_processes(cfg: LabConfig) -> list[int]:
    """Every process whose command line names this lab's state dir (found after a crash too)."""
    marker = str(cfg.state_dir).encode() + b"/"
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if marker in (proc / "cmdline").read_bytes():
                pids.append(int(proc.name))
    return pids


def stop_all(cfg: LabConfig) -> None:
    """Kill every container of this lab: SIGKILL to a container's init ends its whole PID namespace."""
    nspawns = [p for p in lab_processes(cfg) if _comm(p) == "systemd-nspawn"]
    for pid in nspawns:
        for kid in children(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(kid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    for pid in nspawns:
        while pid_alive(pid) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _reap(pid)


def stop_one(nspawn_pid: int) -> None:
    """Stop one container (its init, hence its whole PID namespace) and wait for nspawn to exit."""
    for kid in children(nspawn_pid):
        kill(kid)
    deadline = time.monotonic() + 10
    while pid_alive(nspawn_pid) and time.monotonic() < deadline:
        _reap(nspawn_pid)
        time.sleep(0.05)
    kill(nspawn_pid)


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def unmount_all(cfg: LabConfig) -> None:
    prefix = f"{cfg.hosts_dir}/"
    for line in reversed(Path("/proc/mounts").read_text().splitlines()):
        mnt = line.split()[1]
        if mnt.startswith(prefix):
            quiet(["umount", mnt]) or quiet(["umount", "-l", mnt])


def lab_mounts(cfg: LabConfig) -> list[str]:
    prefix = f"{cfg.hosts_dir}/"
    return [
        ln.split()[1]
        for ln in Path("/proc/mounts").read_text().splitlines()
        if ln.split()[1].startswith(prefix)
    ]


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)
