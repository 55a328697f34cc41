"""The repository's module_utils importable in this process as Ansible ships them to a target.

A module of ``library/`` imports its helpers the Ansible way (``from ansible.module_utils.courtops_cmd
import run``): AnsiballZ finds them through ansible.cfg's ``module_utils`` and packs them with the
module. A process that loads such a module from its file instead — the offline audit runs the Linux
collector on a saved file tree, the unit tests run modules on recorded data — adds the repository's
``module_utils`` directory to the ``ansible.module_utils`` package's own search path; ``sys.path``
stays as it is.
"""

from __future__ import annotations

from courtops import REPO_ROOT

MODULE_UTILS = REPO_ROOT / "module_utils"


def expose_module_utils() -> None:
    """Make ``ansible.module_utils.<name>`` find the repository's module_utils (idempotent)."""
    import ansible.module_utils

    path = str(MODULE_UTILS)
    if path not in ansible.module_utils.__path__:
        ansible.module_utils.__path__.append(path)
