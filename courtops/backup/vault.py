"""The court's vault, for the encrypted full copy of every backup and the masking fingerprint key.

The password is the one Ansible is configured with: ``$ANSIBLE_VAULT_PASSWORD_FILE`` (a file or an
executable script, as Ansible reads it) when set, else the lab-only example password
(``inventory/court/.vault_pass.lab``, docs/credentials.md). The vault id is ``court``
(``$COURTOPS_VAULT_ID`` overrides it). Encryption is ansible-vault's own (``VaultLib``, AES256), so
``ansible-vault decrypt`` opens a full copy by hand (docs/backup.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret, get_file_vault_secret

from courtops import REPO_ROOT

VAULT_ID = "court"
LAB_PASSWORD_FILE = REPO_ROOT / "inventory" / "court" / ".vault_pass.lab"


class VaultError(Exception):
    """No vault password, or a full copy that does not decrypt with it."""


def password_file() -> Path:
    env = os.environ.get("ANSIBLE_VAULT_PASSWORD_FILE")
    return Path(env).expanduser() if env else LAB_PASSWORD_FILE


def vault_id() -> str:
    return os.environ.get("COURTOPS_VAULT_ID") or VAULT_ID


@lru_cache(maxsize=4)
def _secret(path: str, vid: str) -> VaultSecret:
    if not Path(path).is_file():
        raise VaultError(f"没有金库口令文件 {path}（ANSIBLE_VAULT_PASSWORD_FILE）")
    secret = get_file_vault_secret(filename=path, vault_id=vid, loader=DataLoader())
    secret.load()
    return secret


def _lib() -> tuple[VaultLib, str]:
    vid = vault_id()
    return VaultLib([(vid, _secret(str(password_file()), vid))]), vid


def encrypt(text: str) -> str:
    lib, vid = _lib()
    return lib.encrypt(text, vault_id=vid).decode("ascii")


def decrypt(blob: str) -> str:
    lib, _ = _lib()
    try:
        return lib.decrypt(blob).decode("utf-8")
    except Exception as exc:  # AnsibleError and friends: wrong password, damaged file
        raise VaultError(f"无法解密完整副本：{exc}") from None


def mask_key() -> bytes:
    """The key of the masking fingerprints: derived from the vault password, so a fingerprint is
    stable between runs (an unchanged secret makes no diff) and cannot be checked against a guess
    without the vault password."""
    vid = vault_id()
    raw = _secret(str(password_file()), vid).bytes
    return hmac.new(raw, b"courtops-backup-mask-v1", hashlib.sha256).digest()
