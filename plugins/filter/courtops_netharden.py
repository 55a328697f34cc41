"""Filter plugins of the network hardening roles (courtops/harden/netconfig.py, courtops/secrets.py).

- ``courtops_mask_config(text, platform)``: the configuration with every secret of the vendor masked
  (what the controller keeps as the pre-change copy and what a log may show);
- ``courtops_undo_commands(before, after, platform)``: the commands that bring ``after`` back to
  ``before`` (VRP's rollback);
- ``courtops_same_config(a, b, platform)``: both hold the same lines in the same sections;
- ``courtops_acl_permits(sources, address)``: the management ACL lets ``address`` in;
- ``courtops_run_dir(out_dir, token='')``: creates the run's own directory (courtops/exportdir.py), returns its path;
- ``courtops_ios_anonymous_lines(config)``: the IOS `line …` headers that log in without a personal account;
- ``courtops_ios_password_users(config)``: the IOS local users kept with a reversible password (name, privilege);
- ``courtops_net_account_plan(config, platform, mgmt_user, remove, hashes, console_accounts)``: per control
  id (L3-CES1-05, -06, -28) the account lines to send and the reasons they are refused
  (courtops/harden/netaccounts.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ansible.errors import AnsibleFilterError

from courtops import exportdir
from courtops.harden import netaccounts, netconfig
from courtops.secrets import mask_text, rules_for
from courtops.vendors import ios


def courtops_mask_config(text: str, platform: str) -> str:
    return mask_text(str(text), rules_for(platform))


def courtops_undo_commands(before: str, after: str, platform: str) -> list[str]:
    try:
        return netconfig.undo_commands(str(before), str(after), platform)
    except (netconfig.ConfigError, KeyError) as exc:
        raise AnsibleFilterError(f"courtops_undo_commands: {exc}") from exc


def courtops_same_config(a: str, b: str, platform: str) -> bool:
    try:
        return netconfig.same(str(a), str(b), platform)
    except netconfig.ConfigError as exc:
        raise AnsibleFilterError(f"courtops_same_config: {exc}") from exc


def courtops_acl_permits(sources: Any, address: str) -> bool:
    try:
        return netconfig.acl_permits(list(sources or []), str(address))
    except (ValueError, KeyError, TypeError) as exc:
        raise AnsibleFilterError(f"courtops_acl_permits: bad ACL entry or address ({exc})") from exc


def courtops_run_dir(out_dir: str, token: str = "") -> str:
    """Creates this run's own directory under ``out_dir`` (courtops/exportdir.py; ``token``, e.g. the
    change id, names it) and returns it."""
    try:
        return str(exportdir.make_run_dir(Path(str(out_dir)), str(token or "")).resolve())
    except (OSError, exportdir.ExportDirError) as exc:
        raise AnsibleFilterError(f"courtops_run_dir: {exc}") from exc


def courtops_ios_anonymous_lines(config: str) -> list[str]:
    return ios.anonymous_line_headers(str(config))


def courtops_ios_password_users(config: str) -> list[dict[str, str]]:
    return ios.password_users(str(config))


def courtops_net_account_plan(
    config: str,
    platform: str,
    mgmt_user: str,
    remove: Any = None,
    hashes: Any = None,
    console_accounts: Any = None,
    enabled: Any = None,
) -> dict[str, Any]:
    try:
        return netaccounts.plan(
            str(config),
            str(platform),
            str(mgmt_user),
            list(remove or []),
            dict(hashes or {}),
            list(console_accounts or []),
            None if enabled is None else list(enabled),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"courtops_net_account_plan: {exc}") from exc


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "courtops_mask_config": courtops_mask_config,
            "courtops_undo_commands": courtops_undo_commands,
            "courtops_same_config": courtops_same_config,
            "courtops_acl_permits": courtops_acl_permits,
            "courtops_run_dir": courtops_run_dir,
            "courtops_ios_anonymous_lines": courtops_ios_anonymous_lines,
            "courtops_ios_password_users": courtops_ios_password_users,
            "courtops_net_account_plan": courtops_net_account_plan,
        }
