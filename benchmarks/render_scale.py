"""Report rendering at the court's scale: 1,200 hosts x 34 items (40,800 findings) from the store.

    python benchmarks/render_scale.py [--hosts 1200] [--pdf]

Prints the seconds for each step; asserts nothing (not a test). Target: HTML + XLSX within 10 s.
Findings are synthetic (courtops.report.synthetic), the path through the store is the real one.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from courtops.report import REPORTS
from courtops.report.render import html_to_pdf, render_html
from courtops.report.synthetic import fill_store, items
from courtops.store import Store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=1200)
    parser.add_argument("--pdf", action="store_true", help="also print the HTML to PDF with Chromium")
    args = parser.parse_args()
    spec = REPORTS["dengbao"]
    with tempfile.TemporaryDirectory(prefix="courtops-render-") as tmp:
        out = Path(tmp)
        with Store(out / "s.sqlite3") as st:
            t0 = time.perf_counter()
            run_id = fill_store(st, args.hosts)
            t_fill = time.perf_counter() - t0
            run = st.get_run(run_id)
            t0 = time.perf_counter()
            context = spec.build(st, run) | {"report_title": spec.title}
            t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        html = out / "dengbao.html"
        html.write_text(render_html(spec.template, context), encoding="utf-8")
        t_html = time.perf_counter() - t0
        t0 = time.perf_counter()
        assert spec.xlsx is not None
        spec.xlsx(context, out / "dengbao.xlsx")
        t_xlsx = time.perf_counter() - t0
        n = args.hosts * len(items())
        print(f"{args.hosts} hosts x {len(items())} items = {n} findings")
        print(f"store write (setup, not part of rendering) {t_fill:6.2f} s")
        print(f"read store + scores + rows                 {t_build:6.2f} s")
        html_mb = html.stat().st_size / 1e6
        xlsx_mb = (out / "dengbao.xlsx").stat().st_size / 1e6
        print(f"HTML ({html_mb:.1f} MB, {len(context['rows'])} gap rows)".ljust(43) + f"{t_html:6.2f} s")
        print(f"XLSX ({xlsx_mb:.1f} MB, {len(context['assets'])} sheets)".ljust(43) + f"{t_xlsx:6.2f} s")
        print(f"total read + HTML + XLSX                   {t_build + t_html + t_xlsx:6.2f} s  (target 10 s)")
        if args.pdf:
            t0 = time.perf_counter()
            printable = out / "print.html"
            printable.write_text(
                render_html(spec.template, context | {"print_edition": True}), encoding="utf-8"
            )
            html_to_pdf(printable, out / "dengbao.pdf", timeout=1800)
            print(f"PDF via Chromium ({(out / 'dengbao.pdf').stat().st_size / 1e6:.1f} MB)          "
                  f"{time.perf_counter() - t0:6.2f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
