"""Notifications (通知): mail to the court's internal mail server and an optional webhook.

Sent when a job fails and when its run opened new 故障 incidents. Credentials come from environment
variables named in the jobs file (set from the vault or the timer's EnvironmentFile), never from the
file itself, and are never logged. A notifier that fails is a warning: it never fails the job.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from courtops.jobs.run import EXIT_TEXT, Exit, Outcome
from courtops.jobs.spec import Job, JobsFile, MailChannel, WebhookChannel
from courtops.secrets import mask_text
from courtops.store import Incident

log = logging.getLogger("courtops.jobs.notify")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def compose(job: Job, outcome: Outcome, incidents: list[Incident]) -> Message | None:
    """What to tell (Chinese text), or None when the job succeeded and opened no incident."""
    failed = outcome.exit is not Exit.OK
    if not failed and not incidents:
        return None
    title = job.description or job.name
    what = [f"作业执行{EXIT_TEXT[outcome.exit]}"] if failed else []
    if incidents:
        what.append(f"新增故障 {len(incidents)} 条")
    subject = f"【courtops】{title}（{job.name}）：{'，'.join(what)}"
    lines = [
        f"作业：{job.name}（{title}）",
        f"剧本：{job.playbook}",
        f"结果：{EXIT_TEXT[outcome.exit]}（退出码 {int(outcome.exit)}）",
        f"说明：{outcome.message}",
        f"控制节点：{socket.gethostname()}",
        f"运行标识：{outcome.ident}",
    ]
    if outcome.failed_hosts:
        lines.append(f"失败主机：{'、'.join(outcome.failed_hosts)}")
    if outcome.unreachable_hosts:
        lines.append(f"不可达主机：{'、'.join(outcome.unreachable_hosts)}")
    if incidents:
        lines.append("")
        lines.append("新增故障记录：")
        lines += [f"  #{i.id} {i.device} {i.check_name} {i.message}".rstrip() for i in incidents]
    if outcome.artifacts:
        lines.append(f"运行记录目录：{outcome.artifacts}")
    lines.append("")
    lines.append("请驻场运维工程师及时处理（courtops incident list --open）。")
    return Message(subject, mask_text("\n".join(lines)))


def mail_password(channel: MailChannel) -> str:
    """The mail password: from $password_env, else from the vault-encrypted password_vault file."""
    if channel.password_env and os.environ.get(channel.password_env):
        return os.environ[channel.password_env]
    if channel.password_vault:
        return vault_text(Path(channel.password_vault))
    where = f"${channel.password_env}" if channel.password_env else "no password_env / password_vault"
    raise RuntimeError(f"mail user {channel.user} has no password ({where} is not set)")


def vault_text(path: Path) -> str:
    """Decrypt an ansible-vault file with the vault password file Ansible would use."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import AnsibleVaultError, VaultLib, get_file_vault_secret

    password_file = os.environ.get("ANSIBLE_VAULT_PASSWORD_FILE", "")
    if not password_file:
        raise RuntimeError(f"{path}: vault-encrypted, but ANSIBLE_VAULT_PASSWORD_FILE is not set")
    try:
        secret = get_file_vault_secret(filename=password_file, loader=DataLoader())
        secret.load()
        text = VaultLib([("default", secret)]).decrypt(path.read_bytes())
    except AnsibleVaultError as exc:
        raise RuntimeError(f"{path}: cannot decrypt with {password_file}") from exc
    return text.decode("utf-8").strip()


def send_mail(channel: MailChannel, message: Message) -> None:
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=channel.sender.rpartition("@")[2] or None)
    mail.set_content(message.body, charset="utf-8")
    with smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout) as smtp:
        if channel.starttls:
            smtp.starttls()
        if channel.user:
            smtp.login(channel.user, mail_password(channel))
        smtp.send_message(mail)


def send_webhook(channel: WebhookChannel, message: Message, job: Job, outcome: Outcome) -> None:
    payload = {
        "msgtype": "text",
        "text": {"content": f"{message.subject}\n{message.body}"},
        "job": job.name,
        "exit": int(outcome.exit),
        "ident": outcome.ident,
    }
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if channel.token_env and os.environ.get(channel.token_env):
        headers["Authorization"] = f"Bearer {os.environ[channel.token_env]}"
    request = urllib.request.Request(
        channel.url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=channel.timeout) as response:
        if response.status >= 300:
            raise RuntimeError(f"webhook answered HTTP {response.status}")


def notify(jobs: JobsFile, job: Job, outcome: Outcome, incidents: list[Incident]) -> list[str]:
    """Send what there is to tell on the job's channels; the warnings of channels that failed."""
    message = compose(job, outcome, incidents)
    warnings: list[str] = []
    if message is None:
        return warnings
    for channel in job.notify:
        try:
            if channel == "mail" and jobs.mail is not None:
                send_mail(jobs.mail, message)
            elif channel == "webhook" and jobs.webhook is not None:
                send_webhook(jobs.webhook, message, job, outcome)
        except (OSError, smtplib.SMTPException, urllib.error.URLError, RuntimeError, ValueError) as exc:
            # the reason names the server, never a credential (smtplib does not echo the password)
            text = mask_text(f"通知失败（{channel}）：{type(exc).__name__}: {exc}")
            log.warning(text)
            warnings.append(text)
    return warnings
