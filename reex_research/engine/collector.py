"""The cyclic garbage collector while a corpus loads.

A load allocates lists and tuples by the hundred thousand and keeps almost none in a cycle, while
the knowledge base, the compiled rules and the imported modules live as long as the process. With
Python's defaults every full collection walks all of them again, and in forked workers it also
copies the memory pages they share with the parent. :func:`collector_for_load` moves what exists
out of the collector's sight (``gc.freeze``) and collects young objects less often, then restores
both; :func:`freeze_now` does the same for what was built since (the toolkit, just before workers
are forked), inside it only.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_OBJECTS = 20_000
"""During a load, the collector's first threshold: allocations between collections of the youngest
objects (Python's default is 700)."""

_active = False


@contextmanager
def collector_for_load() -> Iterator[None]:
    """Freeze what exists and raise the first threshold to :data:`YOUNG_OBJECTS` until the block
    ends, then restore both. Nested blocks change nothing, and a caller that froze objects itself
    keeps its own settings."""
    global _active
    if _active or gc.get_freeze_count():
        yield
        return
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], YOUNG_OBJECTS), *threshold[1:])
    _active = True
    try:
        yield
    finally:
        _active = False
        gc.set_threshold(*threshold)
        gc.unfreeze()


def freeze_now() -> None:
    """Inside :func:`collector_for_load`, move what exists now out of the collector's sight too
    (unfrozen with the rest when the block ends); elsewhere, nothing."""
    if _active:
        gc.freeze()
