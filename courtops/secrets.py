"""The secret policy: what is a secret in evidence, facts, findings and stored results, and how it is hidden.

Two mechanisms, used together wherever courtops writes something down (results store, findings
export, reports, backups, the recorder's error file):

- **declared secret-bearing fields** (:data:`SECRET_FIELDS`): a mapping value whose key matches one
  of these whole-key patterns is replaced as a whole (the recorder writes ``********``). The patterns
  name fields that *hold* a secret (``ansible_password``, ``db_password``, ``snmp_community``,
  ``vault_*``), never fields that *describe* a policy: ``win.min_password_length``,
  ``net.password_history`` and ``lnx.ssh.permitemptypasswords`` are evidence an auditor asks for
  and survive.
- **value patterns** (:class:`SecretRule`): regular expressions over text (a configuration file, a
  command's output, an error message) that find a secret wherever it sits and replace only the
  secret part — ``（已隐藏）`` or a class such as ``（已隐藏:hash）`` — keeping the rest of the line
  so the evidence around it still reads.

Rules are per platform: :func:`rules_for` returns the generic rules (private keys, crypt hashes,
``password=`` values, URL credentials) plus the platform's own.

**Network vendors are part of it.** ``rules_for("vrp")`` (``comware``, ``ios``, or an extra vendor's
platform) adds ``courtops.vendors.get(platform).secret_rules``; ``rules_for(None)`` adds every vendor's.
The vendor modules build their rules with :func:`secret_rule` (matched line by line, the secret in a
numbered group) and ``Vendor.mask`` is :func:`mask_text` with them: one engine, one set of forms
wherever courtops writes text down. Example (IOS)::

    SECRET_RULES = (secret_rule("SNMP 团体字", r"^snmp-server community (\\S+)"),)

:func:`mask_text` matches every rule on the original text and merges overlapping secrets into one
replacement; with a ``key`` the replacement carries a keyed fingerprint (for backup diffs).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

#: What a masked value becomes in text.
HIDDEN = "（已隐藏）"
#: What the recorder stores for a value under a declared secret-bearing field.
REDACTED = "********"

#: Whole-key patterns (case-insensitive, fnmatch) of fields that hold a secret. A key is tested as a
#: whole and by its last dotted part, so ``net.snmp_community`` and ``snmp_community`` both match.
SECRET_FIELDS: tuple[str, ...] = (
    "password",
    "*_password",
    "*-password",
    "passwd",
    "*_passwd",
    "ansible_*_pass",
    "ansible_pass",
    "passphrase",
    "*_passphrase",
    "secret",
    "*_secret",
    "client_secret",
    "token",
    "*_token",
    "api_key",
    "*_api_key",
    "community",
    "*_community",
    "communities",
    "*_communities",
    "private_key",
    "*_private_key",
    "auth_key",
    "*_auth_key",
    "priv_key",
    "*_priv_key",
    "authorization",
    "cookie",
    "set-cookie",
    "credential",
    "credentials",
    "*_credential",
    "*_credentials",
    "vault_*",
    "censored_value",
)


#: Fields whose names match a pattern above but that hold a policy setting, not a secret.
POLICY_FIELDS: tuple[str, ...] = (
    "cleartext_password",
    "require_logon_to_change_password",
    "limit_blank_password*",
    "permit_empty_password*",
    "min_password*",
    "max_password*",
)
#: Default SNMP communities everyone knows: naming them is evidence (弱口令), not a disclosure.
WELL_KNOWN_DEFAULTS = frozenset({"public", "private"})


def is_secret_field(key: Any, patterns: Sequence[str] = SECRET_FIELDS) -> bool:
    """Does a mapping key name a field that holds a secret (not one that describes a policy)?"""
    return _is_secret_field(str(key), tuple(patterns))


@lru_cache(maxsize=4096)
def _is_secret_field(key: str, patterns: tuple[str, ...]) -> bool:
    name = key.strip().lower()
    last = name.rsplit(".", 1)[-1]
    if any(fnmatchcase(last, p) for p in POLICY_FIELDS):
        return False
    return any(fnmatchcase(name, p) or fnmatchcase(last, p) for p in patterns)


@dataclass(frozen=True)
class SecretRule:
    """One value pattern: the pattern's secret group is replaced by ``replacement``.

    The secret group is the named group ``secret`` (the default) or the group numbered or named by
    ``group`` — the vendor modules' rules (``secret_rule``) give a number, so their regexes stay as
    the vendor documentation writes the line.

    ``keep_keys``: lower-case names (the pattern's named group ``key``) whose value is policy
    evidence, not a secret (e.g. secedit's ``ClearTextPassword = 0``): left as they are.
    """

    name: str
    pattern: re.Pattern[str]
    replacement: str = HIDDEN
    keep_keys: frozenset[str] = field(default_factory=frozenset)
    hint: re.Pattern[str] | None = None
    group: int | str = "secret"

    def __init__(
        self,
        name: str,
        pattern: str | re.Pattern[str],
        replacement: str = HIDDEN,
        keep_keys: Iterable[str] = (),
        flags: int = 0,
        hint: str | None = None,
        group: int | str = "secret",
    ) -> None:
        compiled = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        if isinstance(group, str) and group not in compiled.groupindex:
            raise ValueError(f"secret rule {name}: the pattern has no (?P<{group}>…) group")
        if isinstance(group, int) and not 0 < group <= compiled.groups:
            raise ValueError(f"secret rule {name}: the pattern has no group {group} to hold the secret")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "pattern", compiled)
        object.__setattr__(self, "replacement", replacement)
        object.__setattr__(self, "keep_keys", frozenset(k.lower() for k in keep_keys))
        # a cheap test that matches wherever the rule can: most text holds no secret at all
        object.__setattr__(self, "hint", re.compile(hint, re.I) if hint else None)
        object.__setattr__(self, "group", group)

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Where the secrets this rule finds in ``text`` are (start, end); empty values hide nothing."""
        if self.hint is not None and not self.hint.search(text):
            return
        for m in self.pattern.finditer(text):
            if self.keep_keys and "key" in self.pattern.groupindex:
                key = (m.group("key") or "").strip("\"' ").lower()
                if key in self.keep_keys:
                    continue
            start, end = m.span(self.group)
            if start >= 0 and start != end:  # an empty value hides nothing ("未配置" elsewhere)
                yield start, end

    def apply(self, text: str, key: bytes | None = None) -> str:
        """``text`` with this rule's secrets replaced (``mask_text`` with this rule alone)."""
        return mask_text(text, (self,), key)


def secret_rule(name: str, pattern: str, group: int | str = 1, hint: str | None = None) -> SecretRule:
    """A configuration-text rule as vendor modules write them: matched line by line (``re.M``), the
    secret in group ``group`` (1 unless said). ``hint``: a cheap pattern found wherever the rule can
    match (case-insensitive); with every rule hinted, text without any hint is returned at once."""
    return SecretRule(name, pattern, flags=re.M, group=group, hint=hint)


def hidden(kind: str) -> str:
    """The replacement naming the class of what was hidden, e.g. ``（已隐藏:hash）``."""
    return f"（已隐藏:{kind}）"


#: secedit / GPO / net-device policy settings whose names end in "password" but whose values are
#: settings (0/1, days), not passwords: evidence for 身份鉴别 items.
POLICY_KEYS = frozenset(
    {
        "cleartextpassword",
        "requirelogontochangepassword",
        "limitblankpassword",
        "permitemptypassword",
        "pwd",
        "oldpwd",
    }
)

_SECRET_WORD = r"(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|community)"

GENERIC_RULES: list[SecretRule] = [
    # PEM private keys (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8): the body, also when truncated
    SecretRule(
        "pem.private_key",
        r"(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----)(?P<secret>.*?)(-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|\Z)",
        hidden("private_key"),
        flags=re.S,
        hint="PRIVATE KEY-----",
    ),
    SecretRule(
        "putty.private_key",
        r"(Private-Lines: \d+\r?\n)(?P<secret>(?:[A-Za-z0-9+/=]+\r?\n?)+)",
        hidden("private_key"),
        hint="Private-Lines",
    ),
    # crypt(3) hashes anywhere: $1$ MD5, $2*$ bcrypt, $5$/$6$ SHA-2, $y$/$gy$ yescrypt, $7$ scrypt, …
    # The scheme id is kept: it is the strength class an auditor reads.
    SecretRule(
        "crypt.hash",
        r"(\$(?:1|2[abxy]?|5|6|7|y|gy|sha1|md5|apr1)\$)(?P<secret>[./A-Za-z0-9$=,+-]{4,})",
        hidden("hash"),
        hint=r"\$[0-9a-z]{1,4}\$",
    ),
    # URL credentials: scheme://user:password@host
    SecretRule(
        "url.password",
        r"([a-z][a-z0-9+.-]*://[^\s:/@]+:)(?P<secret>[^\s@/]+)(@)",
        flags=re.I,
        hint="://[^@]*@",
    ),
    # key = value / key: value / "key": "value" where the key *ends* in a secret word
    SecretRule(
        "assignment.secret",
        r"(?P<key>[\"']?[A-Za-z0-9_.-]*" + _SECRET_WORD + r")[\"']?(\s*[=:]\s*)"
        r"(?P<q>[\"'])?(?P<secret>(?(q)[^\"'\r\n]*|[^\s,;}\]]+))",
        keep_keys=POLICY_KEYS,
        flags=re.I,
        hint=_SECRET_WORD + r"[\"']?\s*[=:]",
    ),
    # Authorization headers
    SecretRule(
        "http.authorization",
        r"(Authorization:\s*(?:Basic|Bearer|Digest|NTLM)\s+)(?P<secret>\S+)",
        flags=re.I,
        hint="Authorization:",
    ),
]

LINUX_RULES: list[SecretRule] = [
    # /etc/shadow and gshadow lines: the hash field, whatever its scheme (DES crypt has no $id$);
    # the lock prefix (! or *) is kept, it is evidence (locked account).
    # The $id$ scheme prefix stays outside the secret (as crypt.hash keeps it): all rules are matched
    # on the same text, so both must agree on where the hash begins.
    SecretRule(
        "shadow.hash",
        r"^([a-z_][a-z0-9_.-]*\$?:[!*]*(?:\$[A-Za-z0-9]{1,4}\$)?)(?P<secret>(?!x:)[^:!*\s][^:\s]*)(:\d*:\d*:\d*:)",
        hidden("hash"),
        flags=re.M,
        hint=r":\d*:\d*:\d*:",
    ),
    # net-snmp snmpd.conf: communities and USM passphrases
    SecretRule(
        "snmpd.community",
        r"^(\s*(?:[rw]ocommunity6?|com2sec6?(?:\s+-Cn\s+\S+)?\s+\S+\s+\S+)\s+)(?P<secret>\S+)",
        flags=re.M | re.I,
        hint="community|com2sec",
    ),
    SecretRule(
        "snmpd.usm_auth",
        r"^(\s*createUser\s+(?:-e\s+\S+\s+)?\S+\s+(?:MD5|SHA\S*)\s+)(?P<secret>\S+)",
        flags=re.M | re.I,
        hint="createUser",
    ),
    SecretRule(
        "snmpd.usm_priv",
        r"^(\s*createUser\s.*?\s(?:DES|AES\S*)\s+)(?P<secret>\S+)",
        flags=re.M | re.I,
        hint="createUser",
    ),
    # wpa_supplicant / NetworkManager / cifs credentials files
    SecretRule(
        "psk",
        r"^(\s*(?:psk|wep-key\d|password-raw)\s*=\s*)(?P<secret>\S+)",
        flags=re.M | re.I,
        hint="psk|wep-key|password-raw",
    ),
]

WINDOWS_RULES: list[SecretRule] = [
    # pwdump / secretsdump lines: user:rid:LM:NT::: — both hashes
    SecretRule(
        "pwdump.lm",
        r"^([^:\s]+:\d+:)(?P<secret>[0-9a-fA-F]{32})(:[0-9a-fA-F]{32}:)",
        hidden("hash"),
        flags=re.M,
        hint=r":[0-9a-f]{32}:",
    ),
    SecretRule(
        "pwdump.nt",
        r"^([^:\s]+:\d+:(?:[0-9a-fA-F]{32}|（已隐藏:hash）):)(?P<secret>[0-9a-fA-F]{32})(:)",
        hidden("hash"),
        flags=re.M,
        hint=r":[0-9a-f]{32}:",
    ),
    # "NTLM: <32 hex>", "NT hash = …", "LM Hash: …" (mimikatz, secretsdump, reports)
    SecretRule(
        "ntlm.labelled",
        r"(\b(?:NTLM|NT|LM)(?:[ _-]?hash)?\s*[:=]\s*)(?P<secret>[0-9a-fA-F]{32})\b",
        hidden("hash"),
        flags=re.I,
        hint=r"\b(?:NTLM|NT|LM)\b",
    ),
    # reg query output: DefaultPassword REG_SZ <value> (AutoAdminLogon's cleartext password)
    SecretRule(
        "winlogon.default_password",
        r"(\b(?:DefaultPassword|AutoLogonPassword)\s+REG_\w+\s+)(?P<secret>\S[^\r\n]*)",
        flags=re.I,
        hint="REG_",
    ),
    # net user NAME PASSWORD /add
    SecretRule(
        "net_user.password",
        r"(\bnet\s+user\s+\S+\s+)(?P<secret>(?!/)\S+)(?=\s+/add\b)",
        flags=re.I,
        hint="/add",
    ),
    # ConvertTo-SecureString "…" -AsPlainText
    SecretRule(
        "securestring.plaintext",
        r"(ConvertTo-SecureString\s+(?:-String\s+)?[\"'])(?P<secret>[^\"']+)([\"'][^\r\n]*-AsPlainText)",
        flags=re.I,
        hint="AsPlainText",
    ),
]

_PLATFORM_RULES: dict[str, list[SecretRule]] = {
    "linux": LINUX_RULES,
    "linux_deb": LINUX_RULES,
    "linux_rpm": LINUX_RULES,
    "windows": WINDOWS_RULES,
}


def _vendor_modules() -> list[Any]:
    """Every network vendor of the registry (``courtops.vendors``: the built-in VRP, Comware and IOS
    modules and any extra vendor on ``COURTOPS_VENDOR_PATH``), each with its ``secret_rules``.

    Imported here, not at the top: ``courtops.vendors.base`` builds its rules with this module.
    """
    from courtops import vendors

    return list(vendors.registry().values())


def _vendor_rules(platform: str | None) -> list[SecretRule]:
    """The secret rules of the vendor of ``platform`` (``None``: every vendor's)."""
    rules: list[SecretRule] = []
    for source in _vendor_modules():
        own = getattr(source, "secret_rules", None)
        if not own:
            continue
        names = {getattr(source, "platform", None) or getattr(source, "__name__", "").rsplit(".", 1)[-1]}
        names.update(getattr(source, "PLATFORMS", None) or getattr(source, "platforms", None) or ())
        if platform is None or platform in names:
            rules.extend(own)
    return rules


@lru_cache(maxsize=32)
def _rules_for(platform: str | None) -> tuple[SecretRule, ...]:
    if platform is None:  # platform unknown: every rule courtops has
        every = [r for rules in (LINUX_RULES, WINDOWS_RULES) for r in rules]
        return (*GENERIC_RULES, *every, *_vendor_rules(None))
    return (*GENERIC_RULES, *_PLATFORM_RULES.get(platform, []), *_vendor_rules(platform))


def rules_for(platform: str | None = None) -> list[SecretRule]:
    """The rules for text from a host of ``platform`` (``None`` or ``""``: all rules of every platform)."""
    return list(_rules_for(platform or None))


_ANY_HINT: dict[tuple[int, ...], re.Pattern[str] | None] = {}


def _any_hint(rules: Sequence[SecretRule]) -> re.Pattern[str] | None:
    """One pattern that matches where any of the rules could (None: a rule without a hint)."""
    key = tuple(id(r) for r in rules)
    if key not in _ANY_HINT:
        hints = [r.hint.pattern for r in rules if r.hint is not None]
        _ANY_HINT[key] = (
            re.compile("|".join(f"(?:{h})" for h in hints), re.I) if len(hints) == len(rules) else None
        )
    return _ANY_HINT[key]


def mask_text(text: str, rules: Iterable[SecretRule] | None = None, key: bytes | None = None) -> str:
    """``text`` with every secret the rules find replaced; everything else kept.

    Every rule is matched on the original text and overlapping secrets are merged into one
    replacement (two rules finding parts of one ciphertext hide all of it, once). The replacement is
    the rule's (``（已隐藏）`` or a class such as ``（已隐藏:hash）``) of the secret that starts first.
    With ``key`` (the backup work's local secret) the replacement also carries an HMAC-SHA256
    fingerprint, ``（已隐藏:1a2b3c4d）`` / ``（已隐藏:hash:1a2b3c4d）``: a diff of two backups shows
    that a secret changed, and nobody without the key can test a guess against it.
    """
    if rules is None:
        rules = _rules_for(None)
    ruleset = rules if isinstance(rules, list | tuple) else tuple(rules)
    if not text:
        return text
    quick = _any_hint(ruleset)
    if quick is not None and not quick.search(text):  # the usual case: nothing secret-like at all
        return text
    found = sorted((start, end, rule.replacement) for rule in ruleset for start, end in rule.spans(text))
    if not found:
        return text
    merged: list[list[Any]] = []
    for start, end, replacement in found:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, replacement])
    out: list[str] = []
    last = 0
    for start, end, replacement in merged:
        out += [text[last:start], _fingerprinted(replacement, text[start:end], key)]
        last = end
    out.append(text[last:])
    return "".join(out)


