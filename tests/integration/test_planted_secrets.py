"""Planted secrets never reach anything courtops writes (issue 10.1).

Secrets of every form are planted on the lab — a Linux account's SHA-512 shadow hash (and its password), a
private key file, a private key and a password inside a file the collector reads, an SNMP community in a
device's inventory vars, the lab's SNMPv3 keys — then the audit and the inspection run (every result's
content recorded), the reports are rendered in every format and the findings exported, and the store (with
its WAL), the error file, the exports, the reports (XLSX unpacked, PDF through pdftotext) and the Ansible
output are searched for each planted value.

Network devices hold secrets in their vendors' own forms: a VRP ``%^%#`` cipher and a
``local-user … password irreversible-cipher`` value, a Comware community and ``password simple`` /
``$c$`` key, an IOS community and ``username … password 0`` are configured on the lab's spares
(``lab-vrp-spare``, ``lab-cmw-spare``, ``lab-ios-spare``) through network_cli, audited and inspected
with the rest, and the spares are reset to their factory configuration afterwards.

Forms are data: a form is added by appending a ``Planted`` to ``forms()`` with the function that plants it.
"""

from __future__ import annotations

import json
import os
import secrets as pysecrets
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from courtops import REPO_ROOT
from courtops.lab.plan import HostSpec
from courtops.secrets import mask_text, rules_for
from courtops.store import Store

from .conftest import BIN, Lab
from .test_recorder import assert_secret_absent

pytestmark = pytest.mark.lab

PLANT_HOST_PROFILE = "baseline"
PLANTED_USER = "courtops_planted"
PLANTED_FILE = "/etc/profile.d/zz-courtops-planted.sh"  # a file the Linux collector reads
PLANTED_KEY = "/etc/ssh/courtops_planted_key"
PLANT_DEVICE_PROFILE = "printer_low_toner"
PLANT_NETWORK = REPO_ROOT / "tests" / "integration" / "playbooks" / "plant_network_secrets.yml"
#: each spare's planted configuration lines, ``{}`` standing for the planted value; the lines stay
#: recognisable after masking (the test checks the audit read them)
NETWORK_FORMS: dict[str, dict[str, str]] = {
    "vrp": {
        "VRP SNMP community (%^%# cipher)": "snmp-agent community read cipher %^%#{}%^%#",
        "VRP local-user password (irreversible-cipher)": "aaa\n local-user plantops password irreversible-cipher {}",
    },
    "comware": {
        "Comware SNMP community (simple)": "snmp-agent community read simple {}",
        "Comware local-user password (simple)": "local-user plantops class manage\n password simple {}",
        "Comware RADIUS key ($c$ cipher)": "radius scheme plant\n key authentication cipher $c$3${}==",
    },
    "ios": {
        "IOS SNMP community": "snmp-server community {} RO",
        "IOS username password (type 0)": "username plantops password 0 {}",
        "IOS ISAKMP pre-shared key": "crypto isakmp key {} address 10.250.0.7",
    },
}
#: the masked lines the audit must have stored (proof that it read the planted configuration)
NETWORK_MASKED = {
    "vrp": "snmp-agent community read cipher （已隐藏）",
    "comware": " password simple （已隐藏）",
    "ios": "snmp-server community （已隐藏） RO",
}


@dataclass
class Site:
    """Where the planting happens and what the runs need to see it."""

    lab: Lab
    work: Path
    host: HostSpec  # the Linux host
    device: HostSpec  # the SNMP device with a planted community
    overlay: dict[str, dict[str, object]]  # host vars layered over the lab inventory
    network: dict[str, list[str]]  # platform -> configuration lines to plant on its spare


@dataclass
class Planted:
    form: str
    value: str  # what must not appear anywhere
    plant: Callable[[Site, str], None]


def _ansible(site: Site, module: str, args: str) -> None:
    got = site.lab.ansible(site.host.name, module, args, become=True)[site.host.name]
    assert not got.get("failed") and not got.get("unreachable"), got


