"""The catalogue loads, is complete, and bad data fails at load naming file, item and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courtops import catalogue
from courtops.catalogue import CES1_IDS, PLATFORMS, CatalogueError


def test_all_34_ces1_items_on_all_six_platforms() -> None:
    cat = catalogue.load()
    ces = [i for i in cat.items if i.id.startswith("L3-CES1-")]
    assert [i.id for i in ces] == list(CES1_IDS)
    assert len(ces) == 34 and "L3-CES1-16" not in {i.id for i in ces}
    for item in ces:
        assert set(item.platforms) == set(PLATFORMS), item.id
        assert item.weight in (1.0, 0.7, 0.4)
        assert item.toggle == "dengbao_" + item.id.lower().replace("-", "_")


def test_default_not_applicable_rules() -> None:
    cat = catalogue.load()
    for cid in ("L3-CES1-20", "L3-CES1-34", "L3-CES1-35"):
        assert {r.kind for r in cat.by_id(cid).platforms.values()} == {"not_applicable"}
    assert cat.by_id("L3-CES1-04").platforms["linux_deb"].kind == "manual"


def test_network_boundary_items_only_on_network_platforms() -> None:
    cat = catalogue.load()
    for item in cat.items:
        if not item.id.startswith("L3-CES1-"):
            assert set(item.platforms) == {"vrp", "comware", "ios"}, item.id


def _copy(tmp_path: Path) -> Path:
    dest = tmp_path / "controls"
    shutil.copytree(catalogue.DEFAULT_DIR, dest)
    return dest


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "op: ge, value: $dengbao_password_min_length}",
            "op: gte, value: $dengbao_password_min_length}",
            "platforms.linux.checks[5].op",
        ),
        (
            "value: $dengbao_password_min_length}",
            "value: $dengbao_no_such_threshold}",
            "unknown threshold $dengbao_no_such_threshold",
        ),
        (
            "    weight: 0.7\n    text: 应具有登录失败处理功能",
            "    weight: 0.5\n    text: 应具有登录失败处理功能",
            "item L3-CES1-02 (#2): field weight",
        ),
    ],
)
def test_schema_errors_name_file_item_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    root = _copy(tmp_path)
    path = root / "ces1-01-identity.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        catalogue.load(root)
    assert "ces1-01-identity.yml" in str(err.value) and message in str(err.value)
    assert "L3-CES1-0" in str(err.value)


def test_missing_item_and_duplicate_reported(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "ces1-05-malware-data.yml").unlink()
    with pytest.raises(CatalogueError, match="missing items: L3-CES1-23"):
        catalogue.load(root)
    root2 = _copy(tmp_path / "b")
    shutil.copy(root2 / "ces1-03-audit.yml", root2 / "zz-copy.yml")
    with pytest.raises(CatalogueError, match=r"zz-copy.yml: item L3-CES1-12 \(#1\): field id: duplicate"):
        catalogue.load(root2)


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "network-boundary.yml").write_text("items: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"network-boundary\.yml: not valid YAML"):
        catalogue.load(root)
