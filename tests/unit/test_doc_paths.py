"""The docs tell the truth about paths (issue 9.8): every relative link and every repository path
mentioned in tracked Markdown and in YAML comments exists, and tests/data/corpus/SOURCES.md lists
exactly the files present.

Links (``[text](target)``) and references to the shared research and corpus (``../shared/…``,
``research/…``) resolve relative to the file they are written in, as a reader or a Markdown renderer
follows them; the shared folder sits beside the clone (``../shared``), as on the build machine and in
CI (.ci/run). Other repository paths written in backticks may be written from the repository root.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Produced by running the project, never committed: a mention of them is not a broken reference.
GENERATED = (".venv", ".cache", ".facts", "reports/", "inventory/lab/hosts.yml", "lab/cache")

LINK = re.compile(r"\]\(([^)\s]+)\)")
SHARED = re.compile(r"(?<![\w/.])((?:\.\./)+shared/[\w./§-]*[\w/]|research/[\w.-]+\.md)")
CODE = re.compile(r"`([^`\s]+)`")
PATHLIKE = re.compile(r"^(?:\.{1,2}/)*[\w.-]+(?:/[\w.-]+)+/?$")


def tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=REPO, capture_output=True, text=True, check=True)
    # test data is data, except the Markdown that documents where it comes from
    return [
        REPO / line
        for line in out.stdout.splitlines()
        if not line.startswith("tests/data/") or line.endswith(".md")
    ]


def _yaml_comments(path: Path) -> str:
    """The comment part of each line (a # at the start or after a space, outside quotes is close enough)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.search(r"(?:^|\s)#(.*)$", line)
        if match:
            lines.append(match.group(1))
    return "\n".join(lines)


def _generated(path: Path) -> bool:
    try:
        relative = path.resolve().relative_to(REPO)
    except ValueError:
        return False
    return str(relative).startswith(GENERATED)


def broken_references(path: Path, text: str) -> list[str]:
    here = path.parent
    problems = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        if not (here / target.split("#")[0]).exists():
            problems.append(f"link {target}")
    for ref in SHARED.findall(text):
        if not (here / ref).exists():
            problems.append(f"reference {ref} (relative to {here.relative_to(REPO) or '.'})")
    # provenance tables (SOURCES.md) name paths inside other repositories: only their links count
    for token in CODE.findall(text) if path.name != "SOURCES.md" else []:
        token = token.rstrip(".,:;")
        if (
            not PATHLIKE.match(token)
            or "shared/" in token
            or _generated(here / token)
            or _generated(REPO / token)
        ):
            continue
        if not ((here / token).exists() or (REPO / token).exists()):
            problems.append(f"path `{token}`")
    return problems


DOCS = tracked("*.md", "*.yml", "*.yaml", "ansible.cfg")


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_mentioned_path_exists(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yml", ".yaml") or path.name == "ansible.cfg":
        text = _yaml_comments(path)
    problems = broken_references(path, text)
    assert not problems, f"{path.relative_to(REPO)}: " + "; ".join(problems)


def test_the_checker_finds_a_broken_reference(tmp_path: Path) -> None:
    fake = REPO / "docs" / "x.md"
    text = "[a](audit.md) [b](nowhere.md) see research/dengbao-controls.md and ../../shared/research/dengbao-controls.md, `library/nope.py`"
    problems = broken_references(fake, text)
    assert problems == [
        "link nowhere.md",
        "reference research/dengbao-controls.md (relative to docs)",
        "path `library/nope.py`",
    ]


def test_corpus_sources_lists_exactly_the_files_present() -> None:
    corpus = REPO / "tests" / "data" / "corpus"
    present = {
        str(p.relative_to(corpus))
        for p in corpus.rglob("*")
        if p.is_file() and p.name != "SOURCES.md" and p.relative_to(corpus).parts[0] != "expected"
    }  # expected/ holds the verdicts reasoned for those files, not samples
    # the table of present files comes first; later sections describe candidates not taken
    text = (corpus / "SOURCES.md").read_text(encoding="utf-8").split("\n## ")[0]
    listed = set(re.findall(r"^\| `([^`]+)` \|", text, re.M))
    assert sorted(present - listed) == [], "files in tests/data/corpus missing from its SOURCES.md"
    assert sorted(listed - present) == [], "rows of tests/data/corpus/SOURCES.md without a file"
