"""playbooks/harden_network.yml (and harden.yml) on the lab's non-compliant VRP, Comware and IOS devices
(issue 12): --check --diff changes nothing and lists what the real run then changes; the real run,
through `harden.yml` with its audit before and after, brings the network items it covers from
不符合/部分符合 to 符合; a second run changes nothing; a fresh management login still works; an approved
exception is skipped (VRP: NTP); a command the device refuses rolls the device back to its exact
pre-change configuration. Each device is reset to its seeded configuration first and last (`courtops
lab device --reset`), so the audit's own lab tests keep their verdicts.

Kept cheap for CI (every playbook process and every network task costs: each task starts a Python
`ansible-connection` helper per device): the check run, the real run (harden.yml, whose own audits
before and after are the audits the tests read — no separate audit runs), the idempotence run and the
ad-hoc login are the session's ONE combined hardening of the Linux test hosts and these three devices
together (``harden_combined``, tests/integration/harden_combined.py), which test_harden_lab.py reads
too. The refused-command case runs once per vendor here, the three side by side and limited to two
controls: the rollback is not shared code — IOS `configure replace`, Comware `configuration replace
file` and the VRP undo commands each have their own rollback.yml — and a failed device stops a
combined run before the next vendor's play (Ansible ends the playbook when a whole batch fails), so one
combined run would only ever roll back the first vendor."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from courtops.harden import netconfig
from courtops.lab.harden_vars import lab_secret_hash

from .conftest import REPO_ROOT, Lab
from .harden_combined import PLATFORMS, Combined, Run, reset, running

pytestmark = pytest.mark.lab

HARDEN_NETWORK = REPO_ROOT / "playbooks" / "harden_network.yml"
#: the network items the roles cover, per platform
COVERED = {
    "vrp": ["L3-CES1-01", "L3-CES1-02", "L3-CES1-03", "L3-CES1-05", "L3-CES1-06", "L3-CES1-14", "L3-CES1-18", "L3-CES1-19", "L3-CES1-25", "L3-CES1-28"],
    "comware": ["L3-CES1-01", "L3-CES1-02", "L3-CES1-03", "L3-CES1-05", "L3-CES1-06", "L3-CES1-13", "L3-CES1-14", "L3-CES1-18", "L3-CES1-19", "L3-CES1-25", "L3-CES1-28"],
    "ios": ["L3-CES1-02", "L3-CES1-03", "L3-CES1-05", "L3-CES1-06", "L3-CES1-13", "L3-CES1-14", "L3-CES1-18", "L3-CES1-19", "L3-CES1-25", "L3-CES1-28"],
}  # fmt: skip
LABEL = {"vrp": "VRP", "comware": "Comware", "ios": "IOS"}  # the roles' task name prefixes
BAD_LOGHOST = "10.0.0.300"  # every vendor refuses an address with an octet above 255


def _play(lab: Lab, path: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    """rc, the JSON callback's data, and its text (non-ASCII unescaped) with stderr."""
    proc = lab.playbook(path, *extra)
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return proc.returncode, {}, proc.stdout + proc.stderr
    return proc.returncode, data, json.dumps(data, ensure_ascii=False, indent=1) + proc.stderr


def _verdicts(out: Path, hosts: dict[str, str]) -> dict[str, dict[str, str]]:
    """{platform: {control id: verdict}} from an audit export of harden.yml."""
    rows = json.loads((out / "latest" / "findings.json").read_text(encoding="utf-8"))
    by_host = {host: platform for platform, host in hosts.items()}
    found: dict[str, dict[str, str]] = {p: {} for p in hosts}
    for r in rows:
        if r["host"] in by_host:
            found[by_host[r["host"]]][r["control_id"]] = r["verdict"]
    return found


