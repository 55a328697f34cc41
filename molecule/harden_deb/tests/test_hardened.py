"""The hardened state of the instance, per 等保 control id, as the host itself shows it (testinfra over
the lab's SSH connection, sudo). The thresholds come from controls/thresholds.yml like the role's."""

from __future__ import annotations

import re
from typing import Any

from conftest import instances

testinfra_hosts = [f"ansible://{name}" for name in instances()]


def sshd(host: Any) -> dict[str, list[str]]:
    """The effective sshd configuration (sshd -T): keyword → values."""
    out: dict[str, list[str]] = {}
    for line in host.check_output("/usr/sbin/sshd -T").splitlines():
        key, _, value = line.partition(" ")
        out.setdefault(key, []).append(value)
    return out


def pam(host: Any, *names: str) -> str:
    present = [n for n in names if host.file(f"/etc/pam.d/{n}").exists]
    assert present, names
    return "\n".join(host.file(f"/etc/pam.d/{n}").content_string for n in present)


def login_defs(host: Any) -> dict[str, str]:
    pairs = (line.split(None, 1) for line in host.file("/etc/login.defs").content_string.splitlines())
    return {p[0]: p[1].strip() for p in pairs if len(p) == 2 and not p[0].startswith("#")}


def test_l3_ces1_01_password_quality_age_and_one_root(host: Any, thresholds: dict[str, Any]) -> None:
    quality = host.file("/etc/security/pwquality.conf").content_string + pam(
        host, "common-password", "system-auth"
    )
    minlen = [
        int(v) for v in re.findall(r"^\s*minlen\s*=\s*(\d+)|\sminlen=(\d+)", quality, re.M) for v in v if v
    ]
    assert minlen and min(minlen) >= thresholds["dengbao_password_min_length"], minlen
    defs = login_defs(host)
    assert int(defs["PASS_MAX_DAYS"]) <= thresholds["dengbao_password_max_age"]
    assert sshd(host)["permitemptypasswords"] == ["no"]
    uid0 = [
        line.split(":")[0]
        for line in host.file("/etc/passwd").content_string.splitlines()
        if line.split(":")[2] == "0"
    ]
    assert uid0 == ["root"]


def test_l3_ces1_02_login_failure_lockout_and_session_timeout(host: Any, thresholds: dict[str, Any]) -> None:
    conf = host.file("/etc/security/faillock.conf").content_string
    assert re.search(rf"^deny\s*=\s*{thresholds['dengbao_lockout_threshold']}\s*$", conf, re.M), conf
    assert re.search(rf"^unlock_time\s*=\s*{thresholds['dengbao_unlock_time_s']}\s*$", conf, re.M), conf
    auth = pam(host, "common-auth", "system-auth")
    assert re.search(r"^auth\s+\S+\s+pam_faillock\.so\s+preauth", auth, re.M), auth
    profile = host.file("/etc/profile.d/courtops-harden.sh").content_string
    tmout = re.search(r"^TMOUT=(\d+)$", profile, re.M)
    assert (
        tmout
        and 0 < int(tmout.group(1)) <= thresholds["dengbao_shell_tmout_s"]
        and "readonly TMOUT" in profile
    )


def test_l3_ces1_03_and_18_no_cleartext_or_forbidden_service_listens(
    host: Any, thresholds: dict[str, Any]
) -> None:
    ports = {
        int(s.rsplit(":", 1)[1]) for s in host.socket.get_listening_sockets() if s.startswith(("tcp", "udp"))
    }
    assert not ports & set(thresholds["dengbao_high_risk_ports"]), sorted(ports)
    for name in thresholds["dengbao_forbidden_services"]:
        service = host.service(name)
        assert not service.is_running, name


def test_l3_ces1_06_no_root_ssh_login_and_default_accounts_locked(
    host: Any, thresholds: dict[str, Any]
) -> None:
    assert sshd(host)["permitrootlogin"] == ["no"]
    shadow = {
        line.split(":")[0]: line.split(":")[1]
        for line in host.file("/etc/shadow").content_string.splitlines()
    }
    for name in thresholds["dengbao_linux_default_accounts"]:
        if name in shadow:
            # locked; the login shell is L3-CES1-07's and the audit's concern (sync keeps /bin/sync)
            assert shadow[name].startswith(("!", "*")), name


def test_l3_ces1_09_identity_files_are_not_writable_by_others(host: Any) -> None:
    for path, worst in (
        ("/etc/passwd", 0o644),
        ("/etc/shadow", 0o640),
        ("/etc/group", 0o644),
        ("/etc/sudoers", 0o440),
    ):
        f = host.file(path)
        assert f.user == "root" and not f.mode & ~worst, (path, oct(f.mode))


def test_l3_ces1_19_ssh_only_from_the_management_network(host: Any) -> None:
    allow = " ".join(sshd(host).get("allowusers", []))
    assert re.search(r"\*@\d+\.\d+\.0\.0/16", allow), allow


def test_l3_ces1_25_and_27_only_strong_ssh_algorithms(host: Any) -> None:
    cfg = sshd(host)
    assert not [m for m in cfg["macs"][0].split(",") if "sha1" in m or "md5" in m or "umac-64" in m], cfg[
        "macs"
    ]
    assert not [c for c in cfg["ciphers"][0].split(",") if "cbc" in c or "arcfour" in c or "3des" in c], cfg[
        "ciphers"
    ]


def test_l3_ces1_28_and_33_hash_method_and_history(host: Any, thresholds: dict[str, Any]) -> None:
    assert login_defs(host)["ENCRYPT_METHOD"] == "SHA512"
    profile = host.file("/etc/profile.d/courtops-harden.sh").content_string
    hist = re.search(r"^HISTSIZE=(\d+)$", profile, re.M)
    assert hist and int(hist.group(1)) <= thresholds["dengbao_histsize_max"]


def test_l3_ces1_13_chrony_points_at_the_court_time_sources_and_is_enabled(host: Any) -> None:
    servers = host.ansible.get_variables().get("harden_linux_ntp_servers")
    assert servers, "the lab inventory gives harden_linux_ntp_servers"
    assert host.package("chrony").is_installed
    debian = host.file("/etc/chrony/chrony.conf").exists  # Debian/UOS layout; Red Hat/Kylin: /etc/chrony.conf
    conf = host.file("/etc/chrony/chrony.conf" if debian else "/etc/chrony.conf").content_string
    configured = re.findall(r"^(?:server|pool)\s+(\S+)", conf, re.M)
    assert configured == servers, conf
    unit = "chrony" if debian else "chronyd"
    assert host.service(unit).is_enabled
    # in a container the unit's condition (CAP_SYS_TIME) is false: enabled, not running, and no failure
    assert host.run(f"systemctl is-failed {unit}").stdout.strip() != "failed"


def test_l3_ces1_26_aide_database_and_daily_check(host: Any) -> None:
    assert host.package("aide").is_installed
    with host.sudo():
        assert host.file("/var/lib/aide/aide.db").is_file
        assert host.file("/var/lib/aide/aide.db").size > 0
    # the package's own daily check (bookworm: the timer), not a second one of the role's
    assert host.service("dailyaidecheck.timer").is_enabled
    assert host.run("systemctl is-active dailyaidecheck.timer").stdout.strip() == "active"
    assert not host.file("/etc/cron.d/courtops-harden-aide").exists
