"""The finding: one verdict for one (host, 等保 item). The contract between the evaluator,
the recorder (results store), the reports and the `courtops findings` export.

The export keys (``EXPORT_KEYS``) are a published contract other tools rely on: add keys,
never rename or drop one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: The five verdicts an assessor (等保测评师) records; 待人工 = needs manual evidence. Plus 已批准例外:
#: an approved exception (courtops/exceptions.py) — a known deviation with reason, approver and expiry,
#: never counted as 符合 and, like 待人工, taking no part in the score.
VERDICTS = ("符合", "部分符合", "不符合", "不适用", "待人工", "已批准例外")
#: Score of a verdict in the 控制点 formula; 不适用 / 待人工 take no part.
VERDICT_SCORE = {"符合": 1.0, "部分符合": 0.5, "不符合": 0.0}

EXPORT_KEYS = (
    "host",
    "platform",
    "control_id",
    "clause",
    "verdict",
    "record",
    "expected",
    "actual",
    "high_risk",
)


@dataclass(frozen=True)
class Finding:
    host: str
    platform: str
    control_id: str  # GB/T 28448-2019 unit code, e.g. "L3-CES1-02"
    clause: str  # e.g. "8.1.4.1 b)"
    verdict: str  # one of VERDICTS
    record: str  # 结果记录, "经现场核查：…"
    expected: str
    actual: str
    high_risk: bool = False
    # Context the reports need; filled from the catalogue.
    layer: str = ""  # 安全层面, e.g. "安全计算环境"
    control_point: str = ""  # 控制点, e.g. "身份鉴别"
    title: str = ""  # 测评项 text
    weight: float = 1.0
    remediation: str = ""  # 整改建议, naming the hardening toggle
    reason: str = ""  # why 待人工 / 不适用, when it is
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"{self.control_id}@{self.host}: unknown verdict {self.verdict!r}")

    def export(self) -> dict[str, Any]:
        """The published export shape (EXPORT_KEYS first, then the context keys)."""
        data = asdict(self)
        data.pop("evidence")
        return {k: data.pop(k) for k in EXPORT_KEYS} | data
