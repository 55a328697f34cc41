"""Strict transports (issue 10.3): WinRM over validated HTTPS, Kerberos unless NTLM is opted in; SNMP as
configured (v3 authPriv, v2c only with a community), never an implicit `public`."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os

import pytest

from tests.conftest import REPO, run_tool

_spec = importlib.util.spec_from_file_location("courtops_probe", REPO / "module_utils" / "courtops_probe.py")
assert _spec and _spec.loader
probe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(probe)

COURT = REPO / "inventory" / "court"
WINRM_VARS = (
    "ansible_port",
    "ansible_winrm_scheme",
    "ansible_winrm_transport",
    "ansible_winrm_server_cert_validation",
    "ansible_winrm_ca_trust_path",
    "courtops_winrm_ca_path",
    "ansible_winrm_message_encryption",
)


def _vault_args() -> list[str]:
    """The configured vault password (a scheduled job's file), else the example vault's lab password."""
    if os.environ.get("ANSIBLE_VAULT_PASSWORD_FILE"):
        return []
    return ["--vault-password-file", str(COURT / ".vault_pass.lab")]


def resolved(pattern: str, names: tuple[str, ...], *extra: str) -> dict[str, object]:
    """The variables as Ansible resolves them for the first host of ``pattern`` (templated, no connection)."""
    expr = "{{ {" + ", ".join(f"'{n}': {n}" for n in names) + "} | to_json }}"
    proc = run_tool(
        "ansible", "-i", str(COURT), f"{pattern}[0]", *_vault_args(), *extra,
        "-m", "ansible.builtin.debug", "-a", f"msg={expr}",
        env={"ANSIBLE_LOAD_CALLBACK_PLUGINS": "1", "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    start = proc.stdout.index("\n{") + 1  # after the task-timer line of the profile callback
    report, _ = json.JSONDecoder().raw_decode(proc.stdout[start:])
    [result] = report["plays"][0]["tasks"][0]["hosts"].values()
    return dict(json.loads(result["msg"]))


def test_windows_uses_validated_https_and_kerberos_by_default() -> None:
    got = resolved("windows", WINRM_VARS)
    assert got["ansible_port"] == 5986 and got["ansible_winrm_scheme"] == "https"
    assert got["ansible_winrm_server_cert_validation"] == "validate"
    assert got["ansible_winrm_ca_trust_path"] == got["courtops_winrm_ca_path"]
    assert str(got["courtops_winrm_ca_path"]).endswith(".pem")
    assert got["ansible_winrm_transport"] == "kerberos"
    assert got["ansible_winrm_message_encryption"] == "always"


def test_ntlm_only_by_explicit_opt_in_and_still_validated() -> None:
    got = resolved("windows", WINRM_VARS, "-e", "courtops_winrm_allow_ntlm=true")
    assert got["ansible_winrm_transport"] == "ntlm"
    assert got["ansible_winrm_server_cert_validation"] == "validate"


def test_court_snmp_devices_default_to_v3() -> None:
    got = resolved("snmp_device", ("courtops_snmp_version", "courtops_snmp_v3_priv_protocol"))
    assert str(got["courtops_snmp_version"]) == "3" and got["courtops_snmp_v3_priv_protocol"] == "aes"


def test_v3_is_auth_priv_with_the_configured_protocols() -> None:
    from pysnmp.hlapi.v3arch import asyncio as hlapi

    auth, context = probe.snmp_auth(
        {"version": "3", "user": "nms", "auth_key": "auth-key-123", "priv_key": "priv-key-456",
         "auth_protocol": "sha256", "priv_protocol": "aes256", "context": "ctx"}
    )  # fmt: skip
    assert isinstance(auth, hlapi.UsmUserData)
    assert auth.userName == "nms"
    assert auth.authentication_protocol == hlapi.usmHMAC192SHA256AuthProtocol
    assert auth.privacy_protocol == hlapi.usmAesCfb256Protocol
    assert str(context.contextName) == "ctx"


@pytest.mark.parametrize(
    ("snmp", "reason"),
    [
        ({"version": "3", "user": "nms", "auth_key": "auth-key-123"}, "加密密钥"),
        ({"version": "3", "auth_key": "a" * 9, "priv_key": "b" * 9}, "用户名"),
        (
            {"version": "3", "user": "u", "auth_key": "a" * 9, "priv_key": "b" * 9, "auth_protocol": "crc"},
            "不支持",
        ),
        ({"version": "2c"}, "团体名"),
        ({"version": "2c", "community": ""}, "团体名"),
        ({"version": "1"}, "团体名"),
        ({}, "版本"),
    ],
)
def test_nothing_is_guessed(snmp: dict[str, str], reason: str) -> None:
    with pytest.raises(probe.SnmpConfigError, match=reason):
        probe.snmp_auth(snmp)


def test_v2c_uses_the_configured_community() -> None:
    auth, _ = probe.snmp_auth({"version": "2c", "community": "c0urt-ro"})
    assert str(auth.communityName) == "c0urt-ro" and auth.message_processing_model == 1


def test_an_unconfigured_device_is_reported_not_queried() -> None:
    devices = [{"name": "prn", "address": "192.0.2.1", "icmp": False, "snmp": {"version": "2c"}}]
    got = asyncio.run(probe.probe_all(devices, timeout=0.5, retries=0))["prn"]["snmp"]
    assert got["unconfigured"] is True and "团体名" in got["error"]
