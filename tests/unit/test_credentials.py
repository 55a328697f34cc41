"""Credentials live in ansible-vault: inventories never show them, nothing in the repo is plaintext.

The checks use the *configured* vault password — ``ANSIBLE_VAULT_PASSWORD_FILE`` when set (a court that
re-keyed its vault), else the example vault's lab-only file — so they hold after re-keying; one test
re-keys a copy of the vault and runs the same checks on it.
"""

from __future__ import annotations

import os
import secrets as pysecrets
import subprocess
from pathlib import Path

import pytest
import yaml
from ansible.parsing.vault import AnsibleVaultError, VaultLib, VaultSecret

from tests.conftest import REPO, run_tool

VAULT = REPO / "inventory" / "court" / "group_vars" / "all" / "vault.yml"
LAB_PASS = REPO / "inventory" / "court" / ".vault_pass.lab"
HEADER = "$ANSIBLE_VAULT;1.1;AES256"


class _VaultLoader(yaml.SafeLoader):
    pass


_VaultLoader.add_constructor("!vault", lambda loader, node: loader.construct_scalar(node))


def configured_password_file() -> Path:
    """The vault password Ansible is configured with here: $ANSIBLE_VAULT_PASSWORD_FILE, else the lab file."""
    env = os.environ.get("ANSIBLE_VAULT_PASSWORD_FILE")
    return Path(env) if env else LAB_PASS


def _vault(password_file: Path) -> VaultLib:
    password = password_file.read_bytes().strip()
    return VaultLib([("default", VaultSecret(password))])


def decrypt_all(vault_file: Path, password_file: Path) -> dict[str, str]:
    """Every value of ``vault_file`` decrypted (test process only; never printed)."""
    data = yaml.load(vault_file.read_text(encoding="utf-8"), Loader=_VaultLoader)
    lib = _vault(password_file)
    out = {}
    for name, blob in data.items():
        assert isinstance(blob, str) and blob.startswith(HEADER), f"{name} is not vault-encrypted"
        out[name] = lib.decrypt(blob).decode("utf-8")
    return out


def leaks(secrets: list[str], files: list[Path]) -> list[str]:
    """The files (of those given) that hold one of the secrets in plain text."""
    found = []
    for path in files:
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            if any(s in text for s in secrets):
                found.append(str(path))
    return found


def tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return [REPO / rel for rel in out.split("\0") if rel]


def test_every_vault_value_is_encrypted_and_decrypts_with_the_configured_password():
    secrets = decrypt_all(VAULT, configured_password_file())
    assert len(secrets) >= 8
    assert all(len(v) >= 8 for v in secrets.values())


def test_no_secret_appears_in_the_repository_or_the_inventory_listing():
    secrets = [
        v for k, v in decrypt_all(VAULT, configured_password_file()).items() if not k.endswith("_user")
    ]
    assert leaks(secrets, tracked_files()) == []
    listing = run_tool("ansible-inventory", "-i", str(REPO / "inventory" / "court"), "--list")
    assert listing.returncode == 0
    assert not any(s in listing.stdout for s in secrets)


def rekey(vault_file: Path, old: Path, new: Path, out: Path) -> None:
    """A copy of ``vault_file`` with every value re-encrypted under the password in ``new``."""
    plain = decrypt_all(vault_file, old)
    lib = _vault(new)
    lines = ["---"]
    for name, value in plain.items():
        blob = lib.encrypt(value).decode("ascii")
        lines.append(f"{name}: !vault |")
        lines += [f"  {line}" for line in blob.splitlines()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_checks_hold_after_the_vault_is_rekeyed(tmp_path: Path):
    court_pass = tmp_path / "court.pass"
    court_pass.write_text(pysecrets.token_urlsafe(24), encoding="utf-8")
    rekeyed = tmp_path / "vault.yml"
    rekey(VAULT, configured_password_file(), court_pass, rekeyed)
    # the same checks, with the court's new password: every value decrypts, none is in the repository
    secrets = decrypt_all(rekeyed, court_pass)
    assert secrets == decrypt_all(VAULT, configured_password_file())
    assert leaks([v for k, v in secrets.items() if not k.endswith("_user")], tracked_files()) == []
    # and the old password no longer opens it: the check depends on the configured password, not a constant
    with pytest.raises(AnsibleVaultError):
        decrypt_all(rekeyed, configured_password_file())


def test_the_leak_check_finds_a_planted_secret(tmp_path: Path):
    """Guards the repository search: a plaintext secret in a file is found."""
    secret = next(
        v for k, v in decrypt_all(VAULT, configured_password_file()).items() if not k.endswith("_user")
    )
    planted = tmp_path / "notes.txt"
    planted.write_text(f"temporary: {secret}\n", encoding="utf-8")
    assert leaks([secret], [planted]) == [str(planted)]


def test_group_vars_refer_to_vault_variables_for_every_credential():
    group_vars = REPO / "inventory" / "court" / "group_vars"
    for path in group_vars.rglob("*.yml"):
        if path.name == "vault.yml":
            continue
        data = yaml.safe_load(path.read_text()) or {}
        for key, value in data.items():
            if any(word in key for word in ("password", "community", "_key")):
                assert isinstance(value, str) and value.startswith("{{ vault_"), (path.name, key)
