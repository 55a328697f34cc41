"""The recorder callback against real ansible-playbook runs (hosts from add_host, local connection).

No lab needed: every host is the controller itself, plus one loopback port that refuses SSH.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from courtops import REPO_ROOT
from courtops.cli import main
from courtops.store import Store, TaskResult

DATA = REPO_ROOT / "tests" / "data" / "recorder"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
PLANTED = "Planted-S3cret-4711-xyzzy"
# one line per host result on the pc* hosts (loop items on localhost print one line each)
RESULT_LINE = re.compile(r"^(ok|changed|failed|skipping): \[(pc\d+)\]", re.M)
RECAP = re.compile(
    r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+"
    r"skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)",
    re.M,
)


def recorder_env(store: Path | str, *, error_file: Path | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ANSIBLE_CONFIG=str(REPO_ROOT / "ansible.cfg"),
        ANSIBLE_CALLBACKS_ENABLED="courtops_recorder",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_SSH_ARGS="-o ControlMaster=no -o BatchMode=yes",
        COURTOPS_STORE=str(store),
        COURTOPS_RECORDER_ERROR_FILE=str(error_file or f"{store}.error"),
    )
    env.update(extra)
    return env


def run_playbook(store: Path, playbook: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", str(DATA / playbook), *args],
        env=recorder_env(store, **env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def expected_recap(store: Path | str, run_id: int) -> dict[str, tuple[int, ...]]:
    """Ansible's recap figures, recomputed from the recorded results alone (SQLite or PostgreSQL)."""
    with Store(store, readonly=True) as st:
        results = st.task_results(run_id)
    out = {}
    for host in {r.host for r in results}:
        mine = [r for r in results if r.host == host]

        def n(pred: Callable[[TaskResult], bool], mine: list[TaskResult] = mine) -> int:
            return sum(1 for r in mine if pred(r))

        out[host] = (
            n(lambda r: r.status in ("ok", "changed") or (r.status == "failed" and r.ignored)),  # ok
            n(lambda r: r.changed and r.status != "skipped"),  # changed
            n(lambda r: r.status == "unreachable"),
            n(lambda r: r.status == "failed" and not r.ignored),
            n(lambda r: r.status == "skipped"),
            0,  # rescued: no rescue blocks in the test playbook
            n(lambda r: r.status == "failed" and r.ignored),
        )
    return out


