"""Golden tests of the backup's masking: every secret form the issue lists, per vendor.

The git copy carries a keyed fingerprint instead of each secret (``（已隐藏:xxxxxxxx）``): the rest of the
line stays, the same secret gives the same fingerprint on every run (no false diff), and two different
secrets give two different fingerprints (a changed password still shows as a changed line). Lines are
from the corpus samples (tests/data/corpus, SOURCES.md) where one shows the form, else in the form
the vendor's command reference prints.
"""

from __future__ import annotations

import re

import pytest

from courtops.backup.rules import rules_for
from courtops.secrets import mask_text

KEY = b"test-mask-key"
OTHER = "Zz9OtherSecret9zZ"
FINGERPRINT = re.compile(r"（已隐藏(?::[a-z_]+)?:[0-9a-f]{8}）")

CASES = [
    # Huawei VRP
    ("vrp", ' local-user admin password irreversible-cipher $1a$Wq0E7$T9vN"fp1Ve$', '$1a$Wq0E7$T9vN"fp1Ve$'),
    ("vrp", " local-user ops password cipher %^%#8Yk2S)Vq1A~5wT%^%#", "%^%#8Yk2S)Vq1A~5wT%^%#"),
    ("vrp", " local-user legacy password simple Court@2026", "Court@2026"),
    (
        "vrp",
        "  peer 192.0.2.61 password cipher $c$3$123456789012345678901234567890",
        "$c$3$123456789012345678901234567890",
    ),
    (
        "vrp",  # tests/data/corpus/vrp/snmp-agent_lines_frinx.txt
        " snmp-agent community write %^%#0jwFL\"`KeH('[_<CZ2R0oqa,![(p+M,l5@DCx0`3CDW3HRuitP0ili0F[udR2V2:%l_b)Ffawd63&^(*& acl 2000",
        "%^%#0jwFL\"`KeH('[_<CZ2R0oqa,![(p+M,l5@DCx0`3CDW3HRuitP0ili0F[udR2V2:%l_b)Ffawd63&^(*&",
    ),
    ("vrp", " snmp-agent community read cipher %^%#Ab1%^%#", "%^%#Ab1%^%#"),
    ("vrp", " hwtacacs-server shared-key cipher %^%#K3y%^%#", "%^%#K3y%^%#"),
    # H3C Comware
    (
        "comware",  # tests/data/corpus/comware/hpe5900_cmw7.1.045_startup-cfg_xod442fig.cfg (form)
        " password hash $h$6$123456789012345678901234567890$1234567890123456789012345678901234567890",
        "$h$6$123456789012345678901234567890$1234567890123456789012345678901234567890",
    ),
    (
        "comware",  # tests/data/corpus/comware/cmw7.1.045_irf_current-configuration_netutils.txt
        " key authentication cipher $c$3$123456789012345678901234567890",
        "$c$3$123456789012345678901234567890",
    ),
    ("comware", " password cipher $c$3$AbCdEf0123==", "$c$3$AbCdEf0123=="),
    ("comware", " snmp-agent community read simple CourtRO2026", "CourtRO2026"),
    (
        "comware",
        " snmp-agent usm-user v3 nms v3group cipher authentication-mode sha $c$3$AuThKeY== privacy-mode aes128 $c$3$PrIvKeY==",
        ("$c$3$AuThKeY==", "$c$3$PrIvKeY=="),
    ),
    (
        "comware",
        " snmp-agent usm-user v3 nms v3group simple authentication-mode sha AuthPlain1 privacy-mode aes128 PrivPlain2",
        ("AuthPlain1", "PrivPlain2"),
    ),
    ("comware", " pre-shared-key cipher $c$3$PsKeY==", "$c$3$PsKeY=="),
    # Cisco IOS: type 0 / 5 / 7 / 8 / 9, key-string, communities, pre-shared keys
    ("ios", "username admin password 0 PlainPass1", "PlainPass1"),
    ("ios", "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0"),
    ("ios", " password 7 05280E1D705F5A043916", "05280E1D705F5A043916"),  # c6500 sample
    (
        "ios",
        "username ops privilege 15 secret 8 $8$dsYGNam3K1SIJO$7nv/35M/qr6t.dVc7UY9zrJDWRVqncHub1PE9UlMQFs",
        "$8$dsYGNam3K1SIJO$7nv/35M/qr6t.dVc7UY9zrJDWRVqncHub1PE9UlMQFs",
    ),
    (
        "ios",
        "enable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM",
        "$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM",
    ),
    ("ios", " key-string 7 0822455D0A16", "0822455D0A16"),
    ("ios", "snmp-server community CourtRW2026 RW 99", "CourtRW2026"),
    ("ios", "snmp-server host 10.0.0.5 version 2c TrapComm2026", "TrapComm2026"),
    ("ios", "crypto isakmp key KEY address 1.1.1.1 no-xauth", "KEY"),  # ciscoconfparse sample
    ("ios", " pre-shared-key address 10.1.1.1 key S3cretPsk", "S3cretPsk"),
    ("ios", "tacacs-server host 10.0.0.9 key 7 1511021F0725", "1511021F0725"),
]


@pytest.mark.parametrize("platform, line, secrets", CASES, ids=[f"{c[0]}:{c[1].strip()[:40]}" for c in CASES])
def test_secret_masked_rest_of_line_kept_fingerprint_differs(
    platform: str, line: str, secrets: str | tuple[str, ...]
) -> None:
    values = (secrets,) if isinstance(secrets, str) else secrets
    rules = rules_for(platform).secret_rules
    masked = mask_text(line, rules, KEY)
    # golden: the line with each secret (and nothing else) replaced by a fingerprint
    pattern, rest = "", line
    for value in values:
        head, rest = rest.split(value, 1)
        pattern += re.escape(head) + FINGERPRINT.pattern
    assert re.fullmatch(pattern + re.escape(rest), masked), masked
    # stable: the same secret masks the same way on the next run
    assert mask_text(line, rules, KEY) == masked
    # a changed secret is a changed fingerprint
    other = mask_text(line.replace(values[0], OTHER), rules, KEY)
    assert other != masked and OTHER not in other


def test_keyless_masking_has_no_fingerprint() -> None:
    masked = mask_text("snmp-server community CourtRW2026 RW 99", rules_for("ios").secret_rules)
    assert "CourtRW2026" not in masked and masked.endswith(" RW 99") and not FINGERPRINT.search(masked)
