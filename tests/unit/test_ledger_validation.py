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
    devices = sum(1 for _ in LEDGER.open(encoding="utf-8")) - 1
    assert f"{devices} devices OK from {devices} data lines" in proc.stdout


# -- issue 16.1: no row is ever dropped silently -------------------------------------------------


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_open_quote_in_last_column_is_an_error_not_306_lost_devices(tmp_path, plan):
    """The reproduction from the issue: sed '1102s/,FY001101$/,"FY001101/' assets.csv."""
    lines = _lines(LEDGER)
    assert lines[1101].endswith(",FY001101")
    lines[1101] = lines[1101][: -len("FY001101")] + '"FY001101'
    path = tmp_path / "q.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_ledger(path, plan)
    assert not result.ok
    assert str(result.errors[0]).startswith(f'{path}:1102: a quote (") opened on this line is never closed')
    proc = run_tool("courtops", "ledger", "check", str(path))
    assert proc.returncode == 1
    assert "devices OK" not in proc.stdout
    assert f"{path}:1102: " in proc.stderr


def test_open_quote_with_more_than_128_kb_after_it_is_an_error_not_a_crash(tmp_path, plan):
    lines = _lines(LEDGER)
    head, _, number = lines[100].rpartition(",")
    lines[100] = f'{head},"{number}'  # the last cell of line 101 opens a quote
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len("\n".join(lines[101:])) > 128 * 1024  # csv's field size limit: the old reader crashed
    proc = run_tool("courtops", "ledger", "check", str(path))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{path}:101: a quote" in proc.stderr


def test_mid_row_quote_errors_at_the_line_where_it_opened_and_names_the_lost_rows(tmp_path, plan, rows):
    bad = [list(r) for r in rows]
    text = "\n".join(",".join(r) for r in bad).split("\n")
    loc = col(rows, "位置")
    cells = text[49].split(",")
    cells[loc] = '"' + cells[loc]  # opens on line 50 ...
    text[49] = ",".join(cells)
    cells = text[52].split(",")
    cells[loc] = cells[loc] + '"'  # ... and a stray quote closes it on line 53
    text[52] = ",".join(cells)
    path = tmp_path / "mid.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    errors = [str(e) for e in read_ledger(path, plan).errors]
    assert errors[0].startswith(f"{path}:50: a quoted cell opened on this line runs on to line 53")
    assert "lines 51–53 (3 device row(s)) would be lost" in errors[0]


def test_a_cell_holding_a_line_break_is_an_error_that_says_so(tmp_path, plan, rows):
    bad = mutate(rows, 7, "位置", "第一法庭\n北侧")
    result = read_ledger(write(tmp_path, bad), plan)
    assert [e.line for e in result.errors] == [7]
    assert "runs on to line 8: a cell may not hold a line break" in result.errors[0].message


@pytest.mark.parametrize("english", ["criticality", "重要程度(criticality)", "Criticality"])
def test_duplicated_column_also_across_chinese_and_english_is_an_error(tmp_path, plan, rows, english):
    bad = [[*r, r[col(rows, "重要程度")]] for r in rows]
    bad[0][-1] = english
    errors = errors_of(tmp_path, bad, plan)
    assert errors == [
        f"{tmp_path / 'ledger.csv'}:1: column 重要程度 (criticality) appears twice: '重要程度' "
        f"(column {col(rows, '重要程度') + 1}) and {english!r} (column {len(rows[0]) + 1}); keep one"
    ]


def test_leading_blank_line_is_named_not_called_empty(tmp_path, plan, rows):
    path = write(tmp_path, [[], *rows])
    errors = [str(e) for e in read_ledger(path, plan).errors]
    assert errors == [
        f"{path}:1: line 1 is blank: the header row (column names) must be the first line; "
        "the first non-blank line is 2"
    ]
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    assert [str(e) for e in read_ledger(empty, plan).errors] == [
        f"{empty}:1: the ledger is empty (no header row)"
    ]


def test_inventory_plugin_refuses_a_ledger_with_an_open_quote(tmp_path):
    inv = tmp_path / "inv"
    inv.mkdir()
    lines = _lines(LEDGER)
    lines[1101] = lines[1101][: -len("FY001101")] + '"FY001101'
    (inv / "assets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (inv / "address_plan.yml").write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    (inv / "court.courtops_ledger.yml").write_text("plugin: courtops_ledger\n", encoding="utf-8")
    proc = run_tool(
        "ansible-inventory", "-i", str(inv), "--list", env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}
    )
    assert proc.returncode != 0
    assert "assets.csv:1102: a quote" in proc.stderr


def test_formula_like_cells_are_warned_about(tmp_path, plan, rows):
    path = write(tmp_path, mutate(rows, 9, "位置", '=HYPERLINK("http://x","点此")'))
    result = read_ledger(path, plan)
    assert result.ok  # a warning, not an error: the text is kept, reports write it inert
    assert [(w.line, "位置 (location)" in w.message and "formula" in w.message) for w in result.warnings] == [
        (9, True)
    ]
    proc = run_tool("courtops", "ledger", "check", str(path))
    assert proc.returncode == 0
    assert f"warning: {path}:9: 位置 (location)" in proc.stderr


def test_a_row_lost_without_an_error_is_caught_by_the_count(tmp_path, plan, monkeypatch):
    """The guard behind the rule: should any future check skip a row without an error, the count says so."""
    from courtops.ledger import validate

    class Lossy(list):
        def append(self, asset):
            if asset.line != 5:
                super().append(asset)

    original = validate.LedgerResult
    monkeypatch.setattr(validate, "LedgerResult", lambda path: original(path=path, assets=Lossy()))
    result = read_ledger(LEDGER, plan)
    devices = sum(1 for _ in LEDGER.open(encoding="utf-8")) - 1
    assert [str(e) for e in result.errors] == [
        f"{LEDGER}:1: {devices} device lines but {devices - 1} devices read; please report this"
    ]