def test_records_every_result_and_counts_match_ansible(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite3"
    proc = run_playbook(store, "mixed.yml", "-e", "n_hosts=6")
    assert proc.returncode == 4 or proc.returncode == 2, proc.stdout + proc.stderr  # pc1 fails, dead down
    recap = {m[0]: tuple(int(x) for x in m[1:]) for m in RECAP.findall(proc.stdout)}
    assert set(recap) == {"localhost", "dead", *(f"pc{i}" for i in range(6))}
    with Store(store, create=False) as st:
        run = st.get_run("latest")
        assert run.status == "failed" and run.store_errors == 0
        assert run.extra["recorder_results"] == len(st.task_results(run.id))
        assert run.extra["recorder_callback_ms"] >= 0 and run.extra["recorder_write_ms"] > 0
        assert run.playbook.endswith("mixed.yml") and run.ansible_version and run.user
        assert expected_recap(store, run.id) == recap
        # Ansible's own recap is stored too, and agrees
        stats = {
            h.name: (h.ok, h.changed, h.unreachable, h.failed, h.skipped, h.rescued, h.ignored)
            for h in st.hosts(run.id)
        }
        assert stats == recap
        findings = st.findings(run.id)
        # one finding per live host that reached the set_fact task (pc0..pc5; dead never did)
        assert sorted(f.host for f in findings) == [f"pc{i}" for i in range(6)]
        assert {f.verdict for f in findings} == {"部分符合"}
        metrics = st.metrics(run.id)
        assert len(metrics) == 12
        assert {(m.name, m.value, m.text, m.unit) for m in metrics} == {
            ("disk_used_pct", 42.5, "正常", "%"),
            ("ntp_source", None, "ntp1.court.example", ""),
        }
        [pc0] = [h for h in st.hosts(run.id) if h.name == "pc0"]
        assert (pc0.platform, pc0.os_version) == ("linux_deb", "UOS 20")
        # timing: every non-skipped result has a start before its end
        timed = [r for r in st.task_results(run.id) if r.status != "skipped" and r.host != "dead"]
        assert timed and all(r.started_at and r.started_at <= r.ended_at for r in timed)


def test_kill_9_keeps_everything_recorded_so_far(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite3"
    out = tmp_path / "stdout.txt"
    with out.open("w") as fh:
        proc = subprocess.Popen(
            [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", str(DATA / "hang.yml")],
            env=recorder_env(store),
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        # the Hang task's banner is only printed with its first result: wait for the 30th result line
        while len(RESULT_LINE.findall(out.read_text())) < 30:
            assert time.monotonic() < deadline and proc.poll() is None, out.read_text()
            time.sleep(0.1)
        # the recorder commits every 0.2 s: wait (at most 30 s, for loaded CI machines) until what
        # was printed is in the store, then kill in the middle of the hanging task
        committed = 0
        while committed < 31 and time.monotonic() < deadline + 30:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
                committed = db.execute("SELECT COUNT(*) FROM task_results").fetchone()[0]
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    printed = RESULT_LINE.findall(out.read_text())
    with Store(store, create=False) as st:
        run = st.get_run("latest")
        assert run.status == "running"  # nobody lived to close it: the reports can say so
        recorded = st.task_results(run.id)
    # 10 hosts x 3 quick tasks, as printed, + the add_host loop on localhost
    assert len(printed) == 30
    assert sorted((r.host, r.task) for r in recorded if r.host != "localhost") == sorted(
        (host, task) for host in {h for _, h in printed} for task in ("Quick one", "Quick two", "Quick three")
    )
    assert len(recorded) == 31
    assert {r.host for r in recorded if r.task == "Quick three"} == {f"pc{i}" for i in range(10)}
    # its process is gone: `courtops runs` shows it interrupted, and the next run records it so
    listing = subprocess.run(
        [str(Path(sys.executable).parent / "courtops"), "runs", "--store", str(store)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert f"{run.id:>5}  hang       interrupted" in listing.stdout, listing.stdout + listing.stderr
    assert run_playbook(store, "simple.yml").returncode == 0
    with Store(store, create=False) as st:
        assert st.get_run(run.id).status == "interrupted"


def test_store_that_cannot_open_fails_the_run_visibly(tmp_path: Path) -> None:
    error_file = tmp_path / "recorder.error"
    proc = run_playbook(
        Path("/proc/courtops-no-such-dir/s.sqlite3"),
        "mixed.yml",
        "-e",
        "n_hosts=2",
        COURTOPS_RECORDER_ERROR_FILE=str(error_file),
    )
    assert proc.returncode == 74, proc.stdout + proc.stderr
    assert "cannot open the results store" in error_file.read_text()
    assert "courtops_recorder" in proc.stderr


def test_a_failed_batch_mid_run_is_visible_and_others_are_kept(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite3"
    Store(store).close()
    db = sqlite3.connect(store)
    db.execute(
        "CREATE TRIGGER disk_on_fire BEFORE INSERT ON task_results WHEN NEW.task = 'Runs on the survivors'"
        " BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    db.commit()
    db.close()
    # a long flush interval puts the refused row in a batch with others: the retry path must keep them
    proc = run_playbook(store, "mixed.yml", "-e", "n_hosts=2", COURTOPS_RECORDER_FLUSH_INTERVAL="3")
    assert proc.returncode == 74, proc.stdout + proc.stderr
    errors = Path(f"{store}.error").read_text()
    assert "disk on fire" in errors and "not stored" in errors and "pc0/Runs on the survivors" in errors
    with Store(store, create=False) as st:
        run = st.get_run("latest")
        # one row refused: pc0's (pc1 failed before that task, dead was unreachable)
        assert run.store_errors == 1 and run.extra["recorder_lost_results"] == 1
        tasks = [r.task for r in st.task_results(run.id)]
    # whatever shared a batch with the failing rows was retried one by one and kept
    assert "Runs on the survivors" not in tasks
    assert len(tasks) + 1 == run.extra["recorder_results"]
    assert {"Emit a finding and metrics", "A secret in a no_log task"} <= set(tasks)


def test_no_log_and_secret_keys_never_reach_the_store_or_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.sqlite3"
    proc = run_playbook(
        store, "mixed.yml", "-e", f"n_hosts=2 planted={PLANTED}", COURTOPS_RECORDER_CONTENT="all"
    )
    assert proc.returncode in (2, 4), proc.stdout + proc.stderr
    with Store(store, create=False) as st:
        run = st.get_run("latest")
        results = st.task_results(run.id)
        # the no_log result is there, censored
        [censored] = [r for r in results if r.task == "A secret in a no_log task" and r.host == "pc0"]
        assert "censored" in censored.content
        findings = st.findings(run.id, with_evidence=True)
        assert findings[0].evidence == {"db_password": "********"}
        hosts = {h.name: h for h in st.hosts(run.id)}
        assert hosts["pc0"].asset["asset_snmp_community"] == "********"
    # ... nor any report or export made from it
    assert main(["report", "--store", str(store), "--kind", "mixed", "--out", str(tmp_path / "reports")]) == 0
    for fmt in ("json", "csv"):
        assert main(["findings", "--store", str(store), "--format", fmt]) == 0
        (tmp_path / f"findings.{fmt}").write_text(capsys.readouterr().out, encoding="utf-8")
    assert {p.name for p in (tmp_path / "reports").iterdir()} == {
        "dengbao.html",
        "dengbao.xlsx",
        "dengbao.pdf",
    }
    assert_secret_absent(tmp_path, PLANTED)


def readable_bytes(path: Path) -> bytes:
    """What a reader of ``path`` can see: zip members (XLSX) unpacked, PDF text extracted."""
    data = path.read_bytes()
    if data[:2] == b"PK":
        with zipfile.ZipFile(path) as zf:
            return data + b"".join(zf.read(name) for name in zf.namelist())
    if data[:5] == b"%PDF-":
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
        return data + text
    return data


def assert_secret_absent(where: Path, secret: str) -> None:
    """No file under ``where`` (store, WAL, reports, exports) holds the secret."""
    needles = [secret.encode(), secret.encode("utf-16-le")]
    for path in where.rglob("*"):
        if path.is_file():
            data = readable_bytes(path)
            assert not any(n in data for n in needles), f"{secret} found in {path}"


def test_the_secret_detector_sees_inside_xlsx_and_pdf(tmp_path: Path) -> None:
    """Guards the redaction test: a secret hidden in a compressed format is still found."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append([PLANTED])  # type: ignore[union-attr]
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(AssertionError, match=r"x\.xlsx"):
        assert_secret_absent(tmp_path, PLANTED)


def test_two_playbooks_in_one_call_are_two_runs(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite3"
    proc = run_playbook(store, "simple.yml", str(DATA / "simple.yml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with Store(store, create=False) as st:
        runs = st.runs()
        assert [r.status for r in runs] == ["ok", "ok"]
        assert [len(st.task_results(r.id)) for r in runs] == [3, 3]


def test_scope_variables_keep_profiles_apart(tmp_path: Path) -> None:
    """A monthly inspection is compared with the previous monthly one, not with a quarterly one."""
    store = tmp_path / "s.sqlite3"
    for extra in ("profile=monthly", '{"profile": "quarterly", "unrelated": 1}', "profile=monthly other=x"):
        assert run_playbook(store, "simple.yml", "-e", extra).returncode == 0
    with Store(store, create=False) as st:
        runs = sorted(st.runs(), key=lambda r: r.id)
        previous = st.previous_run(runs[-1])
    assert [r.scope.rsplit("|", 1)[1] for r in runs] == [
        "profile=monthly",
        "profile=quarterly",
        "profile=monthly",
    ]
    assert previous is not None and previous.id == runs[0].id


def test_policy_evidence_survives_and_output_secrets_do_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Redaction by declared fields and value patterns, not by key substring (issue 10)."""
    hash_ = "$6$Qw3rtY7u$" + PLANTED.replace("-", "") + "Zx9"
    key_body, db_password = "b3BlbnNzaC1rZXktdjE" + PLANTED.replace("-", ""), PLANTED + "-db"
    store = tmp_path / "s.sqlite3"
    extra = f"hash={hash_} key_body={key_body} db_password={db_password}"
    proc = run_playbook(store, "policy.yml", "-e", extra)  # record_content: failed (the default)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with Store(store, create=False) as st:
        run = st.get_run("latest")
        [finding] = st.findings(run.id, with_evidence=True)
        [failed] = [r for r in st.task_results(run.id) if r.status == "failed"]
    # policy evidence is intact ...
    assert finding.evidence["win.min_password_length"] == 12
    assert finding.evidence["net.password_history"] == 5
    assert finding.evidence["lnx.ssh.permitemptypasswords"] == "no"
    assert "MinimumPasswordLength = 12" in finding.record and "PermitEmptyPasswords no" in finding.record
    # ... the hash is not, but its scheme (the strength class) is
    assert finding.evidence["lnx.shadow_line"].startswith("court:$6$")
    stdout = "\n".join(failed.content["stdout_lines"])
    assert "MinimumPasswordLength = 12" in stdout and "court:$6$" in stdout and "已隐藏" in stdout
    assert (
        main(["report", "--store", str(store), "--kind", "policy", "--out", str(tmp_path / "reports")]) == 0
    )
    for fmt in ("json", "csv"):
        assert main(["findings", "--store", str(store), "--format", fmt]) == 0
        (tmp_path / f"findings.{fmt}").write_text(capsys.readouterr().out, encoding="utf-8")
    record = readable_bytes(tmp_path / "reports" / "dengbao.xlsx")  # 测评记录: every finding's record
    assert "密码最小长度=12；MinimumPasswordLength = 12".encode() in record
    assert "密码历史=5" in (tmp_path / "findings.json").read_text(encoding="utf-8")
    for secret in (hash_[len("$6$") :], key_body, db_password):
        assert_secret_absent(tmp_path, secret)


@pytest.mark.parametrize(
    ("host", "kept"),
    [
        ("sw-ios", "snmp-server community （已隐藏） RO"),
        ("sw-vrp", " local-user admin password cipher （已隐藏）"),
        ("sw-cmw", " password cipher （已隐藏）"),
    ],
)
def test_a_failed_network_commands_output_is_masked_with_its_vendors_rules(
    tmp_path: Path, host: str, kept: str
) -> None:
    """The recorder masks with the host platform's vendor rules (courtops.vendors via rules_for): an
    IOS community, a VRP local-user cipher and a Comware $c$ password never reach the store."""
    store = tmp_path / "s.sqlite3"
    proc = run_playbook(store, "network.yml", "-e", f"secret={PLANTED}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with Store(store, create=False) as st:
        run = st.get_run("latest")
        [failed] = [r for r in st.task_results(run.id) if r.status == "failed" and r.host == host]
    lines = failed.content["stdout_lines"]
    assert kept in lines, lines  # the line stays, only the value is gone
    assert len(lines) >= 2  # the lines around it are kept too
    assert_secret_absent(tmp_path, PLANTED)


def test_two_concurrent_runs_into_postgresql_lose_nothing(tmp_path: Path, pg_server, capsys) -> None:
    """Two controllers (real ansible-playbook processes) record into one PostgreSQL store at once;
    each run's results are all there and agree with Ansible's recap, and a report renders from them."""
    dsn = pg_server.new_database()  # empty: the two recorders' first opens also race to migrate it
    procs = [
        subprocess.Popen(
            [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", str(DATA / "mixed.yml"), "-e", "n_hosts=6"],
            env=recorder_env(dsn, error_file=tmp_path / f"{n}.error"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(2)
    ]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] in ([2, 2], [4, 4], [2, 4], [4, 2]), outputs  # pc1 fails, dead down
    with Store(dsn, readonly=True) as st:
        runs = st.runs()
        assert len(runs) == 2 and {r.status for r in runs} == {"failed"}
        for run in runs:
            assert run.store_errors == 0
            assert run.extra["recorder_results"] == len(st.task_results(run.id))
            assert sorted(f.host for f in st.findings(run.id)) == [f"pc{i}" for i in range(6)]
            assert len(st.metrics(run.id)) == 12
        recaps = [{m[0]: tuple(int(x) for x in m[1:]) for m in RECAP.findall(out)} for out in outputs]
        assert sorted(sorted(expected_recap(dsn, r.id).items()) for r in runs) == sorted(
            sorted(r.items()) for r in recaps
        )
    # the reports read the PostgreSQL store like the SQLite one
    out = tmp_path / "report"
    assert (
        main(["report", "--store", dsn, "--run", str(runs[0].id), "--format", "html", "--out", str(out)]) == 0
    )
    html = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "L3-" in html and "pc5" in html
