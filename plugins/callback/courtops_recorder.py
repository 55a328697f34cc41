"""Recorder: stream every runner event, finding and metric of a run into the courtops results store."""

from __future__ import annotations

DOCUMENTATION = r"""
name: courtops_recorder
type: aggregate
short_description: record every result, finding and metric of a run in the courtops results store
description:
  - Records the run's metadata (playbook, inventory, limit, tags, user, ansible version, git commit, and
    the scheduled job it belongs to when C(courtops job run) started it, as C(extra.job) and C(extra.job_ident)),
    every runner result per host (ok / changed / failed / unreachable / skipped, with timing), and the
    findings, metrics and config backups our modules return under C(courtops_findings),
    C(courtops_metrics) and C(courtops_backups).
  - Results are handed to a background thread that commits them in small batches, so the run is not
    slowed by disk writes and a kill -9 loses at most the last O(flush_interval) of results.
  - A store failure is never silent. It is written to O(error_file) at once and the playbook exits
    with status 74 at the end unless O(fail_on_store_error) is false.
  - C(no_log) results are stored censored (as Ansible hands them to callbacks). Values of the declared
    secret-bearing fields (O(secret_fields), whole-key patterns such as C(*_password) or C(*_community))
    are stored as C(********); every other string (command outputs, configs, messages, finding texts)
    is masked with the secret rules of the host's platform (courtops.secrets), so that policy evidence
    such as C(win.min_password_length) is kept while a hash, key or community in it is not.
requirements:
  - enable in configuration (callbacks_enabled = courtops_recorder)
  - the courtops package (this repository) importable
options:
  store:
    description: >-
      The results store: an SQLite file, C(sqlite:///path), or a PostgreSQL DSN C(postgresql://user@host/db)
      (docs/store.md). When not set: C(store) of the [callback_courtops_recorder] section
      of the repository's ansible.cfg, else C(.cache/courtops.sqlite3) in the repository
      (courtops.store.default_path, the path every courtops command reads). A relative path is resolved
      as courtops resolves it (from ansible.cfg's directory, or from the working directory for the
      environment variable); a str, not a path, so that Ansible leaves a DSN as it is.
    type: str
    env: [{name: COURTOPS_STORE}]
    ini: [{section: callback_courtops_recorder, key: store}]
  run_kind:
    description: >-
      kind of run (audit, inspect, harden...); empty means the kind courtops/runkinds.py declares for the
      playbook, else the playbook file's stem.
    type: str
    default: ""
    env: [{name: COURTOPS_RUN_KIND}]
    ini: [{section: callback_courtops_recorder, key: run_kind}]
  scope_vars:
    description: >-
      extra variables (-e) that belong to a run's scope, so that a run is compared with the previous
      run of the same scope (e.g. a monthly inspection with the previous monthly one); empty means the
      scope variables courtops/runkinds.py declares for the run's kind (profile and target otherwise).
    type: list
    elements: str
    default: []
    env: [{name: COURTOPS_RECORDER_SCOPE_VARS}]
    ini: [{section: callback_courtops_recorder, key: scope_vars}]
  flush_interval:
    description: seconds between commits; the most a kill -9 can lose.
    type: float
    default: 0.2
    env: [{name: COURTOPS_RECORDER_FLUSH_INTERVAL}]
    ini: [{section: callback_courtops_recorder, key: flush_interval}]
  record_content:
    description: which results keep their (censored, redacted) content; the others keep status and timing.
    type: str
    choices: [none, failed, all]
    default: failed
    env: [{name: COURTOPS_RECORDER_CONTENT}]
    ini: [{section: callback_courtops_recorder, key: record_content}]
  secret_fields:
    description: >-
      whole-key patterns (fnmatch, case-insensitive; a dotted key also by its last part) of fields that
      hold a secret; their values are stored as C(********). Empty means courtops.secrets.SECRET_FIELDS.
    type: list
    elements: str
    default: []
    env: [{name: COURTOPS_RECORDER_SECRET_FIELDS}]
    ini: [{section: callback_courtops_recorder, key: secret_fields}]
  error_file:
    description: where a store failure is written; when not set, the store path plus C(.error).
    type: path
    env: [{name: COURTOPS_RECORDER_ERROR_FILE}]
    ini: [{section: callback_courtops_recorder, key: error_file}]
  fail_on_store_error:
    description: end ansible-playbook with exit status 74 when any result could not be stored.
    type: bool
    default: true
    env: [{name: COURTOPS_RECORDER_FAIL_ON_ERROR}]
    ini: [{section: callback_courtops_recorder, key: fail_on_store_error}]
"""

