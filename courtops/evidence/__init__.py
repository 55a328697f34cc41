"""Evidence parsers: raw collector output -> flat facts (``win.*``, ``lnx.*``, ``net.*``).

Every parser is total: it never raises on garbage. A fact it cannot establish is simply
absent (the evaluator turns that into 待人工); what went wrong goes into ``problems`` so the
结果记录 can say why. ``None`` as a fact value means "known: not configured".
"""

from __future__ import annotations

from typing import Any

from courtops.evidence import linux, network, windows
from courtops.secrets import clip, rules_for

Facts = dict[str, Any]

PARSERS = {
    "windows": windows.extract,
    "linux_deb": linux.extract,
    "linux_rpm": linux.extract,
    "vrp": network.extract_vrp,
    "comware": network.extract_comware,
    "ios": network.extract_ios,
}


def extract(platform: str, evidence: Any) -> tuple[Facts, list[str], bool]:
    """(facts, problems, usable). ``usable`` is False when there is no evidence at all."""
    if not isinstance(evidence, dict) or not evidence:
        return {}, ["证据为空或格式无效"], False
    if evidence.get("unreachable"):
        return {}, [f"主机不可达：{clip(str(evidence.get('msg', '')), 200, rules_for(platform))}"], False
    if evidence.get("failed"):
        return {}, [f"采集失败：{clip(str(evidence.get('msg', '')), 200, rules_for(platform))}"], False
    parser = PARSERS.get(platform)
    if parser is None:
        return {}, [f"平台 {platform} 无解析器"], False
    facts: Facts = {}
    problems: list[str] = []
    try:
        parser(evidence, facts, problems)
    except Exception as exc:  # a parser bug must not stop an audit of 1,200 hosts
        problems.append(clip(f"解析异常：{type(exc).__name__}: {exc}", 300, rules_for(platform)))
    if not facts:  # nothing could be read: the host's evidence is unusable as a whole
        return facts, problems or ["证据中没有可解析的内容"], False
    return facts, problems, True
