"""Every bad-ledger case fails with a message naming the file and line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from courtops.ledger import load_plan, read_ledger
from courtops.ledger.plan import PlanError
from tests.conftest import REPO, run_tool

PLAN = REPO / "inventory" / "court" / "address_plan.yml"
LEDGER = REPO / "inventory" / "court" / "assets.csv"


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN)


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    with LEDGER.open(encoding="utf-8") as fh:
        return list(csv.reader(fh))


def col(rows: list[list[str]], label: str) -> int:
    return rows[0].index(label)


def write(tmp_path: Path, rows: list[list[str]], name: str = "ledger.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def mutate(rows: list[list[str]], line: int, label: str, value: str) -> list[list[str]]:
    """A copy of the ledger with one cell changed; ``line`` is the 1-based file line."""
    copy = [list(r) for r in rows]
    copy[line - 1][col(rows, label)] = value
    return copy


def errors_of(tmp_path: Path, rows: list[list[str]], plan) -> list[str]:
    result = read_ledger(write(tmp_path, rows), plan)
    assert not result.ok, "the bad ledger was accepted"
    return [str(e) for e in result.errors]


def test_example_ledger_is_valid(plan):
    result = read_ledger(LEDGER, plan)
    assert result.ok, result.errors[:5]
    assert not result.warnings
    assert len(result.assets) == sum(1 for _ in LEDGER.open(encoding="utf-8")) - 1


def test_duplicate_name_names_both_lines(tmp_path, plan, rows):
    bad = mutate(rows, 10, "名称", rows[4][0])  # line 10 reuses line 5's name
    assert f"{tmp_path / 'ledger.csv'}:10: duplicate name {rows[4][0]!r} (first on line 5)" in errors_of(
        tmp_path, bad, plan
    )


def test_duplicate_ip(tmp_path, plan, rows):
    bad = mutate(rows, 12, "IP地址", rows[2][col(rows, "IP地址")])
    assert any(
        e.endswith(":12: duplicate IP '10.16.0.12' (first on line 3)") for e in errors_of(tmp_path, bad, plan)
    )


def test_duplicate_mac_in_another_notation(tmp_path, plan, rows):
    mac = rows[2][col(rows, "MAC地址")]
    cisco_style = "".join(mac.split(":"))
    dotted = f"{cisco_style[0:4]}.{cisco_style[4:8]}.{cisco_style[8:12]}".upper()
    bad = mutate(rows, 20, "MAC地址", dotted)
    assert any(":20: duplicate MAC" in e and "first on line 3" in e for e in errors_of(tmp_path, bad, plan))


def test_ip_outside_zone_subnet(tmp_path, plan, rows):
    bad = mutate(rows, 7, "IP地址", "10.32.0.200")  # an extranet address on an intranet PC
    assert any(
        e.endswith(":7: IP 10.32.0.200 is outside its zone's subnet 10.16.0.0/22 (intranet/main)")
        for e in errors_of(tmp_path, bad, plan)
    )


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [
        ("网络区域", "dmz", "unknown zone 'dmz'"),
        ("设备类别", "fax", "unknown class 'fax'"),
        ("平台", "solaris", "unknown platform 'solaris'"),
        ("站点", "atlantis", "unknown site 'atlantis'"),
        ("IP地址", "10.16.0.300", "malformed IP address '10.16.0.300'"),
        ("IP地址", "10.16.1", "malformed IP address '10.16.1'"),
        ("MAC地址", "00:11:22:33:44", "malformed MAC address '00:11:22:33:44'"),
        ("MAC地址", "zz:11:22:33:44:55", "malformed MAC address"),
        ("名称", "bad_name!", "is not a valid host name"),
        ("重要程度", "urgent", "unknown criticality 'urgent'"),
        ("法庭编号", "main_99", "unknown courtroom 'main_99'"),
        ("停止支持", "maybe", "停止支持 (eol) must be yes/no"),
        ("上级设备", "no-such-nvr", "上级设备 (parent) 'no-such-nvr' is not a device"),
        ("责任部门", "", "责任部门 (department) is empty"),
    ],
)
def test_bad_cell_is_reported_with_file_and_line(tmp_path, plan, rows, label, value, message):
    bad = mutate(rows, 42, label, value)
    errors = errors_of(tmp_path, bad, plan)
    assert any(e.startswith(f"{tmp_path / 'ledger.csv'}:42: ") and message in e for e in errors), errors


def test_class_platform_mismatch(tmp_path, plan, rows):
    line = next(i + 1 for i, r in enumerate(rows) if r[col(rows, "设备类别")] == "cameras")
    bad = mutate(rows, line, "平台", "windows")
    assert any(
        f":{line}: class cameras cannot be on platform windows" in e for e in errors_of(tmp_path, bad, plan)
    )


def test_missing_required_column(tmp_path, plan, rows):
    ip = col(rows, "IP地址")
    bad = [r[:ip] + r[ip + 1 :] for r in rows]
    assert errors_of(tmp_path, bad, plan) == [
        f"{tmp_path / 'ledger.csv'}:1: missing required column IP地址 (ip)"
    ]


def test_every_problem_is_reported_not_just_the_first(tmp_path, plan, rows):
    bad = mutate(mutate(rows, 30, "网络区域", "dmz"), 300, "IP地址", "1.2.3")
    errors = errors_of(tmp_path, bad, plan)
    assert [e.split(": ", 1)[0].rsplit(":", 1)[1] for e in errors] == ["30", "300"]


def test_english_headers_and_gbk_encoding_are_accepted(tmp_path, plan, rows):
    english = [
        [
            "name",
            "zone",
            "class",
            "site",
            "platform",
            "os",
            "vendor",
            "ip",
            "mac",
            "location",
            "department",
            "criticality",
            "courtroom",
            "system",
            "role",
            "parent",
            "eol",
            "number",
        ]
    ]
    path = write(tmp_path, english + rows[1:], encoding="gb18030")
    result = read_ledger(path, plan)
    assert result.ok, result.errors[:3]
    assert len(result.assets) == len(rows) - 1
    assert result.assets[0].location == rows[1][col(rows, "位置")]


def test_chinese_vocabulary_aliases_map_to_group_codes(tmp_path, plan, rows):
    bad = mutate(mutate(rows, 2, "网络区域", "内网"), 2, "重要程度", "高")
    result = read_ledger(write(tmp_path, bad), plan)
    assert result.ok
    assert (result.assets[0].zone, result.assets[0].criticality) == ("intranet", "high")


def test_plan_errors_name_file_and_line(tmp_path):
    text = PLAN.read_text(encoding="utf-8").replace("cidr: 10.32.0.0/24", "cidr: 10.16.1.0/24", 1)
    broken = tmp_path / "plan.yml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(broken)
    line = next(i + 1 for i, t in enumerate(text.splitlines()) if "10.16.1.0/24" in t)
    assert f"{broken}:{line}: 10.16.1.0/24 overlaps 10.16.0.0/22 (intranet/main)" in str(info.value)


def test_cli_check_prints_every_problem_and_exits_nonzero(tmp_path, rows):
    bad = mutate(mutate(rows, 5, "网络区域", "dmz"), 6, "IP地址", "x")
    path = write(tmp_path, bad)
    proc = run_tool("courtops", "ledger", "check", str(path))
    assert proc.returncode == 1
    assert f"{path}:5: unknown zone 'dmz'" in proc.stderr
    assert f"{path}:6: malformed IP address 'x'" in proc.stderr


def test_cli_check_accepts_the_example():
    proc = run_tool("courtops", "ledger", "check")
    assert proc.returncode == 0, proc.stderr
    assert "devices OK" in proc.stdout
