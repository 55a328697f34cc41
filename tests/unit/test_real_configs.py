"""Real public device configurations (tests/data/corpus) against the verdicts an assessor gives.

Every configuration is evaluated the way an audit run does: ``courtops.evidence.extract`` on the
configuration command's output as the audit registers it (``courtops.vendors``), then
``courtops.evaluator`` as ``plugins/action/courtops_dengbao_evaluate.py`` calls it. The expected
verdicts (``tests/data/corpus/expected/<file>.yml``) are reasoned from the thresholds, one line of
reason per item citing the configuration. Where today's rules disagree, the entry names the rule in
``known_gap`` and the case is a strict xfail: fixing the rule turns it into XPASS, which fails until
the marker is removed.

The second half is the empty-set property: a catalogue check that iterates over a set must not pass
vacuously when the set is empty (待人工), unless the catalogue declares what an empty set means.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from courtops import catalogue, evaluator, evidence, vendors
from courtops.findings import Finding
from tests.conftest import REPO

CORPUS = REPO / "tests" / "data" / "corpus"
EXPECTED = CORPUS / "expected"
NETWORK = ("vrp", "comware", "ios")
VERDICTS = ("符合", "部分符合", "不符合", "待人工")
#: corpus files that are not configurations (outputs of display/show commands, line excerpts)
NOT_CONFIG = re.compile(r"(display_|show_version|show_snmp|show_users|_lines_frinx|_section_frinx)")
#: checks whose result is a statement about every member of a set (vacuously true when it is empty)
UNIVERSAL_OPS = ("empty", "subset", "disjoint", "all_le")


def _config_command(platform: str) -> str:
    """The audit command whose output a saved configuration is (the vendor module's)."""
    return vendors.get(platform).config_command


def _expected_files() -> list[Path]:
    return sorted(EXPECTED.glob("*.yml"))


def _load(path: Path) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def _findings(source: str, platform: str) -> dict[str, Finding]:
    """Evaluate one saved configuration the way the audit does; the config is the first command's output."""
    text = (CORPUS / source).read_text(encoding="utf-8", errors="replace")
    ev = {"commands": {_config_command(platform): text}}
    _facts, problems, usable = evidence.extract(platform, ev)
    assert usable, f"{source}: the parser read nothing from a real configuration: {problems}"
    cat = catalogue.default()
    return {f.control_id: f for f in evaluator.evaluate_host(cat, Path(source).name, platform, ev)}


def _cases() -> list[Any]:
    params = []
    for path in _expected_files():
        doc = _load(path)
        for control_id, entry in doc["verdicts"].items():
            marks = []
            if entry.get("known_gap"):
                marks.append(pytest.mark.xfail(strict=True, reason=f"known gap: {entry['known_gap']}"))
            params.append(
                pytest.param(
                    doc["source"],
                    doc["platform"],
                    control_id,
                    entry,
                    id=f"{Path(doc['source']).name}::{control_id}",
                    marks=marks,
                )
            )
    return params


@pytest.mark.parametrize(("source", "platform", "control_id", "entry"), _cases())
def test_verdict_matches_the_assessor(
    source: str, platform: str, control_id: str, entry: dict[str, Any]
) -> None:
    finding = _findings(source, platform)[control_id]
    assert finding.verdict == entry["verdict"], (
        f"{source} {control_id}: evaluator says {finding.verdict} ({finding.actual or finding.reason}); "
        f"assessor says {entry['verdict']}: {entry['reason']}"
    )


def test_every_configuration_has_expected_verdicts_for_every_network_item() -> None:
    cat = catalogue.default()
    configs = {
        f"{vendor}/{p.name}"
        for vendor in NETWORK
        for p in (CORPUS / vendor).iterdir()
        if p.is_file() and not NOT_CONFIG.search(p.name)
    }
    docs = [_load(p) for p in _expected_files()]
    assert {d["source"] for d in docs} == configs
    for path, doc in zip(_expected_files(), docs, strict=True):
        assert path.name == Path(doc["source"]).name + ".yml"
        assert doc["command"] == _config_command(doc["platform"])
        wanted = {item.id for item, rule in cat.for_platform(doc["platform"]) if rule.kind == "checks"}
        assert set(doc["verdicts"]) == wanted, f"{path.name}: items differ from the catalogue's checked items"
        for control_id, entry in doc["verdicts"].items():
            assert entry["verdict"] in VERDICTS, f"{path.name} {control_id}"
            assert entry["reason"].strip(), f"{path.name} {control_id}: a verdict needs its reason"
            assert set(entry) <= {"verdict", "reason", "known_gap"}, f"{path.name} {control_id}"


def test_known_gaps_name_a_rule() -> None:
    gaps = [
        e["known_gap"] for p in _expected_files() for e in _load(p)["verdicts"].values() if "known_gap" in e
    ]
    assert gaps, "the corpus is expected to show today's gaps (remove this assertion once all are fixed)"
    assert all(len(g) > 10 for g in gaps)


# --------------------------------------------------------------------------- empty-set property
def _universal_checks() -> list[Any]:
    cat = catalogue.default()
    params = []
    for item in cat.items:
        for platform in catalogue.PLATFORMS:
            rule = item.platforms.get(platform)
            if rule is None or rule.kind != "checks":
                continue
            for check in rule.checks:
                if check.op not in UNIVERSAL_OPS:
                    continue
                declared = check.empty_set  # the catalogue's word on what an empty set means
                params.append(
                    pytest.param(
                        item,
                        platform,
                        rule,
                        check,
                        declared or "待人工",
                        id=f"{item.id}:{platform}:{check.id}",
                    )
                )
    return params


@pytest.mark.parametrize(("item", "platform", "rule", "check", "wanted"), _universal_checks())
def test_empty_set_is_not_a_vacuous_pass(
    item: Any, platform: str, rule: Any, check: Any, wanted: str
) -> None:
    cat = catalogue.default()
    only = dataclasses.replace(rule, checks=(dataclasses.replace(check, when=None),))
    empty: Any = {} if check.op == "all_le" else []
    finding = evaluator.evaluate_item("h", platform, item, only, {check.fact: empty}, cat.thresholds)
    assert finding.verdict == wanted, f"{check.fact} = {empty!r} ({check.op}) gave {finding.verdict}"


def test_the_property_covers_the_network_users_check() -> None:
    ids = {p.id for p in _universal_checks()}
    assert "L3-CES1-28:ios:reversible" in ids and "L3-CES1-06:comware:default_users" in ids
