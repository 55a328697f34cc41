"""The platform rules registry: how each platform's capture is checked, normalised, masked and laid out.

    from courtops.backup.rules import rules_for
    rules = rules_for("vrp")
    reasons = rules.validate(capture.files)        # [] when the capture is complete
    text = rules.normalise("config", raw)           # volatile lines dropped
    repo_files = rules.render(masked_files)         # {"": text} (one file) or {relpath: text} (a directory)

Network platforms (every vendor of ``courtops.vendors``) are built from the vendor modules' hooks by
``courtops.backup.network_rules``. Other platforms register themselves: a module calls
:func:`register` at import time, and this registry imports ``courtops.backup.server_rules`` (Linux and
Windows) when that module exists, so the server work plugs in without touching this file.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from courtops.secrets import SecretRule

#: Modules imported on first use that register more platforms (absent ones are skipped).
EXTRA_RULE_MODULES = ("courtops.backup.server_rules",)


def _identity_render(files: dict[str, str]) -> dict[str, str]:
    return dict(files)


def _no_path_rules(relpath: str) -> tuple[SecretRule, ...]:
    return ()


@dataclass(frozen=True)
class PlatformRules:
    """One platform's backup rules.

    - ``validate(files)``: the reasons the capture is incomplete or an error ([] = complete);
    - ``normalise(relpath, text)``: ``text`` without what changes on every read;
    - ``secret_rules``: what is masked in the git copy (``courtops.secrets.mask_text``);
    - ``render(files)``: the normalised, masked files → the repository entries under the device's
      path: ``{"": text}`` makes the device one file (network), ``{relpath: text}`` a directory;
    - ``size_basis``: the files the shrink guard measures (empty: all of them);
    - ``path_secret_rules(relpath)``: more rules for one file only (a server's ``etc/gshadow`` or
      ``etc/ppp/chap-secrets``, whose formats would match harmless lines anywhere else).
    """

    platform: str
    validate: Callable[[dict[str, str]], list[str]]
    normalise: Callable[[str, str], str]
    secret_rules: tuple[SecretRule, ...]
    render: Callable[[dict[str, str]], dict[str, str]] = _identity_render
    size_basis: tuple[str, ...] = ()
    path_secret_rules: Callable[[str], tuple[SecretRule, ...]] = _no_path_rules

    def secrets_for(self, relpath: str) -> tuple[SecretRule, ...]:
        """What is masked in file ``relpath``: the platform's rules and that file's own."""
        extra = self.path_secret_rules(relpath)
        return (*self.secret_rules, *extra) if extra else self.secret_rules

    def size(self, files: dict[str, str]) -> int:
        """The size the shrink guard compares: the basis files' lengths (all files without a basis)."""
        names = self.size_basis or tuple(files)
        return sum(len(files.get(n, "")) for n in names)


class UnknownPlatform(LookupError):
    """No backup rules for this platform."""


_REGISTRY: dict[str, PlatformRules] = {}
_loaded = False


def register(rules: PlatformRules) -> None:
    """Add (or replace) the rules of one platform; other modules call this at import time."""
    _REGISTRY[rules.platform] = rules


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from courtops.backup import network_rules

    for rules in network_rules.all_rules():
        _REGISTRY.setdefault(rules.platform, rules)
    for name in EXTRA_RULE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but something it imports is missing: say so
                raise


def registry() -> dict[str, PlatformRules]:
    """Every platform with backup rules."""
    _load()
    return dict(_REGISTRY)


def rules_for(platform: str) -> PlatformRules:
    """The backup rules of ``platform``; UnknownPlatform names the known ones."""
    _load()
    try:
        return _REGISTRY[platform]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownPlatform(f"平台 {platform!r} 没有配置备份规则（已有：{known}）") from None
