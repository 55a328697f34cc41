"""Before an audit contacts any host: the catalogue loads and every threshold has its declared type.

``playbooks/audit.yml`` runs this first (action plugin ``courtops_dengbao_preflight``), so a broken
catalogue file or a mistyped ``dengbao_*`` override from group_vars / host_vars / ``-e`` stops the
run before collecting from hundreds of hosts, with the variable, the expected type and the hosts
named — instead of failing (or worse, judging) after the collection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from courtops import catalogue
from courtops import exceptions as exceptions_mod

#: How many host names one message lists before counting the rest.
MAX_HOSTS = 5


def audit_config_errors(
    hosts: Iterable[tuple[str, Mapping[str, Any]]], directory: str | Path | None = None
) -> list[str]:
    """Every configuration error, one message per distinct problem with the hosts it concerns.

    ``hosts`` gives each targeted host's variables (Ansible hostvars); only the catalogue's
    threshold names are read from them.
    """
    try:
        cat = catalogue.load(directory) if directory else catalogue.default()
    except catalogue.CatalogueError as exc:
        return [f"等保目录错误 / catalogue error: {exc}"]
    by_problem: dict[str, list[str]] = {}
    bad_exceptions: dict[str, list[str]] = {}
    for host, values in hosts:
        overrides = {name: values[name] for name in cat.thresholds if name in values}
        for problem in cat.threshold_errors(overrides):
            by_problem.setdefault(problem, []).append(host)
        try:  # approved exceptions: a bad entry is a configuration error too (courtops/exceptions.py)
            exceptions_mod.parse(values.get(exceptions_mod.VARIABLE))
        except exceptions_mod.ExceptionError as exc:
            bad_exceptions.setdefault(str(exc), []).append(host)
    out = []
    for problem, names in bad_exceptions.items():
        shown = ", ".join(names[:MAX_HOSTS])
        more = f" and {len(names) - MAX_HOSTS} more" if len(names) > MAX_HOSTS else ""
        out.append(f"例外配置错误 / {problem} (hosts: {shown}{more})")
    for problem, names in by_problem.items():
        shown = ", ".join(names[:MAX_HOSTS])
        more = f" and {len(names) - MAX_HOSTS} more" if len(names) > MAX_HOSTS else ""
        out.append(f"阈值类型错误 / threshold of the wrong type: {problem} (hosts: {shown}{more})")
    return out
