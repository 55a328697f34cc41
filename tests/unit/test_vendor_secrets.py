"""Secrets in network configurations: each vendor's secret forms are masked (golden lines taken
from the real configurations of tests/data/corpus and the lab), and no planted secret becomes a
fact, a finding field or the evidence a finding keeps.

The planted values are unique words appended, in each vendor's own secret forms, to real corpus
configurations and to the lab's seeded configurations; the audit's extraction and evaluation
run on them exactly as for a device.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from courtops import catalogue, evaluator, evidence, vendors
from courtops.vendors.base import HIDDEN, mask_text, secret_rule
from tests.conftest import REPO

CORPUS = REPO / "tests" / "data" / "corpus"
LAB = REPO / "lab" / "devices" / "configs"

# --------------------------------------------------------------------------- golden masking
#: (platform, real line as found in the file named, the same line masked)
GOLDEN = [
    # tests/data/corpus/comware/cmw7.1.045_irf_current-configuration_netutils.txt
    (
        "comware",
        "  peer 192.0.2.61 password cipher $c$3$123456789012345678901234567890",
        f"  peer 192.0.2.61 password cipher {HIDDEN}",
    ),
    (
        "comware",
        " key authentication cipher $c$3$123456789012345678901234567890",
        f" key authentication cipher {HIDDEN}",
    ),
    (
        "comware",
        " snmp-agent community read Test-Community acl 1234",
        f" snmp-agent community read {HIDDEN} acl 1234",
    ),
    # tests/data/corpus/comware/cmw5_router_imc_initial_hpeimcutils.cfg (view lines without indentation)
    ("comware", " password simple iMCadmin", f" password simple {HIDDEN}"),
    ("comware", " snmp-agent community write iMCwrite", f" snmp-agent community write {HIDDEN}"),
    # lab/devices/configs/comware_*.cfg
    (
        "comware",
        " password hash $h$6$LabOnlySalt$LabOnlyHashValueNotARealCredential==",
        f" password hash {HIDDEN}",
    ),
    (
        "comware",
        " snmp-agent usm-user v3 nmsuser nms simple authentication-mode sha LabOnlyAuth privacy-mode aes128 LabOnlyPriv",
        f" snmp-agent usm-user v3 nmsuser nms simple authentication-mode sha {HIDDEN} privacy-mode aes128 {HIDDEN}",
    ),
    # lab/devices/configs/vrp_*.cfg
    (
        "vrp",
        " local-user admin password cipher %^%#Adm1nCipher0ld%^%#",
        f" local-user admin password cipher {HIDDEN}",
    ),
    (
        "vrp",
        " local-user labops password irreversible-cipher $1c$LabOnlyHash$Zk3vC9wQ1xYtR7pL2mN8sD4fG6hJ0kA$",
        f" local-user labops password irreversible-cipher {HIDDEN}",
    ),
    (
        "vrp",
        "snmp-agent usm-user v3 nmsuser authentication-mode sha2-256 cipher %^%#LabOnlyAuth%^%#",
        f"snmp-agent usm-user v3 nmsuser authentication-mode sha2-256 cipher {HIDDEN}",
    ),
    (
        "vrp",
        " snmp-agent community read cipher %^%#`XI!;6(,:R)Zv4B5KFx+%^%# mib-view iso-view",
        f" snmp-agent community read cipher {HIDDEN} mib-view iso-view",
    ),
    (
        "vrp",
        " set authentication password simple Huawei@123",
        f" set authentication password simple {HIDDEN}",
    ),
    # tests/data/corpus/ios: c881 (pynet), c6500 (ciscoconfparse), c2900xl, batfish, c9200l
    (
        "ios",
        "crypto isakmp key KEY address 1.1.1.1 no-xauth",
        f"crypto isakmp key {HIDDEN} address 1.1.1.1 no-xauth",
    ),
    ("ios", "radius-server key RADiUs", f"radius-server key {HIDDEN}"),
    ("ios", "username root password 7 075C727A6E0A180B03", f"username root password 7 {HIDDEN}"),
    ("ios", "enable secret 5 $1$U44$.4y79sCiRQLOSrt5S.", f"enable secret 5 {HIDDEN}"),
    (
        "ios",
        "username oxidized secret 9 $9$xxxxxxxxxxSECRET_OXIDIZEDxxxxxxxxx",
        f"username oxidized secret 9 {HIDDEN}",
    ),
    ("ios", "snmp-server community public1 view iso RO", f"snmp-server community {HIDDEN} view iso RO"),
    ("ios", " password 7 0822455D0A16", f" password 7 {HIDDEN}"),
    ("ios", "enable password cisco123", f"enable password {HIDDEN}"),
    (
        "ios",
        "snmp-server user nmsuser NMS v3 auth sha LabOnlyAuth priv aes 128 LabOnlyPriv",
        f"snmp-server user nmsuser NMS v3 auth sha {HIDDEN} priv aes 128 {HIDDEN}",
    ),
    ("ios", " key-string 7 121A0C041104", f" key-string 7 {HIDDEN}"),
    (
        "ios",
        "tacacs-server host 10.1.1.1 key 7 0822455D0A16",
        f"tacacs-server host 10.1.1.1 key 7 {HIDDEN}",
    ),
]
#: lines that hold no secret and must stay as they are
UNTOUCHED = {
    "vrp": ["  password expire 90", "  password history record number 5", " authentication-mode aaa"],
    "comware": [
        " password-control length 8",
        " authentication-mode scheme",
        " snmp-agent sys-info version v3",
    ],
    "ios": ["service password-encryption", "security passwords min-length 8", "ip ssh version 2"],
}


@pytest.mark.parametrize(
    ("platform", "line", "masked"), GOLDEN, ids=[f"{p}:{text.strip()[:40]}" for p, text, _ in GOLDEN]
)
def test_each_vendor_masks_its_secret_forms_and_keeps_the_line(platform: str, line: str, masked: str) -> None:
    assert vendors.get(platform).mask(line) == masked


@pytest.mark.parametrize("platform", sorted(UNTOUCHED))
def test_lines_without_a_secret_are_left_as_they_are(platform: str) -> None:
    text = "\n".join(UNTOUCHED[platform])
    assert vendors.get(platform).mask(text) == text


def test_the_golden_lines_are_real() -> None:
    """Every golden line except the constructed VRP ones is in a corpus or lab configuration."""
    texts = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in [*CORPUS.glob("*/*"), *LAB.glob("*.cfg")]
        if p.is_file()
    )
    constructed = {"mib-view iso-view", "Huawei@123", "key-string 7", "tacacs-server host"}
    for _, line, _ in GOLDEN:
        if not any(c in line for c in constructed):
            assert line.strip() in texts, line


def test_a_keyed_mask_changes_with_the_secret_and_hides_it() -> None:
    rules = vendors.get("ios").secret_rules
    one = mask_text("enable secret 9 $9$first", rules, key=b"k")
    two = mask_text("enable secret 9 $9$second", rules, key=b"k")
    assert one != two and "$9$first" not in one and one.startswith("enable secret 9 （已隐藏:")
    assert mask_text("enable secret 9 $9$first", rules, key=b"other") != one


def test_overlapping_rules_mask_once() -> None:
    rules = (secret_rule("a", r"key (\S+)"), secret_rule("b", r"(S3cr3t\S*)"))
    assert mask_text("key S3cr3tValue end", rules) == f"key {HIDDEN} end"


# --------------------------------------------------------------------------- planted secrets
#: per vendor: configuration lines in its secret forms, each holding a planted word
PLANT = {
    "vrp": [
        "snmp-agent community read PlantVrpRead1",
        "snmp-agent community write cipher %^%#PlantVrpCipher2%^%#",
        "snmp-agent community read public",
        "aaa",
        " local-user plantuser password cipher %^%#PlantVrpUser3%^%#",
        " local-user plantuser2 password simple PlantVrpSimple4",
        "hwtacacs-server shared-key cipher %^%#PlantVrpKey5%^%#",
    ],
    "comware": [
        " snmp-agent community read PlantCmwRead1",
        " snmp-agent community write cipher $c$3$PlantCmwCipher2==",
        " snmp-agent community read simple private",
        " snmp-agent usm-user v3 plantv3 grp simple authentication-mode sha PlantCmwAuth3 privacy-mode aes128 PlantCmwPriv4",
        "#",
        "local-user plantuser class manage",
        " password simple PlantCmwSimple5",
        "#",
    ],
    "ios": [
        "snmp-server community PlantIosRO1 RO",
        "snmp-server community PlantIosRW2 RW",
        "snmp-server community public RO",
        "enable password PlantIosEnable3",
        "username plantuser password 0 PlantIosUser4",
        "crypto isakmp key PlantIosIsakmp5 address 10.0.0.1",
        "tacacs-server key PlantIosTacacs6",
    ],
}
PLANTED = re.compile(r"Plant(Vrp|Cmw|Ios)\w+|\$c\$3\$Plant")


def _configs(platform: str) -> list[Path]:
    return sorted(LAB.glob(f"{platform}_*.cfg")) + sorted(
        p
        for p in (CORPUS / platform).iterdir()
        if p.is_file() and (CORPUS / "expected" / f"{p.name}.yml").exists()
    )


def _planted(path: Path, platform: str) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    end = vendors.get(platform).config_end_marker or ""
    lines = "\n".join(PLANT[platform])
    # before the end marker, so the planted lines are part of the configuration
    at = text.rfind(f"\n{end}")
    return f"{text[:at]}\n{lines}\n{text[at:]}" if at >= 0 else f"{text}\n{lines}\n"


@pytest.mark.parametrize(
    ("platform", "path"),
    [(p, c) for p in ("vrp", "comware", "ios") for c in _configs(p)],
    ids=lambda x: x if isinstance(x, str) else x.name,
)
def test_planted_secrets_appear_in_no_fact_finding_or_kept_evidence(platform: str, path: Path) -> None:
    text = _planted(path, platform)
    assert len(PLANTED.findall(text)) >= 5  # the plant is there to be found
    ev = {"commands": {vendors.get(platform).config_command: text}}
    facts, problems, _ = evidence.extract(platform, ev)
    dumped = json.dumps([facts, problems], ensure_ascii=False, default=str)
    assert not PLANTED.search(dumped), PLANTED.search(dumped)
    findings = evaluator.evaluate_host(catalogue.default(), path.name, platform, ev)
    for finding in findings:
        record = json.dumps(dataclasses.asdict(finding), ensure_ascii=False, default=str)
        assert not PLANTED.search(record), (finding.control_id, PLANTED.search(record))
        assert not re.search(r"[=、](public|private)\b", finding.actual), finding.actual
    # the evaluator still decides: communities are there, and a default community is present
    assert facts["net.snmp_communities"] and facts["net.snmp_default_communities"]
    by_id = {f.control_id: f for f in findings}
    assert "snmp_default" in evaluator.failed_checks(by_id["L3-CES1-05"])
    assert by_id["L3-CES1-05"].verdict != "符合" and by_id["L3-CES1-27"].verdict != "符合"
    # the stored text, masked with the vendor's rules, keeps the lines but not one planted value
    masked = vendors.get(platform).mask(text)
    assert not PLANTED.search(masked), PLANTED.search(masked)
    assert masked.count("\n") == text.count("\n")


@pytest.mark.parametrize("platform", ["vrp", "comware", "ios"])
def test_community_facts_are_strength_classes_not_values(platform: str) -> None:
    text = _planted(_configs(platform)[0], platform)
    facts, _, _ = evidence.extract(platform, {"commands": {vendors.get(platform).config_command: text}})
    strengths = set(facts["net.snmp_community_strength"])
    assert "plaintext" in strengths
    if platform != "ios":  # VRP cipher / Comware $c$ are reversible; IOS keeps names in clear
        assert "reversible" in strengths
    assert all("已隐藏" in c for c in facts["net.snmp_communities"])
