"""SSH front end of the simulated devices (run by devices.py inside the lab's device namespace):
one listener per device on its own address, port 22, own host key; password login; an interactive
shell (what network_cli uses) and SFTP onto the device's flash (what file copies use).

Usage: python -m courtops.lab.netsim.server <devices.json>
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import paramiko
import yaml

from courtops.lab.netsim.device import DeviceState
from courtops.lab.netsim.session import Reply, Session

log = logging.getLogger("netsim")
SHELL_WAIT = 10.0  # seconds a new channel may take to ask for its shell (or subsystem)


class _Login(paramiko.ServerInterface):
    def __init__(self, username: str, password: str, banner: str) -> None:
        self.username, self.password, self.banner = username, password, banner
        self.shells: set[int] = set()

    def get_allowed_auths(self, username: str) -> str:
        return "password"

    def check_auth_password(self, username: str, password: str) -> int:
        ok = username == self.username and password == self.password
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return (
            paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED
        )

    def check_channel_pty_request(self, *args: Any) -> bool:
        return True

    def check_channel_shell_request(self, channel: paramiko.Channel) -> bool:
        self.shells.add(channel.get_id())
        return True

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        return False  # these devices offer a CLI shell only, as the seeded ones are configured

    def get_banner(self) -> tuple[str, str]:
        return (self.banner + "\r\n", "en-US")


class FlashSFTP(paramiko.SFTPServerInterface):
    """SFTP onto the device's flash directory: flat, no subdirectories, `flash:` prefixes accepted."""

    def __init__(self, server: paramiko.ServerInterface, *, root: str) -> None:
        super().__init__(server)
        self.root = Path(root)

    def _path(self, path: str) -> Path | None:
        name = path.removeprefix("flash:").strip("/")
        if not name or name == ".":
            return self.root
        if "/" in name or name == "..":
            return None
        return self.root / name

    def _attrs(self, path: Path) -> paramiko.SFTPAttributes:
        attrs = paramiko.SFTPAttributes.from_stat(path.stat())
        attrs.filename = path.name
        return attrs

    def list_folder(self, path: str) -> list[paramiko.SFTPAttributes] | int:
        if self._path(path) != self.root:
            return paramiko.SFTP_NO_SUCH_FILE
        return [self._attrs(p) for p in sorted(self.root.iterdir()) if p.is_file()]

    def stat(self, path: str) -> paramiko.SFTPAttributes | int:
        target = self._path(path)
        if target is None or not target.exists():
            return paramiko.SFTP_NO_SUCH_FILE
        return self._attrs(target)

    lstat = stat

    def open(self, path: str, flags: int, attr: paramiko.SFTPAttributes) -> paramiko.SFTPHandle | int:
        target = self._path(path)
        if target is None or target == self.root:
            return paramiko.SFTP_PERMISSION_DENIED
        try:
            fd = os.open(target, flags | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno)
        mode = "rb"
        if flags & os.O_WRONLY:
            mode = "ab" if flags & os.O_APPEND else "wb"
        elif flags & os.O_RDWR:
            mode = "a+b" if flags & os.O_APPEND else "r+b"
        handle = paramiko.SFTPHandle(flags)
        fobj = os.fdopen(fd, mode)
        handle.readfile = fobj  # type: ignore[attr-defined]
        handle.writefile = fobj  # type: ignore[attr-defined]
        return handle

    def remove(self, path: str) -> int:
        target = self._path(path)
        if target is None or not target.is_file():
            return paramiko.SFTP_NO_SUCH_FILE
        target.unlink()
        return paramiko.SFTP_OK

    def rename(self, oldpath: str, newpath: str) -> int:
        old, new = self._path(oldpath), self._path(newpath)
        if old is None or new is None or not old.is_file():
            return paramiko.SFTP_NO_SUCH_FILE
        old.rename(new)
        return paramiko.SFTP_OK

    def chattr(self, path: str, attr: paramiko.SFTPAttributes) -> int:
        return paramiko.SFTP_OK


