"""Every hardening role (roles/harden_*) follows the framework of docs/hardening.md.

README variable table = its argument specs; every default declared; every toggle named after a
catalogue control id; every task of a control's file named and gated after that control; no
threshold number in a role (they come from controls/thresholds.yml).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from courtops import catalogue, roledoc

REPO = Path(__file__).resolve().parents[2]
ROLES = sorted(p for p in (REPO / "roles").glob("harden_*") if (p / "meta" / "argument_specs.yml").is_file())
TOGGLE = re.compile(r"^(harden_\w+)_l3_([a-z]{3}\d)_(\d{2})$")


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _options(role: Path) -> dict[str, Any]:
    return dict(_yaml(role / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"])


def test_there_is_a_linux_role() -> None:
    assert REPO / "roles" / "harden_linux" in ROLES


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_readme_table_is_generated_from_the_specs(role: Path) -> None:
    readme = (role / "README.md").read_text(encoding="utf-8")
    assert roledoc.current_table(readme) == roledoc.variable_table(role), (
        f"run scripts/role-readme {role.relative_to(REPO)}"
    )


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_every_variable_is_declared_and_role_prefixed(role: Path) -> None:
    options = _options(role)
    defaults = _yaml(role / "defaults" / "main.yml") or {}
    assert sorted(defaults) == sorted(options), "defaults/main.yml and meta/argument_specs.yml differ"
    assert all(name.startswith(role.name + "_") for name in options)


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_toggles_name_catalogue_controls_and_gate_their_tasks(role: Path) -> None:
    ids = {item.id for item in catalogue.default().items}
    main = (role / "tasks" / "main.yml").read_text(encoding="utf-8")
    toggles = [n for n in _options(role) if TOGGLE.match(n)]
    assert toggles
    for toggle in toggles:
        m = TOGGLE.match(toggle)
        assert m
        cid = f"L3-{m.group(2).upper()}-{m.group(3)}"
        assert cid in ids, f"{toggle}: {cid} is not in the catalogue"
        assert f"{toggle} | bool and '{cid}' not in {role.name}_excepted" in main, (
            f"{toggle} does not gate {cid}"
        )
        assert f"tags: [{cid}]" in main
        task_file = role / "tasks" / f"l3_{m.group(2)}_{m.group(3)}.yml"
        if task_file.is_file():
            for task in _yaml(task_file) or []:
                assert str(task.get("name", "")).startswith(f"{cid} | "), (
                    f"{task_file.name}: {task.get('name')}"
                )


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_thresholds_come_from_the_catalogue(role: Path) -> None:
    thresholds = catalogue.default().thresholds
    defaults = _yaml(role / "defaults" / "main.yml") or {}
    for name in thresholds:
        short = name.removeprefix("dengbao_").removeprefix("linux_")
        ours = f"{role.name}_{short}"
        if ours in defaults:
            assert f"lookup('courtops_threshold', '{name}')" in str(defaults[ours]), ours
            assert str(defaults[ours]).strip().startswith(f"{{{{ {name} | default("), ours
