"""One inspection reading with its state."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

NORMAL, WARNING, FAULT, UNCHECKED = "正常", "告警", "故障", "未检"
STATES = (NORMAL, WARNING, FAULT, UNCHECKED)
#: Worst-first ordering used to summarise a device or a courtroom.
SEVERITY = {FAULT: 3, WARNING: 2, NORMAL: 1, UNCHECKED: 0}


@dataclass(frozen=True)
class CheckResult:
    host: str
    check: str  # plan name, e.g. "disk", "printer_supplies"
    title: str  # Chinese name of the check, e.g. 磁盘使用率
    state: str  # one of STATES
    value: float | None = None
    text: str = ""  # the reading in words, e.g. "/ 已用 93.1%"
    unit: str = ""
    item: str = ""  # what inside the device: a mount point, a supply, a port, a disk
    remark: str = ""  # why it is not 正常, in Chinese

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"{self.host}/{self.check}: unknown state {self.state!r}")

    def metric(self) -> dict[str, Any]:
        """The shape the recorder stores (``courtops_metrics`` entries)."""
        data = asdict(self)
        return {
            "host": data.pop("host"),
            "name": data.pop("check"),
            "value": data.pop("value"),
            "text": data.pop("text"),
            "unit": data.pop("unit"),
            "labels": data,  # title, state, item, remark
        }


def worst(states: list[str]) -> str:
    """The worst state of a list (正常 when empty)."""
    return max(states, key=lambda s: SEVERITY[s], default=NORMAL)
