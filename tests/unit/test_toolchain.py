"""The pinned toolchain: every collection the repo declares resolves, at the declared version."""

from __future__ import annotations

import json
import re

import yaml

from tests.conftest import REPO, run_tool


def test_every_required_collection_resolves_at_its_pinned_version():
    declared = yaml.safe_load((REPO / "collections" / "requirements.yml").read_text())["collections"]
    proc = run_tool("ansible-galaxy", "collection", "list", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    installed: dict[str, str] = {}
    for _path, collections in json.loads(proc.stdout).items():
        for name, info in collections.items():
            installed.setdefault(name, info["version"])
    assert declared, "requirements.yml lists no collection"
    for entry in declared:
        assert installed.get(entry["name"]) == entry["version"], entry


def test_every_fqcn_used_in_yaml_is_declared():
    """A playbook or role using a collection module must declare that collection."""
    declared = {
        c["name"]
        for c in yaml.safe_load((REPO / "collections" / "requirements.yml").read_text())["collections"]
    }
    used: set[str] = set()
    for path in [
        *REPO.glob("playbooks/**/*.yml"),
        *REPO.glob("roles/**/*.yml"),
        REPO / "ansible.cfg",
        *REPO.glob("inventory/court/**/*.yml"),
    ]:
        for match in re.finditer(r"\b([a-z_]+\.[a-z_]+)\.[a-z_]+\b", path.read_text(encoding="utf-8")):
            namespace = match.group(1)
            if (
                namespace.split(".")[0] in ("ansible", "community", "cisco")
                and namespace != "ansible.builtin"
            ):
                used.add(namespace)
    assert used <= declared, used - declared


def test_constraints_pin_every_package_exactly():
    lines = [
        ln
        for ln in (REPO / "requirements" / "constraints.txt").read_text().splitlines()
        if ln and not ln.startswith("#")
    ]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", ln) for ln in lines), lines
    pinned = {ln.split("==")[0].lower().replace("_", "-") for ln in lines}
    for requirement in (REPO / "requirements" / "requirements.in").read_text().splitlines():
        name = re.split(r"[=<>\[ #]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")
        if name:
            assert name in pinned, f"{name} is not pinned in constraints.txt"
