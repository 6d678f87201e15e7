"""The indicator model's scores, kept current without making typing wait (a mixin of
``desktop.indicator_model.IndicatorModel``).

A cell edit scores its own row again and moves the totals at once (``TableScores.row_edited``,
in the model's ``setData``); ``rescore_later`` then scores the whole table off the UI thread
(``desktop.worker``) once the edits pause for ``RESCORE_DELAY_MS``. That result replaces the
shown one when it arrives — only the rows whose scores differ are repainted — unless a newer
change came meanwhile: every change counts up ``generation``, a result of an older one is
dropped and the newest report scored instead. ``rescore`` scores at once (a structure edit, a
table switch); unchanged rows come from the scoring memo either way.
"""
from __future__ import annotations

from PySide6.QtCore import QTimer

from core.scoring_records import BlockResult, IndicatorResult, TableResult
from core.templates import Template
from desktop.indicator_scores import TableScores, score_state
from desktop.worker import run_in_background

RESCORE_DELAY_MS = 100  # the whole table is scored again this long after the last edit


class Rescoring:
    """Needs of the model: ``session``, ``table_path``, the ``rescored`` signal,
    ``index_of_path``, ``refresh_all`` and ``SCORED_COLUMNS`` (first, last column a score
    changes)."""

    def _init_rescoring(self) -> None:
        self.scores = TableScores()
        self.generation = 0  # counts changes; a background result of an older one is dropped
        self.pending = False  # a background rescore of the newest change has not arrived yet
        self._running = False  # a background rescore is under way
        self._rescore_timer = QTimer(self)  # the whole table once typing pauses, not per key
        self._rescore_timer.setSingleShot(True)
        self._rescore_timer.setInterval(RESCORE_DELAY_MS)
        self._rescore_timer.timeout.connect(self._start_rescore)

    # the current scores, as the page and the delegate read them
    template: Template | None = property(lambda self: self.scores.template)
    result: TableResult | None = property(lambda self: self.scores.result)  # execution row included
    results: dict[str, IndicatorResult] = property(lambda self: self.scores.results)
    blocks: dict[str, BlockResult] = property(lambda self: self.scores.blocks)
    needs_note: set[str] = property(lambda self: self.scores.needs_note)

    def rescore(self) -> None:
        """Score the whole table now (after a structure edit or a table switch)."""
        self.generation += 1
        self.pending = False
        self._rescore_timer.stop()
        self.scores = score_state(self.session.report, self.table_path)
        self.rescored.emit()

    def rescore_later(self) -> None:
        """Score the whole table again off the UI thread; the result is shown when it arrives
        (``rescored``), or dropped when a newer change came meanwhile."""
        self.generation += 1
        self.pending = True
        self._rescore_timer.start()

    def _start_rescore(self) -> None:
        if self._running or not self.pending:
            return  # the running one sees it is stale and starts the next
        generation, report, where = self.generation, self.session.report, self.table_path
        self._running = True
        run_in_background(lambda: score_state(report, where),
                          lambda scores: self._rescored(generation, scores), self._rescore_failed)

    def _rescored(self, generation: int, scores: TableScores) -> None:
        try:
            self._running = False
            if generation != self.generation:  # stale: a newer change came meanwhile
                if self.pending:
                    self._start_rescore()
                return
            self.pending = False
            old, self.scores = self.scores, scores
            self._repaint_changed(old, scores)
            self.rescored.emit()
        except RuntimeError:  # the model went with its page while the scoring ran
            pass

    def _rescore_failed(self, _message: str) -> None:
        try:
            self._running = False
            self.pending = False  # the row-by-row scores stay; the next edit tries again
        except RuntimeError:
            pass

    def _repaint_changed(self, old: TableScores, new: TableScores) -> None:
        """Repaint only the rows whose scores differ (a row repainted is measured again: all
        2,000 would take seconds); mostly none — the row-by-row scores were already right."""
        if old.template is not new.template:
            self.refresh_all()
            return
        paths = {w for w, r in new.results.items() if old.results.get(w) is not r and old.results.get(w) != r}
        paths |= old.needs_note ^ new.needs_note
        paths |= {g for g, v in new.sums.items() if old.sums.get(g) != v}
        for path in paths:
            index = self.index_of_path(path)
            if index.isValid():
                self.dataChanged.emit(index.sibling(index.row(), self.SCORED_COLUMNS[0]),
                                      index.sibling(index.row(), self.SCORED_COLUMNS[1]))
