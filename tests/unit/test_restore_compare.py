"""A Linux restore onto another host: what is installed and started (courtops.backup.restore), how the
restored host is compared with the original (courtops.backup.restore_compare), and the target-side
sshd safety net (library/courtops_restore_activate.py: a rejected sshd config is put back)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from courtops.backup import restore
from courtops.backup.restore_compare import service_differences, verdict_differences, verdicts
from courtops.findings import Finding
from tests.unit.casekit import REPO


def _module() -> Any:
    spec = importlib.util.spec_from_file_location("ra", REPO / "library" / "courtops_restore_activate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_package_set_and_units_of_a_backup() -> None:
    files = {
        "packages.txt": "# manager: dpkg\nbash amd64 5.2.15-2+b7 manual\ncourtops-secpkg all 1.1\n"
        "# error: none\nbroken-line\n",
        "units.txt": "cron.service\nssh.service\n\n",
    }
    manager, rows = restore.linux_packages(files)
    assert manager == "dpkg"
    assert rows == [
        {"name": "bash", "arch": "amd64", "version": "5.2.15-2+b7"},
        {"name": "courtops-secpkg", "arch": "all", "version": "1.1"},
    ]
    assert restore.linux_units(files) == ["cron.service", "ssh.service"]
    assert restore.linux_packages({}) == ("未知", [])


def _finding(cid: str, verdict: str) -> Finding:
    return Finding(host="h", platform="linux_deb", control_id=cid, clause="", verdict=verdict, record="",
                   expected="", actual="")  # fmt: skip


def test_verdicts_compared_per_control_id() -> None:
    a = verdicts([_finding("L3-CES1-01", "符合"), _finding("L3-CES1-02", "不符合")])
    b = verdicts(
        [_finding("L3-CES1-01", "符合"), _finding("L3-CES1-02", "符合"), _finding("L3-CES1-03", "符合")]
    )
    diff, excused = verdict_differences(a, b, allowed={})
    assert diff == ["L3-CES1-02：原主机 不符合，新主机 符合", "L3-CES1-03：原主机 （无结果），新主机 符合"]
    assert excused == []
    diff, excused = verdict_differences(a, b, allowed={"L3-CES1-02": "reads /etc/hostname"})
    assert diff == ["L3-CES1-03：原主机 （无结果），新主机 符合"] and excused[0].startswith("L3-CES1-02")
    assert verdict_differences(a, dict(a)) == ([], [])


def test_services_compared_enabled_and_active() -> None:
    src = {"services": {"enabled": ["cron.service", "ssh.service"], "active": {"cron.service": "active"}}}
    same = {"services": {"enabled": ["ssh.service", "cron.service"], "active": {"cron.service": "active"}}}
    assert service_differences(src, same) == []
    dst = {"services": {"enabled": ["ssh.service"], "active": {"rsyslog.service": "active"}}}
    assert service_differences(src, dst) == [
        "cron.service：原主机启用，新主机未启用",
        "cron.service：原主机运行，新主机未运行",
        "rsyslog.service：新主机运行，原主机未运行",
    ]
    # no list at all is no evidence of equality
    assert service_differences(
        src, {"services": {"enabled": ["cron.service", "ssh.service"], "active": None}}
    )


def test_rejected_sshd_config_is_put_back(tmp_path: Path) -> None:
    """What the module does when `sshd -t` rejects the restored /etc/ssh: replaced files come back
    from the rollback copy, files the restore created are removed, other paths are not touched."""
    module = _module()
    ssh, rollback = tmp_path / "ssh", tmp_path / "rollback"
    ssh.mkdir()
    (ssh / "sshd_config").write_text("PermitRootLogin bogus\n")
    (ssh / "new.conf").write_text("created by the restore\n")
    (tmp_path / "other").write_text("restored\n")
    kept = rollback / str(ssh / "sshd_config").lstrip("/")
    kept.parent.mkdir(parents=True)
    kept.write_text("PermitRootLogin no\n")
    changed = [str(ssh / "sshd_config"), str(ssh / "new.conf"), str(tmp_path / "other")]
    module.undo_ssh(changed, str(rollback), prefix=str(ssh) + "/")
    assert (ssh / "sshd_config").read_text() == "PermitRootLogin no\n"
    assert not (ssh / "new.conf").exists() and (tmp_path / "other").read_text() == "restored\n"


def test_lab_host_reset_names_the_lab_hosts_for_an_unknown_one(tmp_path: Path) -> None:
    import pytest

    from courtops.lab.config import LabConfig
    from courtops.lab.hostreset import _spec
    from courtops.lab.util import LabError

    cfg = LabConfig(lab_id=7, state_root=tmp_path, cache_dir=tmp_path)
    st = {"size": [2, 0, 0], "linux": {"lab-srv-001": {}, "lab-pc-002": {}}}
    assert _spec(cfg, st, "lab-pc-002").profile == "drifted"
    with pytest.raises(LabError, match=r"lab-nope is not a Linux host of lab 7 .*lab-pc-002, lab-srv-001"):
        _spec(cfg, st, "lab-nope")
    with pytest.raises(LabError, match="is the lab up"):
        _spec(cfg, {}, "lab-srv-001")
