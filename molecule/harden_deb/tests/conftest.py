"""Shared by the testinfra tests of molecule/harden_deb and molecule/harden_rpm: the thresholds the
role and the audit read (controls/thresholds.yml, one number in one place) and the instance names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))


def instances() -> list[str]:
    """The scenario's platforms (molecule.yml of the scenario being verified)."""
    scenario = Path(os.environ.get("MOLECULE_SCENARIO_DIRECTORY", Path(__file__).resolve().parents[1]))
    data = yaml.safe_load((scenario / "molecule.yml").read_text(encoding="utf-8"))
    return [p["name"] for p in data["platforms"]]


@pytest.fixture(scope="session")
def thresholds() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "controls" / "thresholds.yml").read_text(encoding="utf-8"))
    return {name: spec["default"] for name, spec in data["thresholds"].items()}
