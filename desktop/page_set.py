"""The editor's wizard pages, each built the first time it is asked for.

Opening a draft builds only the page it shows; the others are built on their first visit (or
when a finding on them is chosen). Indexing builds the page; iterating builds them all (what a
caller that walks every page expects); ``built`` / ``built_pages`` look without building.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence


class PageSet(Sequence):
    def __init__(self, count: int, build: Callable[[int], object]):
        self._pages: list = [None] * count
        self._build = build

    def __len__(self) -> int:
        return len(self._pages)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(len(self))[i]]
        i = range(len(self))[i]  # a negative index counts from the end; out of range raises
        if self._pages[i] is None:
            self._pages[i] = self._build(i)
        return self._pages[i]

    def built(self, i: int):
        """The page at ``i`` if it has been built, else None."""
        return self._pages[i]

    def built_pages(self) -> list:
        return [p for p in self._pages if p is not None]

    def index(self, page, start: int = 0, stop: int | None = None) -> int:
        for i, p in enumerate(self._pages):
            if p is page:
                return i
        return super().index(page, start, len(self) if stop is None else stop)
