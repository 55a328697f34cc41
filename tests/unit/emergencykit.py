"""Shared helpers of the emergency-readiness tests: a small spares ledger, times, the CLI in-process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from courtops.cli import main

CST = dt.timezone(dt.timedelta(hours=8))
HEADER = "编号,类别,型号,适用平台/兼容型号,数量,最低库存,单位,存放位置,盘点日期,参考单价,备注"
SPARES = [
    "SW-1,接入交换机,Huawei S5735-L48T4X,vrp；Huawei S5735-L48T4X,2,1,台,机房备件柜A1,2026-10-08,4680,",
    "HDD-1,监控硬盘,希捷 SkyHawk 8TB,Hikvision DS-9664N-I8,4,4,块,监控室,2026-10-08,1650,",
    "MIC-1,庭审话筒,科达 KDV-MIC100,Kedacom KDV-AP600,6,2,个,科技法庭备件柜,2026-10-08,780,",
]


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> float:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=CST).timestamp()


def write_spares(path: Path, rows: list[str] | None = None, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *(SPARES if rows is None else rows)]) + "\n", encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `courtops ARGS` in this process: (exit status, stdout, stderr)."""
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err
