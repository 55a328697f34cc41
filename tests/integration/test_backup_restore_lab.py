"""Server backup and restore drills on the real lab (lab id from COURTOPS_LAB_ID).

- every Linux host backed up through playbooks/backup.yml; a second run commits nothing;
- a planted /etc/shadow hash and a planted private key appear nowhere in the git history, and the
  encrypted full copy gives them back;
- restore onto a spare of the same platform with each vendor's mechanism (Comware configuration
  replace file, VRP startup file + reboot) verifies; a spare of another platform is refused;
- a restore onto the device itself after a change (IOS configure replace) brings the revision back;
- every restore is a drill row (spare_swap / restore) and a run of kind restore in the results store.

The devices changed are the spares, reset before and after (the audit and inspection tests keep their
verdicts); the planted user and key are removed afterwards.
"""

from __future__ import annotations

import os
import secrets as pysecrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from courtops.backup.repo import BackupRepo
from courtops.backup.restore import identity_line, normalised
from courtops.emergency.plan import load as load_plan
from courtops.store import Store
from tests.integration.conftest import BIN, REPO_ROOT, Lab

pytestmark = pytest.mark.lab

PLANTED_USER = "courtops-restore-drill"
PLANTED_KEY = "/etc/ssl/private/courtops-drill.key"
BACKUP = REPO_ROOT / "playbooks" / "backup.yml"
RESTORE = REPO_ROOT / "playbooks" / "restore.yml"


@dataclass
class Site:
    lab: Lab
    env: dict[str, str]
    repo: Path
    store: Path

    def playbook(self, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(BIN / "ansible-playbook"), "-i", str(self.lab.inventory), str(path), *extra]
        return subprocess.run(cmd, capture_output=True, text=True, env=self.env, cwd=REPO_ROOT, check=False)

    def commits(self) -> int:
        out = subprocess.run(
            ["git", "-C", str(self.repo), "rev-list", "--count", "HEAD"], capture_output=True, text=True
        )
        return int(out.stdout.strip() or 0)


@dataclass
class Backed:
    site: Site
    crypt: str
    key_body: str
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    commits: tuple[int, int]


def _device(lab: Lab, name: str, *args: str) -> None:
    env = dict(os.environ)
    subprocess.run(
        [str(BIN / "courtops"), "lab", "device", name, *args], check=True, env=env, capture_output=True
    )


def _reset_spares(lab: Lab) -> None:
    for spare in lab.spares:
        _device(lab, spare.name, "--reset")


