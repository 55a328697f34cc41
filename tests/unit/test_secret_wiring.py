"""One secret engine: the vendors' secret forms reach every place courtops.secrets is used.

courtops.secrets.rules_for(platform) includes the vendor registry's secret_rules, so the recorder,
the evaluator, the dengbao action and the evidence problems mask a network device's secrets with
the same rules as Vendor.mask.
"""

from __future__ import annotations

import json
import re

import pytest

from courtops import catalogue, evaluator, secrets, vendors
from courtops.secrets import HIDDEN, SecretRule, mask_text, mask_value, rules_for, secret_rule
from courtops.vendors import base

#: (platform, a configuration line with a planted secret, the same line masked)
LINES = [
    ("ios", "snmp-server community PlantIosRO1 RO", f"snmp-server community {HIDDEN} RO"),
    (
        "ios",
        "username ops privilege 15 secret 9 $9$PlantIos9Hash",
        f"username ops privilege 15 secret 9 {HIDDEN}",
    ),
    (
        "ios",
        "crypto isakmp key PlantIosIsakmp address 10.0.0.1",
        f"crypto isakmp key {HIDDEN} address 10.0.0.1",
    ),
    (
        "vrp",
        " local-user admin password cipher %^%#PlantVrpUser%^%#",
        f" local-user admin password cipher {HIDDEN}",
    ),
    (
        "vrp",
        "snmp-agent community read PlantVrpRead acl 2000",
        f"snmp-agent community read {HIDDEN} acl 2000",
    ),
    (
        "vrp",
        "hwtacacs-server shared-key cipher %^%#PlantVrpKey%^%#",
        f"hwtacacs-server shared-key cipher {HIDDEN}",
    ),
    ("comware", " password simple PlantCmwSimple", f" password simple {HIDDEN}"),
    (
        "comware",
        " snmp-agent community write PlantCmwWrite acl 2001",
        f" snmp-agent community write {HIDDEN} acl 2001",
    ),
    ("comware", " key authentication cipher $c$3$PlantCmwKey==", f" key authentication cipher {HIDDEN}"),
]


@pytest.mark.parametrize(
    ("platform", "line", "masked"), LINES, ids=[f"{p}:{t.strip()[:30]}" for p, t, _ in LINES]
)
def test_rules_for_a_network_platform_mask_its_secret_forms(platform: str, line: str, masked: str) -> None:
    assert mask_text(line, rules_for(platform)) == masked
    # platform unknown: every vendor's rules apply too
    assert "Plant" not in mask_text(line, rules_for(None))


@pytest.mark.parametrize("platform", ["ios", "vrp", "comware"])
def test_rules_for_includes_exactly_the_registrys_rules(platform: str) -> None:
    own = vendors.get(platform).secret_rules
    assert own and set(own) <= set(rules_for(platform))
    assert set(own) <= set(rules_for(None))
    others = {r for p in vendors.platforms() if p != platform for r in vendors.get(p).secret_rules}
    assert not (others - set(own)) & set(rules_for(platform))
    assert not set(own) & set(rules_for("linux_deb"))


def test_the_vendor_module_has_no_second_engine() -> None:
    """base re-exports the one engine; Vendor.mask is mask_text with the vendor's rules."""
    assert base.SecretRule is SecretRule and base.mask_text is mask_text and base.secret_rule is secret_rule
    ios = vendors.get("ios")
    line = "enable secret 9 $9$PlantIosEnable"
    assert ios.mask(line) == mask_text(line, ios.secret_rules)
    assert ios.mask(line, key=b"k") == mask_text(line, ios.secret_rules, key=b"k") != ios.mask(line)


def test_a_numbered_group_holds_the_secret_and_a_missing_one_is_an_error() -> None:
    rule = SecretRule("n", r"^(\s*token )(\S+)", flags=re.M, group=2)
    assert rule.apply(" token abc def") == f" token {HIDDEN} def"
    with pytest.raises(ValueError, match="group 3"):
        SecretRule("bad", r"(a)(b)", group=3)
    with pytest.raises(ValueError, match="value"):
        SecretRule("bad", r"(a)", group="value")


def test_the_keyed_mask_applies_to_the_generic_rules_and_keeps_the_class() -> None:
    text = "court:$6$salt$PlantHashValue:19700:0:90:7:::"
    one = mask_text(text, rules_for("linux_deb"), key=b"k")
    two = mask_text(text.replace("Plant", "Other"), rules_for("linux_deb"), key=b"k")
    assert "PlantHashValue" not in one and re.search(r"court:\$6\$（已隐藏:hash:[0-9a-f]{8}）:19700", one)
    assert one != two


def test_mask_value_and_clip_use_the_vendor_rules() -> None:
    out = mask_value(
        {"stdout_lines": ["aaa", " local-user a password cipher %^%#PlantV%^%#"]}, rules_for("vrp")
    )
    assert out["stdout_lines"] == ["aaa", f" local-user a password cipher {HIDDEN}"]
    assert "Plant" not in secrets.clip("snmp-server community PlantIosClip RO", 30, rules_for("ios"))


def test_a_failed_network_collection_message_is_masked_in_every_finding() -> None:
    """The device printed its configuration in an error: the evaluator masks the problem with the
    IOS / VRP / Comware rules (the generic rules alone would keep these values)."""
    for platform, line, _ in LINES:
        ev = {"failed": True, "msg": f"命令执行失败，设备回显：\n{line}\n% Invalid input detected"}
        assert mask_text(ev["msg"], secrets.GENERIC_RULES) == ev["msg"]  # only the vendor rules see it
        findings = evaluator.evaluate_host(catalogue.default(), "sw", platform, ev)
        text = json.dumps([f.export() | {"evidence": f.evidence} for f in findings], ensure_ascii=False)
        assert findings and "Plant" not in text, platform
        assert "Invalid input detected" in text  # the rest of the message is evidence and stays


def test_every_rule_has_a_hint_so_plain_text_is_returned_at_once() -> None:
    """One rule without a hint would make every string of every host try every rule (the recorder
    masks each result's strings): all of them, vendors' included, declare one."""
    assert all(r.hint is not None for r in rules_for(None)), [
        r.name for r in rules_for(None) if r.hint is None
    ]
    assert secrets._any_hint(tuple(rules_for(None))) is not None
    plain = "Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 1000 500 500 50% /"
    assert mask_text(plain, rules_for(None)) == plain
