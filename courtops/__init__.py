"""courtops: IT operations and 等保 2.0 compliance for a district people's court, driven by Ansible."""

from pathlib import Path

__version__ = "0.1.0"

#: The repository root (the package lives at its top level, beside ansible.cfg).
REPO_ROOT = Path(__file__).resolve().parent.parent
