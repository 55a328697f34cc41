"""Reports rendered from the results store: HTML (self-contained), XLSX, PDF.

``REPORTS`` lists what ``courtops report`` can write. A new report (the inspection issue's 巡检记录,
the quarterly service report) is one more ``ReportSpec``: a context builder, a template extending
``base.html.j2`` and optionally an XLSX writer.
"""

from courtops.report.model import build_dengbao
from courtops.report.render import ReportError, ReportSpec, write_report
from courtops.report.xlsx import write_records

REPORTS: dict[str, ReportSpec] = {
    "dengbao": ReportSpec(
        name="dengbao",
        title="网络安全等级保护 差距分析报告",
        template="dengbao.html.j2",
        build=build_dengbao,
        xlsx=write_records,
    ),
}

__all__ = ["REPORTS", "ReportError", "ReportSpec", "write_report"]
