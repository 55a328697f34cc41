"""The simulator's SSH front end on loopback (no root, no lab): password login, prompt and echo, a
question answered, SFTP confined to the device's flash, a hang that only the client ends."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import paramiko
import pytest
import yaml

from courtops.lab.netsim.server import DeviceServer

CONFIGS = Path(__file__).resolve().parents[2] / "lab" / "devices" / "configs"
USER, PASSWORD = "labops", "Lab-Only-Test!"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def device(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    key = tmp_path / "key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-f", str(key)], check=True
    )
    seed = (CONFIGS / "vrp_compliant.cfg").read_text(encoding="utf-8").replace("@SYSNAME@", "sw1")
    nos = tmp_path / "nos.yaml"
    nos.write_text(
        yaml.safe_dump({"commands": {"display current-configuration": {"output": seed}}}), encoding="utf-8"
    )
    port = _free_port()
    spec = {"name": "sw1", "address": "127.0.0.1", "port": port, "banner": "lab", "host_key": str(key),
            "nos_file": str(nos), "vendor": "vrp", "state_dir": str(tmp_path / "state"),
            "config_command": "display current-configuration"}  # fmt: skip
    server = DeviceServer(spec, USER, PASSWORD)
    threading.Thread(target=server.serve, daemon=True).start()
    yield port, tmp_path / "state"
    server.sock.close()


def _client(port: int, password: str = PASSWORD) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # a throw-away key made by the fixture
    client.connect(
        "127.0.0.1", port=port, username=USER, password=password, look_for_keys=False, allow_agent=False
    )
    return client


def _read_until(chan: paramiko.Channel, marker: str, timeout: float = 10) -> str:
    out, deadline = "", time.monotonic() + timeout
    while marker not in out and time.monotonic() < deadline:
        if chan.recv_ready():
            out += chan.recv(65536).decode()
        else:
            time.sleep(0.02)
    return out


def test_login_shell_echo_question_and_state(device: tuple[int, Path]) -> None:
    port, state = device
    with pytest.raises(paramiko.AuthenticationException):
        _client(port, password="wrong")
    client = _client(port)
    chan = client.invoke_shell()
    assert _read_until(chan, "<sw1>").endswith("<sw1>")
    chan.send(b"system-view\r")
    assert "system-view\r\nEnter system view" in _read_until(chan, "[sw1]")
    chan.send(b"sysname sw9\rreturn\rsave\r")
    assert _read_until(chan, "[Y/N]").endswith("Are you sure to continue?[Y/N]")
    chan.send(b"y\r")
    assert "Save the configuration successfully." in _read_until(chan, "<sw9>")
    assert "sysname sw9" in (state / "flash" / "vrpcfg.cfg").read_text(encoding="utf-8")
    client.close()


def test_sftp_is_confined_to_flash(device: tuple[int, Path]) -> None:
    port, state = device
    client = _client(port)
    sftp = client.open_sftp()
    with sftp.open("flash:/golden.cfg", "w") as f:
        f.write(b"#\nsysname golden\n#\nreturn\n")
    assert (state / "flash" / "golden.cfg").read_text(encoding="utf-8").startswith("#\nsysname golden")
    assert sorted(sftp.listdir("/")) == ["golden.cfg", "vrpcfg.cfg"]
    for bad in ("../running.cfg", "/../misbehave", "sub/dir.cfg"):
        with pytest.raises(OSError):
            sftp.open(bad, "w")
    assert not (state / "sub").exists() and (state / "running.cfg").read_text(encoding="utf-8").endswith(
        "return\n"
    )
    client.close()


def test_timeout_misbehaviour_hangs_until_the_client_gives_up(device: tuple[int, Path]) -> None:
    port, state = device
    (state / "misbehave").write_text("timeout\n", encoding="utf-8")
    client = _client(port)
    chan = client.invoke_shell()
    _read_until(chan, "<sw1>")
    chan.send(b"display current-configuration\r")
    out = _read_until(chan, "<sw1>", timeout=3)
    assert "sysname sw1" in out and "return" not in out and not out.rstrip().endswith("<sw1>")
    client.close()
