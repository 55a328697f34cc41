"""Linux backup: the one-call collector (library/courtops_backup_linux.py) on fixture trees, and the
controller-side rules (courtops/backup/server_rules.py): layout, completeness, volatile files, masking."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from courtops.backup import server_rules as rules
from tests.unit.casekit import REPO, build_tree

MODULE = REPO / "library" / "courtops_backup_linux.py"
# planted secrets: none of these may survive masking
HASH = "$6$plantedSALT$Zk9placeholderHashThatMustNeverLeakAnywhere0123456789abcdefABCDEF"
GHASH = "$6$gsalt$GroupPasswordPlaceholderHashMustNotLeak"
KEY_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQPLANTEDKEYBODYplaceholder"
PEM = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n"


def _collector() -> Any:
    spec = importlib.util.spec_from_file_location("courtops_backup_linux", MODULE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    build_tree(
        root,
        {
            "files": {
                "/etc/passwd": {"constructed": "linux/passwd_debian"},
                "/etc/shadow": {"text": f"root:{HASH}:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n"},
                "/etc/gshadow": {"text": f"root:*::\nadm:{GHASH}::ops\n"},
                "/etc/ssh/ssh_host_ed25519_key": {"text": PEM},
                "/etc/ssh/ssh_host_ed25519_key.pub": {"text": "ssh-ed25519 AAAAC3Nz host\n"},
                "/etc/ssh/sshd_config": {"corpus": "linux/debian10_rootfs_sshd_config_planckpi"},
                "/etc/login.defs": {"corpus": "linux/debian10_rootfs_login.defs_planckpi"},
                "/etc/ld.so.cache": {"text": "ld.so-1.7.0\0binary"},
                "/etc/adjtime": {"text": "0.000000 1700000000 0.000000\n1700000000\nUTC\n"},
                "/etc/big.conf": {"text": "x" * 5000},
                "/etc/systemd/system/multi-user.target.wants/.keep": {"text": ""},
                "/var/lib/dpkg/status": {"text": _DPKG},
                "/var/lib/apt/extended_states": {
                    "text": "Package: libfoo\nArchitecture: amd64\nAuto-Installed: 1\n"
                },
                "/var/spool/cron/crontabs/ops": {"text": "0 3 * * * /usr/local/bin/nightly\n"},
            },
            "modes": {"/etc/shadow": "640", "/etc/ssh/ssh_host_ed25519_key": "600"},
        },
    )
    wants = root / "etc/systemd/system/multi-user.target.wants"
    (wants / ".keep").unlink()
    (wants / "ssh.service").symlink_to("/lib/systemd/system/ssh.service")
    (root / "etc/mtab").symlink_to("/proc/self/mounts")
    os.mkfifo(root / "etc/initctl")
    return root


_DPKG = """Package: openssh-server
Status: install ok installed
Architecture: amd64
Version: 1:9.2p1-2+deb12u3

Package: libfoo
Status: install ok installed
Architecture: amd64
Version: 1.0-1

