"""The secret policy engine: every Linux / Windows / generic secret form is hidden, evidence around it kept."""

from __future__ import annotations

import re

import pytest

from courtops import secrets
from courtops.secrets import HIDDEN, REDACTED, SecretRule, is_secret_field, mask_text, mask_value, rules_for

SHA512 = "$6$Vx3e9Rq1$Xk2oPqT8cB4mN7rL0sW5yZ1aE3dG6hJ9kL2mN5pQ8rS1tU4vW7xY0zA3bC6dE9fG2hJ5kL8mN1pQ4rS7tU0vW3"
YESCRYPT = "$y$j9T$Bk3RqPZ6fJ8nV2c$Hq0mW4tY7uI1oP5aS8dF2gJ6kL9zX3cV7bN1mQ4wE8"
MD5CRYPT = "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/"
DESCRYPT = "abJnggxhB/yWI"
RSA_BODY = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
NT = "31d6cfe0d16ae931b73c59d7e0c089c0"
LM = "aad3b435b51404eeaad3b435b51404ee"


@pytest.mark.parametrize(
    ("platform", "text", "secret", "kept"),
    [
        ("linux_deb", f"court:{SHA512}:19700:0:90:7:::", SHA512[3:], "court:$6$"),
        ("linux_deb", f"ops:{YESCRYPT}:19700:0:99999:7:::", YESCRYPT[3:], "ops:$y$"),
        ("linux_rpm", f"old:{MD5CRYPT}:19000:0:99999:7:::", MD5CRYPT[3:], "old:$1$"),
        ("linux_rpm", f"legacy:{DESCRYPT}:19000:0:99999:7:::", DESCRYPT, ":19000:0:99999:7:::"),
        ("linux_deb", f"locked:!{SHA512}:19000:0:99999:7:::", SHA512[3:], "locked:!$6$"),
        ("linux_deb", f"rootpw --iscrypted {SHA512}", SHA512[3:], "rootpw --iscrypted $6$"),
        (
            "linux_deb",
            f"-----BEGIN OPENSSH PRIVATE KEY-----\n{RSA_BODY}\n-----END OPENSSH PRIVATE KEY-----\n",
            RSA_BODY,
            "-----END OPENSSH PRIVATE KEY-----",
        ),
        ("linux_deb", f"-----BEGIN RSA PRIVATE KEY-----\n{RSA_BODY}\n(truncated)", RSA_BODY, "BEGIN RSA"),
        ("linux_deb", "DB_PASSWORD=Tr0ub4dor&3\nDB_HOST=db1\n", "Tr0ub4dor&3", "DB_HOST=db1"),
        ("linux_deb", 'export API_TOKEN="tok-9f8e7d6c"', "tok-9f8e7d6c", "export API_TOKEN="),
        ("linux_deb", "  password: 'hunter2-hunter2'\n", "hunter2-hunter2", "password:"),
        ("linux_deb", '{"db_password": "p4ss-in-json", "port": 5432}', "p4ss-in-json", '"port": 5432'),
        ("linux_deb", "backup to sftp://ops:S3cretPw@10.0.0.5/x", "S3cretPw", "@10.0.0.5/x"),
        ("linux_deb", "rocommunity C0urtRO 10.1.0.0/16", "C0urtRO", "10.1.0.0/16"),
        ("linux_deb", "com2sec ro default C0mmSec", "C0mmSec", "com2sec ro default"),
        (
            "linux_deb",
            'createUser nms SHA "AuthPhrase1" AES "PrivPhrase1"',
            "AuthPhrase1",
            "createUser nms SHA",
        ),
        ("linux_deb", 'createUser nms SHA "AuthPhrase1" AES PrivPhrase2', "PrivPhrase2", "AES"),
        ("windows", f"Administrator:500:{LM}:{NT}:::", NT, "Administrator:500:"),
        ("windows", f"Administrator:500:{LM}:{NT}:::", LM, ":::"),
        ("windows", f"NTLM : {NT}", NT, "NTLM"),
        ("windows", "    DefaultPassword    REG_SZ    Autologon#1", "Autologon#1", "REG_SZ"),
        ("windows", "net user svc_backup Sup3r-Pw /add", "Sup3r-Pw", "/add"),
        ("windows", "$p = ConvertTo-SecureString 'PlainPw9' -AsPlainText -Force", "PlainPw9", "-AsPlainText"),
        ("windows", "Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz", "Authorization: Basic"),
    ],
)
def test_every_form_is_hidden_and_the_rest_kept(platform: str, text: str, secret: str, kept: str) -> None:
    masked = mask_text(text, rules_for(platform))
    assert secret not in masked
    assert kept in masked
    assert "已隐藏" in masked


