"""One device's raw capture, as the collector returned it: nothing masked, nothing normalised."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Capture:
    """What one backup run read from one device.

    ``files`` maps a relative path to its text. Network devices: ``config``, ``version``,
    ``inventory`` (and ``manuinfo`` on Comware), see ``courtops.backup.network_rules.FILE_NAMES``;
    servers: paths such as ``etc/ssh/sshd_config`` or ``packages.txt`` (the server rules decide).
    ``errors``: what went wrong while collecting (a command that failed, an unreachable host); a
    capture with errors is never accepted.
    """

    host: str
    platform: str
    site: str
    device_class: str
    files: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
