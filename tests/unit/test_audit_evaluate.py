"""`courtops audit evaluate`: saved inputs judged offline, printed like the findings export."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from courtops import catalogue, cli, evaluator, offline
from courtops.findings import EXPORT_KEYS
from tests.conftest import REPO, run_tool

CORPUS = REPO / "tests" / "data" / "corpus"
# a (constructed) SHA-512 crypt string: it must never reach the output
FAKE_HASH = "$6$c0urt0ps$Qm9ndXNIYXNoRm9yVGVzdHNPbmx5Tm90QVJlYWxQYXNzd29yZA"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["audit", "evaluate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _rows(out: str) -> list[dict[str, Any]]:
    rows = json.loads(out)
    assert isinstance(rows, list) and rows
    return rows


def _by_id(rows: list[dict[str, Any]], host: str) -> dict[str, dict[str, Any]]:
    return {r["control_id"]: r for r in rows if r["host"] == host}


def _items(platform: str) -> set[str]:
    return {item.id for item, _rule in catalogue.default().for_platform(platform)}


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*")}


@pytest.fixture
def linux_tree(tmp_path: Path) -> Path:
    """A Debian 10 host's files (real corpus files) laid out as under /, plus constructed accounts."""
    root = tmp_path / "debian10-host"
    files = {
        "etc/login.defs": "debian10_rootfs_login.defs_planckpi",
        "etc/pam.d/common-password": "debian10_rootfs_pam_common-password_planckpi",
        "etc/pam.d/common-auth": "debian10_rootfs_pam_common-auth_planckpi",
        "etc/pam.d/common-account": "debian10_rootfs_pam_common-account_planckpi",
        "etc/ssh/sshd_config": "debian10_rootfs_sshd_config_planckpi",
    }
    for target, name in files.items():
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / "linux" / name, root / target)
    (root / "etc/passwd").write_text(
        "root:x:0:0:root:/root:/bin/bash\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
        "court:x:1000:1000::/home/court:/bin/bash\n",
        encoding="utf-8",
    )
    (root / "etc/shadow").write_text(
        f"root:{FAKE_HASH}:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\ncourt:$1$md5salt$abcdefghijklmnopqrstuv:19000:0:99999:7:::\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def windows_export(tmp_path: Path) -> Path:
    root = tmp_path / "pc-0042"
    root.mkdir()
    shutil.copy(CORPUS / "windows" / "nsa_shb_win10_GptTmpl_utf16le.inf", root / "secedit.inf")
    shutil.copy(CORPUS / "windows" / "nsa_shb_win10_audit.csv", root / "auditpol.csv")
    return root


@pytest.mark.parametrize(
    ("platform", "name"),
    [
        ("vrp", "vrp/ar_v200r009_current-configuration_head_frinx.txt"),
        ("comware", "comware/cmw7.1.045_irf_current-configuration_netutils.txt"),
        ("ios", "ios/csr1_ios15.5_show_running-config_napalmvrp.txt"),
    ],
)
def test_network_config_file_gives_one_finding_per_item_with_the_export_keys(
    capsys: pytest.CaptureFixture[str], platform: str, name: str
) -> None:
    path = CORPUS / name
    code, out, _err = _run(capsys, "--platform", platform, str(path))
    assert code == 0
    rows = _rows(out)
    assert list(rows[0])[: len(EXPORT_KEYS)] == list(EXPORT_KEYS)
    assert {r["host"] for r in rows} == {path.name} and {r["platform"] for r in rows} == {platform}
    assert {r["control_id"] for r in rows} == _items(platform)
    # the same verdicts an audit run gives for this configuration as the registered command output
    key = "show running-config" if platform == "ios" else "display current-configuration"
    live = evaluator.evaluate_host(
        catalogue.default(), path.name, platform, {"commands": {key: path.read_text(encoding="utf-8")}}
    )
    assert {r["control_id"]: r["verdict"] for r in rows} == {f.control_id: f.verdict for f in live}


def test_network_verdicts_read_from_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    csr = CORPUS / "ios" / "csr1_ios15.5_show_running-config_napalmvrp.txt"
    irf = CORPUS / "comware" / "cmw7.1.045_irf_current-configuration_netutils.txt"
    _code, out, _ = _run(capsys, "--platform", "ios", str(csr))
    ios = _by_id(_rows(out), csr.name)
    assert ios["L3-CES1-28"]["verdict"] == "不符合"  # username cisco password 0 cisco
    assert ios["L3-CES1-01"]["verdict"] == "不符合"  # enable password, no min-length, password users
    assert ios["L3-CES1-17"]["record"].startswith("经")
    assert "经离线核查" in ios["L3-CES1-28"]["record"] and "经现场核查" not in ios["L3-CES1-28"]["record"]
    # the configuration cannot show port states: 待人工 with the offline reason
    assert (
        ios["L3-ABS1-02"]["verdict"] == "待人工" and "show interfaces status" in ios["L3-ABS1-02"]["reason"]
    )
    _code, out, _ = _run(capsys, "--platform", "comware", str(irf))
    cmw = _by_id(_rows(out), irf.name)
    assert cmw["L3-CES1-03"]["verdict"] in ("不符合", "部分符合") and "Telnet" in cmw["L3-CES1-03"]["actual"]


def test_several_files_in_one_call_each_its_own_host(capsys: pytest.CaptureFixture[str]) -> None:
    a = CORPUS / "ios" / "batfish_example_as1core1_ios15.2.cfg"
    b = CORPUS / "ios" / "c2900xl_ios12.0_show_running-config_ciscoconfparse.txt"
    code, out, _ = _run(capsys, "--platform", "ios", str(a), str(b))
    assert code == 0
    rows = _rows(out)
    assert {r["host"] for r in rows} == {a.name, b.name}
    assert len(rows) == 2 * len(_items("ios"))


def test_linux_tree_is_read_like_the_collector_reads_a_host(
    capsys: pytest.CaptureFixture[str], linux_tree: Path
) -> None:
    before = _snapshot(linux_tree)
    code, out, _ = _run(capsys, "--platform", "linux_deb", str(linux_tree))
    assert code == 0
    assert FAKE_HASH not in out and "md5salt" not in out  # only the hash scheme leaves the file
    rows = _by_id(_rows(out), "debian10-host")
    assert set(rows) == _items("linux_deb")
    # from the files: PASS_MAX_DAYS 99999 (Debian default) and the MD5 hash of `court`
    assert rows["L3-CES1-01"]["verdict"] in ("不符合", "部分符合")
    assert "99999" in rows["L3-CES1-01"]["actual"]
    assert rows["L3-CES1-28"]["verdict"] in ("不符合", "部分符合") and "court" in rows["L3-CES1-28"]["actual"]
    # what files cannot show stays 待人工, and says why
    assert rows["L3-CES1-18"]["verdict"] == "待人工" and "监听端口" in rows["L3-CES1-18"]["reason"]
    assert rows["L3-CES1-21"]["verdict"] == "待人工" and "补丁状态" in rows["L3-CES1-21"]["reason"]
    assert rows["L3-CES1-09"]["verdict"] == "待人工" and "权限" in rows["L3-CES1-09"]["reason"]
    assert _snapshot(linux_tree) == before  # read-only


def test_linux_evidence_leaves_out_what_a_copy_cannot_show(linux_tree: Path) -> None:
    ev = offline.evidence_for("linux_rpm", linux_tree)
    assert ev["listening"] is None and ev["commands"] == {} and ev["stat"] is None and ev["services"] is None
    assert ev["files"]["/etc/login.defs"] == (
        CORPUS / "linux" / "debian10_rootfs_login.defs_planckpi"
    ).read_text(encoding="utf-8")
    assert {s["name"]: (s["state"], s["scheme"]) for s in ev["shadow"]} == {
        "root": ("set", "6"),
        "bin": ("locked", None),
        "court": ("set", "1"),
    }
    assert FAKE_HASH not in json.dumps(ev, default=str)


def test_windows_export_directory(capsys: pytest.CaptureFixture[str], windows_export: Path) -> None:
    code, out, _ = _run(capsys, "--platform", "windows", str(windows_export))
    assert code == 0
    rows = _by_id(_rows(out), "pc-0042")
    assert set(rows) == _items("windows")
    # NSA SHB: NoLMHash=1 and ClearTextPassword=0 in the template; audit CSV leaves categories incomplete
    assert rows["L3-CES1-28"]["verdict"] == "符合"
    assert (
        rows["L3-CES1-12"]["verdict"] == "不符合" and "AuditProcessTracking" in rows["L3-CES1-12"]["actual"]
    )
    assert rows["L3-CES1-21"]["verdict"] == "待人工" and "需在主机上采集" in rows["L3-CES1-21"]["reason"]


def test_csv_has_the_export_columns_first(capsys: pytest.CaptureFixture[str]) -> None:
    path = CORPUS / "comware" / "hpe5900_cmw7.1.045_startup-cfg_xod442fig.cfg"
    code, out, _ = _run(capsys, "--platform", "comware", "--format", "csv", str(path))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    header = out.splitlines()[0].split(",")
    assert header[: len(EXPORT_KEYS)] == list(EXPORT_KEYS)
    assert len(rows) == len(_items("comware")) and {r["host"] for r in rows} == {path.name}
    assert {r["verdict"] for r in rows} <= {"符合", "部分符合", "不符合", "不适用", "待人工"}


@pytest.mark.parametrize(
    ("platform", "make", "message"),
    [
        ("ios", lambda t: t / "missing.cfg", "路径不存在"),
        ("linux_deb", lambda t: _file(t, "a.cfg"), "需要一个目录"),
        ("linux_rpm", lambda t: _dir(t, "empty"), "没有 etc/"),
        ("vrp", lambda t: _dir(t, "cfgdir"), "需要一个配置文件"),
        ("windows", lambda t: _dir(t, "nothing"), "没有 secedit 导出"),
        ("windows", lambda t: _two_infs(t), "只能有一个 .inf"),
    ],
)
def test_bad_input_is_a_clear_error_and_prints_no_findings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, platform: str, make: Any, message: str
) -> None:
    path = make(tmp_path)
    code, out, err = _run(capsys, "--platform", platform, str(path))
    assert code == 2 and out == ""
    assert message in err and str(path) in err


