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
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (nested uses are fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
