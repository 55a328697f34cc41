"""What the lab's inventory tells the hardening roles (roles/harden_*): the court's values for the
lab — the lab subnet as the management network, the bridge (where the controller and the lab's
syslog/NTP stand-ins live) as log host and NTP server, a lab-only SNMPv3 user."""

from __future__ import annotations

from typing import Any

from courtops.lab.config import LabConfig

#: lab-only SNMPv3 keys (the generated inventory is not committed; the simulators accept anything)
SNMP_USER = "courtops-nms"
SNMP_AUTH_KEY = "Lab-Only-Auth-2026"
SNMP_PRIV_KEY = "Lab-Only-Priv-2026"
#: lab-only IOS secret hashes (type 9 form; no password behind them) for L3-CES1-28: the enable secret
#: and the lab device's `admin`, which the seeded configuration keeps as a type-7 password
IOS_ENABLE_SECRET_HASH = "$9$LabOnlyEnableSalt$LabOnlyEnableHashNotARealSecret000000000001"
IOS_USER_SECRET_HASHES = {"admin": "$9$LabOnlyAdminSalt$LabOnlyAdminHashNotARealSecret0000000000001"}


def network_harden_vars(cfg: LabConfig, platform: str) -> dict[str, Any]:
    if platform not in ("vrp", "comware", "ios"):
        return {}
    net = cfg.subnet
    wildcard = str(net.hostmask)
    p = f"harden_{platform}_"
    ios = {p + "enable_secret_hash": IOS_ENABLE_SECRET_HASH, p + "user_secret_hashes": IOS_USER_SECRET_HASHES}
    return {
        p + "mgmt_sources": [{"address": str(net.network_address), "wildcard": wildcard}],
        p + "loghosts": [cfg.gateway],
        p + "ntp_servers": [cfg.gateway],
        p + "snmp_user": SNMP_USER,
        p + "snmp_auth_key": SNMP_AUTH_KEY,
        p + "snmp_priv_key": SNMP_PRIV_KEY,
        **(ios if platform == "ios" else {}),
    }


def linux_harden_vars(cfg: LabConfig, platform: str) -> dict[str, Any]:
    """harden_linux's court values for the lab's Linux hosts: the bridge as the time source (L3-CES1-13).
    Both layouts keep L3-CES1-13 and L3-CES1-26 on: the lab's Red-Hat-layout host is a Debian base with
    apt, and installs chrony and AIDE from the lab repository like the others (courtops/lab/debpkgs.py)."""
    if platform not in ("linux_deb", "linux_rpm"):
        return {}
    return {"harden_linux_ntp_servers": [cfg.gateway]}
