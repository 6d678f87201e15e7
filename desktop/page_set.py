"""The editor's wizard pages, each built the first time it is asked for.

Opening a draft builds only the page it shows; the others are built on their first visit (or
when a finding on them is chosen). Indexing builds the page; iterating builds them all (what a
caller that walks every page expects); ``built`` / ``built_pages`` look without building.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence


class PageRef:
    """A wizard page's class, named but imported only when the page is first built (the modules of
    pages not shown are not loaded when a draft opens). ``title`` is the class's own (a test
    checks they agree); it compares equal to the class it names."""

    def __init__(self, module: str, name: str, title: str, load: Callable[[], type]):
        # ``load`` imports with an import statement (not importlib by name): PyInstaller finds
        # the module in the bundle by it
        self.module, self.__name__, self.title, self._load = module, name, title, load

    def load(self) -> type:
        cls = self._load()
        if (cls.__module__, cls.__name__) != (self.module, self.__name__) or cls.title != self.title:
            raise RuntimeError(f"{self.module}.{self.__name__}.title 与向导步骤名称不一致")
        return cls

    def __call__(self, *args, **kwargs):
        return self.load()(*args, **kwargs)

    def __eq__(self, other) -> bool:
        if isinstance(other, PageRef):
            return (self.module, self.__name__) == (other.module, other.__name__)
        return isinstance(other, type) and other.__module__ == self.module and other.__name__ == self.__name__

    def __hash__(self) -> int:
        return hash((self.module, self.__name__))

    def __repr__(self) -> str:
        return f"PageRef({self.module}.{self.__name__})"


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
