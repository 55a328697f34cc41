"""The courtroom audio/video measurements of the 巡检记录's readiness table (开庭时声音清晰、画面流畅).

For each stream source of a courtroom, what the av_stream check measured on its stream: codec and
resolution, frame rate, audio level and the verdict (the worst of the check's rows). The rows come
from the inspection record's devices (courtops/report/inspection.py), nothing is measured here.
"""

from __future__ import annotations

from typing import Any

from courtops.inspection.checks.av import AUDIO, CHECK, FPS, STREAM
from courtops.inspection.result import worst


def courtroom_av(members: list[Any]) -> list[dict[str, Any]]:
    """One entry per device of the room that the AV probe measured (``Device`` of the 巡检记录)."""
    out = []
    for d in members:
        rows = [r for r in d.rows if r.check == CHECK]
        if not rows:
            continue
        by_item = {r.item: r for r in rows}
        stream = by_item.get(STREAM)
        out.append(
            {
                "device": d.name,
                "stream": stream.text if stream and stream.text else "—",
                "fps": _reading(by_item.get(FPS)),
                "audio": _reading(by_item.get(AUDIO)),
                "state": worst([r.state for r in rows]),
                "remarks": [r.remark for r in rows if r.remark],
            }
        )
    return out


def _reading(row: Any) -> str:
    if row is None:
        return "未测"
    if row.value is None:
        return str(row.text or "未测")
    return f"{row.value:g} {row.unit}".strip()


def summary(entry: dict[str, Any]) -> str:
    """One line for the XLSX readiness sheet."""
    return f"{entry['device']}：{entry['stream']}，{entry['fps']}，{entry['audio']}，{entry['state']}"
