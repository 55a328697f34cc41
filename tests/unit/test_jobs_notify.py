"""Notifications: one mail per failed job or new incident to a real local SMTP server (aiosmtpd), the
webhook to a real local HTTP server, and a dead server that never fails the job."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller

from courtops.jobs.notify import compose, notify
from courtops.jobs.run import Exit, Outcome
from courtops.jobs.spec import Job, JobsFile, MailChannel, WebhookChannel
from courtops.store import Incident

PASSWORD = "Sm7p-S3cret!x"


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


def _authenticator(inbox: _Inbox) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        inbox.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password.decode() == PASSWORD)

    return check


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=_authenticator(inbox), auth_require_tls=False
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


JOB = Job(
    "inspect-monthly", "playbooks/inspect.yml", True, "monthly", description="月度巡检", notify=("mail",)
)


def _jobs(port: int, **kw: Any) -> JobsFile:
    mail = MailChannel(
        host="127.0.0.1", port=port, sender="courtops@court.internal", to=("it-ops@court.internal",), **kw
    )
    return JobsFile(Path("jobs.yml"), {JOB.name: JOB}, mail=mail)


def _outcome(code: Exit, **kw: Any) -> Outcome:
    return Outcome(JOB.name, "20261130T020000-abcdef", code, "有主机失败", 0.0, 1.0, **kw)


INCIDENT = Incident(device="lab-printer-02", check_name="printer_status", opened_at=1.0, message="卡纸", id=7)


def test_a_failed_job_sends_one_mail(smtp: tuple[_Inbox, int]) -> None:
    inbox, port = smtp
    warnings = notify(_jobs(port), JOB, _outcome(Exit.FAILED_HOSTS, failed_hosts=["srv-01"]), [])
    assert warnings == []
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert "月度巡检" in mail["Subject"] and "有主机失败" in mail["Subject"]
    body = mail.get_content()
    assert "失败主机：srv-01" in body and "退出码 10" in body


def test_a_new_incident_sends_one_mail_even_when_the_job_succeeded(smtp: tuple[_Inbox, int]) -> None:
    inbox, port = smtp
    assert notify(_jobs(port), JOB, _outcome(Exit.OK), [INCIDENT]) == []
    assert len(inbox.messages) == 1
    assert "新增故障 1 条" in inbox.messages[0]["Subject"]
    assert "#7 lab-printer-02 printer_status 卡纸" in inbox.messages[0].get_content()


def test_a_quiet_success_sends_nothing(smtp: tuple[_Inbox, int]) -> None:
    inbox, port = smtp
    assert compose(JOB, _outcome(Exit.OK), []) is None
    notify(_jobs(port), JOB, _outcome(Exit.OK), [])
    assert inbox.messages == []


def test_credentials_come_from_the_environment_and_are_never_logged(
    smtp: tuple[_Inbox, int], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    inbox, port = smtp
    jobs = _jobs(port, user="courtops", password_env="TEST_SMTP_PASSWORD", timeout=3.0)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    assert notify(jobs, JOB, _outcome(Exit.TIMEOUT), []) == []
    assert inbox.logins == [("courtops", PASSWORD)] and len(inbox.messages) == 1
    assert PASSWORD not in inbox.messages[0].as_string()
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong-" + PASSWORD)
    with caplog.at_level(logging.WARNING):
        warnings = notify(jobs, JOB, _outcome(Exit.TIMEOUT), [])
    assert len(warnings) == 1 and "通知失败（mail）" in warnings[0]
    assert PASSWORD not in caplog.text and PASSWORD not in warnings[0]
    assert len(inbox.messages) == 1  # refused login: nothing sent


def test_a_dead_mail_server_is_a_warning_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        warnings = notify(_jobs(_free_port()), JOB, _outcome(Exit.FAILED_HOSTS), [INCIDENT])
    assert len(warnings) == 1 and "ConnectionRefusedError" in warnings[0]
    assert "通知失败" in caplog.text


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Hook.received.append((dict(self.headers), json.loads(self.rfile.read(length))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_the_webhook_gets_a_json_post_with_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Hook.received = []
    try:
        monkeypatch.setenv("TEST_HOOK_TOKEN", "tok-123")
        hook = WebhookChannel(url=f"http://127.0.0.1:{server.server_port}/robot", token_env="TEST_HOOK_TOKEN")
        job = Job("audit-quarterly", "playbooks/audit.yml", True, "daily", notify=("webhook",))
        jobs = JobsFile(Path("jobs.yml"), {job.name: job}, webhook=hook)
        started = time.time()
        assert notify(jobs, job, _outcome(Exit.UNREACHABLE), []) == []
        assert time.time() - started < 5
        assert len(_Hook.received) == 1
        headers, payload = _Hook.received[0]
        assert headers["Authorization"] == "Bearer tok-123"
        assert payload["job"] == "audit-quarterly" and payload["exit"] == 11
        assert "有主机不可达" in payload["text"]["content"]
    finally:
        server.shutdown()


def test_a_dead_webhook_is_a_warning() -> None:
    job = Job("audit-quarterly", "playbooks/audit.yml", True, "daily", notify=("webhook",))
    jobs = JobsFile(
        Path("jobs.yml"), {job.name: job}, webhook=WebhookChannel(url=f"http://127.0.0.1:{_free_port()}/")
    )
    warnings = notify(jobs, job, _outcome(Exit.FAILED_HOSTS), [])
    assert len(warnings) == 1 and "webhook" in warnings[0]


def test_the_mail_password_can_come_from_an_ansible_vault_file(
    smtp: tuple[_Inbox, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from ..conftest import tool

    vault_pass = tmp_path / "vault_pass"
    vault_pass.write_text("vault-test-key\n", encoding="utf-8")
    secret = tmp_path / "smtp_password.vault"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    subprocess.run(
        [tool("ansible-vault"), "encrypt", "--vault-password-file", str(vault_pass), str(secret)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert PASSWORD.encode() not in secret.read_bytes()
    inbox, port = smtp
    jobs = _jobs(port, user="courtops", password_vault=str(secret), timeout=3.0)
    monkeypatch.delenv("ANSIBLE_VAULT_PASSWORD_FILE", raising=False)
    warnings = notify(jobs, JOB, _outcome(Exit.FAILED_HOSTS), [])
    assert len(warnings) == 1 and "ANSIBLE_VAULT_PASSWORD_FILE is not set" in warnings[0]
    monkeypatch.setenv("ANSIBLE_VAULT_PASSWORD_FILE", str(vault_pass))
    assert notify(jobs, JOB, _outcome(Exit.FAILED_HOSTS), []) == []
    assert inbox.logins == [("courtops", PASSWORD)] and len(inbox.messages) == 1
