"""What a failed or unreachable task result really means, in the words the reports use.

Ansible reports a privilege-escalation timeout as *unreachable* (the SSH connection plugin raises
AnsibleConnectionFailure "Timeout (12s) waiting for privilege escalation prompt"), and a wrong or missing
sudo password as a failure; neither means the host is down (issue 16.12). A task that ran out of its
``timeout:`` is 超时, not a collector error.
"""

from __future__ import annotations

BECOME_TIMEOUT = "提权超时"
BECOME_FAILED = "提权失败"
TIMED_OUT = "超时"

_BECOME_TIMEOUT_SIGNS = ("waiting for privilege escalation prompt",)
_BECOME_FAILED_SIGNS = (
    "incorrect sudo password",
    "missing sudo password",
    "incorrect su password",
    "missing su password",
    "sudo: a password is required",
    "is not in the sudoers file",
    "sudo: a terminal is required",
    "sudo: no tty present",
    "su: authentication failure",
)
_TIMEOUT_SIGNS = ("timed out", "time frame", "timeout", "超时")


def label(message: object) -> str | None:
    """提权超时 / 提权失败 / 超时 for a result message that says so, else None."""
    text = str(message or "").lower()
    if any(sign in text for sign in _BECOME_TIMEOUT_SIGNS):
        return BECOME_TIMEOUT
    if any(sign in text for sign in _BECOME_FAILED_SIGNS):
        return BECOME_FAILED
    if any(sign in text for sign in _TIMEOUT_SIGNS):
        return TIMED_OUT
    return None


def is_become_problem(message: object) -> bool:
    """The host answered, but privilege escalation did not work: not 主机不可达."""
    return label(message) in (BECOME_TIMEOUT, BECOME_FAILED)