def _sha512_crypt(password: str) -> str:
    out = subprocess.run(
        ["openssl", "passwd", "-6", "-salt", pysecrets.token_hex(8), password], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


DRILL_UNIT = "courtops-drill.service"
LOCAL_PKG = "courtops-drill-local"  # installed on the original from a file: no package source has it


def _reset_host(name: str) -> None:
    subprocess.run([str(BIN / "courtops"), "lab", "host", name, "--reset"], check=True, capture_output=True)


def _drill_source(lab: Lab) -> str:
    """The original of the Linux drill onto a fresh host: a hardened host the other tests here leave alone."""
    return next(h for h in lab.linux[2:] if h.profile == "hardened").name


def _drill_change(lab: Lab) -> str:
    """What the drill's original gets before the module's backup: an sshd setting, a unit of its own enabled
    and running, the lab repository's security suite as a source and a package from it, and a package
    installed from a file (built on the host) that no source has."""
    from courtops.lab.aptrepo import mirror_url

    pkg = f"/root/{LOCAL_PKG}"
    return (
        "printf 'ClientAliveInterval 240\\n' > /etc/ssh/sshd_config.d/50-courtops-drill.conf && sshd -t"
        " && systemctl reload ssh"
        f" && printf '[Unit]\\nDescription=drill\\n[Service]\\nExecStart=/bin/sleep infinity\\n"
        f"[Install]\\nWantedBy=multi-user.target\\n' > /etc/systemd/system/{DRILL_UNIT}"
        f" && systemctl daemon-reload && systemctl enable --now {DRILL_UNIT}"
        f" && echo 'deb [trusted=yes] {mirror_url(lab.cfg, 'intranet')}/security ./'"
        " > /etc/apt/sources.list.d/courtops-lab-security.list"
        " && apt-get update -o Dir::Etc::sourcelist=- -o Dir::Etc::sourceparts=/etc/apt/sources.list.d"
        " && DEBIAN_FRONTEND=noninteractive apt-get install -y courtops-secpkg=1.1"
        f" && mkdir -p {pkg}/DEBIAN && printf 'Package: {LOCAL_PKG}\\nVersion: 0.1\\nArchitecture: all\\n"
        "Maintainer: lab <lab@courtops.invalid>\\nDescription: from a file, in no package source\\n'"
        f" > {pkg}/DEBIAN/control && dpkg-deb --root-owner-group --build {pkg} {pkg}.deb >/dev/null"
        f" && dpkg -i {pkg}.deb >/dev/null"
    )


@pytest.fixture(scope="module")
def backed(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backed]:
    work = tmp_path_factory.mktemp("restore")
    env = dict(lab.env) | {
        "COURTOPS_STORE": str(work / "store.sqlite3"),
        "COURTOPS_BACKUP_REPO": str(work / "backups"),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
        "ANSIBLE_CALLBACKS_ENABLED": "courtops_recorder",  # restore runs are recorded (kind restore)
    }
    site = Site(lab, env, work / "backups", work / "store.sqlite3")
    host = lab.linux[0].name
    crypt = _sha512_crypt(pysecrets.token_urlsafe(12))
    key = work / "planted"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(key)], check=True)
    key_body = "".join(key.read_text(encoding="ascii").splitlines()[1:-1])[20:70]
    planted = lab.ansible(host, "ansible.builtin.user", f"name={PLANTED_USER} password={crypt}", become=True)
    assert not planted[host].get("failed"), planted
    copied = lab.ansible(host, "ansible.builtin.copy", f"src={key} dest={PLANTED_KEY} mode=0600", become=True)
    assert not copied[host].get("failed"), copied
    _reset_spares(lab)
    drilled = _drill_source(lab)
    try:
        changed = lab.ansible(drilled, "ansible.builtin.shell", _drill_change(lab), become=True)
        assert not changed[drilled].get("failed"), changed[drilled].get("stderr", changed)[-2000:]
        target = "linux_deb:linux_rpm:spares:lab-vrp-01:lab-cmw-01"
        first = site.playbook(BACKUP, "-e", f"target={target}")
        after_first = site.commits()
        second = site.playbook(BACKUP, "-e", f"target={target}")
        yield Backed(site, crypt, key_body, first, second, (after_first, site.commits()))
    finally:
        _reset_spares(lab)
        lab.ansible(
            host, "ansible.builtin.user", f"name={PLANTED_USER} state=absent remove=true", become=True
        )
        lab.ansible(host, "ansible.builtin.file", f"path={PLANTED_KEY} state=absent", become=True)
        _reset_host(drilled)  # back to its profile, for the audit and inspection tests


