"""The 等保 evaluator: catalogue + one host's evidence -> one Finding per applicable item.

Pure and deterministic (no clock, no I/O): ages are computed by the parsers from the
evidence's own ``collected_at``. The assessors' rule (测评指导书): all sub-checks pass ->
符合, some -> 部分符合, none -> 不符合. A sub-check whose fact is missing or unparsable is
*unknown*, and any unknown makes the item 待人工 with the reason — never a guessed 符合.
A threshold or catalogue value of the wrong type is neither: it is a configuration error
(``ConfigTypeError``) that stops the evaluation, because judging with it would be a guess too
(the string "21,23" as a port list once made every listening port pass). Operators never coerce.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from courtops import evidence as evidence_mod
from courtops.catalogue import UNIVERSAL_OPS, Catalogue, Check, Item, PlatformRule
from courtops.findings import Finding
from courtops.secrets import (
    HIDDEN,
    WELL_KNOWN_DEFAULTS,
    clip,
    is_secret_field,
    mask_text,
    mask_value,
    rules_for,
)
from courtops.valuetypes import ConfigTypeError, check_operand

_UNKNOWN = object()
#: evidence key holding the ids of the failed sub-checks
FAILED_KEY = "_failed_checks"
_MAX_LIST = 12


def resolve(value: Any, thresholds: Mapping[str, Any]) -> Any:
    """Replace ``$name`` strings (recursively in lists) with their threshold value."""
    if isinstance(value, str) and value.startswith("$"):
        return thresholds[value[1:]]
    if isinstance(value, list):
        return [resolve(v, thresholds) for v in value]
    return value


def _num(x: Any) -> float:
    """A number as it is: never a number parsed out of a text, never true/false as 1/0."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise TypeError(x)
    return float(x)


def _kind(x: Any) -> str:
    return "bool" if isinstance(x, bool) else "number" if isinstance(x, int | float) else type(x).__name__


def _same_kind(actual: Any, expected: Any) -> Any:
    """``actual`` for an (in)equality with ``expected``: absent (None) or of the same kind — true/false,
    number or text. The text "1" is not the number 1 (``ne 1`` would pass it): TypeError (-> unknown)."""
    if actual is not None and _kind(actual) != _kind(expected):
        raise TypeError(f"{actual!r} is not comparable with {expected!r}")
    return actual


def _as_list(x: Any) -> list[Any]:
    if isinstance(x, list | tuple | set | frozenset):
        return list(x)
    if isinstance(x, dict):
        return list(x)
    raise TypeError(x)


def apply_op(op: str, actual: Any, expected: Any) -> bool:
    """True/False for a comparison. ``expected`` (threshold / catalogue value) of the wrong type
    raises ConfigTypeError (a configuration error); ``actual`` (evidence) of the wrong type raises
    TypeError/ValueError (-> unknown)."""
    check_operand(op, expected)
    if op == "eq":
        return bool(_same_kind(actual, expected) == expected)
    if op == "ne":
        return bool(_same_kind(actual, expected) != expected)
    if op == "ge":
        return actual is not None and _num(actual) >= _num(expected)
    if op == "le":
        return actual is not None and _num(actual) <= _num(expected)
    if op == "between":
        return actual is not None and _num(expected[0]) <= _num(actual) <= _num(expected[1])
    if op == "ge_or_zero":
        return actual is not None and (_num(actual) == 0 or _num(actual) >= _num(expected))
    if op == "in":
        return actual in expected
    if op == "empty":
        return actual is None or len(actual if isinstance(actual, str) else _as_list(actual)) == 0
    if op == "nonempty":
        return actual is not None and len(actual if isinstance(actual, str) else _as_list(actual)) > 0
    if op == "subset":
        return set(_as_list(actual or [])) <= set(expected)
    if op == "disjoint":
        return not (set(_as_list(actual or [])) & set(expected))
    if op == "intersects":
        return bool(set(_as_list(actual or [])) & set(expected))
    if op == "contains":
        return expected in _as_list(actual or [])
    if op == "all_le":
        values = actual.values() if isinstance(actual, dict) else _as_list(actual)
        return all(v is not None and _num(v) <= _num(expected) for v in values)
    if op == "len_ge":
        return len(_as_list(actual or [])) >= _num(expected)
    raise ValueError(f"unknown op {op}")


