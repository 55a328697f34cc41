"""Linux (UOS / Kylin / Deepin / CentOS / Debian): collector output -> ``lnx.*`` facts.

Evidence shape: what library/courtops_linux_collect.py returns (files, passwd, shadow states
without hashes, stat, listening sockets, services, packages, command outputs).
PAM layout is detected from the files present: Debian ``common-*`` vs Red Hat
``system-auth`` / ``password-auth``; lockout accepts pam_faillock (preferred) or pam_tally2.
"""

from __future__ import annotations

import re
from typing import Any

from courtops.secrets import clip, rules_for

_NOLOGIN = re.compile(r"(nologin|/false|/sync|/shutdown|/halt)$")
_IDENTITY = (
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/security/opasswd",
)
#: Maximum permission bits per key file (research §2.4 e: config ≤644, shadow ≤640).
KEY_FILE_MAX = {
    "/etc/passwd": 0o644,
    "/etc/group": 0o644,
    "/etc/shadow": 0o640,
    "/etc/gshadow": 0o640,
    "/etc/sudoers": 0o440,
    "/etc/ssh/sshd_config": 0o644,
    "/etc/login.defs": 0o644,
}
LOG_FILES = (
    "/var/log/messages",
    "/var/log/secure",
    "/var/log/syslog",
    "/var/log/auth.log",
    "/var/log/audit/audit.log",
)
TIMESYNC = ("chrony", "chronyd", "systemd-timesyncd", "ntp", "ntpd", "ntpsec", "openntpd")
PROFILE_FILES = re.compile(r"^/etc/(profile|bash\.bashrc|bashrc|profile\.d/[^/]+\.sh)$")
_PERIOD = {"daily": 1, "weekly": 7, "monthly": 30, "yearly": 365}


def _files(ev: dict[str, Any]) -> dict[str, str]:
    files = ev.get("files")
    return {k: v for k, v in files.items() if isinstance(v, str)} if isinstance(files, dict) else {}


def _lines(text: str) -> list[str]:
    """Non-comment lines, with backslash continuations joined."""
    out: list[str] = []
    buf = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        line = (buf + line).strip()
        buf = ""
        if line:
            out.append(line)
    return out


