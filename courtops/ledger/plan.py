"""The address plan: sites, one subnet per (zone, site), and the courtrooms of each site.

Validated with netaddr on load: every CIDR parses, is a network address, no two subnets
overlap, and every zone / site it names is known. Errors name the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import netaddr
import yaml

from courtops.ledger.schema import ZONES


class PlanError(ValueError):
    """The address plan is invalid; the message lists every problem with file:line."""


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that remembers the line of every mapping as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True)
class Site:
    code: str
    name: str  # Chinese name, e.g. 院机关 / 城关人民法庭
    kind: str  # main | tribunal


@dataclass(frozen=True)
class Subnet:
    zone: str
    site: str
    cidr: netaddr.IPNetwork
    purpose: str
    vlan: int | None


@dataclass(frozen=True)
class Courtroom:
    id: str  # e.g. main_01; inventory group courtroom_<id>
    site: str
    name: str  # e.g. 第一审判庭


@dataclass
class AddressPlan:
    path: Path
    sites: dict[str, Site] = field(default_factory=dict)
    subnets: dict[tuple[str, str], Subnet] = field(default_factory=dict)
    courtrooms: dict[str, Courtroom] = field(default_factory=dict)

    def site_code(self, value: str) -> str | None:
        """A site given as its code or its Chinese name → code."""
        if value in self.sites:
            return value
        return next((s.code for s in self.sites.values() if s.name == value), None)

    def subnet_for(self, zone: str, site: str) -> Subnet | None:
        return self.subnets.get((zone, site))


def _where(path: Path, entry: Any) -> str:
    line = entry.get("__line__", "?") if isinstance(entry, dict) else "?"
    return f"{path}:{line}"


def load_plan(path: Path | str) -> AddressPlan:
    """Load and validate an address plan; raise PlanError listing every problem."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise PlanError(f"{path}: cannot read the address plan: {exc}") from exc
    if not isinstance(data, dict):
        raise PlanError(f"{path}:1: the address plan must be a mapping with sites, subnets, courtrooms")

    plan = AddressPlan(path=path)
    errors: list[str] = []

    for code, entry in (data.get("sites") or {}).items():
        if code == "__line__":
            continue
        if (
            not isinstance(entry, dict)
            or entry.get("kind") not in ("main", "tribunal")
            or not entry.get("name")
        ):
            errors.append(f"{_where(path, entry)}: site {code!r} needs a name and kind main|tribunal")
            continue
        if not str(code).isidentifier() or str(code).lower() != str(code):
            errors.append(
                f"{_where(path, entry)}: site code {code!r} must be lower-case letters, digits, '_'"
            )
            continue
        plan.sites[code] = Site(code=code, name=str(entry["name"]), kind=entry["kind"])
    if sum(1 for s in plan.sites.values() if s.kind == "main") != 1:
        errors.append(f"{path}: exactly one site must be of kind main (院机关)")

    seen: list[Subnet] = []
    for entry in data.get("subnets") or []:
        where = _where(path, entry)
        zone, site = entry.get("zone"), entry.get("site")
        if zone not in ZONES:
            errors.append(f"{where}: unknown zone {zone!r} (known: {', '.join(ZONES)})")
            continue
        if site not in plan.sites:
            errors.append(f"{where}: unknown site {site!r} (known: {', '.join(plan.sites)})")
            continue
        try:
            cidr = netaddr.IPNetwork(str(entry.get("cidr")))
        except (netaddr.AddrFormatError, ValueError, TypeError):
            errors.append(f"{where}: {entry.get('cidr')!r} is not a CIDR network")
            continue
        if cidr.version != 4 or cidr.ip != cidr.network:
            errors.append(f"{where}: {cidr} must be an IPv4 network address ({cidr.cidr} ?)")
            continue
        if (zone, site) in plan.subnets:
            errors.append(
                f"{where}: a second subnet for zone {zone} at site {site}: one subnet per zone and site"
            )
            continue
        clash = next((s for s in seen if s.cidr in cidr or cidr in s.cidr), None)
        if clash:
            errors.append(f"{where}: {cidr} overlaps {clash.cidr} ({clash.zone}/{clash.site})")
            continue
        vlan = entry.get("vlan")
        subnet = Subnet(zone, site, cidr, str(entry.get("purpose", "")), int(vlan) if vlan else None)
        seen.append(subnet)
        plan.subnets[(zone, site)] = subnet

    for site, rooms in (data.get("courtrooms") or {}).items():
        if site == "__line__":
            continue
        if site not in plan.sites:
            errors.append(f"{path}: courtrooms for unknown site {site!r}")
            continue
        for room in rooms or []:
            rid = str(room.get("id", ""))
            if not rid.replace("_", "").isalnum() or rid.lower() != rid:
                errors.append(
                    f"{_where(path, room)}: courtroom id {rid!r} must be lower-case letters, digits, '_'"
                )
            elif rid in plan.courtrooms:
                errors.append(f"{_where(path, room)}: duplicate courtroom id {rid!r}")
            else:
                plan.courtrooms[rid] = Courtroom(id=rid, site=site, name=str(room.get("name", rid)))

    if errors:
        raise PlanError("\n".join(errors))
    return plan
