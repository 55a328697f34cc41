"""Bridge, veth pairs and named network namespaces, all prefixed with the lab id.

The bridge lives in the root namespace and carries the lab subnet's .0.1 address: the controller
(Ansible, pytest) reaches guests directly and the apt proxy listens there. Guests get no default
route and ip_forward stays 0, so nothing in the lab can reach past the bridge.
"""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path

from courtops.lab.config import LabConfig
from courtops.lab.util import LabError, quiet, run


def _links() -> list[dict[str, object]]:
    out = run(["ip", "-j", "link", "show"]).stdout
    return list(json.loads(out or "[]"))


def link_exists(name: str) -> bool:
    return quiet(["ip", "link", "show", "dev", name])


def subnet_clashes(
    subnet: ipaddress.IPv4Network, nameservers: list[str], routes: list[tuple[str, str]], own_dev: str
) -> list[str]:
    """What the lab's subnet would take away from this machine: a DNS server inside it (its traffic would
    go into the lab bridge and name resolution, PyPI and apt included, would fail) unless a more specific
    route already carries it elsewhere, or part of a network routed elsewhere (``routes``: (destination,
    device) pairs from ``ip route``) that the lab's more specific route would shadow."""
    elsewhere = []
    for dst, dev in routes:
        if dev == own_dev or dst == "default":
            continue
        try:
            net = ipaddress.ip_network(dst, strict=False)
        except ValueError:
            continue
        if isinstance(net, ipaddress.IPv4Network):
            elsewhere.append((dst, dev, net))
    found = []
    for ns in nameservers:
        try:
            addr = ipaddress.ip_address(ns)
        except ValueError:
            continue
        if addr in subnet and not any(
            addr in net and net.prefixlen > subnet.prefixlen for _, _, net in elsewhere
        ):
            found.append(f"this machine's DNS server {ns} (/etc/resolv.conf)")
    found += [
        f"part of the network {dst} routed via {dev}" for dst, dev, net in elsewhere if subnet.subnet_of(net)
    ]
    return found


def _nameservers(path: Path = Path("/etc/resolv.conf")) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return re.findall(r"^\s*nameserver\s+(\S+)", text, flags=re.M)


def _routes() -> list[tuple[str, str]]:
    out = run(["ip", "-j", "route", "show"]).stdout
    return [(str(r.get("dst", "")), str(r.get("dev", ""))) for r in json.loads(out or "[]")]


def ensure_bridge(cfg: LabConfig) -> None:
    if Path("/proc/sys/net/ipv4/ip_forward").read_text().strip() != "0":
        # the lab relies on the host never routing between the lab and real networks
        raise LabError("net.ipv4.ip_forward is 1 on this machine; the lab refuses to start (set it to 0)")
    clashes = subnet_clashes(cfg.subnet, _nameservers(), _routes(), cfg.bridge)
    if clashes:
        raise LabError(
            f"lab id {cfg.lab_id}'s subnet {cfg.subnet} would take over {'; '.join(clashes)}; "
            "the lab refuses to start: choose another COURTOPS_LAB_ID"
        )
    if not link_exists(cfg.bridge):
        run(["ip", "link", "add", cfg.bridge, "type", "bridge"])
    addr = f"{cfg.gateway}/{cfg.subnet.prefixlen}"
    if addr not in run(["ip", "-o", "addr", "show", "dev", cfg.bridge]).stdout:
        run(["ip", "addr", "add", addr, "dev", cfg.bridge])
    run(["ip", "link", "set", cfg.bridge, "up"])


def guest_mac(cfg: LabConfig, n: int) -> str:
    """A fixed, locally administered MAC per lab id and veth index: a restarted guest keeps its MAC,
    so the controller's neighbour cache never points at a vanished interface."""
    return f"02:c0:{cfg.lab_id:02x}:{n >> 8:02x}:{n & 0xFF:02x}:01"


def add_veth(cfg: LabConfig, n: int) -> tuple[str, str]:
    """A veth pair: host end enslaved to the bridge, guest end left for the caller to move."""
    host, guest = cfg.veth_host(n), cfg.veth_guest(n)
    if link_exists(host):
        quiet(["ip", "link", "del", host])
    run(["ip", "link", "add", host, "type", "veth", "peer", "name", guest, "address", guest_mac(cfg, n)])
    run(["ip", "link", "set", host, "master", cfg.bridge])
    run(["ip", "link", "set", host, "up"])
    return host, guest


def configure_guest(netns_args: list[str], guest: str, address: str, prefixlen: int) -> None:
    """Inside the guest namespace: rename to eth0, set the static address, bring links up."""
    run([*netns_args, "ip", "link", "set", guest, "name", "eth0"])
    run([*netns_args, "ip", "addr", "add", f"{address}/{prefixlen}", "dev", "eth0"])
    run([*netns_args, "ip", "link", "set", "eth0", "up"])
    run([*netns_args, "ip", "link", "set", "lo", "up"])


def ensure_netns(cfg: LabConfig, name: str) -> str:
    ns = cfg.netns(name)
    if ns not in list_netns(cfg):
        run(["ip", "netns", "add", ns])
        run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"])
        # let unprivileged simulators bind 22 / 161 / 554 / 80 inside this namespace only
        run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_unprivileged_port_start=0"])
    return ns


def attach_netns(cfg: LabConfig, ns: str, n: int, addresses: list[str]) -> None:
    """One veth into a simulator namespace carrying every device address (one per device)."""
    args = ["ip", "netns", "exec", ns]
    guest = cfg.veth_guest(n)
    if not quiet([*args, "ip", "link", "show", "dev", guest]):
        _, guest = add_veth(cfg, n)
        run(["ip", "link", "set", guest, "netns", ns])
        run([*args, "ip", "link", "set", guest, "up"])
    have = run([*args, "ip", "-o", "addr", "show", "dev", guest]).stdout
    for address in addresses:
        if f" {address}/" not in have:
            run([*args, "ip", "addr", "add", f"{address}/{cfg.subnet.prefixlen}", "dev", guest])


def list_netns(cfg: LabConfig) -> list[str]:
    out = run(["ip", "-j", "netns", "list"], check=False).stdout
    names = [str(e.get("name")) for e in json.loads(out or "[]")]
    return [n for n in names if n.startswith(f"{cfg.prefix}-")]


def netns_pids(ns: str) -> list[int]:
    out = run(["ip", "netns", "pids", ns], check=False).stdout
    return [int(p) for p in out.split()]


def lab_links(cfg: LabConfig) -> list[str]:
    """Root-namespace links owned by this lab id (bridge and host-side veths)."""
    names = [str(link.get("ifname", "")) for link in _links()]
    return [
        n
        for n in names
        if n == cfg.bridge or n.startswith(f"{cfg.prefix}h") or n.startswith(f"{cfg.prefix}g")
    ]


def delete_links(cfg: LabConfig) -> None:
    for name in lab_links(cfg):
        if name != cfg.bridge:
            quiet(["ip", "link", "del", name])
    if link_exists(cfg.bridge):
        quiet(["ip", "link", "del", cfg.bridge])


def delete_netns(cfg: LabConfig) -> None:
    for ns in list_netns(cfg):
        quiet(["ip", "netns", "del", ns])