def _kv(text: str, sep: str | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _lines(text):
        if sep:
            if sep in line:
                k, v = line.split(sep, 1)
                out[k.strip()] = v.strip()
        else:
            parts = line.split(None, 1)
            out[parts[0]] = parts[1].strip() if len(parts) > 1 else ""
    return out


def _int(x: Any) -> int | None:
    try:
        return int(str(x).strip().strip('"'))
    except (TypeError, ValueError):
        return None


def _pam_lines(
    files: dict[str, str], name: str, ptype: str, modules: tuple[str, ...], depth: int = 0
) -> list[tuple[str, dict[str, str]]]:
    """(module, args) of ``ptype`` lines using one of ``modules`` in the stack of /etc/pam.d/<name>.

    Follows ``@include`` (Debian) and ``include`` / ``substack`` (Red Hat), as PAM does, so a
    Debian ``common-auth`` that includes ``system-auth`` is judged by what it really runs.
    """
    text = files.get(name if name.startswith("/") else "/etc/pam.d/" + name)
    if text is None or depth > 5:
        return []
    out: list[tuple[str, dict[str, str]]] = []
    for line in _lines(text):
        line = line.lstrip("-")
        inc = re.match(r"@include\s+(\S+)", line)
        if inc:
            out += _pam_lines(files, inc.group(1), ptype, modules, depth + 1)
            continue
        m = re.match(r"(\w+)\s+(\[[^\]]*\]|\S+)\s+(\S+)(.*)$", line)
        if not m or m.group(1) != ptype:
            continue
        if m.group(2) in ("include", "substack"):
            out += _pam_lines(files, m.group(3), ptype, modules, depth + 1)
            continue
        module = m.group(3).rsplit("/", 1)[-1]
        if module in modules:
            args: dict[str, str] = {}
            for a in m.group(4).split():
                k, _, v = a.partition("=")
                args[k] = v
            out.append((module, args))
    return out


def _stack(
    files: dict[str, str], services: tuple[str, ...], ptype: str, modules: tuple[str, ...]
) -> list[Any]:
    """The first service file that exists decides (sshd / passwd, else the shared stack files)."""
    for name in services:
        if "/etc/pam.d/" + name in files:
            return _pam_lines(files, name, ptype, modules)
    return []


#: pam_unix's hash arguments (pam_unix(8)); the first one named wins
_PAM_HASHES = ("md5", "bigcrypt", "sha256", "sha512", "blowfish", "gost_yescrypt", "yescrypt")


def _pam(files: dict[str, str], facts: dict[str, Any], ev: dict[str, Any], problems: list[str]) -> None:
    if "/etc/pam.d/system-auth" in files:
        layout = "rpm"
    elif "/etc/pam.d/common-password" in files or "/etc/pam.d/common-auth" in files:
        layout = "deb"
    else:
        problems.append("未找到 PAM 配置（common-* 或 system-auth）")
        return
    facts["lnx.pam_layout"] = layout
    shared_pw = ("common-password",) if layout == "deb" else ("system-auth",)
    shared_auth = ("common-auth",) if layout == "deb" else ("system-auth", "password-auth")
    # password quality: pam_pwquality args override pwquality.conf (+ .d), cracklib has args only
    quality = ("pam_pwquality.so", "pam_cracklib.so")
    pwlines = _stack(files, ("passwd", *shared_pw), "password", quality) or _stack(
        files, shared_pw, "password", quality
    )
    if pwlines:
        module, args = pwlines[0]
        conf: dict[str, str] = {}
        if module == "pam_pwquality.so":
            for path in sorted(
                p
                for p in files
                if p == "/etc/security/pwquality.conf" or p.startswith("/etc/security/pwquality.conf.d/")
            ):
                conf.update(_kv(files[path], "="))
        conf.update(args)
        facts["lnx.pw.module"] = module[:-3]
        _set_int(facts, "lnx.pw.minlen", conf, "minlen")
        credits = sum(1 for c in ("dcredit", "ucredit", "lcredit", "ocredit") if (_int(conf.get(c)) or 0) < 0)
        facts["lnx.pw.classes"] = max(_int(conf.get("minclass")) or 0, credits)
        facts["lnx.pw.enforce_for_root"] = "enforce_for_root" in conf
    else:
        unix = _stack(files, ("passwd", *shared_pw), "password", ("pam_unix.so",))
        facts["lnx.pw.module"] = None
        facts["lnx.pw.minlen"] = _int(unix[0][1].get("minlen")) if unix and "minlen" in unix[0][1] else None
        facts["lnx.pw.classes"] = 0
    # the hash pam_unix writes on a password change: its method argument (md5, sha512, yescrypt …)
    # decides, whatever login.defs says; without one it depends on the Linux-PAM release (login.defs
    # ENCRYPT_METHOD from 1.4 on, DES before): unknown
    unix_pw = _stack(files, ("passwd", *shared_pw), "password", ("pam_unix.so",))
    if unix_pw:
        named = [m for m in _PAM_HASHES if m in unix_pw[0][1]]
        if named:
            facts["lnx.pam_hash_method"] = named[0].upper()
        else:
            problems.append("pam_unix 未指定口令散列算法（取决于 Linux-PAM 版本）")
    # lockout on the remote-login stack: pam_faillock (faillock.conf + args) or legacy pam_tally2
    tally = ("pam_faillock.so", "pam_tally2.so", "pam_tally.so")
    lock = _stack(files, ("sshd", *shared_auth), "auth", tally)
    if not lock:  # an sshd file that does not lock: the shared stack may still (console logins)
        lock = [x for name in shared_auth for x in _pam_lines(files, name, "auth", tally)]
        if lock and "/etc/pam.d/sshd" in files:
            problems.append("登录失败锁定仅配置在本地登录栈，sshd 未引用")
            lock = []
    if not lock:
        facts.update(
            {
                "lnx.lock.module": None,
                "lnx.lock.deny": None,
                "lnx.lock.unlock_time": None,
                "lnx.lock.even_deny_root": False,
            }
        )
        return
    module = lock[0][0]
    merged: dict[str, str] = {}
    if module == "pam_faillock.so":
        # faillock.conf defaults (faillock.conf(5)): deny=3, unlock_time=600
        merged = {"deny": "3", "unlock_time": "600"}
        merged.update(_kv(files.get("/etc/security/faillock.conf", ""), "="))
        for line in _lines(files.get("/etc/security/faillock.conf", "")):
            if "=" not in line:
                merged[line.strip()] = ""
    for _, args in lock:
        merged.update(args)
    name = module[:-3]
    present = ev.get("pam_modules")
    if isinstance(present, list) and present and module not in present:
        name += "（模块文件缺失）"  # e.g. pam_tally2 configured on Linux-PAM >= 1.5: login breaks
    facts["lnx.lock.module"] = name
    _set_int(facts, "lnx.lock.deny", merged, "deny")
    _set_int(facts, "lnx.lock.unlock_time", merged, "unlock_time")
    facts["lnx.lock.even_deny_root"] = "even_deny_root" in merged


def _shell_var(files: dict[str, str], name: str) -> int | None:
    """Smallest positive value assigned to a shell variable in the profile files (0 if only 0)."""
    values = []
    rx = re.compile(rf"(?:^|[\s;])(?:export\s+|readonly\s+|declare\s+-\w+\s+)?{name}=[\"']?(\d+)")
    for path, text in files.items():
        if PROFILE_FILES.match(path):
            for line in text.splitlines():
                if not line.lstrip().startswith("#"):
                    values += [int(v) for v in rx.findall(line)]
    positive = [v for v in values if v > 0]
    return min(positive) if positive else (0 if values else None)


def _set_int(facts: dict[str, Any], key: str, conf: dict[str, str], name: str) -> None:
    """Set an int fact: None when the setting is absent, nothing at all when it is garbage."""
    if name not in conf:
        facts[key] = None
    elif _int(conf[name]) is not None:
        facts[key] = _int(conf[name])


def _sshd(ev: dict[str, Any], files: dict[str, str], facts: dict[str, Any], problems: list[str]) -> None:
    cmd = (ev.get("commands") or {}).get("sshd_T") if isinstance(ev.get("commands"), dict) else None
    opts: dict[str, str] = {}
    if isinstance(cmd, dict) and cmd.get("rc") == 0 and isinstance(cmd.get("out"), str):
        for line in cmd["out"].splitlines():
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                opts.setdefault(parts[0].lower(), parts[1]) if parts[0].lower() not in (
                    "allowusers",
                    "allowgroups",
                ) else opts.update(
                    {parts[0].lower(): (opts.get(parts[0].lower(), "") + " " + parts[1]).strip()}
                )
        if not opts:
            problems.append("sshd -T 输出无法解析")
            return
        for key in ("permitemptypasswords", "permitrootlogin", "ciphers", "macs", "allowusers", "port"):
            facts[f"lnx.ssh.{key}"] = opts.get(key)
        facts["lnx.ssh.source"] = "sshd -T"
    elif "/etc/ssh/sshd_config" in files:
        # No effective config (not root, fixture): read the files, first value wins as in sshd.
        def walk(text: str) -> None:
            for line in _lines(text):
                parts = line.split(None, 1)
                key = parts[0].lower()
                if key == "match":
                    return
                if key == "include" and len(parts) == 2:
                    for path in sorted(p for p in files if re.fullmatch(parts[1].replace("*", "[^/]*"), p)):
                        walk(files[path])
                elif len(parts) == 2:
                    opts.setdefault(key, parts[1])

        walk(files["/etc/ssh/sshd_config"])
        # Only defaults that are the same in every OpenSSH release are assumed.
        facts["lnx.ssh.permitemptypasswords"] = opts.get("permitemptypasswords", "no").lower()
        for key in ("permitrootlogin", "ciphers", "macs"):
            if key in opts:
                facts[f"lnx.ssh.{key}"] = opts[key].lower() if key == "permitrootlogin" else opts[key]
        facts["lnx.ssh.allowusers"] = opts.get("allowusers")
        facts["lnx.ssh.port"] = opts.get("port", "22")
        facts["lnx.ssh.source"] = "sshd_config"
        problems.append("未取得 sshd -T 输出，按 sshd_config 文件判断")
    else:
        problems.append("未取得 sshd 配置")
        return
    if "lnx.ssh.macs" in facts and facts["lnx.ssh.macs"] is not None:
        facts["lnx.ssh_weak_macs"] = [m for m in facts["lnx.ssh.macs"].split(",") if re.search(r"md5|-96", m)]
    if "lnx.ssh.ciphers" in facts and facts["lnx.ssh.ciphers"] is not None:
        facts["lnx.ssh_weak_ciphers"] = [
            c for c in facts["lnx.ssh.ciphers"].split(",") if re.search(r"cbc|arcfour|3des|blowfish|cast", c)
        ]


def _accounts(ev: dict[str, Any], facts: dict[str, Any], problems: list[str], now_days: float | None) -> None:
    passwd, shadow = ev.get("passwd"), ev.get("shadow")
    if not isinstance(passwd, list) or not all(isinstance(u, dict) for u in passwd):
        problems.append("未取得 /etc/passwd")
        return
    users = [u for u in passwd if isinstance(u, dict) and "name" in u and _int(u.get("uid")) is not None]
    if not users or len(users) < len(passwd) / 2:
        problems.append("/etc/passwd 无法解析")
        return
    uids: dict[int, list[str]] = {}
    for u in users:
        uids.setdefault(int(u["uid"]), []).append(u["name"])
    facts["lnx.duplicate_uids"] = [f"{uid}({','.join(n)})" for uid, n in sorted(uids.items()) if len(n) > 1]
    facts["lnx.uid0_accounts"] = uids.get(0, [])
    if not isinstance(shadow, list) or not all(isinstance(x, dict) for x in shadow):
        problems.append("未取得 /etc/shadow 字段（需 root）")
        return
    state = {s["name"]: s for s in shadow if isinstance(s, dict) and "name" in s}
    if not state:
        problems.append("/etc/shadow 无法解析")
        return
    usable = {n for n, s in state.items() if s.get("state") in ("set", "empty")}
    login = {u["name"] for u in users if not _NOLOGIN.search(str(u.get("shell", "")))}
    facts["lnx.empty_password_accounts"] = sorted(n for n, s in state.items() if s.get("state") == "empty")
    facts["lnx.system_accounts_with_login"] = sorted(
        u["name"] for u in users if 0 < int(u["uid"]) < 1000 and u["name"] in login and u["name"] in usable
    )
    facts["lnx.default_accounts_usable"] = sorted(usable)
    facts["lnx.default_accounts_with_shell"] = sorted(
        login & {n for n, s in state.items() if s.get("state") != "locked"}
    )
    facts["lnx.shadow_max_days"] = {
        n: (_int(state[n].get("max")) if _int(state[n].get("max")) is not None else 99999)
        for n in sorted(usable)
        if state[n].get("state") == "set"
    }
    facts["lnx.weak_hash_accounts"] = sorted(
        n
        for n, s in state.items()
        if s.get("state") == "set" and s.get("scheme") in ("des", "1", "2", "2a", "md5")
    )
    if now_days is not None:
        facts["lnx.expired_usable_accounts"] = sorted(
            n
            for n in usable
            if _int(state[n].get("expire")) is not None and int(state[n]["expire"]) < now_days
        )


def _logs(ev: dict[str, Any], files: dict[str, str], facts: dict[str, Any]) -> None:
    stat: dict[str, Any] = ev["stat"] if isinstance(ev.get("stat"), dict) else {}
    bad = []
    for path in LOG_FILES:
        st = stat.get(path)
        if isinstance(st, dict) and _int(st.get("mode")) is not None and int(st["mode"]) & 0o037:
            bad.append(f"{path}({int(st['mode']) & 0o7777:04o})")
    facts["lnx.log_perm_violations"] = bad
    # logrotate: the block covering the syslog files, else the global defaults
    glob_conf = files.get("/etc/logrotate.conf", "")
    period, rotate = None, None
    for line in _lines(glob_conf):
        if line in _PERIOD:
            period = _PERIOD[line]
        m = re.match(r"rotate (\d+)", line)
        if m:
            rotate = int(m.group(1))
    for path in ("/etc/logrotate.d/rsyslog", "/etc/logrotate.d/syslog"):
        if path in files:
            for line in _lines(files[path]):
                if line in _PERIOD:
                    period = _PERIOD[line]
                m = re.match(r"rotate (\d+)", line)
                if m:
                    rotate = int(m.group(1))
            break
    if "/etc/logrotate.conf" in files or any(p.startswith("/etc/logrotate.d/") for p in files):
        facts["lnx.log_retention_days"] = (period or 7) * rotate if rotate is not None else None
    remote = []
    for path, text in files.items():
        if path == "/etc/rsyslog.conf" or (path.startswith("/etc/rsyslog.d/") and path.endswith(".conf")):
            for line in _lines(text):
                m = re.search(r"(?:^|\s)@@?(?:\([^)]*\))?([\w.\-\[\]]+(?::\d+)?)", line)
                if m and not line.startswith("$"):
                    remote.append(m.group(1))
                m = re.search(r'type="omfwd".*?target="([^"]+)"', line)
                if m:
                    remote.append(m.group(1))
    if files:  # no rsyslog.conf at all: nothing forwards
        facts["lnx.remote_syslog"] = remote


def _audit(ev: dict[str, Any], facts: dict[str, Any], problems: list[str]) -> None:
    cmds: dict[str, Any] = ev["commands"] if isinstance(ev.get("commands"), dict) else {}
    rules = cmds.get("auditctl_l")
    if isinstance(rules, dict) and rules.get("rc") == 0 and isinstance(rules.get("out"), str):
        watched = set()
        for line in rules["out"].splitlines():
            m = re.match(r"-w (\S+) -p (\w+)", line.strip())
            if m and "w" in m.group(2):
                watched.add(m.group(1))
            m = re.search(r"-F path=(\S+).*-F perm=(\w+)", line)
            if m and "w" in m.group(2):
                watched.add(m.group(1))
        facts["lnx.audit_identity_watches"] = sorted(w for w in watched if w in _IDENTITY)
    elif isinstance(rules, dict):
        problems.append(
            "auditctl -l 失败："
            + clip(str(rules.get("err") or rules.get("out") or rules.get("rc")), 120, rules_for("linux"))
        )
    status = cmds.get("auditctl_s")
    if isinstance(status, dict) and status.get("rc") == 0 and isinstance(status.get("out"), str):
        m = re.search(r"^enabled (\d)", status["out"], re.M)
        if m:
            facts["lnx.audit_enabled"] = int(m.group(1))


def _services(ev: dict[str, Any], facts: dict[str, Any], problems: list[str]) -> None:
    svc = ev.get("services")
    if not isinstance(svc, dict):
        problems.append("未取得服务状态")
        return
    enabled = svc.get("enabled")
    if isinstance(enabled, list):
        facts["lnx.enabled_services"] = sorted({re.sub(r"\.(service|socket)$", "", str(s)) for s in enabled})
    active = svc.get("active")
    if isinstance(active, dict) and svc.get("systemd"):
        states = {re.sub(r"\.(service|socket)$", "", str(k)): str(v) for k, v in active.items()}
        facts["lnx.active_services"] = sorted(k for k, v in states.items() if v == "active")
        for name in ("auditd", "rsyslog"):
            facts[f"lnx.svc.{name}"] = states.get(name, "inactive")
        facts["lnx.timesync_active"] = sorted(k for k in TIMESYNC if states.get(k) == "active")
    cmds: dict[str, Any] = ev["commands"] if isinstance(ev.get("commands"), dict) else {}
    sync = cmds.get("ntp_synchronized")
    if isinstance(sync, dict) and sync.get("rc") == 0 and str(sync.get("out", "")).strip() in ("yes", "no"):
        facts["lnx.time_synchronized"] = str(sync["out"]).strip() == "yes"
    else:
        problems.append("无 systemd 运行状态（仅有启用状态）")


def extract(ev: dict[str, Any], facts: dict[str, Any], problems: list[str]) -> None:
    files = _files(ev)
    collected = ev.get("collected_at")
    now_days = float(collected) / 86400 if isinstance(collected, int | float) else None
    if not files:
        problems.append("未取得任何配置文件")
    else:
        _pam(files, facts, ev, problems)
        defs = _kv(files.get("/etc/login.defs", ""))
        if "/etc/login.defs" in files:
            _set_int(facts, "lnx.pass_max_days", defs, "PASS_MAX_DAYS")
            method = defs.get("ENCRYPT_METHOD")
            facts["lnx.encrypt_method"] = method.upper() if method else None
        facts["lnx.tmout"] = _shell_var(files, "TMOUT")
        facts["lnx.histsize"] = _shell_var(files, "HISTSIZE")
        auto = []
        for path, text in files.items():
            if path.startswith("/etc/lightdm/"):
                auto += [v for k, v in _kv(text, "=").items() if k == "autologin-user" and v]
            if re.match(r"/etc/gdm\d?/(custom|daemon)\.conf$", path):
                kv = _kv(text, "=")
                if kv.get("AutomaticLoginEnable", "").lower() == "true":
                    auto.append(kv.get("AutomaticLogin", "(gdm)"))
        facts["lnx.autologin_users"] = auto
        restrictions = []
        deny, allow = files.get("/etc/hosts.deny", ""), files.get("/etc/hosts.allow", "")
        if re.search(r"^\s*(ALL|sshd)\s*:\s*ALL", deny, re.M) and re.search(
            r"^\s*sshd\s*:\s*\S", allow, re.M
        ):
            restrictions.append("hosts.allow/hosts.deny")
        for path in (
            "/etc/nftables.conf",
            "/etc/iptables/rules.v4",
            "/etc/sysconfig/iptables",
            "/etc/ufw/user.rules",
        ):
            text = files.get(path, "")
            if re.search(r"(saddr|-s)\s+\S+.*dport\s+(22|ssh)\b|dport\s+(22|ssh)\b.*(saddr|-s)\s+\S+", text):
                restrictions.append(path)
        for path, text in files.items():
            if (
                path.startswith("/etc/firewalld/zones/")
                and re.search(r'<source address="[^"]+"', text)
                and "ssh" in text
            ):
                restrictions.append(path)
        facts["lnx._ssh_source_files"] = restrictions
    _sshd(ev, files, facts, problems)
    if "lnx._ssh_source_files" in facts:
        restrictions = facts.pop("lnx._ssh_source_files")
        if "@" in str(facts.get("lnx.ssh.allowusers") or ""):
            restrictions.append("sshd AllowUsers user@host")
        facts["lnx.ssh_source_restrictions"] = restrictions
    _accounts(ev, facts, problems, now_days)
    stat = ev.get("stat")
    if isinstance(stat, dict):
        bad = []
        for path, limit in KEY_FILE_MAX.items():
            st = stat.get(path)
            if isinstance(st, dict) and _int(st.get("mode")) is not None:
                mode = int(st["mode"]) & 0o7777
                if mode & ~limit or _int(st.get("uid")) not in (0, None):
                    bad.append(f"{path}({mode:04o})")
        facts["lnx.key_file_perm_violations"] = bad
        _logs(ev, files, facts)
    if isinstance(ev.get("world_writable"), list) and all(isinstance(x, str) for x in ev["world_writable"]):
        facts["lnx.world_writable"] = ev["world_writable"]
    listening = ev.get("listening")
    if isinstance(listening, list) and all(
        isinstance(x, dict) and _int(x.get("port")) is not None for x in listening
    ):
        ports = sorted(
            {int(x["port"]) for x in listening if isinstance(x, dict) and _int(x.get("port")) is not None}
        )
        facts["lnx.listening_ports"] = ports
        if "lnx.ssh.port" in facts:
            facts["lnx.ssh_listening"] = _int(facts["lnx.ssh.port"]) in ports
    else:
        problems.append("未取得监听端口")
    _services(ev, facts, problems)
    _audit(ev, facts, problems)
    pkgs = ev.get("packages")
    if isinstance(pkgs, dict) and isinstance(pkgs.get("names"), list):
        names = [str(n) for n in pkgs["names"]]
        facts["lnx.packages"] = names
        facts["lnx.aide_installed"] = "aide" in names
    aide = ev.get("aide")
    if isinstance(aide, dict) and "db" in aide:
        facts["lnx.aide_db"] = bool(aide["db"])
    upd = ev.get("updates")
    if isinstance(upd, dict):
        if isinstance(upd.get("index_age_days"), int | float):
            facts["lnx.pkg_index_age_days"] = round(float(upd["index_age_days"]), 1)
        if isinstance(upd.get("security_pending"), int):
            facts["lnx.security_updates_pending"] = upd["security_pending"]
        elif upd.get("error"):
            problems.append("补丁状态：" + clip(str(upd["error"]), 120, rules_for("linux")))
    av = ev.get("av")
    if (
        isinstance(av, dict)
        and isinstance(av.get("signature_mtime"), int | float)
        and isinstance(collected, int | float)
    ):
        facts["lnx.av_signature_age_days"] = round((collected - av["signature_mtime"]) / 86400, 1)
    elif isinstance(av, dict) and "signature_mtime" in av and av["signature_mtime"] is None:
        facts["lnx.av_signature_age_days"] = None
    sel = ev.get("selinux")
    if isinstance(sel, dict):
        if sel.get("enforce") in ("0", "1"):
            facts["lnx.selinux"] = "enforcing" if sel["enforce"] == "1" else "permissive"
        elif sel.get("config"):
            # configured but no /sys/fs/selinux/enforce: the kernel is not enforcing anything
            m = re.search(r"^SELINUX=(\w+)", sel["config"], re.M)
            facts["lnx.selinux"] = f"内核未启用（配置 {m.group(1).lower() if m else '?'}）"
        else:
            facts["lnx.selinux"] = "未启用"
