"""Evidence parsers: raw collector output -> flat facts (``win.*``, ``lnx.*``, ``net.*``).

Every parser is total: it never raises on garbage. A fact it cannot establish is simply
absent (the evaluator turns that into 待人工); what went wrong goes into ``problems`` so the
结果记录 can say why. ``None`` as a fact value means "known: not configured".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from courtops import failure_labels, vendors
from courtops.evidence import linux, network, windows
from courtops.secrets import clip, rules_for

Facts = dict[str, Any]
Parser = Callable[[Any, Facts, list[str]], None]

#: Host platforms; every network platform of the vendor registry is handled by evidence.network.
PARSERS: dict[str, Parser] = {
    "windows": windows.extract,
    "linux_deb": linux.extract,
    "linux_rpm": linux.extract,
}


def parser_for(platform: str) -> Parser | None:
    if platform in PARSERS:
        return PARSERS[platform]
    if vendors.find(platform) is None:
        return None
    return lambda evidence, facts, problems: network.extract(platform, evidence, facts, problems)


def extract(platform: str, evidence: Any) -> tuple[Facts, list[str], bool]:
    """(facts, problems, usable). ``usable`` is False when there is no evidence at all."""
    if not isinstance(evidence, dict) or not evidence:
        return {}, ["证据为空或格式无效"], False
    message = clip(str(evidence.get("msg", "")), 200, rules_for(platform))
    if (evidence.get("unreachable") or evidence.get("failed")) and (tag := failure_labels.label(message)):
        return {}, [f"{tag}：{message}"], False  # e.g. a sudo timeout is 提权超时, not 主机不可达
    if evidence.get("unreachable"):
        return {}, [f"主机不可达：{message}"], False
    if evidence.get("failed"):
        return {}, [f"采集失败：{message}"], False
    parser = parser_for(platform)
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
