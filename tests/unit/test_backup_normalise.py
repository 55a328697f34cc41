"""Golden tests of the per-vendor backup normalisation (courtops/backup/network_rules.py + the vendor
modules' ``volatile_lines``): every volatile pattern of backup-anchors.md §1 on a real sample.

Each case names the sample and EXACTLY the lines normalisation must drop; the test checks that the
output is the sample's lines minus those and nothing else (so an over-eager rule fails too).
Samples: tests/data/corpus/ (provenance in its SOURCES.md); where no corpus file shows a pattern,
the lines quoted in the Oxidized issue that reported it (cited per case).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from courtops.backup.network_rules import clean_lines
from courtops.backup.rules import rules_for

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def _read(rel: str) -> str:
    return (CORPUS / rel).read_text(encoding="utf-8", errors="surrogateescape")


def _expect(raw: str, dropped: list[str]) -> list[str]:
    lines = clean_lines(raw)
    for line in dropped:
        lines.remove(line)  # each dropped line must be in the sample (ValueError otherwise)
    while lines and not lines[0]:
        lines.pop(0)
    return lines


FILE_CASES = [
    # IOS: head of show running-config, last-change and NVRAM stamps (#1190, #456, #741)
    (
        "ios",
        "config",
        "ios/c9200l_iosxe17.9_show_running-config_oxidized.txt",
        [
            "Building configuration...",
            "Current configuration : 20546 bytes",
            "! Last configuration change at 09:37:40 CEST Tue Aug 20 2024 by oxidized",
            "! NVRAM config last updated at 09:37:37 CEST Tue Aug 20 2024 by oxidized",
        ],
    ),
    (
        "ios",
        "config",
        "ios/c881_ios15.4_pynet-rtr1_running-config_pynet.txt",
        [
            "! Last configuration change at 16:34:34 PDT Wed Jul 1 2015 by pyclass",
            "! NVRAM config last updated at 16:30:19 PDT Wed Jul 1 2015 by pyclass",
        ],
    ),
    # a last-change stamp without "by user" (Oxidized keeps the ones with a user; we drop both)
    (
        "ios",
        "config",
        "ios/csr1_ios15.5_show_running-config_napalmvrp.txt",
        [
            "Building configuration...",
            "Current configuration : 1366 bytes",
            "! Last configuration change at 18:41:02 UTC Thu Nov 24 2016",
        ],
    ),
    # ntp clock-period: the drift the clock learns, different on every read (RANCID, Oxidized ios.rb)
    (
        "ios",
        "config",
        "ios/c2900xl_ios12.0_show_running-config_ciscoconfparse.txt",
        ["ntp clock-period 11259542"],
    ),
    (
        "ios",
        "config",
        "ios/c6500_ios12.1_show_running-config_ciscoconfparse.txt",
        ["ntp clock-period 17180086"],
    ),
    # show version: the uptime line (#1364) and the reload lines (they move with every reload, as
    # RANCID filters them); the rest of the facts stay
    (
        "ios",
        "version",
        "ios/iosv_15.8_show_version_ntc.txt",
        ["rtr-01 uptime is 1 week, 3 days, 16 hours, 11 minutes", "System returned to ROM by reload"],
    ),
    (
        "ios",
        "version",
        "ios/c9200l_iosxe17.9_show_version_oxidized.txt",
        [
            "LAB-SW123_9200L uptime is 44 weeks, 4 days, 1 hour, 16 minutes",
            "Uptime for this control processor is 44 weeks, 4 days, 1 hour, 17 minutes",
            "System returned to ROM by Reload Command at 11:29:34 CET Thu Nov 2 2023",
            "System restarted at 11:41:27 CET Thu Nov 2 2023",
        ],
    ),
    # VRP display version: the chassis and every board's uptime
    (
        "vrp",
        "version",
        "vrp/s7706_display_version_ntc.txt",
        [
            "Quidway S7706 Terabit Routing Switch uptime is 85 weeks, 4 days, 0 hour, 10 minutes",
            "MPU 7(Master)  : uptime is 85 weeks, 4 days, 0 hour, 9 minutes",
            "MPU 8(Slave)  : uptime is 85 weeks, 4 days, 0 hour, 8 minutes",
            "LPU 1  : uptime is 85 weeks, 4 days, 0 hour, 7 minutes",
            "CMU 9(Master)  : uptime is 85 weeks, 4 days, 0 hour, 9 minutes",
        ],
    ),
    # VRP configuration head: "!Software Version" stays (an upgrade is a real change); nothing dropped
    ("vrp", "config", "vrp/ar_v200r009_current-configuration_head_frinx.txt", []),
    # Comware display version: "… uptime is" and the per-slot "Uptime is" (Oxidized comware.rb /uptime/i)
    (
        "comware",
        "version",
        "comware/hpe5130_cmw7.1.070_display_version_oxidized.txt",
        [
            "HPE 5130 48G PoE+ 4SFP+ EI Switch uptime is 16 weeks, 6 days, 23 hours, 5 minutes",
            "Uptime is 16 weeks,6 days,23 hours,5 minutes",
        ],
    ),
    # Comware manuinfo and full configurations: nothing volatile, nothing dropped
    ("comware", "display-device-manuinfo", "comware/ff5930_display_device_manuinfo_ntc.txt", []),
    ("comware", "config", "comware/hpe5900_cmw7.1.045_startup-cfg_xod442fig.cfg", []),
    ("comware", "config", "comware/cmw7.1.045_irf_current-configuration_netutils.txt", []),
]


@pytest.mark.parametrize("platform, rel, sample, dropped", FILE_CASES, ids=[c[2] for c in FILE_CASES])
def test_normalisation_drops_exactly_the_volatile_lines(
    platform: str, rel: str, sample: str, dropped: list[str]
) -> None:
    raw = _read(sample)
    out = rules_for(platform).normalise(rel, raw)
    assert out.splitlines() == _expect(raw, dropped)
    for line in dropped:
        assert line not in out


#: Lines quoted in the issues that reported them, inserted where the device prints them.
ISSUE_CASES = [
    # #1218 (AntiDDoS8000) and PR #2933 (USG): VRP prints the time before each display command
    ("vrp", "version", "vrp/s7706_display_version_ntc.txt", "2018-03-14 19:42:14.040 +01:00"),
    ("vrp", "version", "vrp/s7706_display_version_ntc.txt", "2023-09-07 12:40:38.430 +09:00"),
    # #2188: `exec prompt timestamp` prints load and time before every IOS output
    (
        "ios",
        "config",
        "ios/c881_ios15.4_pynet-rtr1_running-config_pynet.txt",
        "Load for five secs: 3%/0%; one minute: 2%; five minutes: 1%",
    ),
    (
        "ios",
        "config",
        "ios/c881_ios15.4_pynet-rtr1_running-config_pynet.txt",
        "Time source is SNTP, 11:26:48.554 JST Tue Sep 22 2020",
    ),
    # #1754, #1447: HP 19x0 answers `undo terminal monitor` into the next output
    (
        "comware",
        "version",
        "comware/hpe5130_cmw7.1.070_display_version_oxidized.txt",
        "Current terminal monitor is off.",
    ),
    (
        "comware",
        "version",
        "comware/hpe5130_cmw7.1.070_display_version_oxidized.txt",
        "Info: Current terminal monitor is off.",
    ),
]


@pytest.mark.parametrize("platform, rel, sample, line", ISSUE_CASES, ids=[c[3][:30] for c in ISSUE_CASES])
def test_issue_lines_before_an_output_are_dropped(platform: str, rel: str, sample: str, line: str) -> None:
    raw = _read(sample)
    rules = rules_for(platform)
    assert rules.normalise(rel, line + "\n" + raw) == rules.normalise(rel, raw)
    assert line not in rules.normalise(rel, line + "\n" + raw)


def test_comware_hash_line_flap_and_cr_do_not_diff() -> None:
    """#3631/#3733: a Comware 7 `# ` line (trailing blank) on one read, `#` on the next; CRLF on one,
    LF on the other (the fig startup.cfg mixes both): the same normalised text."""
    raw = _read("comware/hpe5900_cmw7.1.045_startup-cfg_xod442fig.cfg")
    flapped = raw.replace("\r\n", "\n").replace("\n#\n", "\n# \n")
    assert flapped != raw
    rules = rules_for("comware")
    assert rules.normalise("config", flapped) == rules.normalise("config", raw)


def test_manuinfo_unprogrammed_eeprom_bytes_are_dropped() -> None:
    """Oxidized comware.rb drops manuinfo lines holding byte 0xFF (unprogrammed EEPROM fields);
    the corpus sample has none, so one such line (as a terminal decodes it) is added to it."""
    raw = _read("comware/ff5930_display_device_manuinfo_ntc.txt")
    rules = rules_for("comware")
    bad = "VENDOR_NAME          : \u00ff\u00ff\u00ff\u00ff"
    assert rules.normalise("display-device-manuinfo", raw + bad + "\n") == rules.normalise(
        "display-device-manuinfo", raw
    )


def test_a_real_configuration_change_is_kept() -> None:
    raw = _read("ios/c881_ios15.4_pynet-rtr1_running-config_pynet.txt")
    rules = rules_for("ios")
    changed = raw.replace("hostname pynet-rtr1", "hostname pynet-rtr2")
    assert changed != raw
    assert rules.normalise("config", changed) != rules.normalise("config", raw)