import atexit
import getpass
import json
import os
import queue
import socket
import subprocess
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

from ansible import context
from ansible.plugins.callback import CallbackBase
from ansible.release import __version__ as ansible_version
from ansible.utils.display import Display

from courtops.findings import Finding
from courtops.jobs.context import job_context
from courtops.runkinds import kind_of_playbook, scope_vars
from courtops.secrets import SECRET_FIELDS, SecretRule, mask_text, mask_value, rules_for
from courtops.store import (
    DEFAULT_STORE,
    Backup,
    HostInfo,
    Metric,
    RunInfo,
    Store,
    TaskResult,
    default_path,
    dialect,
    location,
)
from courtops.store.current import announce
from courtops.store.liveness import mark_interrupted, own_process
from courtops.store_access import RUN_STORE_ENV, RUN_UUID_ENV

display = Display()

#: Result keys our modules / action plugins use to hand data to the recorder.
FINDINGS_KEY = "courtops_findings"
METRICS_KEY = "courtops_metrics"
BACKUPS_KEY = "courtops_backups"
#: Exit status when results were lost (EX_IOERR of sysexits.h).
STORE_ERROR_EXIT = 74
_FINDING_FIELDS = frozenset(Finding.__dataclass_fields__)
#: Finding fields that carry free text (which may quote a device's output).
_FINDING_TEXTS = ("record", "expected", "actual", "reason", "title", "remediation")
_STOP = object()
_RESULT_KEYS = (FINDINGS_KEY, METRICS_KEY, BACKUPS_KEY)
_ECHO_ACTIONS = frozenset({"debug", "ansible.builtin.debug", "ansible.legacy.debug"})
_FACT_ACTIONS = frozenset({"set_fact", "ansible.builtin.set_fact", "ansible.legacy.set_fact"})


def _git_commit(where: str) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", where, "describe", "--always", "--dirty", "--abbrev=40"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def _raw(result: Any) -> Any:
    """The callback's copy of the module's return data, without the public property's conversion."""
    raw = getattr(result, "_return_data", None)
    return raw if isinstance(raw, dict) else result.result


def _carries(data: Any) -> bool:
    """Does a result (or one of its loop items, or its facts) hold data for the recorder?"""
    if not isinstance(data, dict):
        return False
    if any(k in data for k in _RESULT_KEYS) or _carries(data.get("ansible_facts")):
        return True
    items = data.get("results")
    return isinstance(items, list) and any(_carries(i) for i in items)


def _store_location(raw: str) -> Path | str:
    """The recorder's store, resolved as every courtops command resolves it (courtops.store.default_path)."""
    if not raw or not (dialect.is_postgres(raw) or Path(raw).expanduser().is_absolute()):
        return default_path()
    return location(raw)


