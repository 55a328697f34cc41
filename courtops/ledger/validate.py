"""Read and check an asset ledger CSV.

Every problem is collected (never only the first), each naming the file and line, so the
engineer fixes a whole ledger in one pass. No row is ever dropped silently: a caller either
gets every asset or a non-empty error list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import netaddr

from courtops.formula_guard import looks_like_formula
from courtops.ledger import schema
from courtops.ledger.plan import AddressPlan
from courtops.ledger.records import Record, split_records

_HOSTNAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel saves CSV as UTF-8 with BOM or as GBK on zh-CN Windows


@dataclass(frozen=True)
class LedgerError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Asset:
    line: int
    name: str
    zone: str
    cls: str  # "class" in the ledger
    site: str
    platform: str
    os: str
    vendor: str
    ip: str
    mac: str
    location: str
    department: str
    criticality: str
    courtroom: str = ""
    system: str = ""
    role: str = ""
    parent: str = ""
    eol: bool = False
    number: str = ""

    def hostvars(self) -> dict[str, object]:
        """Inventory variables of this asset: ansible_host plus asset_<column>."""
        out: dict[str, object] = {"ansible_host": self.ip}
        for column in schema.COLUMNS:
            attr = "cls" if column.key == "class" else column.key
            out[f"asset_{column.key}"] = getattr(self, attr)
        return out


@dataclass
class LedgerResult:
    path: Path
    assets: list[Asset] = field(default_factory=list)
    errors: list[LedgerError] = field(default_factory=list)
    warnings: list[LedgerError] = field(default_factory=list)
    device_lines: int = 0  # non-blank lines after the header: a clean ledger has one device for each

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8/gb18030", raw, 0, 1, "neither UTF-8 nor GB18030")


def _header_key(cell: str, columns: Sequence[schema.Column] = schema.COLUMNS) -> str | None:
    """Map a header cell (中文, key, or 中文(key)) to its column key (the spares ledger passes its own)."""
    text = cell.strip().replace("（", "(").replace("）", ")")
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", text)
    candidates = [text, *(match.groups() if match else ())]
    for candidate in candidates:
        for column in columns:
            if candidate.strip().casefold() in (column.key, column.label.casefold()):
                return column.key
    return None


def _duplicate_columns(header: list[str], keys: list[str | None], error: Callable[[str], None]) -> None:
    """A column given twice (also as 重要程度 and criticality) is an error: which one would count?"""
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in seen:
            first = seen[key]
            error(
                f"column {schema.COLUMN_BY_KEY[key].label} ({key}) appears twice: "
                f"{header[first].strip()!r} (column {first + 1}) and {header[index].strip()!r} "
                f"(column {index + 1}); keep one"
            )
        else:
            seen[key] = index


def _normalise_mac(value: str) -> str:
    eui = netaddr.EUI(value)  # raises AddrFormatError
    if eui.version != 48:
        raise netaddr.AddrFormatError(value)
    return str(eui.format(netaddr.mac_unix_expanded))


def read_records(path: Path, what: str, error: Callable[[int, str], None]) -> list[Record] | None:
    """The file's CSV records, every unreadable line reported through ``error``; None when the file
    itself cannot be read (also reported). Shared by the asset and the spares ledger."""
    try:
        text = _decode(path)
    except OSError as exc:
        error(0, f"cannot read the {what}: {exc.strerror or exc}")
        return None
    except UnicodeDecodeError:
        error(1, "the file is neither UTF-8 nor GB18030 text; save it from Excel as CSV (UTF-8)")
        return None
    records, bad_lines = split_records(text)
    for bad in bad_lines:
        error(bad.line, bad.message)
    return records


def read_ledger(path: Path | str, plan: AddressPlan) -> LedgerResult:
    path = Path(path)
    result = LedgerResult(path=path)

    def error(line: int, message: str) -> None:
        result.errors.append(LedgerError(path, line, message))

    records = read_records(path, "ledger", error)
    if records is None:
        return result
    first = next((r for r in records if not r.blank), None)
    if first is None:
        if not result.errors:  # only unreadable lines are reported so far
            error(1, "the ledger is empty (no header row)")
        return result
    if first.line != 1:
        if not any(b.line < first.line for b in result.errors):
            error(
                1,
                f"line 1 is blank: the header row (column names) must be the first line; "
                f"the first non-blank line is {first.line}",
            )
        return result
    header = first.cells
    keys = [_header_key(cell) for cell in header]
    for cell, key in zip(header, keys, strict=True):
        if key is None and cell.strip():
            result.warnings.append(LedgerError(path, 1, f"unknown column {cell.strip()!r} is ignored"))
    header_problems: list[str] = []
    _duplicate_columns(header, keys, header_problems.append)
    missing = [c for c in schema.COLUMNS if c.required and c.key not in keys]
    header_problems += [f"missing required column {c.label} ({c.key})" for c in missing]
    if header_problems:
        for message in header_problems:
            error(1, message)
        result.errors.sort(key=lambda e: e.line)
        return result

    vocab = {
        "zone": schema.alias_map(schema.ZONES),
        "class": schema.alias_map(schema.CLASSES),
        "platform": schema.alias_map(schema.PLATFORMS),
        "criticality": schema.alias_map(schema.CRITICALITY),
    }
    first_line: dict[tuple[str, str], int] = {}  # (kind, value) → line where first seen

    def unique(line: int, kind: str, value: str) -> None:
        seen = first_line.setdefault((kind, value.casefold()), line)
        if seen != line:
            error(line, f"duplicate {kind} {value!r} (first on line {seen})")

    parents: list[tuple[int, str]] = []
    for record in records[1:]:
        line, row = record.line, record.cells
        if record.blank:
            continue  # blank lines are harmless
        result.device_lines += 1
        if len(row) > len(keys):
            error(line, f"{len(row)} fields but the header has {len(keys)} (an unquoted comma?)")
            continue
        values = {k: row[i].strip() for i, k in enumerate(keys) if k is not None and i < len(row)}
        for i, key in enumerate(keys):
            if key is not None and i < len(row) and looks_like_formula(row[i]):
                column = schema.COLUMN_BY_KEY[key]
                result.warnings.append(
                    LedgerError(
                        path,
                        line,
                        f"{column.label} ({key}) {row[i]!r} starts like a spreadsheet "
                        "formula; reports write it as text, prefixed with '",
                    )
                )
        problems_before = len(result.errors)

        for column in schema.COLUMNS:
            if column.required and not values.get(column.key):
                error(line, f"{column.label} ({column.key}) is empty")
        if len(result.errors) > problems_before:
            continue

        coded: dict[str, str] = {}
        for key, table in vocab.items():
            code = table.get(values[key].casefold())
            if code is None:
                allowed = ", ".join(sorted(set(table.values())))
                error(line, f"unknown {key} {values[key]!r} (allowed: {allowed})")
            else:
                coded[key] = code
        site = plan.site_code(values["site"])
        if site is None:
            error(line, f"unknown site {values['site']!r} (known: {', '.join(plan.sites)})")

        name = values["name"]
        if not _HOSTNAME.match(name):
            error(line, f"name {name!r} is not a valid host name (letters, digits, '-')")
        else:
            unique(line, "name", name)

        ip = values["ip"]
        try:
            address = netaddr.IPAddress(ip, flags=netaddr.INET_PTON)
            if address.version != 4:
                raise netaddr.AddrFormatError(ip)
        except (netaddr.AddrFormatError, ValueError):
            error(line, f"malformed IP address {ip!r}")
        else:
            unique(line, "IP", str(address))
            if site and "zone" in coded:
                subnet = plan.subnet_for(coded["zone"], site)
                if subnet is None:
                    error(line, f"the address plan has no subnet for zone {coded['zone']} at site {site}")
                elif address not in subnet.cidr or address in (subnet.cidr.network, subnet.cidr.broadcast):
                    error(
                        line, f"IP {ip} is outside its zone's subnet {subnet.cidr} ({coded['zone']}/{site})"
                    )

        mac = values.get("mac", "")
        if mac:
            try:
                mac = _normalise_mac(mac)
            except (netaddr.AddrFormatError, ValueError, TypeError):
                error(line, f"malformed MAC address {values['mac']!r}")
            else:
                unique(line, "MAC", mac)

        cls, platform = coded.get("class"), coded.get("platform")
        if cls in schema.CLASS_PLATFORMS and platform and platform not in schema.CLASS_PLATFORMS[cls]:
            allowed = ", ".join(sorted(schema.CLASS_PLATFORMS[cls]))
            error(line, f"class {cls} cannot be on platform {platform} (allowed: {allowed})")

        courtroom = values.get("courtroom", "")
        if courtroom:
            room = plan.courtrooms.get(courtroom)
            if room is None:
                error(line, f"unknown courtroom {courtroom!r} (not in the address plan)")
            elif site and room.site != site:
                error(line, f"courtroom {courtroom} is at site {room.site}, the row says {site}")
            if cls and cls not in schema.COURTROOM_CLASSES:
                error(
                    line,
                    f"only {' / '.join(sorted(schema.COURTROOM_CLASSES))} belong to a courtroom, not {cls}",
                )

        role = values.get("role", "")
        if role and role not in schema.ROLES:
            error(line, f"unknown network role {role!r} (allowed: {', '.join(schema.ROLES)})")

        eol_text = values.get("eol", "").casefold()
        if eol_text not in schema.TRUE_WORDS | schema.FALSE_WORDS:
            error(line, f"停止支持 (eol) must be yes/no (是/否), not {values['eol']!r}")

        if values.get("parent"):
            parents.append((line, values["parent"]))

        if len(result.errors) == problems_before:
            result.assets.append(
                Asset(
                    line=line,
                    name=name,
                    zone=coded["zone"],
                    cls=coded["class"],
                    site=site or "",
                    platform=coded["platform"],
                    os=values["os"],
                    vendor=values["vendor"],
                    ip=ip,
                    mac=mac,
                    location=values["location"],
                    department=values["department"],
                    criticality=coded["criticality"],
                    courtroom=courtroom,
                    system=values.get("system", ""),
                    role=role,
                    parent=values.get("parent", ""),
                    eol=eol_text in schema.TRUE_WORDS,
                    number=values.get("number", ""),
                )
            )

    for line, parent in parents:
        if ("name", parent.casefold()) not in first_line:
            error(line, f"上级设备 (parent) {parent!r} is not a device in this ledger")

    if not result.errors and len(result.assets) != result.device_lines:
        # Every path through the loop above records a device or an error; this guards that rule.
        error(
            1, f"{result.device_lines} device lines but {len(result.assets)} devices read; please report this"
        )
    result.errors.sort(key=lambda e: e.line)
    if not result.assets and not result.errors:
        error(2, "the ledger has a header but no devices")
    return result
