"""The Windows collectors, checked by a real PowerShell grammar (tree-sitter-powershell; issue 10.5).

No PowerShell runs here, and the court's PCs run Windows PowerShell 5.1. This parses every
``library/*.ps1``: a syntax error (ERROR / MISSING node) or a construct that PowerShell 5.1 rejects
(``??``, the ``?:`` ternary, ``&&`` / ``||`` pipeline chains, ``ForEach-Object -Parallel``,
``ConvertFrom-Json -AsHashtable``) fails the test; and every evidence key the Windows parser
(``courtops/evidence/windows.py``) reads must be one the collector writes, both read from syntax trees.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_powershell

from courtops.evidence import windows
from tests.unit.casekit import REPO

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
SCRIPTS = sorted((REPO / "library").glob("*.ps1"))
COLLECTOR = REPO / "library" / "courtops_win_collect.ps1"
PARALLEL_COMMANDS = {"foreach-object", "foreach", "%"}


def _nodes(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    yield node
    for child in node.children:
        yield from _nodes(child)


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def problems(source: str) -> list[str]:
    """Syntax errors and PowerShell 7-only constructs in ``source``, as ``line: what``."""
    tree = PARSER.parse(source.encode("utf-8"))
    found = []
    for node in _nodes(tree.root_node):
        line = node.start_point[0] + 1
        if node.type == "ERROR":
            text = _text(node)
            if "??" in text:
                found.append(f"{line}: `??` (PowerShell 7)")
            elif text.strip().startswith("?") or " ? " in f" {text} ":
                found.append(f"{line}: `?:` ternary (PowerShell 7)")
            else:
                found.append(f"{line}: syntax error near {text[:40]!r}")
        elif node.is_missing:
            found.append(f"{line}: missing {node.type!r}")
        elif node.type == "pipeline_chain_tail":
            found.append(f"{line}: `&&`/`||` pipeline chain (PowerShell 7)")
        elif node.type == "command":
            name = next((_text(c).lower() for c in node.children if c.type == "command_name"), "")
            params = {_text(n).lower() for n in _nodes(node) if n.type == "command_parameter"}
            if name in PARALLEL_COMMANDS and "-parallel" in params:
                found.append(f"{line}: ForEach-Object -Parallel (PowerShell 7)")
            if "-ashashtable" in params:
                found.append(f"{line}: -AsHashtable (PowerShell 6+)")
    return found


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ("$a = $b ?? 'default'\n", "??"),
        ("$x = $enabled ? 1 : 0\n", "ternary"),
        ("Get-Service w32time && Write-Output ok\n", "pipeline chain"),
        ("Get-Service w32time || Write-Output failed\n", "pipeline chain"),
        ("1..4 | ForEach-Object -Parallel { $_ * 2 }\n", "-Parallel"),
        ("$h = '{}' | ConvertFrom-Json -AsHashtable\n", "-AsHashtable"),
        ("$h = @{ a = 1\n", "missing"),
        ("if ($a -eq 1 { 'x' }\n", "syntax error"),
    ],
)
def test_the_detector_sees_each_powershell7_construct_and_syntax_error(snippet: str, what: str) -> None:
    found = problems(snippet)
    assert found, snippet
    assert any(what in f or (what == "missing" and ("missing" in f or "syntax" in f)) for f in found), found


@pytest.mark.parametrize(
    "snippet",
    [
        "$a = if ($b) { $b } else { 'default' }\n",
        "Get-Service w32time | Where-Object { $_.Status -eq 'Running' }\n",
        "$items | ForEach-Object { $_.Name }\n",
        "$o = '{}' | ConvertFrom-Json\n",
        "$h = @{ a = 1; b = @(1, 2) }\n",
    ],
)
def test_powershell_51_code_passes(snippet: str) -> None:
    assert problems(snippet) == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_collector_parses_as_powershell_51(script: Path) -> None:
    assert problems(script.read_text(encoding="utf-8-sig")) == []


def _collector_evidence_keys() -> tuple[set[str], dict[str, set[str]], set[str]]:
    """(top-level evidence keys, nested hash keys per top-level key, string literals) the collector writes."""
    tree = PARSER.parse(COLLECTOR.read_bytes())
    top: set[str] = set()
    nested: dict[str, set[str]] = {}
    for node in _nodes(tree.root_node):
        if node.type != "assignment_expression":
            continue
        left = next(c for c in node.children if c.type == "left_assignment_expression")
        if _text(left).replace(" ", "").lower() != "$module.result.evidence":
            continue
        body = next(n for n in _nodes(node) if n.type == "hash_literal_body")
        for entry in (c for c in body.children if c.type == "hash_entry"):
            key = _text(next(c for c in entry.children if c.type == "key_expression"))
            top.add(key)
            inner = next((n for n in _nodes(entry) if n.type == "hash_literal_body"), None)
            if inner is not None:
                nested[key] = {
                    _text(next(c for c in e.children if c.type == "key_expression"))
                    for e in inner.children
                    if e.type == "hash_entry"
                }
    strings = {
        _text(n).strip("'\"")
        for n in _nodes(tree.root_node)
        if n.type in ("verbatim_string_characters", "string_literal")
    }
    return top, nested, strings


def _parser_evidence_reads() -> tuple[set[str], dict[str, set[str]]]:
    """Keys the Windows parser reads from the evidence (``ev.get("k")`` / ``ev["k"]``), and from the
    values it binds to a local name first (``fw = ev.get("firewall")`` then ``fw.get("profiles")``)."""
    tree = ast.parse((REPO / "courtops" / "evidence" / "windows.py").read_text(encoding="utf-8"))
    top: set[str] = set()
    bound: dict[str, str] = {}
    nested: dict[str, set[str]] = {}

    def key_of(node: ast.AST, receiver: str) -> str | None:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == receiver
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            return node.args[0].value
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == receiver
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            return node.slice.value
        return None

    for node in ast.walk(tree):
        key = key_of(node, "ev")
        if key:
            top.add(key)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            key = key_of(node.value, "ev")
            if key:
                bound[node.targets[0].id] = key
    for node in ast.walk(tree):
        for name, key in bound.items():
            sub = key_of(node, name)
            if sub:
                nested.setdefault(key, set()).add(sub)
    return top, nested


def test_every_evidence_key_the_parser_reads_is_written_by_the_collector() -> None:
    written, written_nested, _ = _collector_evidence_keys()
    read, read_nested = _parser_evidence_reads()
    assert {"secedit", "registry", "users", "firewall", "winrm"} <= read  # the reader found the reads
    assert read - written == set()
    for key, subkeys in read_nested.items():
        if key in written_nested:  # a hash literal in the collector: its keys are the contract
            assert subkeys - written_nested[key] == set(), key


def test_the_collector_reads_every_registry_value_the_parser_uses() -> None:
    _, _, strings = _collector_evidence_keys()
    assert [v for v in windows.REGISTRY_VALUES if v not in strings] == []


def test_the_contract_check_sees_a_missing_key(tmp_path: Path) -> None:
    """Guards the contract test: a collector without the `winrm` entry is caught from its tree."""
    global COLLECTOR
    broken = tmp_path / "broken.ps1"
    broken.write_text(
        COLLECTOR.read_text(encoding="utf-8-sig").replace("winrm = $winrm;", ""), encoding="utf-8"
    )
    saved, COLLECTOR = COLLECTOR, broken
    try:
        written, _, _ = _collector_evidence_keys()
    finally:
        COLLECTOR = saved
    assert "winrm" not in written and "secedit" in written