def _refused(lab: Lab, platform: str, host: str, tmp: Path) -> dict[str, Any]:
    reset(lab, host)
    r: dict[str, Any] = {"pre_failure": running(lab, host)}
    bad = json.dumps({f"harden_{platform}_loghosts": [BAD_LOGHOST]})
    base = ("-e", f"target={host}", "-e", f"harden_output_dir={tmp / 'failed' / platform}", "-e", "change_id=LAB-FAIL")  # fmt: skip
    r["failed"] = _play(lab, HARDEN_NETWORK, *base, "--tags", "L3-CES1-03,L3-CES1-14", "-e", bad)
    r["after_failure"] = running(lab, host)
    return r


def _combined(run: Run) -> tuple[int, dict[str, Any], str]:
    """A combined run as this module's runs are: rc, the JSON callback's data, its text with stderr."""
    return run.proc.returncode, run.data, run.text


@pytest.fixture(scope="module")
def runs(lab: Lab, harden_combined: Combined, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("harden-network")
    c = harden_combined
    hosts = c.devices
    real = c.runs["real"]
    r: dict[str, Any] = {"hosts": hosts}
    r["seeded"] = c.seeded_config
    r["check"] = _combined(c.runs["check"])
    r["after_check"] = c.config_after_check
    # the real run through harden.yml: its audits before and after are the ones the tests read
    r["first"] = _combined(real)
    r["hardened"] = c.hardened_config
    r["before"] = _verdicts(real.out / "audit-before", hosts)
    r["after"] = _verdicts(real.out / "audit-after", hosts)
    r["second"] = _combined(c.runs["again"])
    r["login"] = c.device_login
    backups = sorted((real.out / "network-backup").rglob("*-pre.cfg"))
    r["backups"] = {p: [b.name for b in backups if b.name == f"{h}-pre.cfg"] for p, h in hosts.items()}
    r["backup_text"] = {p: "".join(b.read_text(encoding="utf-8") for b in backups if b.name == f"{h}-pre.cfg") for p, h in hosts.items()}  # fmt: skip
    try:
        with ThreadPoolExecutor(max_workers=len(PLATFORMS)) as pool:
            futures = {p: pool.submit(_refused, lab, p, h, tmp) for p, h in hosts.items()}
            r["refused"] = {p: f.result() for p, f in futures.items()}
    finally:
        for host in hosts.values():
            reset(lab, host)
    return r


def _stats(run: tuple[int, dict[str, Any], str], host: str) -> dict[str, int]:
    return dict(run[1].get("stats", {}).get(host, {}))


def _changed(run: tuple[int, dict[str, Any], str], host: str, controls_only: bool = False) -> list[str]:
    names = [
        t["task"]["name"]
        for play in run[1].get("plays", [])
        for t in play["tasks"]
        if t["hosts"].get(host, {}).get("changed")
    ]
    # the JSON callback names a role's task `role : name`
    return [n for n in names if n.split(" : ", 1)[-1].startswith("L3-")] if controls_only else names


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_audit_finds_the_device_non_compliant_first(runs: dict[str, Any], platform: str) -> None:
    before = runs["before"][platform]
    failing = [cid for cid in COVERED[platform] if before.get(cid) in ("不符合", "部分符合")]
    assert len(failing) >= 4, before


@pytest.mark.parametrize("platform", PLATFORMS)
def test_check_mode_previews_exactly_what_the_real_run_changes_and_changes_nothing(
    runs: dict[str, Any], platform: str
) -> None:
    host = runs["hosts"][platform]
    rc, _, text = runs["check"]
    assert rc == 0, text[-3000:]
    assert _stats(runs["check"], host).get("changed", 0) > 0, "the preview lists what would change"
    assert runs["after_check"][platform] == runs["seeded"][platform], "--check sent nothing"
    preview = _changed(runs["check"], host, controls_only=True)
    assert len(preview) >= 4, preview
    assert preview == _changed(runs["first"], host, controls_only=True), "the preview is what the run changed"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_hardened_device_is_compliant_and_a_second_run_changes_nothing(
    runs: dict[str, Any], platform: str
) -> None:
    host = runs["hosts"][platform]
    for run in ("first", "second"):
        assert runs[run][0] == 0, runs[run][2][-3000:]
    assert _stats(runs["first"], host)["changed"] > 0
    assert _stats(runs["second"], host)["changed"] == 0, _changed(runs["second"], host)
    after = runs["after"][platform]
    assert {cid: after.get(cid) for cid in COVERED[platform]} == dict.fromkeys(COVERED[platform], "符合")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_management_login_still_works_with_a_fresh_connection(runs: dict[str, Any], platform: str) -> None:
    result = runs["login"][runs["hosts"][platform]]
    assert not result.get("failed") and not result.get("unreachable"), result
    assert "Version" in result["stdout"] or "VERSION" in result["stdout"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_configuration_is_backed_up_first_and_masked(runs: dict[str, Any], platform: str) -> None:
    assert runs["backups"][platform], "a pre-change copy on the controller"
    text = runs["backup_text"][platform]
    assert "（已隐藏" in text, "its secrets are masked"
    assert "LabOnlyHash" not in text and "LabOnlySalt" not in text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_court_s_accounts_are_applied_and_no_hash_is_shown(runs: dict[str, Any], platform: str) -> None:
    host, hardened, netops = (
        runs["hosts"][platform],
        runs["hardened"][platform],
        lab_secret_hash(platform, "netops"),
    )
    assert not re.search(r"^\s*(local-user|username) admin\b", hardened, re.M), "the default account is gone"
    assert re.search(r"^\s*(local-user|username) labops\b", hardened, re.M), "the management account stays"
    assert netops in hardened, "netops keeps the court's irreversible hash"
    # the tasks that plan and send the hash show none of it (no_log); the running configuration the
    # roles read is printed as the device holds it, and holds the hash once it is set
    assert netops not in runs["check"][2], "the preview does not show the hash"
    for run in ("check", "first"):
        sending = [
            t
            for play in runs[run][1].get("plays", [])
            for t in play["tasks"]
            # the JSON callback names a role's task `role : name`
            if host in t["hosts"]
            and t["task"]["name"]
            .split(" : ", 1)[-1]
            .startswith(("L3-CES1-28", f"Harden {LABEL[platform]} | account"))
        ]
        assert len(sending) >= 2 and netops not in json.dumps(sending), (
            f"{run}: the hash is censored where it is sent"
        )
    if platform != "ios":  # the console asks for an account
        console = {
            "vrp": r"user-interface con 0\n authentication-mode aaa",
            "comware": r"line aux 0\n authentication-mode scheme",
        }
        assert re.search(console[platform], hardened), hardened


def test_an_approved_exception_is_skipped_and_shown_as_such(runs: dict[str, Any]) -> None:
    hardened = runs["hardened"]["vrp"]
    assert "ntp-service unicast-server" not in hardened, "L3-CES1-13 excepted: NTP not configured"
    assert "info-center loghost" in hardened, "the other controls are applied"
    assert runs["after"]["vrp"]["L3-CES1-13"] == "已批准例外"
    assert "ntp server" in runs["hardened"]["ios"], "the exception is the VRP device's only"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_refused_command_rolls_the_device_back(runs: dict[str, Any], platform: str) -> None:
    host = runs["hosts"][platform]
    r = runs["refused"][platform]
    rc, _, text = r["failed"]
    stats = _stats(r["failed"], host)
    assert rc != 0 and stats.get("failures") == 1 and stats.get("rescued") == 1, text[-3000:]
    assert "已回退到变更前配置" in text
    assert r["after_failure"] != runs["hardened"][platform]
    assert netconfig.same(r["pre_failure"], r["after_failure"], platform), (
        "back to the pre-change configuration"
    )
    assert BAD_LOGHOST not in r["after_failure"]
