"""What the lab's inventory tells the hardening roles (roles/harden_*): the court's values for the
lab — the lab subnet as the management network, the bridge (where the controller and the lab's
syslog/NTP stand-ins live) as log host and NTP server, a lab-only SNMPv3 user."""

from __future__ import annotations

import hashlib
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
#: the court's lists for L3-CES1-06 and L3-CES1-05 in the lab: the seeded non-compliant devices keep the
#: factory account `admin` beside the management account `labops` (both of level 15), and `netops`, a
#: level-3 account with the `terminal` service type and a reversible password (L3-CES1-28)
REMOVE_DEFAULT_ACCOUNTS = ["admin"]
CONSOLE_ACCOUNTS = ["netops"]
#: the hash form each device takes for an irreversible password (courtops/harden/netaccounts.py)
_HASH_FORMS = {
    "vrp": "$1c${salt}${digest}$",
    "comware": "$h$6${salt}${digest}==",
    "ios": "$9${salt}${digest}",
}


def lab_secret_hash(platform: str, user: str) -> str:
    """A hash-shaped value for a lab account, derived from its names: no password lies behind it (the
    simulators authenticate the management account only), and none is written in the repository."""
    digest = hashlib.sha256(f"courtops-lab/{platform}/{user}".encode()).hexdigest()
    return _HASH_FORMS[platform].format(salt=digest[:16], digest=digest[16:])


def network_harden_vars(cfg: LabConfig, platform: str) -> dict[str, Any]:
    if platform not in ("vrp", "comware", "ios"):
        return {}
    net = cfg.subnet
    wildcard = str(net.hostmask)
    p = f"harden_{platform}_"
    ios = {p + "enable_secret_hash": IOS_ENABLE_SECRET_HASH}
    hashes = {"netops": lab_secret_hash(platform, "netops")}
    accounts = {p + "remove_default_accounts": REMOVE_DEFAULT_ACCOUNTS}
    if platform != "ios":
        accounts[p + "console_accounts"] = CONSOLE_ACCOUNTS
    return {
        p + "mgmt_sources": [{"address": str(net.network_address), "wildcard": wildcard}],
        p + "loghosts": [cfg.gateway],
        p + "ntp_servers": [cfg.gateway],
        p + "snmp_user": SNMP_USER,
        p + "snmp_auth_key": SNMP_AUTH_KEY,
        p + "snmp_priv_key": SNMP_PRIV_KEY,
        p + "user_secret_hashes": {**(IOS_USER_SECRET_HASHES if platform == "ios" else {}), **hashes},
        **accounts,
        **(ios if platform == "ios" else {}),
    }


def linux_harden_vars(cfg: LabConfig, platform: str) -> dict[str, Any]:
    """harden_linux's court values for the lab's Linux hosts: the bridge as the time source (L3-CES1-13).
    Both layouts keep L3-CES1-13 and L3-CES1-26 on: the lab's Red-Hat-layout host is a Debian base with
    apt, and installs chrony and AIDE from the lab repository like the others (courtops/lab/debpkgs.py)."""
    if platform not in ("linux_deb", "linux_rpm"):
        return {}
    return {"harden_linux_ntp_servers": [cfg.gateway]}