def _show(x: Any) -> str:
    if x is None:
        return "未配置"
    if isinstance(x, bool):
        return "是" if x else "否"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    if isinstance(x, dict):
        x = [f"{k}:{_show(v)}" for k, v in x.items()]
    if isinstance(x, list | tuple | set | frozenset):
        items = sorted(map(str, x)) if isinstance(x, set | frozenset) else [str(i) for i in x]
        if not items:
            return "无"
        more = f" 等{len(items)}项" if len(items) > _MAX_LIST else ""
        return "、".join(items[:_MAX_LIST]) + more
    return str(x)


def expected_text(op: str, value: Any) -> str:
    if op == "between" and isinstance(value, list) and len(value) == 2:
        return f"{_show(value[0])}–{_show(value[1])}"
    v = _show(value)
    return {
        "eq": "={}",
        "ne": "≠{}",
        "ge": "≥{}",
        "le": "≤{}",
        "between": "{}",
        "ge_or_zero": "≥{}（或 0）",
        "in": "为 {} 之一",
        "empty": "无",
        "nonempty": "已配置",
        "subset": "仅限 {}",
        "disjoint": "不含 {}",
        "intersects": "含 {} 之一",
        "contains": "含 {}",
        "all_le": "均≤{}",
        "len_ge": "至少 {} 项",
    }[op].format(v)


def actual_text(op: str, actual: Any, value: Any) -> str:
    """What the record shows: the offending members for set ops, else the value itself."""
    if op == "disjoint" and isinstance(actual, list | tuple | set | dict):
        return _show(sorted(set(_as_list(actual)) & set(value), key=str))
    if op == "intersects" and isinstance(actual, list | tuple | set | dict):
        hit = sorted(set(_as_list(actual)) & set(value), key=str)
        return _show(hit) if hit else "无"
    if op == "contains" and isinstance(actual, list | tuple | set):
        return f"含 {value}" if value in actual else f"不含 {value}"
    if op == "all_le" and isinstance(actual, dict):
        bad = {k: v for k, v in actual.items() if v is None or not isinstance(v, int | float) or v > value}
        return _show(bad) if bad else f"{len(actual)} 个账户均符合"
    return _show(actual)


def _is_empty_set(x: Any) -> bool:
    return isinstance(x, list | tuple | set | frozenset | dict) and len(x) == 0