def _fingerprinted(replacement: str, value: str, key: bytes | None) -> str:
    if key is None:
        return replacement
    digest = hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:8]
    return f"{replacement[:-1]}:{digest}）" if replacement != HIDDEN else f"（已隐藏:{digest}）"


def mask_value(
    value: Any,
    rules: Iterable[SecretRule] | None = None,
    fields: Sequence[str] = SECRET_FIELDS,
    redacted: str = REDACTED,
) -> Any:
    """A copy of a JSON-like value: declared secret fields replaced whole, every string masked."""
    ruleset = tuple(rules) if rules is not None else _rules_for(None)
    return _mask(value, ruleset, tuple(fields), redacted)


def _holds(value: Any) -> bool:
    """Is there anything to hide (an empty value or list is evidence: nothing configured)?"""
    return value is not None and not (isinstance(value, str | list | tuple | dict | set) and not value)


def _mask(value: Any, rules: tuple[SecretRule, ...], fields: tuple[str, ...], redacted: str) -> Any:
    if isinstance(value, str):
        return mask_text(value, rules)
    if isinstance(value, dict):
        return {
            k: redacted
            if is_secret_field(k, fields) and _holds(value[k])
            else _mask(v, rules, fields, redacted)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, str) for v in value):
            # lines of one text (stdout_lines, an argv): a PEM block spans several of them
            joined = "\n".join(value)
            masked = mask_text(joined, rules)
            return list(value) if masked == joined else masked.split("\n")
        return [_mask(v, rules, fields, redacted) for v in value]
    return value


def clip(text: str, limit: int, rules: Iterable[SecretRule] | None = None) -> str:
    """``text`` masked, then cut to ``limit`` characters (masking first: a cut secret is not recognised)."""
    return mask_text(text, rules)[:limit]
