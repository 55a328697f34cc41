"""应急预案 rendered from the emergency plan data as HTML and PDF (the court files it)."""

from __future__ import annotations

import time
from pathlib import Path

from courtops.emergency.plan import Plan
from courtops.report.render import html_to_pdf, render_html

TEMPLATE = "emergency_plan.html.j2"
STEM = "emergency-plan"


def write_plan(plan: Plan, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write ``emergency-plan.html`` / ``.pdf`` under ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html = render_html(TEMPLATE, {"plan": plan, "generated_at": time.time()})
    html_path = out_dir / f"{STEM}.html"
    html_path.write_text(html, encoding="utf-8")
    written = [html_path] if "html" in formats else []
    if "pdf" in formats:
        pdf_path = out_dir / f"{STEM}.pdf"
        try:
            html_to_pdf(html_path, pdf_path)
        finally:
            if "html" not in formats:
                html_path.unlink()
        written.append(pdf_path)
    return written