class _Writer(threading.Thread):
    """Owns the SQLite connection; commits whatever has queued up every `interval` seconds."""

    def __init__(self, path: Path | str, info: RunInfo, interval: float, on_error: Any) -> None:
        super().__init__(name="courtops-recorder", daemon=True)
        self.path, self.info, self.interval, self.on_error = path, info, interval, on_error
        self.queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.lost = 0
        self.run_id = 0
        self.write_seconds = 0.0

    def run(self) -> None:
        store = None
        try:
            self.info.git_commit = _git_commit(str(Path(self.info.playbook or ".").resolve().parent))
            store = Store(self.path)
            self.run_id = store.start_run(self.info)
        except Exception as exc:
            self.on_error(f"cannot open the results store {self.path}: {exc}")
        if store is not None:
            try:  # runs left `running` by a killed ansible-playbook are interrupted, not running forever
                mark_interrupted(store)
            except Exception as exc:
                self.on_error(f"cannot mark interrupted runs in {self.path}: {exc!r}")
        stopping = False
        while not stopping:
            batch = [self.queue.get()]
            while True:  # drain what is there now: one transaction for all of it
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            if batch[-1] is _STOP:
                stopping = True
                batch.pop()
            t0 = time.perf_counter()
            try:
                self._write(store, batch)
            except Exception as exc:  # the writer must outlive any bug: report it, keep going
                self.lost += sum(1 for kind, _ in batch if kind == "result")
                self.on_error(f"recorder writer failed: {exc!r}")
            self.write_seconds += time.perf_counter() - t0
            if not stopping:
                time.sleep(self.interval)
        if store is not None:
            store.close()

    def _write(self, store: Store | None, batch: list[tuple[str, Any]]) -> None:
        if store is None or not self.run_id:
            self.lost += sum(1 for kind, _ in batch if kind == "result")
            return
        results = [v for k, v in batch if k == "result"]
        hosts = [v for k, v in batch if k == "host"]
        try:
            if results or hosts:
                store.write_batch(self.run_id, results=results, hosts=hosts)
        except Exception:
            # The batch was rolled back as a whole: retry one by one so only what cannot be
            # stored is lost (and named in the error).
            for host in hosts:
                self._write_one(store, hosts=[host])
            for res in results:
                if not self._write_one(store, results=[res]):
                    self.lost += 1
        try:  # the run is closed (with its error count) even when a batch before failed
            for kind, value in batch:
                if kind == "stats":
                    store.set_host_stats(self.run_id, value)
                elif kind == "finish":
                    status, errors, extra = value  # errors: the live list, counted now
                    extra["recorder_write_ms"] = round(self.write_seconds * 1000, 1)
                    extra["recorder_lost_results"] = self.lost
                    store.finish_run(self.run_id, status, store_errors=len(errors), extra=extra)
        except Exception as exc:
            self.on_error(f"cannot close run {self.info.uuid} in {self.path}: {exc}")

    def _write_one(self, store: Store, **rows: Any) -> bool:
        try:
            store.write_batch(self.run_id, **rows)
        except Exception as exc:
            what = ", ".join(
                f"{r.host}/{r.task}" if isinstance(r, TaskResult) else r.name
                for v in rows.values()
                for r in v
            )
            self.on_error(f"not stored in {self.path}: {what}: {exc}")
            return False
        return True


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "courtops_recorder"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display: Display | None = None) -> None:
        super().__init__(display)
        self.writer: _Writer | None = None
        self.errors: list[str] = []
        self.error_lock = threading.Lock()
        self.play = ""
        self.started: dict[tuple[str, str], float] = {}
        self.seen_hosts: set[str] = set()
        self.finished = False
        self.recorded, self.callback_seconds = 0, 0.0
        self.rules: dict[str, list[SecretRule]] = {}

    def set_options(self, task_keys: Any = None, var_options: Any = None, direct: Any = None) -> None:
        super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        self.store_path = _store_location(self.get_option("store") or "")
        beside = (
            self.store_path if isinstance(self.store_path, Path) else DEFAULT_STORE.with_name("postgresql")
        )
        self.error_file = Path(self.get_option("error_file") or f"{beside}.error").expanduser()
        self.secret_fields = tuple(self.get_option("secret_fields") or ()) or SECRET_FIELDS
        self.record_content = self.get_option("record_content")
        self.interval = float(self.get_option("flush_interval"))

    # -- errors: visible at once (error file) and at the end (exit status) -----------------
    def _error(self, message: str) -> None:
        message = mask_text(message)  # an exception's text may quote a result: never a secret in the file
        with self.error_lock:
            self.errors.append(message)
            display.error(f"courtops_recorder: {message}")
            try:
                self.error_file.parent.mkdir(parents=True, exist_ok=True)
                with self.error_file.open("a", encoding="utf-8") as fh:
                    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
                    fh.write(f"{stamp} run={self.writer.info.uuid if self.writer else '?'} {message}\n")
            except OSError as exc:
                display.error(f"courtops_recorder: cannot write {self.error_file} either: {exc}")

    # -- run -------------------------------------------------------------------------------
    def _scope_vars(self, kind: str, extra_vars: Any) -> str:
        """`name=value` of the scope variables given with -e (key=value or JSON; @files are not read)."""
        wanted, found = set(self.get_option("scope_vars") or scope_vars(kind)), {}
        for item in extra_vars or ():
            text = str(item).strip()
            if text.startswith("@"):
                continue
            try:
                pairs = (
                    json.loads(text)
                    if text.startswith("{")
                    else dict(part.split("=", 1) for part in text.split() if "=" in part)
                )
            except ValueError:
                continue
            found.update({k: str(v) for k, v in pairs.items() if k in wanted})
        return ",".join(f"{k}={found[k]}" for k in sorted(found))

    def v2_playbook_on_start(self, playbook: Any) -> None:
        # `ansible-playbook a.yml b.yml`: one run per playbook (stats closed the previous one)
        self._finish("ok")
        self.finished, self.seen_hosts, self.started = False, set(), {}
        self.recorded, self.callback_seconds = 0, 0.0
        args = context.CLIARGS
        path = str(playbook._file_name)
        kind = self.get_option("run_kind") or kind_of_playbook(path)
        inventory = ",".join(args.get("inventory") or ())
        limit = args.get("subset") or ""
        tags = ",".join(sorted(args.get("tags") or ()))
        info = RunInfo(
            uuid=str(uuid.uuid4()),
            kind=kind,
            scope="|".join(
                (kind, path, inventory, limit, tags, self._scope_vars(kind, args.get("extra_vars")))
            ),
            playbook=path,
            inventory=inventory,
            limit_expr=limit,
            tags=tags,
            skip_tags=",".join(sorted(args.get("skip_tags") or ())),
            check_mode=bool(args.get("check")),
            user=getpass.getuser(),
            controller=socket.gethostname(),
            ansible_version=ansible_version,
            extra={**own_process(), **job_context()},  # the job (`courtops job run`) it belongs to
        )
        # Ansible's forked workers inherit these: the plugins of this run use the recorder's store
        # and know their run (courtops.store_access).
        os.environ[RUN_STORE_ENV] = str(self.store_path)
        os.environ[RUN_UUID_ENV] = info.uuid
        announce(info)  # kind, scope and start: lookups and actions see which run is theirs
        if info.check_mode:
            # --check writes nothing anywhere, the results store included: a preview is no run, and
            # its findings must never become the "latest audit" a report is rendered from
            display.display("courtops_recorder: 检查模式（--check）：本次运行不写入结果库", stderr=True)
            self.writer = None
            return
        first = self.writer is None
        self.writer = _Writer(self.store_path, info, self.interval, self._error)
        self.writer.start()
        if first:
            atexit.register(self._finish, "interrupted")

    def v2_playbook_on_play_start(self, play: Any) -> None:
        self.play = play.get_name()

    def v2_runner_on_start(self, host: Any, task: Any) -> None:
        self.started[(host.name, task._uuid)] = time.time()

    def v2_runner_on_ok(self, result: Any) -> None:
        self._record(result, "changed" if _raw(result).get("changed") else "ok")

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._record(result, "failed", ignored=bool(ignore_errors))

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats: Any) -> None:
        if self.writer is not None:
            self.writer.queue.put(("stats", {h: stats.summarize(h) for h in stats.processed}))
        failed = any(stats.failures.values()) or any(stats.dark.values())
        self._finish("failed" if failed else "ok")
        if self.errors and self.get_option("fail_on_store_error"):
            display.error(
                f"courtops_recorder: results were lost ({len(self.errors)} store errors, see "
                f"{self.error_file}); failing the run"
            )
            # SystemExit passes Ansible's callback error handler (it only catches Exception):
            # the recap is printed, cleanup has run, and the job ends non-zero.
            raise SystemExit(STORE_ERROR_EXIT)

    # -- internals -------------------------------------------------------------------------
    def _finish(self, status: str) -> None:
        if self.finished or self.writer is None:
            return
        self.finished = True
        # the recorder's own cost, kept with the run (the overhead benchmark reads it)
        timing = {
            "recorder_results": self.recorded,
            "recorder_callback_ms": round(self.callback_seconds * 1000, 1),
        }
        self.writer.queue.put(("finish", (status, self.errors, timing)))
        self.writer.queue.put(_STOP)
        self.writer.join(timeout=120)
        display.vv(
            f"courtops_recorder: {self.recorded} results, {self.callback_seconds * 1000:.0f} ms in the"
            f" callback, {self.writer.write_seconds * 1000:.0f} ms writing in the background thread"
        )
        if self.writer.is_alive():
            self._error("the store writer did not finish within 120 s")
        elif self.writer.lost and not self.errors:
            self._error(f"{self.writer.lost} results were not stored")

    def _rules(self, host: Any) -> list[SecretRule]:
        """The secret rules for what this host returns (all rules when its platform is not known)."""
        platform = str(getattr(host, "vars", {}).get("asset_platform") or "")
        if platform not in self.rules:
            self.rules[platform] = rules_for(platform or None)
        return self.rules[platform]

    def _mask(self, value: Any, rules: list[SecretRule]) -> Any:
        return mask_value(value, rules, self.secret_fields)

    def _host_info(self, host: Any) -> HostInfo:
        hvars = host.vars
        asset = {k: v for k, v in hvars.items() if k.startswith("asset_")}
        return HostInfo(
            name=host.name,
            address=str(hvars.get("ansible_host") or ""),
            platform=str(asset.get("asset_platform") or ""),
            os_version=str(asset.get("asset_os") or ""),
            asset=self._mask(asset, self._rules(host)),
        )

    def _record(self, result: Any, status: str, ignored: bool = False) -> None:
        if self.writer is None:
            return
        t0 = time.perf_counter()
        try:
            self._record_one(result, status, ignored)
        finally:
            self.recorded += 1
            self.callback_seconds += time.perf_counter() - t0

    def _record_one(self, result: Any, status: str, ignored: bool) -> None:
        assert self.writer is not None
        try:
            host, task = result.host, result.task
            if host.name not in self.seen_hosts:
                self.seen_hosts.add(host.name)
                self.writer.queue.put(("host", self._host_info(host)))
            raw = _raw(result)
            rules = self._rules(host)
            keep = self.record_content == "all" or (
                self.record_content == "failed" and status in ("failed", "unreachable")
            )
            # Ansible's public `result` is a converted copy: only worth making when something is kept.
            data = result.result if keep or _carries(raw) else raw
            event = TaskResult(
                host=host.name,
                status=status,
                ended_at=time.time(),
                play=self.play,
                task=task.get_name(),
                task_uuid=task._uuid,
                action=task.action,
                changed=bool(data.get("changed")),
                ignored=ignored,
                started_at=self.started.pop((host.name, task._uuid), None),
                content=self._mask(dict(data), rules) if keep else {},
            )
            # A loop's module data sits in each item; a plain task's at the top; set_fact's (a
            # playbook emitting findings itself) under ansible_facts. debug only echoes variables.
            parts = data.get("results") if isinstance(data.get("results"), list) else [data]
            if task.action in _ECHO_ACTIONS:
                parts = []
            elif task.action in _FACT_ACTIONS:
                parts = [p.get("ansible_facts") for p in parts if isinstance(p, dict)]
            try:
                for part in parts:
                    if isinstance(part, dict):
                        self._extract(part, host.name, event, rules)
            finally:  # the result is stored even when what a module returned is malformed
                self.writer.queue.put(("result", event))
        except Exception as exc:  # never let a malformed result hide: count it as a store error
            self._error(f"cannot record {result.host.name}/{result.task.get_name()}: {exc!r}")
            display.vvv(traceback.format_exc())

    def _extract(self, data: dict[str, Any], host: str, event: TaskResult, rules: list[SecretRule]) -> None:
        for raw in data.get(FINDINGS_KEY) or ():
            item = {k: v for k, v in raw.items() if k in _FINDING_FIELDS}
            item.setdefault("host", host)
            # the texts an auditor reads and the facts behind them: masked, policy values kept
            for key in _FINDING_TEXTS:
                if isinstance(item.get(key), str):
                    item[key] = mask_text(item[key], rules)
            item["evidence"] = self._mask(item.get("evidence") or {}, rules)
            event.findings.append(Finding(**item))
        metrics = data.get(METRICS_KEY) or ()
        if isinstance(metrics, dict):  # short form {name: value}
            metrics = [{"name": k, "value": v} for k, v in metrics.items()]
        for m in metrics:
            value = m.get("value")
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            event.metrics.append(
                Metric(
                    host=m.get("host", host),
                    name=m["name"],
                    value=float(value) if numeric else None,
                    # an explicit reading text (e.g. 正常 / 告警) wins; a non-numeric value is kept as text
                    text=mask_text(str(m.get("text") or ("" if numeric or value is None else value)), rules),
                    unit=m.get("unit", ""),
                    labels=self._mask(m.get("labels") or {}, rules),
                )
            )
        for b in data.get(BACKUPS_KEY) or ():
            event.backups.append(
                Backup(
                    host=b.get("host", host),
                    path=b["path"],
                    sha256=b.get("sha256", ""),
                    size=int(b.get("size", 0)),
                    changed=bool(b.get("changed")),
                )
            )
