"""Build the evidence of a data-driven test case (tests/data/cases/*.yml).

Linux cases describe a filesystem tree: it is written to a temporary directory and the real
collector (library/courtops_linux_collect.py) runs against it with ``root=<tree>``; recorded
command outputs (auditctl, sshd -T) and service states can be layered on top. Windows and
network cases point at recorded outputs directly.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
REPO = HERE.parent.parent


@functools.cache
def collector() -> Any:
    spec = importlib.util.spec_from_file_location(
        "courtops_linux_collect", REPO / "library" / "courtops_linux_collect.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source(ref: Any) -> Any:
    """{corpus: path} / {constructed: path} -> bytes (.inf) or text; {text: ...}; anything else as is."""
    if isinstance(ref, dict) and len(ref) == 1:
        ((kind, value),) = ref.items()
        if kind in ("corpus", "constructed"):
            path = DATA / kind / value
            return (
                path.read_bytes()
                if path.suffix == ".inf"
                else path.read_text(encoding="utf-8", errors="replace")
            )
        if kind == "text":
            return value
        if kind == "command":  # recorded command output in the collector's shape
            return {"rc": 0, "out": source(value), "err": ""}
    if isinstance(ref, dict):
        return {k: source(v) for k, v in ref.items()}
    return ref


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted((DATA / "cases").glob("*.yml")):
        cases += yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    return cases


def build_tree(root: Path, spec: dict[str, Any]) -> None:
    for target, ref in (spec.get("files") or {}).items():
        dest = root / target.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        content = source(ref)
        dest.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    for target, mode in (spec.get("modes") or {}).items():
        (root / target.lstrip("/")).chmod(int(str(mode), 8))
    for link in spec.get("symlinks") or []:
        dest = root / link.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to("/dev/null")


@functools.cache
def evidence_of(name: str) -> dict[str, Any]:
    case = next(c for c in load_cases() if c["name"] == name)
    if "linux_root" in case:
        root = Path(tempfile.mkdtemp(prefix=f"courtops-{name}-"))
        build_tree(root, case["linux_root"])
        evidence = collector().collect(str(root))
    else:
        evidence = {}
    if "evidence_json" in case:  # a recorded collector result (constructed/…json)
        evidence.update(
            json.loads((DATA / "constructed" / case["evidence_json"]).read_text(encoding="utf-8"))
        )
    evidence.update(source(case.get("evidence") or {}))
    if "collected_at" in case:
        evidence["collected_at"] = case["collected_at"]
    return evidence
