"""Lab identity: every name, address and path the lab uses is derived from COURTOPS_LAB_ID.

Lab id N owns 10.(250+N).0.0/16 for N in 0..5 and 10.(240+N).0.0/16 for N in 6..9, the bridge ``cl<N>br``, veths ``cl<N>h*`` / ``cl<N>g*``,
namespaces ``cl<N>-*``, container machine names ``cl<N>-*`` and the state dir
``<state root>/<N>``. Two labs with different ids can run side by side on one machine.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

#: ids 0..5 take 10.250.0.0/16 .. 10.255.0.0/16 and ids 6..9 take 10.246.0.0/16 .. 10.249.0.0/16, so
#: the lab's addresses stay in one block that a court's own 10.x networks are unlikely to use
MAX_LAB_ID = 9
REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "lab"


class LabConfigError(ValueError):
    """A bad COURTOPS_LAB_* setting."""


@dataclass(frozen=True)
class LabConfig:
    lab_id: int
    state_root: Path
    cache_dir: Path
    repo_root: Path = REPO_ROOT

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> LabConfig:
        env = dict(os.environ if env is None else env)
        raw = env.get("COURTOPS_LAB_ID", "0").strip() or "0"
        if not raw.isdigit() or int(raw) > MAX_LAB_ID:
            raise LabConfigError(f"COURTOPS_LAB_ID must be an integer 0..{MAX_LAB_ID}, got {raw!r}")
        return cls(
            lab_id=int(raw),
            state_root=Path(env.get("COURTOPS_LAB_STATE", "/var/lib/courtops-lab")),
            cache_dir=Path(env.get("COURTOPS_LAB_CACHE", "/var/cache/courtops-lab")),
        )

    # --- names (Linux interface names are limited to 15 characters) ---
    @property
    def prefix(self) -> str:
        return f"cl{self.lab_id}"

    @property
    def bridge(self) -> str:
        return f"{self.prefix}br"

    def veth_host(self, n: int) -> str:
        return f"{self.prefix}h{n}"

    def veth_guest(self, n: int) -> str:
        return f"{self.prefix}g{n}"

    def netns(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    def machine(self, host: str) -> str:
        return f"{self.prefix}-{host}"

    # --- addresses ---
    @property
    def second_octet(self) -> int:
        return 250 + self.lab_id if self.lab_id <= 5 else 240 + self.lab_id

    @property
    def subnet(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(f"10.{self.second_octet}.0.0/16")

    @property
    def gateway(self) -> str:
        """The bridge's address: controller side and the filtering apt proxy."""
        return f"10.{self.second_octet}.0.1"

    def address(self, kind: str, n: int) -> str:
        """Linux hosts 10.X.1.n, network devices 10.X.2.n, SNMP devices 10.X.3.n (n in 1..254)."""
        third = {"linux": 1, "network": 2, "snmp": 3}[kind]
        if not 1 <= n <= 254:
            raise LabConfigError(f"at most 254 {kind} hosts per lab, asked for #{n}")
        return f"10.{self.second_octet}.{third}.{n}"

    @property
    def proxy_port(self) -> int:
        # not tinyproxy's default 8888: Debian's own tinyproxy service may hold that on 0.0.0.0
        return 31280 + self.lab_id

    # --- paths ---
    @property
    def state_dir(self) -> Path:
        return self.state_root / str(self.lab_id)

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"

    @property
    def hosts_dir(self) -> Path:
        return self.state_dir / "hosts"

    @property
    def ssh_key(self) -> Path:
        return self.state_dir / "ssh" / "id_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.state_dir / "ssh" / "known_hosts"

    @property
    def inventory_dir(self) -> Path:
        """Lab 0 writes the repository's inventory/lab/; other ids their own (two labs, two inventories)."""
        override = os.environ.get("COURTOPS_LAB_INVENTORY")
        if override:
            return Path(override)
        if self.lab_id == 0:
            return self.repo_root / "inventory" / "lab"
        return self.state_dir / "inventory"