def _run(check: Check, facts: Mapping[str, Any], thresholds: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """(result, actual, expected) where result is True / False / None (skipped) / _UNKNOWN."""
    if check.when:
        wv = facts.get(check.when["fact"], _UNKNOWN)
        if wv is _UNKNOWN:
            return _UNKNOWN, None, None
        try:
            if not apply_op(check.when["op"], wv, resolve(check.when.get("value"), thresholds)):
                return None, wv, None
        except ConfigTypeError:
            raise
        except (TypeError, ValueError):
            return _UNKNOWN, wv, None
    expected = resolve(check.value, thresholds)
    actual = facts.get(check.fact, _UNKNOWN)
    if actual is _UNKNOWN:
        return _UNKNOWN, None, expected
    if check.op in UNIVERSAL_OPS and _is_empty_set(actual):
        # a statement about every member of an empty set says nothing: 待人工 unless the
        # catalogue declares what the empty set means for this check
        meaning = check.empty_set or "待人工"
        return (_UNKNOWN if meaning == "待人工" else meaning == "符合"), actual, expected
    try:
        return apply_op(check.op, actual, expected), actual, expected
    except ConfigTypeError:
        raise
    except (TypeError, ValueError, KeyError):
        return _UNKNOWN, actual, expected


def _finding(host: str, platform: str, item: Item, rule: PlatformRule | None, **kw: Any) -> Finding:
    return Finding(
        host=host,
        platform=platform,
        control_id=item.id,
        clause=item.clause,
        layer=item.layer,
        control_point=item.control_point,
        title=item.text,
        weight=item.weight,
        remediation=(rule.remediation if rule and rule.remediation else f"启用 {item.toggle}"),
        **kw,
    )


def evaluate_item(
    host: str,
    platform: str,
    item: Item,
    rule: PlatformRule,
    facts: Mapping[str, Any],
    thresholds: Mapping[str, Any],
    problems: Iterable[str] = (),
    usable: bool = True,
) -> Finding:
    if rule.kind == "not_applicable":
        return _finding(
            host,
            platform,
            item,
            rule,
            verdict="不适用",
            record=rule.reason,
            expected="",
            actual="",
            reason=rule.reason,
        )
    if not usable:
        reason = "未取得该主机的证据：" + ("；".join(problems) or "采集失败")
        return _finding(
            host,
            platform,
            item,
            rule,
            verdict="待人工",
            record=f"无法核查：{reason}",
            expected="",
            actual="",
            reason=reason,
        )
    if rule.kind == "manual":
        return _finding(
            host,
            platform,
            item,
            rule,
            verdict="待人工",
            record=f"待人工核查：{rule.reason}",
            expected="",
            actual="",
            reason=rule.reason,
        )
    if rule.kind == "default":
        return _finding(
            host,
            platform,
            item,
            rule,
            verdict="符合",
            record=f"经现场核查：{rule.reason}",
            expected="",
            actual="",
            reason=rule.reason,
        )

    passed = failed = 0
    unknown: list[str] = []
    high = False
    parts_rec: list[str] = []
    parts_exp: list[str] = []
    parts_act: list[str] = []
    used: dict[str, Any] = {}
    failed_ids: list[str] = []
    for check in rule.checks:
        result, actual, expected = _run(check, facts, thresholds)
        if check.fact in facts:
            used[check.fact] = facts[check.fact]
        if result is None:  # `when` not met: the sub-check does not concern this host
            parts_rec.append(f"{check.desc}：不涉及")
            continue
        exp = (
            expected_text(check.op, expected)
            if expected is not None or check.op in ("empty", "nonempty")
            else "?"
        )
        parts_exp.append(f"{check.desc} {exp}")
        if result is _UNKNOWN:
            unknown.append(check.desc)
            if check.fact not in facts:
                shown = "证据缺失"
            elif _is_empty_set(actual):
                shown = "空集合（无可核查对象）"
            else:
                shown = f"无法解析（{clip(_show(actual), 60, rules_for(platform))}）"
            parts_rec.append(f"{check.desc}：{shown}")
            parts_act.append(f"{check.desc}={shown}")
            continue
        shown = actual_text(check.op, actual, expected)
        parts_act.append(f"{check.desc}={shown}")
        if result:
            passed += 1
            parts_rec.append(f"{check.desc}：{shown}")
        else:
            failed += 1
            failed_ids.append(check.id)
            high = high or check.high_risk
            parts_rec.append(f"{check.desc}：{shown}（不满足，要求{exp}）")
    record = f"经现场核查（{rule.source}）：" + "；".join(parts_rec)
    reason = ""
    if unknown:
        verdict = "待人工"
        reason = "证据缺失或无法解析：" + "、".join(unknown)
    elif passed + failed == 0:
        verdict = "不适用"
        reason = "所有子项均不涉及该主机"
    elif failed == 0:
        verdict = "符合"
    elif passed == 0:
        verdict = "不符合"
    else:
        verdict = "部分符合"
    return _finding(
        host,
        platform,
        item,
        rule,
        verdict=verdict,
        record=record,
        expected="；".join(parts_exp),
        actual="；".join(parts_act),
        high_risk=high and verdict in ("不符合", "部分符合"),
        reason=reason,
        evidence=_evidence_record(used, failed_ids, list(problems) if unknown else []),
    )


def _evidence_record(used: dict[str, Any], failed_ids: list[str], problems: list[str]) -> dict[str, Any]:
    """The facts a verdict rests on, plus which sub-checks failed (kept with the evidence, so the
    Finding contract and the results store stay unchanged)."""
    record = dict(used)
    if failed_ids:
        record[FAILED_KEY] = failed_ids
    if problems:
        record["_problems"] = problems
    return record


def failed_checks(finding: Finding) -> list[str]:
    """Ids of the catalogue sub-checks that failed for this finding (e.g. ["max_days", "tmout"])."""
    return list(finding.evidence.get(FAILED_KEY, []))


def evaluate_host(
    catalogue: Catalogue,
    host: str,
    platform: str,
    evidence: Any,
    thresholds: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """All findings for one host. Never raises on bad evidence: that becomes 待人工. Raises
    ConfigTypeError, naming the variable and its declared type, for a threshold of the wrong type."""
    merged = dict(catalogue.thresholds)
    if thresholds:
        errors = catalogue.threshold_errors(dict(thresholds))
        if errors:
            raise ConfigTypeError(f"{host}: 阈值配置错误 / threshold of the wrong type: " + "; ".join(errors))
        merged.update({k: v for k, v in thresholds.items() if k in catalogue.thresholds})
    facts, problems, usable = evidence_mod.extract(platform, evidence)
    plan = catalogue.for_platform(platform)
    if not plan:  # a platform without rules: every 安全计算环境 item needs a person
        reason = f"平台 {platform!r} 无检查定义，需人工核查"
        return [
            _finding(
                host,
                platform,
                item,
                None,
                verdict="待人工",
                record=f"待人工核查：{reason}",
                expected="",
                actual="",
                reason=reason,
            )
            for item in catalogue.items
            if item.id.startswith("L3-CES1-")
        ]
    rules = rules_for(platform)
    # Texts are built from the catalogue, the problems and the facts: with the problems masked and no
    # secret among the facts (the usual case, checked once per host), no finding can carry one.
    problems = [mask_text(p, rules) for p in problems]
    shown = mask_value(facts, rules, redacted=HIDDEN)
    findings = [
        evaluate_item(host, platform, item, rule, facts, merged, problems, usable) for item, rule in plan
    ]
    if shown == facts:
        return findings
    literals = sorted(_secret_literals(facts), key=len, reverse=True)
    return [mask_finding(f, rules, shown, literals) for f in findings]


def _secret_literals(value: Any, under_secret: bool = False) -> set[str]:
    """Every string held under a secret-bearing fact name (e.g. the communities of a device)."""
    if isinstance(value, dict):
        return {s for k, v in value.items() for s in _secret_literals(v, under_secret or is_secret_field(k))}
    if isinstance(value, list | tuple | set | frozenset):
        return {s for v in value for s in _secret_literals(v, under_secret)}
    if (
        under_secret
        and isinstance(value, str)
        and len(value) >= 3
        and value.lower() not in WELL_KNOWN_DEFAULTS
    ):
        return {value}
    return set()


def mask_finding(
    finding: Finding,
    rules: list[Any],
    shown: Mapping[str, Any] | None = None,
    literals: Iterable[str] = (),
) -> Finding:
    """The finding with no secret value in its texts or evidence (courtops.secrets): a value the rules
    recognise, or one held under a secret-bearing fact name (``literals``), becomes （已隐藏）; policy
    values stay. ``shown``: the host's facts already masked (saves masking a fact for every item)."""
    words = list(literals)

    def clean(text: str) -> str:
        for word in words:
            text = text.replace(word, HIDDEN)
        return mask_text(text, rules)

    record, expected, actual, reason = (
        clean(t) for t in (finding.record, finding.expected, finding.actual, finding.reason)
    )
    evidence = {
        k: shown[k] if shown is not None and k in shown else mask_value(v, rules, redacted=HIDDEN)
        for k, v in finding.evidence.items()
    }
    if (record, expected, actual, reason, evidence) == (
        finding.record,
        finding.expected,
        finding.actual,
        finding.reason,
        finding.evidence,
    ):
        return finding
    return replace(finding, record=record, expected=expected, actual=actual, reason=reason, evidence=evidence)
