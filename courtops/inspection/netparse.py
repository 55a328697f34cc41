"""Parsers of network-device CLI output (Huawei VRP, H3C Comware, Cisco IOS) for inspection.

Each returns ``None`` when the text is not what it expects, so the judge records 未检 instead of
guessing. Formats follow real device output (../shared/corpus and the lab's device definitions).
"""

from __future__ import annotations

import re


def cpu_pct(text: str) -> float | None:
    """Five-minute (or current) CPU use in percent."""
    for pattern in (
        r"five minutes:\s*(\d+(?:\.\d+)?)%",  # IOS and VRP's summary line
        r"(\d+(?:\.\d+)?)% in last 5 minutes",  # Comware
        r"CPU Usage\s*:\s*(\d+(?:\.\d+)?)%",  # VRP
    ):
        match = re.search(pattern, text)
        if match:
            return float(match.group(1))
    return None


def memory_pct(text: str) -> float | None:
    match = re.search(r"Memory Using Percentage Is:\s*(\d+(?:\.\d+)?)%", text)  # VRP
    if match:
        return float(match.group(1))
    match = re.search(r"^\s*Mem:.*?(\d+(?:\.\d+)?)%\s*$", text, re.MULTILINE)  # Comware FreeRatio
    if match:
        return round(100.0 - float(match.group(1)), 1)
    match = re.search(r"Processor Pool Total:\s*(\d+)\s+Used:\s*(\d+)", text)  # IOS
    if match and int(match.group(1)) > 0:
        return round(100.0 * int(match.group(2)) / int(match.group(1)), 1)
    return None


_UNITS = {"year": 365 * 86400, "week": 7 * 86400, "day": 86400, "hour": 3600, "minute": 60}


def uptime_seconds(text: str) -> float | None:
    """The chassis uptime from `display version` / `show version` ("uptime is 2 weeks, 5 days, …")."""
    match = re.search(r"uptime is\s+([^\n]+)", text, re.IGNORECASE)
    if not match:
        return None
    total = 0.0
    for number, unit in re.findall(r"(\d+)\s*(year|week|day|hour|minute)s?", match.group(1)):
        total += int(number) * _UNITS[unit]
    return total if re.search(r"\d", match.group(1)) else None


def interfaces(text: str) -> list[dict[str, object]]:
    """Interfaces with admin state, operational state and error counters where shown."""
    out: list[dict[str, object]] = []
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if re.match(r"\s*Interface\s+", line)), None)
    if header is None:
        return out
    columns = lines[header].split()
    for line in lines[header + 1 :]:
        fields = line.split()
        if len(fields) < 3:
            continue
        name = fields[0]
        if "PHY" in columns:  # VRP: Interface PHY Protocol InUti OutUti inErrors outErrors
            phy, protocol = fields[1], fields[2]
            admin = "down" if phy.startswith("*") else "up"
            oper = "up" if phy == "up" and protocol.startswith("up") else "down"
            errors = sum(int(x) for x in fields[5:7] if x.isdigit()) if len(fields) >= 7 else None
        elif "Link" in columns:  # Comware: Interface Link Protocol Primary-IP Description
            link, protocol = fields[1].upper(), fields[2].upper()
            admin = "down" if link == "ADM" else "up"
            oper = "up" if link == "UP" and protocol.startswith(("UP", "--")) else "down"
            errors = None
        elif "Status" in columns:  # IOS: Interface IP-Address OK? Method Status Protocol
            status = " ".join(fields[4:-1]).lower()
            admin = "down" if "administratively" in status else "up"
            oper = "up" if fields[-1].lower() == "up" else "down"
            errors = None
        else:
            return []
        out.append({"name": name, "admin": admin, "oper": oper, "errors": errors})
    return out


def ntp_synchronized(text: str) -> bool | None:
    lowered = text.lower()
    if re.search(r"clock (status: |is )unsynchronized", lowered):
        return False
    if re.search(r"clock (status: |is )synchronized", lowered):
        return True
    return None


def environment_problems(text: str) -> list[str] | None:
    """Components whose state is not normal in `display device` / `show environment all`."""
    bad = []
    seen = False
    for line in text.splitlines():
        lowered = line.lower()
        if re.search(r"\b(normal|ok|good|present|registered|online)\b", lowered):
            seen = True
        if re.search(r"\b(abnormal|fault|failed|failure|critical|absent|offline|not ok)\b", lowered):
            bad.append(" ".join(line.split()))
    return bad if seen or bad else None


def alarms(text: str) -> list[str]:
    """Alarm lines (severity 0-3 log entries or active alarms)."""
    return [
        " ".join(line.split())
        for line in text.splitlines()
        if re.search(r"%\S+-[0-3]-\S+", line)  # IOS: %FACILITY-3-MNEMONIC
        or re.search(r"\b[A-Z][A-Z0-9_]*/[0-3]/[A-Z0-9_]+", line)  # VRP / Comware: MODULE/3/MNEMONIC
        or re.search(r"\b(critical|major|emergency)\b", line, re.IGNORECASE)
    ]
