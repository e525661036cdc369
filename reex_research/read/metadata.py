"""Read ``metadata.csv``: per-file titles, dates, URLs, authors and sources supplied beside the articles.

Every defect of the sheet is a :class:`~.problem.Problem` naming ``metadata.csv`` and its line (the
first line of the file is line 1, and a quoted value that spans lines counts each of them), never
silence. What a row gives is used as far as it can be trusted:

- a ``date`` that is neither a full day nor a year or month alone is left out (``bad_date``); the
  row's other values are used;
- a row that names no file (``no_file_name``), a file not in the corpus folder (``unknown_file``),
  has more values than the header has columns (``extra_values``: a comma left unquoted shifts the
  values) or is not valid CSV (``bad_csv``) is not used;
- of two rows for one file the last is used (``duplicate_row`` on the later line), as a row added
  at the end of a sheet corrects an earlier one;
- a column other than ``file`` and :data:`METADATA_FIELDS` is not read (``unknown_column``), nor a
  repeat of a column (``duplicate_column``), both reported on the header line;
- a ``metadata.csv`` that is not a regular file (a folder, a named pipe, a device) is not opened
  (``not_a_file``); one that cannot be read or decoded is not used (``unreadable``, ``binary``,
  ``undecodable``), nor one without a ``file`` column (``bad_metadata``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Collection, Iterator
from pathlib import Path

from ..errors import DecodeError
from .datetext import find_dates, parse_day
from .decode import decode_bytes
from .problem import Problem

METADATA_FILE = "metadata.csv"
METADATA_FIELDS = ("title", "date", "url", "author", "source")
COLUMNS = ("file", *METADATA_FIELDS)
"""The columns ``metadata.csv`` may have; ``file`` is required."""

_ISO_DAY_TIME = re.compile(r"\s*(\d{4}-\d{2}-\d{2})[T ].*")
_DATE_FORMS = ("write a day as YYYY-MM-DD (also read: '5 March 2025', 'March 5, 2025', '05.03.2025', "
               "'2025-03-05T10:00'), or a year or month alone ('2025', 'October 2025') to give a dateline "
               "without a year its year")


def read_metadata_csv(root: Path, *, files: Collection[str]) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """Return the rows of ``metadata.csv`` in ``root`` by file name, and a problem for each defect.

    ``files`` are the names of the corpus's files (paths relative to ``root``, with ``/``); a row
    must name one of them, by that path or by its base name (see :func:`metadata_row`). No
    ``metadata.csv`` gives no rows and no problems.
    """
    path = Path(root) / METADATA_FILE
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if not os.path.islink(path):
            return {}, []
        return {}, [_whole("unreadable", "metadata.csv is a link to nothing (its target is missing); "
                           "fix or remove the link")]
    except OSError as exc:
        return {}, [_whole("unreadable", f"cannot look at metadata.csv ({exc.strerror or exc}); check "
                           "its permissions")]
    if not stat.S_ISREG(mode):
        return {}, [_whole("not_a_file", f"metadata.csv is {_what(mode)}, not a file, so it is not "
                           "opened; replace it with a CSV file or remove it")]
    inside = os.path.realpath(root)
    if not os.path.realpath(path).startswith(inside.rstrip(os.sep) + os.sep):
        return {}, [_whole("link_outside", "metadata.csv is a link to a file outside the corpus folder, "
                           "so it is not read; copy the file into the folder")]
    try:
        text = decode_bytes(path.read_bytes())[0]
    except OSError as exc:
        return {}, [_whole("unreadable", f"cannot read metadata.csv ({exc.strerror or exc}); check its "
                           "permissions")]
    except DecodeError as exc:
        return {}, [_whole(exc.kind, f"cannot read metadata.csv as text: {exc}")]
    return _read_rows(text, files)


def metadata_row(metadata: dict[str, dict[str, str]], name: str, base: str) -> dict[str, str]:
    """The ``metadata.csv`` row of the file at ``name`` (its path in the corpus), else of its base name."""
    return metadata.get(name) or metadata.get(base) or {}


def _read_rows(text: str, files: Collection[str]) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """The usable rows of the CSV ``text`` by file name, and the problems of the others."""
    known = set(files) | {name.rsplit("/", 1)[-1] for name in files}
    problems: list[Problem] = []
    rows = _csv_rows(text, problems)
    header = next(rows, None)
    if header is None:
        return {}, problems or [_whole("bad_metadata", "metadata.csv is empty; write a header line "
                                       f"'{','.join(COLUMNS)}' and a line per file, or remove it")]
    header_line, names = header
    unreadable = list(problems)  # rows before the header that are not valid CSV
    columns = _columns(header_line, names, problems)
    if "file" not in columns:
        return {}, [*unreadable, Problem(METADATA_FILE, header_line, "bad_metadata", "metadata.csv needs a "
                                         f"'file' column; its header line is {','.join(names)!r} — write "
                                         f"{','.join(COLUMNS)!r}")]
    out: dict[str, dict[str, str]] = {}
    used_on: dict[str, int] = {}
    for line, values in rows:
        row = _row(line, values, columns, len(names), known, problems)
        if row is None:
            continue
        name = row.pop("file")
        if name in used_on:
            problems.append(Problem(METADATA_FILE, line, "duplicate_row", f"a second row for {name!r} (the "
                                    f"first is on line {used_on[name]}): the last row for a file is the one "
                                    f"used, so line {used_on[name]} is ignored; keep one row per file"))
        used_on[name] = line
        out[name] = row
    return out, problems


def _csv_rows(text: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """``(first line, values)`` of each row of ``text`` that has a value; a row that is not valid CSV
    becomes a problem in ``problems`` and the rows after it are still read."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = reader.line_num
            where = f"lines {start}–{end}" if end > start else f"line {start}"
            problems.append(Problem(METADATA_FILE, start, "bad_csv", f"the row on {where} is not valid CSV "
                                    f"({exc}), so it is not used; write a value holding a comma, quote or line "
                                    "break in double quotes, with each quote inside it doubled"))
            start = end + 1
            continue
        line, start = start, reader.line_num + 1
        if any(value.strip() for value in values):
            yield line, values