def test_linux_hosts_backed_up_and_second_run_commits_nothing(backed: Backed) -> None:
    site = backed.site
    assert backed.first.returncode == 0, backed.first.stdout[-4000:]
    assert backed.second.returncode == 0, backed.second.stdout[-4000:]
    repo = BackupRepo(site.repo)
    for host in site.lab.linux:
        files = repo.show(host.name)
        assert (
            "==> etc/passwd <==" in files
            and "==> packages.txt <==" in files
            and "==> manifest.txt <==" in files
        )
    first, second = backed.commits
    assert second == first  # the unchanged rerun commits nothing
    body = subprocess.run(
        ["git", "-C", str(site.repo), "log", "-1", "--format=%s%n%b"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert body.startswith("配置备份 ") and all(
        h.name in body for h in site.lab.linux
    )  # the first run's commit
    with Store(site.store, create=False) as store:
        statuses = {s.host: s.status for s in store.backup_statuses()}
    assert all(statuses[h.name] == "ok" for h in site.lab.linux), statuses


def test_shadow_hashes_and_private_keys_nowhere_in_git_history(backed: Backed) -> None:
    repo_dir = backed.site.repo
    history = subprocess.run(
        ["git", "-C", str(repo_dir), "log", "-p", "--all", "--text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    hash_body = backed.crypt.rsplit("$", 1)[1]
    assert PLANTED_USER in history  # the account is there, its hash is not
    assert hash_body not in history and backed.key_body not in history
    # the encrypted full copy gives both back, for a restore
    full = BackupRepo(repo_dir).full_copy(backed.site.lab.linux[0].name)
    assert hash_body in full["etc/shadow"] and backed.key_body in full["etc/ssl/private/courtops-drill.key"]


def _drills(site: Site) -> list[tuple[str, str, str, str]]:
    with Store(site.store, create=False) as store:
        return [(d.kind, d.target, d.source.split("@")[0], d.result) for d in store.drills()]


@pytest.mark.parametrize(
    ("platform", "source", "spare"),
    [("comware", "lab-cmw-01", "lab-cmw-spare"), ("vrp", "lab-vrp-01", "lab-vrp-spare")],
)
def test_restore_to_a_spare_verifies(backed: Backed, platform: str, source: str, spare: str) -> None:
    site = backed.site
    proc = site.playbook(RESTORE, "-e", f"host={source}", "-e", f"to={spare}")
    assert proc.returncode == 0, proc.stdout[-5000:]
    repo = BackupRepo(site.repo)
    stored = repo.full_copy(source)["config"]
    after = repo.full_copy(spare)["config"]  # the spare's backup taken after the restore
    own, theirs = identity_line(platform, after), identity_line(platform, stored)
    assert own and theirs and own != theirs  # the spare kept its own name
    assert normalised(platform, after) == normalised(platform, stored.replace(theirs, own, 1))
    assert ("spare_swap", spare, source, "ok") in _drills(site)
    # the drill names no scenario of its own, so the quarterly report judges it against the emergency
    # plan's scenario for spare swaps (drill_kinds), and says what was done in its title
    with Store(site.store, create=False) as store:
        drill = [d for d in store.drills() if d.target == spare][-1]
    assert drill.scenario == "" and drill.title.startswith("备件替换：")
    assert load_plan().scenario_for(drill.scenario, drill.kind) is not None


def test_spare_of_another_platform_refused(backed: Backed) -> None:
    site = backed.site
    before = BackupRepo(site.repo).full_copy("lab-ios-spare")["config"]
    proc = site.playbook(RESTORE, "-e", "host=lab-vrp-01", "-e", "to=lab-ios-spare")
    assert proc.returncode != 0 and "平台不同" in proc.stdout
    # refused before any device was contacted: no backup run, no drill, the spare as it was
    assert "恢复前先备份目标" not in proc.stdout.split("平台不同", 1)[1]
    assert not any(d[1] == "lab-ios-spare" for d in _drills(site))
    read = site.lab.ansible("lab-ios-spare", "ansible.netcommon.cli_command", "command='show running-config'")
    assert normalised("ios", read["lab-ios-spare"]["stdout"]) == normalised("ios", before)


def test_restore_onto_the_device_after_a_change_brings_the_revision_back(backed: Backed) -> None:
    site = backed.site
    repo = BackupRepo(site.repo)
    rev = repo.log("lab-ios-spare")[0].rev
    changed = site.lab.ansible(
        "lab-ios-spare", "ansible.netcommon.cli_config", "config='ip domain name drill.example'"
    )
    assert not changed["lab-ios-spare"].get("failed"), changed
    proc = site.playbook(RESTORE, "-e", "host=lab-ios-spare", "-e", f"rev={rev}")
    assert proc.returncode == 0, proc.stdout[-5000:]
    post, pre = repo.log("lab-ios-spare")[:2]
    assert "drill.example" in repo.full_copy("lab-ios-spare", pre.rev)["config"]  # the pre-restore backup
    now = repo.full_copy("lab-ios-spare", post.rev)["config"]
    assert "drill.example" not in now
    assert normalised("ios", now) == normalised("ios", repo.full_copy("lab-ios-spare", rev)["config"])
    assert ("restore", "lab-ios-spare", "lab-ios-spare", "ok") in _drills(site)
    with Store(site.store, create=False) as store:
        assert store.get_run("latest", kind="restore") is not None


def test_linux_restore_brings_etc_back(backed: Backed) -> None:
    """A drifted /etc (a changed file, a changed mode, a disabled service) restored from the newest
    backup taken before the run: files, modes and enabled units are back, and the drill is recorded."""
    site = backed.site
    host = site.lab.linux[1].name
    drift = "echo 'PASS_MAX_DAYS 9999' >> /etc/login.defs && chmod 0600 /etc/issue && systemctl disable cron"
    got = site.lab.ansible(host, "ansible.builtin.shell", drift, become=True)
    assert not got[host].get("failed"), got
    proc = site.playbook(RESTORE, "-e", f"host={host}")
    assert proc.returncode == 0, proc.stdout[-5000:]
    probe = "tail -n 3 /etc/login.defs; stat -c %a /etc/issue; systemctl is-enabled cron"
    now = site.lab.ansible(host, "ansible.builtin.shell", probe, become=True)[host]["stdout"]
    assert "PASS_MAX_DAYS 9999" not in now and now.splitlines()[-2:] == ["644", "enabled"]
    assert ("restore", host, host, "ok") in _drills(site)
    repo = BackupRepo(site.repo)
    post, pre = repo.log(host)[:2]
    assert "PASS_MAX_DAYS 9999" in repo.full_copy(host, pre.rev)["etc/login.defs"]  # the pre-restore backup
    assert "cron.service" in repo.full_copy(host, post.rev)["units.txt"]


# -- Linux onto a fresh host ------------------------------------------------------------------------
def _verdicts(lab: Lab, hosts: list[str]) -> dict[str, dict[str, str]]:
    """Each host's 等保 verdict per control id, read with the audit's collector and judged here."""
    from courtops import catalogue, evaluator
    from courtops.backup.restore_compare import verdicts

    read = lab.ansible(":".join(hosts), "courtops_linux_collect", become=True)
    cat = catalogue.default()
    return {h: verdicts(evaluator.evaluate_host(cat, h, "linux_deb", read[h]["evidence"], {})) for h in hosts}


def test_linux_restore_onto_a_fresh_host(backed: Backed) -> None:
    """A hardened host changed in known ways (an sshd setting, a unit of its own enabled and running, a
    package from the lab repository, a package from a file) is backed up and restored onto a baseline
    host reset to the image: the fresh host gets the /etc, the package from the repository, the unit
    running, keeps its own identity and the lab's SSH key, and the audit judges it as the original."""
    site, lab = backed.site, backed.site.lab
    source = _drill_source(lab)  # changed before the module's backup (the `backed` fixture)
    fresh = next(h for h in reversed(lab.linux) if h.profile == "baseline").name
    other_family = next(h for h in lab.linux if h.platform == "linux_rpm").name
    ident = "cat /etc/hostname /etc/machine-id /etc/ssh/ssh_host_ed25519_key.pub"
    _reset_host(fresh)
    try:
        root = lab.cfg.hosts_dir / fresh / "root"  # the fresh host's own identity, read from outside
        fresh_id = "".join(
            (root / f).read_text(encoding="utf-8")
            for f in ("etc/hostname", "etc/machine-id", "etc/ssh/ssh_host_ed25519_key.pub")
        )
        refused = site.playbook(RESTORE, "-e", f"host={source}", "-e", f"to={other_family}")
        assert refused.returncode != 0 and "平台不同" in refused.stdout

        proc = site.playbook(RESTORE, "-e", f"host={source}", "-e", f"to={fresh}")
        assert proc.returncode == 0, proc.stdout[-6000:]

        probe = (
            f"{ident}; sshd -T | grep -i '^clientaliveinterval'; systemctl is-enabled {DRILL_UNIT};"
            f" systemctl is-active {DRILL_UNIT}; dpkg-query -W -f '${{Version}}\\n' courtops-secpkg;"
            f" dpkg-query -W {LOCAL_PKG} || echo {LOCAL_PKG} absent"
        )
        # a new SSH login with the lab's key, after the restore reloaded sshd with the original's config
        now = lab.ansible(fresh, "ansible.builtin.shell", probe, become=True)[fresh]
        assert not now.get("failed"), now
        lines = now["stdout"].splitlines()
        assert "\n".join(lines[:3]) + "\n" == fresh_id  # hostname, machine-id, host key kept
        assert lines[-5:] == ["clientaliveinterval 240", "enabled", "active", "1.1", f"{LOCAL_PKG} absent"]

        with Store(site.store, create=False) as store:
            drill = [d for d in store.drills() if d.target == fresh][-1]
        assert (drill.kind, drill.result, drill.source.split("@")[0]) == ("restore", "ok", source)
        assert "等保判定一致" in drill.notes and f"{LOCAL_PKG}=0.1" in drill.notes  # unavailable: reported
        # the audit's verdicts, read independently of the playbook: equal per control id, and not simply
        # those of a baseline host (the fresh host's own before the restore)
        baseline = next(h for h in lab.linux if h.profile == "baseline" and h.name != fresh).name
        judged = _verdicts(lab, [source, fresh, baseline])
        assert judged[source] and judged[source] == judged[fresh]
        assert judged[fresh] != judged[baseline]
    finally:
        _reset_host(fresh)
