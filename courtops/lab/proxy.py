"""The filtering apt proxy: tinyproxy on the lab bridge address, allowing the Debian mirror alone.

Guests have no default route; their apt uses this proxy (Acquire::http::Proxy), whose filter
denies every host but the mirror configured on this machine. One proxy per lab id (own port).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

from courtops.lab.config import LabConfig
from courtops.lab.rootfs import debian_mirror, mirror_host
from courtops.lab.util import LabError


def _paths(cfg: LabConfig) -> tuple[Path, Path, Path]:
    d = cfg.state_dir / "proxy"
    return d / "tinyproxy.conf", d / "filter", d / "tinyproxy.log"


def start(cfg: LabConfig) -> int:
    if shutil.which("tinyproxy") is None:
        raise LabError("tinyproxy is not installed: run `make system-deps` first")
    conf, filt, log = _paths(cfg)
    conf.parent.mkdir(parents=True, exist_ok=True)
    host = mirror_host(debian_mirror())
    filt.write_text(f"^{re.escape(host)}$\n", encoding="utf-8")
    log.touch()
    shutil.chown(log, "nobody", "nogroup")
    conf.write_text(
        "\n".join(
            [
                "# courtops lab proxy (generated): apt for lab hosts, Debian mirror only",
                "User nobody",
                "Group nogroup",
                f"Port {cfg.proxy_port}",
                f"Listen {cfg.gateway}",
                "Timeout 300",
                "MaxClients 64",
                f'LogFile "{log}"',
                "LogLevel Notice",
                f"Allow {cfg.subnet}",
                f'Filter "{filt}"',
                "FilterType ere",
                "FilterDefaultDeny Yes",
                "FilterURLs Off",
                # plain HTTP only (the Debian mirror); no CONNECT tunnels anywhere
                "ConnectPort 1",
                "DisableViaHeader Yes",
                "",
            ]
        ),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        ["tinyproxy", "-d", "-c", str(conf)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log.open("ab"), start_new_session=True,
    )  # fmt: skip
    time.sleep(0.3)
    if proc.poll() is not None:
        raise LabError(f"tinyproxy exited at once (status {proc.returncode}); see {log}")
    return proc.pid
