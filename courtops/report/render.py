"""Rendering machinery shared by every courtops report (等保 差距分析, 巡检记录, quarterly report).

A report is a ``ReportSpec``: a context builder reading the store, an HTML template extending
``base.html.j2`` (inline CSS, inline SVG, no external URL: the court intranet is offline) and,
optionally, an XLSX writer. PDF is the same HTML printed by headless Chromium.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from courtops.court_time import CST as CST  # re-exported: reports import the zone from here
from courtops.court_time import fmt_time
from courtops.store import Run, Store

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)
#: Above this many 差距分析 rows the PDF shows them folded per 测评项 (see _gap_groups.html.j2).
PRINT_MAX_ROWS = 1500


class ReportError(Exception):
    """A report could not be produced (missing Chromium, failed print, ...)."""


def fmt_score(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("courtops.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["time"] = fmt_time
    env.filters["score"] = fmt_score
    env.globals["PRINT_MAX_ROWS"] = PRINT_MAX_ROWS
    return env


ENV = _environment()


@dataclass(frozen=True)
class ReportSpec:
    name: str  # file stem and CLI choice, e.g. "dengbao"
    title: str
    template: str  # HTML template under courtops/report/templates
    build: Callable[[Store, Run], dict[str, Any]]
    xlsx: Callable[[dict[str, Any], Path], None] | None = None
    run_kind: str = ""  # the kind of run it reports on: `--run latest` picks the latest of this kind
    has_data: Callable[[Store, Run], bool] | None = None  # False → the run has nothing to report


def render_html(template: str, context: dict[str, Any]) -> str:
    return ENV.get_template(template).render(**context)


def find_chromium() -> str:
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    raise ReportError("PDF needs Chromium: install the Debian package 'chromium' (make system-deps)")


def html_to_pdf(html: Path, pdf: Path, *, timeout: float = 300) -> None:
    """Print ``html`` to ``pdf`` with headless Chromium (fresh profile, no network chatter)."""
    with tempfile.TemporaryDirectory(prefix="courtops-chromium-") as profile:
        cmd = [
            find_chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReportError(f"Chromium did not print {html} within {timeout:.0f} s") from exc
    if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise ReportError(f"Chromium failed to print {html} (exit {proc.returncode}): {proc.stderr[-500:]}")


def write_report(
    spec: ReportSpec, store: Store, run: Run, out_dir: Path, formats: tuple[str, ...]
) -> list[Path]:
    """Write the report in the chosen formats; returns the files written."""
    context = spec.build(store, run) | {"report_title": spec.title}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    html_path = out_dir / f"{spec.name}.html"
    if "html" in formats or "pdf" in formats:
        html_path.write_text(render_html(spec.template, context), encoding="utf-8")
        if "html" in formats:
            written.append(html_path)
    if "pdf" in formats:
        # The print edition: templates may fold very long tables (the full detail stays in the
        # HTML and XLSX); Chromium fails on documents of several hundred pages.
        print_path = out_dir / f".{spec.name}.print.html"
        print_path.write_text(render_html(spec.template, context | {"print_edition": True}), encoding="utf-8")
        pdf_path = out_dir / f"{spec.name}.pdf"
        try:
            html_to_pdf(print_path, pdf_path)
        finally:
            print_path.unlink()
        written.append(pdf_path)
        if "html" not in formats:
            html_path.unlink()
    if "xlsx" in formats:
        if spec.xlsx is None:
            raise ReportError(f"the {spec.name} report has no XLSX form")
        xlsx_path = out_dir / f"{spec.name}.xlsx"
        spec.xlsx(context, xlsx_path)
        written.append(xlsx_path)
    return written