def _sha512_crypt(password: str) -> str:
    salt = pysecrets.token_hex(8)
    out = subprocess.run(["openssl", "passwd", "-6", "-salt", salt, password], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _keypair(work: Path) -> tuple[Path, str]:
    key = work / "planted_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(key)], check=True)
    body = key.read_text(encoding="ascii").splitlines()[1:-1]
    return key, "".join(body)[20:70]  # a stretch of the key body: what must not leak


def plant_shadow_hash(site: Site, password: str) -> None:
    crypt = _sha512_crypt(password)
    site.work.joinpath("crypt").write_text(crypt, encoding="ascii")
    _ansible(site, "ansible.builtin.user", f"name={PLANTED_USER} shell=/bin/bash password={crypt}")


def shadow_hash_value(site: Site) -> str:
    return site.work.joinpath("crypt").read_text(encoding="ascii").rsplit("$", 1)[1]


def plant_key_files(site: Site, _: str) -> None:
    key = site.work / "planted_ed25519"
    _ansible(site, "ansible.builtin.copy", f"src={key} dest={PLANTED_KEY} mode=0600")


def plant_config_file(site: Site, db_password: str) -> None:
    key_text = (site.work / "planted_ed25519").read_text(encoding="ascii").strip()
    text = (
        "# nightly sync job (planted by the courtops secrets test)\n"
        f"SYNC_KEY='{key_text}'\n"
        f"export DB_PASSWORD={db_password}\n"
        "export TMOUT=600\n"
    )
    local = site.work / "planted.sh"
    local.write_text(text, encoding="utf-8")
    _ansible(site, "ansible.builtin.copy", f"src={local} dest={PLANTED_FILE} mode=0644")


def plant_snmp_community(site: Site, community: str) -> None:
    site.overlay.setdefault(site.device.name, {})["courtops_snmp_community"] = community


def network_form(platform: str, line: str) -> Callable[[Site, str], None]:
    """Plants ``line`` (``{}``: the value) on the spare of ``platform``; push_network_forms configures them."""

    def plant(site: Site, value: str) -> None:
        site.network.setdefault(platform, []).append(line.format(value))

    return plant


def push_network_forms(site: Site) -> None:
    """Configure every planted network line on its spare through network_cli (cli_config)."""
    config = {platform: "\n".join(lines) for platform, lines in site.network.items()}
    extra = site.work / "network.json"
    extra.write_text(json.dumps({"planted_config": config}), encoding="utf-8")
    proc = site.lab.playbook(PLANT_NETWORK, "-e", f"courtops_bin={BIN / 'courtops'}", "-e", f"@{extra}")
    # cli_config echoes the pushed lines: the failure message is masked, as any test output must be
    assert proc.returncode == 0, mask_text(proc.stdout[-3000:] + proc.stderr[-2000:], rules_for(None))


def reset_spares(lab: Lab) -> None:
    proc = lab.playbook(
        PLANT_NETWORK, "-e", f"courtops_bin={BIN / 'courtops'}", "-e", "plant_reset_only=true"
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def no_plant(site: Site, _: str) -> None:
    """The value is already in the lab inventory (the SNMPv3 device's keys)."""


def forms(work: Path, lab: Lab) -> list[Planted]:
    _, key_body = _keypair(work)
    v3 = next(d for d in lab.snmp if str(d.vars.get("courtops_snmp_version")) == "3")
    return [
        Planted("Linux account password", "Pl4nted-" + pysecrets.token_hex(6), plant_shadow_hash),
        Planted("private key file", key_body, plant_key_files),
        Planted("password in a collected config file", "Db-" + pysecrets.token_hex(8), plant_config_file),
        Planted("SNMP community (inventory vars)", "Comm-" + pysecrets.token_hex(6), plant_snmp_community),
        Planted("SNMPv3 auth key (lab inventory)", str(v3.vars["courtops_snmp_v3_auth_key"]), no_plant),
        Planted("SNMPv3 priv key (lab inventory)", str(v3.vars["courtops_snmp_v3_priv_key"]), no_plant),
        *(
            Planted(form, "Net" + pysecrets.token_hex(8), network_form(platform, line))
            for platform, lines in NETWORK_FORMS.items()
            for form, line in lines.items()
        ),
    ]


@pytest.fixture(scope="module")
def planted(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, list[Planted], Path]]:
    work = tmp_path_factory.mktemp("planting")
    out = tmp_path_factory.mktemp("written")  # everything courtops writes in these runs, and the logs
    host = next(h for h in lab.linux if h.profile == PLANT_HOST_PROFILE)
    device = next(d for d in lab.snmp if d.profile == PLANT_DEVICE_PROFILE)
    site = Site(lab, work, host, device, {}, {})
    planted_forms = forms(work, lab)
    try:
        for p in planted_forms:
            p.plant(site, p.value)
        push_network_forms(site)
        # the shadow hash is a secret of its own (the password is not the only thing to keep)
        planted_forms.append(Planted("SHA-512 shadow hash", shadow_hash_value(site), no_plant))
        run_everything(site, out)
        yield site, planted_forms, out
    finally:
        lab.ansible(
            host.name, "ansible.builtin.user", f"name={PLANTED_USER} state=absent remove=true", become=True
        )
        for path in (PLANTED_FILE, PLANTED_KEY):
            lab.ansible(host.name, "ansible.builtin.file", f"path={path} state=absent", become=True)
        reset_spares(lab)


def run_everything(site: Site, out: Path) -> None:
    """Audit and inspection (all result content recorded), reports in every format, both exports."""
    overlay = site.work / "overlay.yml"
    overlay.write_text(yaml.safe_dump({"all": {"hosts": site.overlay}}), encoding="utf-8")
    store = out / "courtops.sqlite3"
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
        "COURTOPS_STORE": str(store),
        "COURTOPS_RECORDER_CONTENT": "all",  # the strictest case: every result's content is stored
    }
    spares = ",".join(s.name for s in site.lab.spares)
    scope = f"{site.host.name},{site.device.name},{_v3_device(site.lab).name},{spares},localhost"
    inventories = ["-i", str(site.lab.inventory), "-i", str(overlay)]
    runs = {
        "audit": [str(REPO_ROOT / "playbooks" / "audit.yml"), "-e", f"dengbao_output_dir={out / 'audit'}"],
        "inspect": [str(REPO_ROOT / "playbooks" / "inspect.yml"), "-e", "profile=monthly"],
    }
    for name, args in runs.items():
        proc = subprocess.run(
            [str(BIN / "ansible-playbook"), *inventories, "-l", scope, *args],
            env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
        (out / f"{name}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    courtops = str(BIN / "courtops")
    for report, kind in (("dengbao", "audit"), ("inspection", "inspect")):
        proc = subprocess.run(
            [courtops, "report", "--store", str(store), "--report", report, "--kind", kind,
             "--out", str(out / "reports" / report)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        (out / f"report-{report}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        assert proc.returncode == 0, proc.stdout + proc.stderr
    for fmt in ("json", "csv"):
        proc = subprocess.run(
            [courtops, "findings", "--store", str(store), "--format", fmt],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        (out / f"findings.{fmt}").write_text(proc.stdout, encoding="utf-8")


def _v3_device(lab: Lab) -> HostSpec:
    return next(d for d in lab.snmp if str(d.vars.get("courtops_snmp_version")) == "3")


def test_the_runs_saw_what_was_planted(planted: tuple[Site, list[Planted], Path]) -> None:
    """Not vacuous: the collector read the planted file, the audit judged the host, every format exists."""
    site, _, out = planted
    with Store(out / "courtops.sqlite3", create=False) as st:
        audit = st.get_run("latest", kind="audit")
        collected = [
            r
            for r in st.task_results(audit.id)
            if r.host == site.host.name and r.task == "Collect Linux evidence in one call"
        ]
        assert collected and PLANTED_FILE in str(collected[0].content)
        assert "export TMOUT=600" in str(collected[0].content)  # the file's other content is kept
        assert "（已隐藏" in str(collected[0].content)
        assert {f.host for f in st.findings(audit.id)} >= {site.host.name}
        inspect = st.get_run("latest", kind="inspect")
        reach = {m.host: m.text for m in st.metrics(inspect.id) if m.name == "reachability"}
        assert "snmp" in reach[_v3_device(site.lab).name]  # the inspection read the v3 device over SNMPv3
        # each spare's configuration was read with the planted lines in it, and stored masked
        for spare in site.lab.spares:
            stored = "\n".join(
                str(r.content) for r in st.task_results(audit.id) if r.host == spare.name and r.content
            )
            assert NETWORK_MASKED[spare.platform] in stored, (spare.name, stored[-2000:])
        assert {s.name for s in site.lab.spares} <= {f.host for f in st.findings(audit.id)}
    names = {p.name for p in (out / "reports").rglob("*") if p.is_file()}
    assert {"dengbao.html", "dengbao.xlsx", "dengbao.pdf"} <= names
    assert any(n.startswith("inspection") and n.endswith(".pdf") for n in names), names


def test_no_planted_secret_appears_anywhere_courtops_writes(
    planted: tuple[Site, list[Planted], Path],
) -> None:
    _, forms_, out = planted
    with sqlite3.connect(out / "courtops.sqlite3") as db:  # fold the WAL into the file that is searched
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    searched = [p.name for p in out.rglob("*") if p.is_file()]
    assert "audit.log" in searched and "findings.json" in searched
    for p in forms_:
        assert_secret_absent(out, p.value), p.form