def _columns(line: int, names: list[str], problems: list[Problem]) -> dict[str, int]:
    """The index of each known column named on the header line (its first, if named twice)."""
    columns: dict[str, int] = {}
    for index, raw in enumerate(names):
        name = raw.strip()
        if name in columns:
            problems.append(Problem(METADATA_FILE, line, "duplicate_column", f"column {name!r} is named "
                                    f"twice (columns {columns[name] + 1} and {index + 1}); only the first "
                                    "is read — remove or rename the other"))
        elif name in COLUMNS:
            columns[name] = index
        elif not name:
            problems.append(Problem(METADATA_FILE, line, "unknown_column", f"column {index + 1} has no name, "
                                    "so its values are not read; name it or remove the comma that opens it"))
        else:
            hint = f"rename it {name.lower()!r}" if name.lower() in COLUMNS else "remove or rename it"
            problems.append(Problem(METADATA_FILE, line, "unknown_column", f"column {name!r} is not read: "
                                    f"the columns are {', '.join(COLUMNS)} (lower case); {hint}"))
    return columns


def _row(line: int, values: list[str], columns: dict[str, int], width: int, known: set[str],
         problems: list[Problem]) -> dict[str, str] | None:
    """The non-empty values of one row by column, with ``file``, or None when it cannot be used."""
    extra = [value for value in values[width:] if value.strip()]
    if extra:
        problems.append(Problem(METADATA_FILE, line, "extra_values", f"the row has {len(values)} values but "
                                f"the header names {width} columns (extra: {extra!r}), so it is not used; "
                                "a value holding a comma must be in double quotes"))
        return None
    row = {column: values[index].strip() for column, index in columns.items()
           if index < len(values) and values[index].strip()}
    name = row.get("file")
    if name is None:
        problems.append(Problem(METADATA_FILE, line, "no_file_name", "the row names no file, so it is not "
                                "used; write the file's path in the corpus folder in the 'file' column"))
        return None
    if name not in known:
        problems.append(Problem(METADATA_FILE, line, "unknown_file", f"no file {name!r} in the corpus folder "
                                "(hidden files are not read), so the row is not used; write the file's path "
                                "relative to the corpus folder with '/', or its name"))
        return None
    date = row.get("date")
    if date is not None and not _readable_date(date):
        del row["date"]
        problems.append(Problem(METADATA_FILE, line, "bad_date", f"date {date!r} of {name!r} is not a date "
                                f"this loader reads, so it is left out (the row's other values are used); "
                                f"{_DATE_FORMS}"))
    return row


def _readable_date(value: str) -> bool:
    """True for what the article reader takes from a metadata date: a full day (the date parser's,
    or an ISO day with a time), or a year or month alone that names one year."""
    if parse_day(value) is not None:
        return True
    iso = _ISO_DAY_TIME.fullmatch(value)
    if iso:
        return parse_day(iso.group(1)) is not None
    found = find_dates(value)
    return (len(found) == 1 and (found[0].start, found[0].end) == (0, len(value))
            and found[0].precision != "day" and found[0].date_start.year == found[0].date_end.year)


def _whole(kind: str, message: str) -> Problem:
    """A problem of ``metadata.csv`` as a whole (no line)."""
    return Problem(METADATA_FILE, None, kind, message)


def _what(mode: int) -> str:
    """What a directory entry that is not a regular file is, from its ``st_mode``."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"
