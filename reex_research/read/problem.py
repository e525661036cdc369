"""A problem row: a file, or one line of it, that could not be loaded as it is, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """A file (or one line of it) that could not be loaded, and why."""

    file: str
    line: int | None
    kind: str
    message: str