class DeviceServer:
    def __init__(self, spec: dict[str, Any], username: str, password: str) -> None:
        self.name: str = spec["name"]
        self.address: str = spec["address"]
        self.banner: str = spec["banner"]
        self.username, self.password = username, password
        self.key = paramiko.RSAKey.from_private_key_file(spec["host_key"])
        self.nos: dict[str, Any] = yaml.safe_load(Path(spec["nos_file"]).read_text(encoding="utf-8"))
        seed = self.nos["commands"][spec["config_command"]]["output"]
        self.device = DeviceState(self.name, spec["vendor"], Path(spec["state_dir"]), seed)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((self.address, spec.get("port", 22)))
        self.sock.listen(32)

    def serve(self) -> None:
        while True:
            client, _ = self.sock.accept()
            threading.Thread(target=self._connection, args=(client,), daemon=True).start()

    def _connection(self, client: socket.socket) -> None:
        transport = paramiko.Transport(client)
        try:
            transport.add_server_key(self.key)
            transport.set_subsystem_handler(
                "sftp", paramiko.SFTPServer, sftp_si=FlashSFTP, root=str(self.device.flash)
            )
            login = _Login(self.username, self.password, self.banner)
            transport.start_server(server=login)
            while transport.is_active():
                channel = transport.accept(timeout=1)
                if channel is not None:
                    threading.Thread(target=self._channel, args=(channel, login), daemon=True).start()
        except (paramiko.SSHException, EOFError, OSError) as exc:
            log.info("%s: connection ended: %s", self.name, exc)
        finally:
            transport.close()

    def _channel(self, channel: paramiko.Channel, login: _Login) -> None:
        deadline = time.monotonic() + SHELL_WAIT
        while channel.get_id() not in login.shells:
            if channel.closed or time.monotonic() > deadline:
                return  # an SFTP channel (served by its subsystem handler) or an abandoned one
            time.sleep(0.02)
        try:
            _shell(channel, Session(self.device, self.nos))
        except (OSError, EOFError, paramiko.SSHException) as exc:
            log.info("%s: shell ended: %s", self.name, exc)
        except Exception:  # a simulator bug must not take the device down for other sessions
            log.exception("%s: shell failed", self.name)
        finally:
            channel.close()


def _shell(channel: paramiko.Channel, session: Session) -> None:
    channel.sendall(f"\r\n{session.prompt()}".encode())
    typed = bytearray()
    last_cr = False
    while True:
        data = channel.recv(4096)
        if not data:
            return
        echo = bytearray()
        for byte in data:
            if byte in (10, 13):
                if byte == 10 and last_cr:
                    last_cr = False
                    continue
                last_cr = byte == 13
                line = typed.decode("utf-8", "replace")
                typed.clear()
                channel.sendall(bytes(echo) + b"\r\n")
                echo.clear()
                if not _answer(channel, session, session.handle(line)):
                    return
                continue
            last_cr = False
            if byte == 0x1A:  # Ctrl+Z: back to user view / privileged exec
                channel.sendall(bytes(echo) + b"^Z\r\n")
                echo.clear()
                _answer(channel, session, session.ctrl_z())
            elif byte in (8, 127):
                if typed:
                    typed.pop()
                    echo += b"\b \b"
            elif byte >= 32 or byte == 9:
                typed.append(byte)
                echo.append(byte)
        if echo:
            channel.sendall(bytes(echo))


def _answer(channel: paramiko.Channel, session: Session, reply: Reply) -> bool:
    """Print a reply and the next prompt; False when the session is over."""
    if reply.output:
        channel.sendall((reply.output.replace("\n", "\r\n") + "\r\n").encode())
    if reply.hang:  # never finish: the client's own timeout has to end this
        while not channel.closed and channel.get_transport() is not None:
            transport = channel.get_transport()
            if transport is None or not transport.is_active():
                break
            time.sleep(0.5)
        return False
    if reply.close:
        return False
    channel.sendall((reply.prompt if reply.prompt is not None else session.prompt()).encode())
    return True


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)  # port probes by `lab up` are not errors
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    servers = [DeviceServer(dev, spec["username"], spec["password"]) for dev in spec["devices"]]
    for server in servers:
        threading.Thread(target=server.serve, daemon=True).start()
    print(f"netsim: {len(servers)} device(s) up", file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