@pytest.mark.parametrize(
    "text",
    [
        "MinimumPasswordLength = 8",
        "PasswordComplexity = 1",
        "ClearTextPassword = 0",
        "RequireLogonToChangePassword = 0",
        "PermitEmptyPasswords no",
        "password    requisite     pam_pwquality.so retry=3 minlen=12",
        "PASS_MAX_DAYS 90",
        " password-control login-attempt 5 exceed lock-time 10",
        "root:x:0:0:root:/root:/bin/bash",
        "nobody:*:19000:0:99999:7:::",
        "ops:!:19000:0:99999:7:::",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ],
)
def test_policy_evidence_is_not_a_secret(text: str) -> None:
    assert mask_text(text, rules_for(None)) == text


def test_declared_fields_not_key_substrings() -> None:
    for key in (
        "ansible_password",
        "db_password",
        "asset_snmp_community",
        "api_token",
        "vault_snmp_v3_auth_key",
    ):
        assert is_secret_field(key), key
    for key in (
        "win.min_password_length",
        "net.password_history",
        "lnx.ssh.permitemptypasswords",
        "win.password_complexity",
        "dengbao_password_min_length",
        "lnx.empty_password_accounts",
    ):
        assert not is_secret_field(key), key


def test_mask_value_walks_nested_data() -> None:
    data = {
        "win.min_password_length": 8,
        "net.password_history": 5,
        "snmp": {"community": "C0urtRO", "version": "2c"},
        "stdout_lines": [f"court:{SHA512}:19700:0:90:7:::"],
        "db_password": "",  # nothing to hide: kept empty, it is evidence (no password set)
    }
    out = mask_value(data, rules_for("linux_deb"))
    assert out["win.min_password_length"] == 8 and out["net.password_history"] == 5
    assert out["snmp"] == {"community": REDACTED, "version": "2c"}
    assert SHA512[3:] not in out["stdout_lines"][0] and out["stdout_lines"][0].startswith("court:$6$")
    assert out["db_password"] == ""
    assert data["snmp"]["community"] == "C0urtRO"  # the input is not changed


def test_a_key_split_over_lines_is_still_hidden() -> None:
    lines = ["-----BEGIN RSA PRIVATE KEY-----", RSA_BODY, "-----END RSA PRIVATE KEY-----", "done"]
    out = mask_value({"stdout_lines": lines}, rules_for("linux_deb"))["stdout_lines"]
    assert RSA_BODY not in "\n".join(out) and out[-1] == "done"


def test_a_rule_needs_a_secret_group() -> None:
    with pytest.raises(ValueError, match="secret"):
        SecretRule("bad", r"community (\S+)")


def test_vendor_modules_extend_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The documented hook: a courtops.vendors module's secret_rules join its platform's rules."""
    import types

    fake = types.ModuleType("courtops.vendors.ios")
    fake.secret_rules = [  # type: ignore[attr-defined]
        SecretRule("ios.community", r"^(\s*snmp-server community )(?P<secret>\S+)", flags=re.M)
    ]
    monkeypatch.setattr(secrets, "_vendor_modules", lambda: [fake])
    secrets._rules_for.cache_clear()
    try:
        text = "snmp-server community S3cr3tRW RW"
        assert "S3cr3tRW" not in mask_text(text, rules_for("ios"))
        assert "S3cr3tRW" not in mask_text(text, rules_for(None))
        assert mask_text(text, rules_for("linux_deb")) == text
        assert mask_text(text, rules_for("ios")) == f"snmp-server community {HIDDEN} RW"
    finally:
        secrets._rules_for.cache_clear()
