"""The lab's state file (<state dir>/state.json): what `up` created, read by `status` and `down`.

`down` never relies on it alone: it also finds resources by their lab-id name prefix and by the
state dir path in process command lines, so it cleans up after a crash or a half-finished `up`.
"""

from __future__ import annotations

import json
from typing import Any

from courtops.lab.config import LabConfig


def load(cfg: LabConfig) -> dict[str, Any]:
    try:
        return dict(json.loads(cfg.state_file.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def save(cfg: LabConfig, data: dict[str, Any]) -> None:
    cfg.state_dir.mkdir(parents=True, exist_ok=True)
    tmp = cfg.state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(cfg.state_file)


def clear(cfg: LabConfig) -> None:
    cfg.state_file.unlink(missing_ok=True)
