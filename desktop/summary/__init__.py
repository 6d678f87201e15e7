"""The 汇总 workspace for the finance bureau (or a 主管部门): units' packages in, summary tables
and a findings list out. The work is done by ``core.summary`` and ``core.export.summary_*``;
this package is the face: ``workspace.SummaryWorkspace`` (the page beside the drafts list),
``models`` (the table of unit entries, sorted as a Python list), ``findings_view`` (审核意见
per unit), ``gathering`` (packages read off the UI thread, with progress and 取消) and
``readonly`` (a unit's report opened read-only in the editor, never written anywhere)."""
