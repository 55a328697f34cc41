"""What the network hardening roles change about a device's accounts, computed on the controller from
the running configuration and the court's inputs (roles/harden_vrp, harden_comware, harden_ios):

- L3-CES1-06: the default accounts the court names (`harden_<vendor>_remove_default_accounts`) are
  deleted — refused when one of them is the management account or when no account of the highest
  privilege level would remain;
- L3-CES1-28: every local user kept with a reversible or cleartext password (VRP `password cipher` /
  `simple`, Comware `password simple` / `cipher`: what the audit flags) gets the irreversible hash the
  court gives for it (`harden_<vendor>_user_secret_hashes`, from the vault) — refused, naming the
  users, when a hash is missing or not in the device's hash form, or when the user is the management
  account itself (its new password is the engineer's to set);
- L3-CES1-05 (VRP, Comware): the console and AUX lines log in with a local account (`authentication-mode
  aaa` / `scheme`) once the court names the console accounts (`harden_<vendor>_console_accounts`) and
  every one of them exists with the `terminal` service type — else refused, with the reason.

`plan(...)` returns, per control id, the lines to send (`commands`, [] = nothing to change) and the
reasons it is refused (`errors`, Chinese: they end up in the run's log the engineer reads); the role
fails the device on an error before it sends anything. The hashes go into `commands` only: a role
task that sends them runs with no_log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from courtops.vendors import common

#: the irreversible hash forms each device accepts in place of a password
HASH_FORMS = {
    "vrp": re.compile(r"^\$1[a-d]\$\S+\$$"),  # `local-user NAME password irreversible-cipher $1c$…$`
    "comware": re.compile(r"^\$h\$\d+\$\S+$"),  # `password hash $h$6$…` in the local user view
    "ios": re.compile(r"^\$[189]\$\S+$"),  # `username NAME secret 9|8|5 $9$…`
}
_HASH_NAMES = {"vrp": "$1a$…$ / $1c$…$", "comware": "$h$6$…", "ios": "$9$ / $8$ / $1$"}
_WEAK = ("cipher", "simple")
CONTROLS = (
    "L3-CES1-05",
    "L3-CES1-06",
    "L3-CES1-28",
)  # the audit's reversible / cleartext forms (VRP and Comware alike)


@dataclass
class Account:
    name: str
    ptype: str | None  # password form: irreversible-cipher, cipher, simple, hash, secret, password
    level: int  # privilege level (Comware: network-admin = 15, level-N = N; unknown role = 0)
    services: list[str] = field(default_factory=list)
    header: str = ""  # the Comware local user view (`local-user NAME class manage`)


def _vrp_accounts(config: str) -> dict[str, Account]:
    users: dict[str, Account] = {}
    for m in re.finditer(r"^\s*local-user (\S+) (.*)$", config, re.M):
        u = users.setdefault(m.group(1), Account(m.group(1), None, 0))
        rest = m.group(2)
        if pm := re.match(r"password (irreversible-cipher|cipher|simple)\b", rest):
            u.ptype = pm.group(1)
        elif lm := re.match(r"privilege level (\d+)", rest):
            u.level = int(lm.group(1))
        elif sm := re.match(r"service-type (.*)", rest):
            u.services += sm.group(1).split()
    return users


def _comware_level(body: list[str]) -> int:
    roles = [x.split()[-1] for x in body if x.startswith("authorization-attribute user-role ")]
    levels = [
        15 if r == "network-admin" else int(r[6:]) if re.fullmatch(r"level-\d+", r) else 0 for r in roles
    ]
    return max(levels, default=0)


def _comware_accounts(config: str) -> dict[str, Account]:
    users: dict[str, Account] = {}
    for m, body in common.views(config, re.compile(r"^local-user (\S+)(?: class \S+)?$")):
        ptype = next((x.split()[1] for x in body if re.match(r"password (hash|cipher|simple) ", x)), None)
        services = [s for x in body if x.startswith("service-type ") for s in x.split()[1:]]
        users[m.group(1)] = Account(m.group(1), ptype, _comware_level(body), services, m.group(0))
    return users


def _ios_accounts(config: str) -> dict[str, Account]:
    users: dict[str, Account] = {}
    for m in re.finditer(r"^username (\S+)(.*)$", config, re.M):
        rest = m.group(2)
        level = re.search(r"\bprivilege (\d+)", rest)
        kind = (
            "secret" if re.search(r"\bsecret\b", rest) else "password" if " password " in f"{rest} " else None
        )
        users[m.group(1)] = Account(m.group(1), kind, int(level.group(1)) if level else 1)
    return users


ACCOUNTS = {"vrp": _vrp_accounts, "comware": _comware_accounts, "ios": _ios_accounts}


def accounts(config: str, platform: str) -> dict[str, Account]:
    return ACCOUNTS[platform](config.replace("\r", ""))


def console_lines(config: str, platform: str) -> list[str]:
    """The console / AUX views that log in without a local account (VRP `user-interface con 0`
    without `authentication-mode aaa`; Comware `line aux 0` / `line class console` without `scheme`,
    a line without the keyword taking its class's mode, console and AUX defaulting to none)."""
    config = config.replace("\r", "")
    if platform == "vrp":
        views = common.views(config, re.compile(r"^user-interface (con|console|aux) \d+$", re.I))
        return [m.group(0) for m, body in views if "authentication-mode aaa" not in body]
    if platform != "comware":
        return []
    views = common.views(config, re.compile(r"^line (class )?(con|console|aux)\b.*$"))

    def mode(body: list[str]) -> str | None:
        return next((x.split()[1] for x in body if x.startswith("authentication-mode ")), None)

    classes = {
        ("console" if m.group(2).startswith("con") else "aux"): mode(b) for m, b in views if m.group(1)
    }
    out = []
    for m, body in views:
        klass = "console" if m.group(2).startswith("con") else "aux"
        if not m.group(1) and (mode(body) or classes.get(klass) or "none") != "scheme":
            out.append(m.group(0))
    has_console_line = any(not m.group(1) and m.group(2).startswith("con") for m, _ in views)
    if not has_console_line and classes.get("console", "none") != "scheme":
        out.append("line class console")
    return out


def _indent(header: str, lines: Iterable[str]) -> list[str]:
    return [header, *(f" {x}" for x in lines)]


def plan(
    config: str,
    platform: str,
    mgmt_user: str,
    remove: Iterable[str] = (),
    hashes: Mapping[str, str] | None = None,
    console_accounts: Iterable[str] = (),
    enabled: Iterable[str] | None = None,
) -> dict[str, Any]:
    """{"commands": {control id: [line, …]}, "errors": {control id: [reason, …]}, "convert": [user, …],
    "remove": [user, …], "console_lines": [view, …]} for L3-CES1-06, -28 and -05. Only the controls in
    ``enabled`` (default all three) are planned: the others send nothing and refuse nothing (a user
    L3-CES1-06 would delete is converted when L3-CES1-06 is off)."""
    on = set(CONTROLS if enabled is None else enabled)
    users = accounts(config, platform)
    hashes = dict(hashes or {}) if "L3-CES1-28" in on else {}
    remove = remove if "L3-CES1-06" in on else ()
    console_accounts = console_accounts if "L3-CES1-05" in on else ()
    errors: dict[str, list[str]] = {"L3-CES1-06": [], "L3-CES1-28": [], "L3-CES1-05": []}
    commands: dict[str, list[str]] = {"L3-CES1-06": [], "L3-CES1-28": [], "L3-CES1-05": []}

    # L3-CES1-06: only the named accounts the device has; never the management account, never the
    # last account(s) of the highest level
    named = list(dict.fromkeys(remove))
    gone = [n for n in named if n in users]
    if mgmt_user in named:
        errors["L3-CES1-06"].append(f"默认账户 {mgmt_user} 是本次加固使用的管理账户，不能删除")
    top = max((u.level for u in users.values()), default=0)
    if gone and all(n in gone for n, u in users.items() if u.level == top):
        errors["L3-CES1-06"].append(
            f"删除 {'、'.join(gone)} 后设备上将没有最高权限级别（{top}）的账户，未删除；请先建立个人管理账户"
        )
    if platform == "vrp":
        ssh_users = set(re.findall(r"^ssh user (\S+)", config, re.M))
        commands["L3-CES1-06"] = _indent("aaa", [f"undo local-user {n}" for n in gone]) if gone else []
        commands["L3-CES1-06"] += [f"undo ssh user {n}" for n in gone if n in ssh_users]
    elif platform == "comware":
        commands["L3-CES1-06"] = [f"undo {users[n].header}" for n in gone]
    else:
        commands["L3-CES1-06"] = [f"no username {n}" for n in gone]

    # L3-CES1-28: the reversible passwords of the users that stay
    if platform in ("vrp", "comware"):
        weak = [n for n, u in sorted(users.items()) if u.ptype in _WEAK and n not in gone]
        if mgmt_user in weak:
            errors["L3-CES1-28"].append(
                f"管理账户 {mgmt_user} 的口令为可还原形式，须由工程师在设备上改为不可逆口令（角色不修改所用管理账户）"
            )
        missing = [n for n in weak if n not in hashes]
        if missing:
            errors["L3-CES1-28"].append(
                f"账户 {'、'.join(missing)} 的口令为可还原/明文形式，但未给出其不可逆口令散列"
                f"（harden_{platform}_user_secret_hashes）"
            )
        malformed = sorted(n for n in weak if n in hashes and not HASH_FORMS[platform].match(str(hashes[n])))
        if malformed:
            errors["L3-CES1-28"].append(
                f"账户 {'、'.join(malformed)} 的口令散列不是设备接受的形式（{_HASH_NAMES[platform]}）"
            )
        convert = [n for n in weak if n != mgmt_user and n in hashes and n not in malformed]
        if platform == "vrp" and convert:
            commands["L3-CES1-28"] = _indent(
                "aaa", [f"local-user {n} password irreversible-cipher {hashes[n]}" for n in convert]
            )
        elif platform == "comware":
            for n in convert:
                commands["L3-CES1-28"] += _indent(users[n].header, [f"password hash {hashes[n]}"])
    else:
        convert = []

    # L3-CES1-05: console / AUX with a local account, only for the accounts the court names
    consoles = list(dict.fromkeys(console_accounts))
    lines = console_lines(config, platform) if consoles else []
    for n in consoles:
        if n not in users:
            errors["L3-CES1-05"].append(f"指定的控制台账户 {n} 在设备上不存在")
        elif n in gone:
            errors["L3-CES1-05"].append(f"指定的控制台账户 {n} 正被 L3-CES1-06 删除")
        elif "terminal" not in users[n].services:
            errors["L3-CES1-05"].append(
                f"指定的控制台账户 {n} 没有 terminal 服务类型，改为账户认证后无法从控制台登录"
            )
    mode = "aaa" if platform == "vrp" else "scheme"
    for view in lines:
        commands["L3-CES1-05"] += _indent(view, [f"authentication-mode {mode}"])
    if "L3-CES1-28" not in on:
        commands["L3-CES1-28"], errors["L3-CES1-28"], convert = [], [], []
    return {
        "commands": commands,
        "errors": errors,
        "remove": gone,
        "convert": convert,
        "console_lines": lines,
    }
