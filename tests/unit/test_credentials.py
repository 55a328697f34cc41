"""Credentials live in ansible-vault: inventories never show them, nothing in the repo is plaintext."""

from __future__ import annotations

import subprocess

import yaml

from tests.conftest import REPO, run_tool, tool

VAULT = REPO / "inventory" / "court" / "group_vars" / "all" / "vault.yml"
LAB_PASS = REPO / "inventory" / "court" / ".vault_pass.lab"


class _VaultLoader(yaml.SafeLoader):
    pass


_VaultLoader.add_constructor("!vault", lambda loader, node: loader.construct_scalar(node))


def _secrets() -> dict[str, str]:
    """Decrypt every vault value with the lab-only password (test process only; never printed)."""
    data = yaml.load(VAULT.read_text(), Loader=_VaultLoader)
    out = {}
    for name, blob in data.items():
        assert blob.startswith("$ANSIBLE_VAULT;1.1;AES256"), f"{name} is not vault-encrypted"
        proc = subprocess.run(
            [tool("ansible-vault"), "decrypt", "--vault-password-file", str(LAB_PASS), "--output", "-", "-"],
            input=blob,
            capture_output=True,
            text=True,
            check=True,
        )
        out[name] = proc.stdout
    return out


def test_every_vault_value_is_encrypted_and_decrypts_with_the_lab_password():
    secrets = _secrets()
    assert len(secrets) >= 8
    assert all(len(v) >= 8 for v in secrets.values())


def test_no_secret_appears_in_the_repository_or_the_inventory_listing():
    secrets = [v for k, v in _secrets().items() if not k.endswith("_user")]
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for rel in tracked.split():
        path = REPO / rel
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert not any(s in text for s in secrets), f"a plaintext secret in {rel}"
    listing = run_tool("ansible-inventory", "-i", str(REPO / "inventory" / "court"), "--list")
    assert listing.returncode == 0
    assert not any(s in listing.stdout for s in secrets)


def test_group_vars_refer_to_vault_variables_for_every_credential():
    group_vars = REPO / "inventory" / "court" / "group_vars"
    for path in group_vars.rglob("*.yml"):
        if path.name == "vault.yml":
            continue
        data = yaml.safe_load(path.read_text()) or {}
        for key, value in data.items():
            if any(word in key for word in ("password", "community", "_key")):
                assert isinstance(value, str) and value.startswith("{{ vault_"), (path.name, key)
