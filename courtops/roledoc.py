"""A role's README variable table, generated from its meta/argument_specs.yml (never hand-written).

``scripts/role-readme roles/<role>`` rewrites the part of ``roles/<role>/README.md`` between the
markers; ``tests/unit/test_harden_roles.py`` fails when a README and its specs differ.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

BEGIN = "<!-- BEGIN VARIABLES: generated from meta/argument_specs.yml by scripts/role-readme; do not edit -->"
END = "<!-- END VARIABLES -->"


def _cell(value: Any) -> str:
    text = (
        value
        if isinstance(value, str)
        else yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip()
    )
    text = text.removesuffix("\n...").strip()
    return text.replace("|", "\\|").replace("\n", " ")


def variable_table(role_dir: Path) -> str:
    specs = yaml.safe_load((role_dir / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))
    defaults_path = role_dir / "defaults" / "main.yml"
    defaults = yaml.safe_load(defaults_path.read_text(encoding="utf-8")) if defaults_path.is_file() else {}
    lines = ["| variable | type | default | description |", "|---|---|---|---|"]
    for name, opt in specs["argument_specs"]["main"]["options"].items():
        kind = opt.get("type", "str") + (f" of {opt['elements']}" if "elements" in opt else "")
        default = opt["default"] if "default" in opt else (defaults or {}).get(name, "")
        desc = " ".join(opt.get("description") or [])
        if "choices" in opt:
            desc += f"（可选：{', '.join(map(str, opt['choices']))}）"
        lines.append(f"| `{name}` | {kind} | `{_cell(default)}` | {_cell(desc)} |")
    return "\n".join([BEGIN, *lines, END])


def current_table(readme: str) -> str | None:
    if BEGIN not in readme or END not in readme:
        return None
    start = readme.index(BEGIN)
    return readme[start : readme.index(END, start) + len(END)]


def update(role_dir: Path) -> bool:
    """Rewrite the README's table; True when it changed."""
    readme_path = role_dir / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    old = current_table(readme)
    if old is None:
        raise SystemExit(f"{readme_path}: no {BEGIN!r} … {END!r} section")
    new = variable_table(role_dir)
    if old == new:
        return False
    readme_path.write_text(readme.replace(old, new), encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    for arg in argv or [
        str(p.parent.parent) for p in sorted(Path("roles").glob("*/meta/argument_specs.yml"))
    ]:
        print(f"{arg}: {'updated' if update(Path(arg)) else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
