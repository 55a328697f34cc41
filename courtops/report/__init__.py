"""Reports rendered from the results store: HTML (self-contained), XLSX, PDF.

``REPORTS`` lists what ``courtops report`` can write. A new report (the inspection issue's 巡检记录,
the quarterly service report) is one more ``ReportSpec``: a context builder, a template extending
``base.html.j2`` and optionally an XLSX writer.
"""

from courtops.report.inspection import build_inspection, write_inspection
from courtops.report.model import build_dengbao
from courtops.report.patch_compliance import build_patch_compliance, write_patch_compliance
from courtops.report.quarterly import build_quarterly
from courtops.report.render import ReportError, ReportSpec, write_report
from courtops.report.xlsx import write_records
from courtops.runkinds import kind_of_report

REPORTS: dict[str, ReportSpec] = {
    "dengbao": ReportSpec(
        name="dengbao",
        title="网络安全等级保护 差距分析报告",
        template="dengbao.html.j2",
        build=build_dengbao,
        xlsx=write_records,
        run_kind=kind_of_report("dengbao"),
        has_data=lambda store, run: bool(store.findings(run.id)),
    ),
    "inspection": ReportSpec(
        name="inspection",
        title="日常巡检记录",
        template="inspection.html.j2",
        build=build_inspection,
        xlsx=write_inspection,
        run_kind=kind_of_report("inspection"),
        has_data=lambda store, run: any("state" in m.labels for m in store.metrics(run.id)),
    ),
    "quarterly": ReportSpec(
        name="quarterly",
        title="季度运维服务报告",
        template="quarterly.html.j2",
        build=build_quarterly,
        run_kind=kind_of_report("quarterly"),  # the quarter of the latest inspection (or of --run ID)
    ),
    "patch": ReportSpec(
        name="patch",
        title="补丁合规报告",
        template="patch.html.j2",
        build=build_patch_compliance,
        xlsx=write_patch_compliance,
        run_kind=kind_of_report("patch"),
        has_data=lambda store, run: bool(store.patch_results()),
    ),
}

__all__ = ["REPORTS", "ReportError", "ReportSpec", "write_report"]
