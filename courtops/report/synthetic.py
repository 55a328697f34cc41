"""Synthetic findings for benchmarks and tests of the report machinery (never for real reports).

34 items of 安全计算环境 (L3-CES1-01 … 34) over N hosts, verdicts drawn from a seeded generator so
every run of a benchmark renders the same data.
"""

from __future__ import annotations

import random

from courtops.findings import Finding
from courtops.runkinds import kind_of_report
from courtops.store import HostInfo, RunInfo, Store

POINTS = (
    ("身份鉴别", 4),
    ("访问控制", 7),
    ("安全审计", 4),
    ("入侵防范", 6),
    ("恶意代码防范", 1),
    ("可信验证", 1),
    ("数据完整性", 2),
    ("数据保密性", 2),
    ("数据备份恢复", 3),
    ("剩余信息保护", 2),
    ("个人信息保护", 2),
)
WEIGHTS = (1.0, 0.7, 0.4)
VERDICT_WEIGHTS = {"符合": 55, "部分符合": 15, "不符合": 15, "不适用": 10, "待人工": 5}


def items() -> list[tuple[str, str, str, float]]:
    """(control_id, clause, control point, weight) for the 34 items."""
    out, n = [], 0
    for section, (point, count) in enumerate(POINTS, start=1):
        for letter in "abcdefg"[:count]:
            n += 1
            out.append((f"L3-CES1-{n:02d}", f"8.1.4.{section} {letter})", point, WEIGHTS[n % 3]))
    return out


def findings_for(hosts: int, seed: int = 2026) -> list[Finding]:
    rng = random.Random(seed)
    verdicts, weights = zip(*VERDICT_WEIGHTS.items(), strict=True)
    out = []
    for h in range(hosts):
        for cid, clause, point, weight in items():
            verdict = rng.choices(verdicts, weights)[0]
            out.append(
                Finding(
                    host=f"pc-{h:04d}",
                    platform="linux_deb" if h % 3 else "windows",
                    control_id=cid,
                    clause=clause,
                    verdict=verdict,
                    record=f"经现场核查：{cid} 检查值 {rng.randint(0, 900)}",
                    expected="deny<=5" if point == "身份鉴别" else "已启用",
                    actual="deny=0" if verdict == "不符合" else "deny=5",
                    high_risk=verdict == "不符合" and point == "身份鉴别" and weight == 1.0,
                    layer="安全计算环境",
                    control_point=point,
                    title=f"{point}测评项 {cid}",
                    weight=weight,
                    remediation=f"启用 courtops_harden_{cid.lower().replace('-', '_')}",
                )
            )
    return out


def fill_store(store: Store, hosts: int, *, seed: int = 2026, scope: str = "audit|synthetic") -> int:
    """Record one synthetic audit run; returns its id."""
    run_id = store.start_run(
        RunInfo(uuid=f"synthetic-{seed}-{hosts}", kind=kind_of_report("dengbao"), scope=scope)
    )
    store.write_batch(
        run_id,
        hosts=[
            HostInfo(name=f"pc-{h:04d}", address=f"10.250.{h // 250}.{h % 250 + 1}", os_version="UOS 20 1070")
            for h in range(hosts)
        ],
        findings=findings_for(hosts, seed),
    )
    store.finish_run(run_id, "ok")
    return run_id
