"""A small union-find with guards and evidence, used by entity and event merging."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets whose roots are chosen deterministically (the smaller item wins).

    A ``guard(a_root, b_root)`` can veto a union (e.g. two different knowledge-base ids).

    >>> uf = UnionFind(["b", "a", "c"])
    >>> uf.union("a", "b", "test", 1.0)
    True
    >>> uf.find("b"), sorted(uf.groups().values())
    ('a', [['a', 'b'], ['c']])
    """

    def __init__(self, items=(), guard: Callable[[T, T], bool] | None = None) -> None:
        self.parent: dict[T, T] = {}
        self.guard = guard
        self.evidence: dict[T, tuple[str, float, T]] = {}  # item -> (evidence, conf, other)
        for item in items:
            self.add(item)

    def add(self, item: T) -> None:
        self.parent.setdefault(item, item)

    def add_all(self, items: Iterable[T]) -> None:
        """:meth:`add` each item (in one go: a resolution pass adds ~35k)."""
        parent = self.parent
        parent.update((item, item) for item in items if item not in parent)

    def find(self, item: T) -> T:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: T, b: T, evidence: str = "", confidence: float = 1.0) -> bool:
        """Join the sets of ``a`` and ``b``; remember the evidence on both items."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.guard is not None and not self.guard(ra, rb):
            return False
        lo, hi = (ra, rb) if _order(ra) <= _order(rb) else (rb, ra)
        self.parent[hi] = lo
        for item, other in ((a, b), (b, a)):
            old = self.evidence.get(item)
            if old is None or confidence > old[1]:
                self.evidence[item] = (evidence, confidence, other)
        return True

    def groups(self) -> dict[T, list[T]]:
        """Root -> sorted members."""
        out: dict[T, list[T]] = {}
        for item in self.parent:
            out.setdefault(self.find(item), []).append(item)
        for members in out.values():
            if len(members) > 1:  # most sets are one item: no need to make its sort key
                members.sort(key=_order)
        return out


def _order(item) -> tuple:
    return (repr(type(item)), item) if not isinstance(item, tuple) else tuple(map(str, item))