Package: removed-one
Status: deinstall ok config-files
Architecture: amd64
Version: 2.0
"""


@pytest.fixture
def backup(tmp_path: Path) -> dict[str, Any]:
    root = _tree(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*") if not p.is_symlink()}
    result: dict[str, Any] = _collector().collect(str(root), ["/etc"], 4096)
    after = {p: p.stat().st_mtime_ns for p in root.rglob("*") if not p.is_symlink()}
    assert before == after  # read-only: nothing written
    return result


def test_parses_as_python_3_6() -> None:
    ast.parse(MODULE.read_text(encoding="utf-8"), feature_version=(3, 6))


def test_tree_as_files_with_manifest(backup: dict[str, Any]) -> None:
    files, manifest = backup["files"], {e["path"]: e for e in backup["manifest"]}
    assert files["/etc/ssh/sshd_config"].startswith("#")
    assert "/etc/ld.so.cache" not in files and manifest["/etc/ld.so.cache"]["content"] == "binary"
    assert len(manifest["/etc/ld.so.cache"]["sha256"]) == 64
    assert manifest["/etc/big.conf"]["content"] == "too_large" and "/etc/big.conf" not in files
    assert (
        manifest["/etc/shadow"]["mode"] == "0640"
        and manifest["/etc/ssh/ssh_host_ed25519_key"]["mode"] == "0600"
    )
    assert manifest["/etc/mtab"] == {
        **manifest["/etc/mtab"],
        "type": "symlink",
        "target": "/proc/self/mounts",
    }
    assert manifest["/etc/initctl"]["type"] == "fifo" and "/etc/initctl" not in files
    assert manifest["/etc"]["type"] == "dir" and manifest["/etc/ssh"]["type"] == "dir"


def test_packages_units_crontabs(backup: dict[str, Any]) -> None:
    pk = backup["packages"]
    assert pk["manager"] == "dpkg"
    assert [(p["name"], p["manual"]) for p in pk["installed"]] == [
        ("libfoo", False),
        ("openssh-server", True),
    ]
    assert backup["units"]["enabled"] == ["ssh.service"]
    assert backup["crontabs"] == {"/var/spool/cron/crontabs/ops": "0 3 * * * /usr/local/bin/nightly\n"}
    assert backup["firewall"]["tool"] is None and backup["firewall"]["error"]


def test_layout_and_completeness(backup: dict[str, Any]) -> None:
    files = rules.files_of(backup)
    assert files["etc/passwd"].startswith("root:x:0:0")
    assert "openssh-server amd64 1:9.2p1-2+deb12u3 manual\n" in files["packages.txt"]
    assert files["units.txt"] == "ssh.service\n" and files["crontabs/ops"].startswith("0 3")
    assert "file 0640 " in files["manifest.txt"] and "/etc/shadow\n" in files["manifest.txt"]
    assert rules.problems(backup) == []
    broken = {**backup, "files": {k: v for k, v in backup["files"].items() if k != "/etc/passwd"}}
    assert any("/etc/passwd" in p for p in rules.problems(broken))
    assert rules.problems({**backup, "packages": {"manager": None, "installed": [], "error": "无"}})
    assert rules.problems({"collector": "other"}) == ["不是 courtops_backup_linux 的输出"]


def test_secrets_masked_rest_of_line_kept(backup: dict[str, Any]) -> None:
    masked = rules.mask(rules.normalise(rules.files_of(backup)))
    dumped = json.dumps(masked, ensure_ascii=False)
    for secret in (HASH[3:], GHASH[3:], KEY_BODY, "Zk9placeholder", "GroupPasswordPlaceholder"):
        assert secret not in dumped
    shadow = masked["etc/shadow"].splitlines()
    assert shadow[0].startswith("root:$6$（已隐藏:hash）:19700:0:99999:7:::")
    assert shadow[1] == "daemon:*:19700:0:99999:7:::"
    assert masked["etc/gshadow"].splitlines()[1].startswith("adm:$6$（已隐藏:hash）::ops")
    assert masked["etc/ssh/ssh_host_ed25519_key"].startswith("（已隐藏:private_key）")
    assert masked["etc/ssh/ssh_host_ed25519_key.pub"] == "ssh-ed25519 AAAAC3Nz host\n"
    # the unmasked files (the encrypted full copy) keep them for a restore
    assert HASH in rules.files_of(backup)["etc/shadow"]


def test_changed_secret_shows_in_masked_diff(backup: dict[str, Any]) -> None:
    files = rules.files_of(backup)
    other = {
        **files,
        "etc/shadow": files["etc/shadow"].replace(HASH, "$6$newsalt$AnotherPlaceholderHashValue"),
    }
    key = b"k" * 32
    a, b = rules.mask(files, key=key)["etc/shadow"], rules.mask(other, key=key)["etc/shadow"]
    assert a != b and "AnotherPlaceholder" not in b


def test_pem_block_in_any_file_masked() -> None:
    text = (
        "ssl_cert = /x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEplantedRSAbody\n-----END RSA PRIVATE KEY-----\n"
    )
    out = rules.mask({"etc/app/app.conf": text})["etc/app/app.conf"]
    assert "MIIEplantedRSAbody" not in out and out.startswith(
        "ssl_cert = /x\n-----BEGIN RSA PRIVATE KEY-----"
    )


def test_ppp_secrets_masked() -> None:
    text = '# client server secret IP\n"court" * "pppPlantedSecret" *\n'
    out = rules.mask({"etc/ppp/chap-secrets": text})["etc/ppp/chap-secrets"]
    assert "pppPlantedSecret" not in out and out.startswith('# client server secret IP\n"court" * ')


def test_volatile_files_normalised(backup: dict[str, Any]) -> None:
    files = rules.files_of(backup)
    files["etc/adjtime"] = "0.1 1800000000 0.0\n1800000000\nUTC\n"
    norm = rules.normalise(files)
    assert norm["etc/adjtime"] == rules.VOLATILE_MARK + "\n"
    assert (
        "/etc/ld.so.cache [易变]" in norm["manifest.txt"]
        and "sha256" not in norm["manifest.txt"].split("/etc/ld.so.cache")[1].split("\n")[0]
    )
    assert norm["etc/passwd"] == files["etc/passwd"]  # configuration is kept as it is


def test_resolv_conf_volatile_only_when_generated() -> None:
    generated = "# Generated by NetworkManager\nnameserver 10.0.0.1\n"
    by_hand = "nameserver 10.1.1.53\nsearch court.local\n"
    assert rules.normalise({"etc/resolv.conf": generated})["etc/resolv.conf"] == rules.VOLATILE_MARK + "\n"
    assert rules.normalise({"etc/resolv.conf": by_hand})["etc/resolv.conf"] == by_hand


# iptables-save and nft output formats (iptables-save(8), nft(8)); counters and stamps change on every read
IPTABLES = """# Generated by iptables-save v1.8.9 (nf_tables) on Mon Nov 30 10:00:01 2026
*filter
:INPUT DROP [1203:99120]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [877:120334]
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
# Completed on Mon Nov 30 10:00:01 2026
"""
NFT = """table inet filter {
\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\ttcp dport 22 counter packets 1534 bytes 99811 accept
\t}
}
"""


def test_firewall_counters_and_stamps_normalised() -> None:
    assert rules.normalise_firewall(IPTABLES) == (
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n"
    )
    assert "tcp dport 22 counter accept" in rules.normalise_firewall(NFT)
    later = NFT.replace("1534 bytes 99811", "1600 bytes 104000")
    assert rules.normalise_firewall(later) == rules.normalise_firewall(NFT)
    assert rules.normalise_firewall(NFT.replace("dport 22", "dport 23")) != rules.normalise_firewall(NFT)


def test_through_ansible_module(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_STDOUT_CALLBACK="json",
        ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
    )
    out = subprocess.run(
        [str(REPO / ".venv" / "bin" / "ansible"), "localhost", "-i", "localhost,", "-c", "local",
         "-m", "courtops_backup_linux", "-a", f"root={root}", "-e", f"ansible_python_interpreter={sys.executable}"],
        capture_output=True, text=True, env=env, cwd=REPO, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    doc, _ = json.JSONDecoder().raw_decode(out.stdout[out.stdout.index("\n{") + 1 :])
    result = doc["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert result["changed"] is False
    assert result["backup"]["files"]["/etc/passwd"].startswith("root:x:0:0")


def test_registered_with_the_backup_core(backup: dict[str, Any]) -> None:
    from courtops.backup.accept import accept
    from courtops.backup.capture import Capture
    from courtops.backup.rules import registry

    assert {"linux_deb", "linux_rpm", "windows"} <= set(registry())
    capture = Capture("lab-srv-001", "linux_deb", "site_main", "servers", rules.files_of(backup))
    outcome = accept(capture, None, mask_key=b"k" * 32)
    assert outcome.ok, outcome.reasons
    assert HASH in outcome.full["etc/shadow"]  # the encrypted full copy keeps it for a restore
    dumped = json.dumps(outcome.masked, ensure_ascii=False)
    assert HASH[3:] not in dumped and KEY_BODY not in dumped and GHASH[3:] not in dumped
    assert outcome.masked["etc/adjtime"] == rules.VOLATILE_MARK + "\n"
    # unchanged host, second capture: identical copy (nothing to commit)
    again = accept(capture, outcome.full, mask_key=b"k" * 32)
    assert again.masked == outcome.masked and again.full == outcome.full
    # a truncated /etc (most files gone) is rejected by the shrink guard, the last copy stays
    small = {k: v for k, v in capture.files.items() if k in ("etc/passwd", "manifest.txt", "packages.txt")}
    shrunk = accept(Capture("lab-srv-001", "linux_deb", "site_main", "servers", small), outcome.full)
    assert not shrunk.ok and "缩小" in shrunk.reason
