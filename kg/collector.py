"""Pausing Python's cyclic garbage collector while a stage makes many small objects.

Loading the knowledge base, a model's tables or the store's documents, resolving entities and
making the graph's triples each make millions of objects that hold no reference cycles (they are
freed by reference counting as usual). Meanwhile every full collection they set off walks all
that is alive: on a whole-corpus build that cost seconds per stage. Inside
:func:`collector_paused` no collection runs; what it leaves is collected afterwards as usual.

>>> import gc
>>> with collector_paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True

A build also freezes (:func:`objects_frozen`) what is alive at its start and what each paused
stage leaves: later collections do not walk those objects at all (each of them walked the
millions a stage left: 1.9 of 12 s of adding 50 articles to a whole corpus), and worker
processes forked meanwhile do not copy them by touching their headers. At the end of the scope
they are handed back to the collector, which then frees whatever cycles among them died.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: how many :func:`objects_frozen` scopes are open
_frozen_scopes = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (nested uses are fine); inside
    :func:`objects_frozen`, what is alive at the end is frozen too."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _frozen_scopes:
            gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def objects_frozen() -> Iterator[None]:
    """Freeze the objects alive now, and those alive when a :func:`collector_paused` inside
    ends: no collection walks them until the outermost scope ends, when they all go back to
    the collector (nested uses are fine).

    >>> with objects_frozen():
    ...     frozen = gc.get_freeze_count()
    ...     with collector_paused():
    ...         table = [[word] for word in ("gaza", "beirut")]
    ...     gc.get_freeze_count() >= frozen + len(table) + 1  # the lists are frozen too
    True
    >>> gc.get_freeze_count()
    0
    """
    global _frozen_scopes
    gc.freeze()
    _frozen_scopes += 1
    try:
        yield
    finally:
        _frozen_scopes -= 1
        if not _frozen_scopes:
            gc.unfreeze()


def drop_method_caches(root: object, depth: int = 3) -> None:
    """Delete from ``root``, and from the objects its attributes hold (``depth`` levels down),
    every attribute that is a cache wrapped around a method of its own object
    (``self.f = lru_cache(...)(self._f)``). Each such cache is a reference cycle (the object
    holds the cache, the cache its bound method, the method the object), which only a full
    collection frees: after this, dropping the last reference frees the object at once.

    >>> import weakref
    >>> from functools import lru_cache
    >>> class Model:
    ...     def __init__(self):
    ...         self.table = {"gaza": "LOC"}
    ...         self.look = lru_cache(maxsize=8)(self._look)
    ...     def _look(self, word):
    ...         return self.table.get(word)
    >>> model = Model(); model.look("gaza")
    'LOC'
    >>> alive = weakref.ref(model)
    >>> with collector_paused():
    ...     drop_method_caches(model)
    ...     del model
    ...     alive() is None
    True
    """
    seen: set[int] = set()
    todo = [(root, depth)]
    while todo:
        obj, left = todo.pop()
        if id(obj) in seen or not hasattr(obj, "__dict__"):
            continue
        seen.add(id(obj))
        for name, value in list(vars(obj).items()):
            if getattr(getattr(value, "__wrapped__", None), "__self__", None) is obj:
                delattr(obj, name)
            elif left > 0 and hasattr(value, "__dict__") and not isinstance(value, type):
                todo.append((value, left - 1))
