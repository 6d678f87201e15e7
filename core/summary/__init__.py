"""汇总 (docs/summary.md): a bureau gathers units' packages (or drafts), checks each report with
the clerk's own 审核, and builds the 项目支出 / 部门整体 summary tables and a findings list.

``gather`` (gather.py) reads the sources; ``group_versions`` / ``build_summary`` (tables.py) make
the tables; ``findings_of`` / ``review_opinion`` (findings.py) the 审核意见. No Qt here.
"""
from core.summary.findings import SummaryFinding, by_unit, filter_findings, findings_of, review_opinion
from core.summary.gather import Funds, GatherResult, Refused, Source, TableFigures, UnitReport, gather, sources_from
from core.summary.tables import Selection, Summary, UnitEntry, build_summary, group_versions

__all__ = ["Funds", "GatherResult", "Refused", "Selection", "Source", "Summary", "SummaryFinding",
           "TableFigures", "UnitEntry", "UnitReport", "build_summary", "by_unit", "filter_findings",
           "findings_of", "gather", "group_versions", "review_opinion", "sources_from"]