def test_duplicate_host_names_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a, b = _file(tmp_path / "x", "r1.cfg"), _file(tmp_path / "y", "r1.cfg")
    code, out, err = _run(capsys, "--platform", "ios", str(a), str(b))
    assert code == 2 and out == "" and "主机名重复" in err


def test_unknown_platform_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["audit", "evaluate", "--platform", "junos", "x.cfg"])
    assert exc.value.code == 2
    assert "invalid choice: 'junos'" in capsys.readouterr().err


def test_garbage_file_is_待人工_not_a_crash(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    junk = tmp_path / "junk.cfg"
    junk.write_bytes(b"\x00\xff\xfe garbage \x80\x81 not a config")
    code, out, _ = _run(capsys, "--platform", "comware", str(junk))
    assert code == 0
    rows = _rows(out)
    checked = {item.id for item, rule in catalogue.default().for_platform("comware") if rule.kind == "checks"}
    judged = [r for r in rows if r["control_id"] in checked]
    assert judged and all(r["verdict"] == "待人工" for r in judged)
    assert all("sysname" in r["reason"] for r in judged)


def test_console_script_is_wired(tmp_path: Path) -> None:
    path = CORPUS / "ios" / "ciscoconfparse_sample_08.ios.txt"
    result = run_tool("courtops", "audit", "evaluate", "--platform", "ios", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {r["host"] for r in json.loads(result.stdout)} == {path.name}
    assert not list(tmp_path.iterdir())  # nothing written


def _file(parent: Path, name: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / name
    path.write_text("hostname r1\n", encoding="utf-8")
    return path


def _dir(parent: Path, name: str) -> Path:
    path = parent / name
    path.mkdir()
    return path


def _two_infs(parent: Path) -> Path:
    path = _dir(parent, "two")
    for name in ("a.inf", "b.inf"):
        shutil.copy(CORPUS / "windows" / "secedit_export_excerpt_inspec.inf", path / name)
    return path
