"""Read a corpus folder: find files, decode bytes, split JSON Lines, pull the main text from HTML.

Raw files are opened read-only, and only regular files are opened. Whatever cannot be read, and
whatever loads only repaired, becomes a :class:`Problem`; the rest loads.
The result of this stage is a list of :class:`RawDocument`: text still unrepaired, plus the
metadata a file or ``metadata.csv`` supplied.
"""

from __future__ import annotations

import copy
import datetime as dt
import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..datafile import read_data_file
from .datetext import parse_day
from ..errors import CorpusNotFoundError, DecodeError
from .decode import DecodedText, RepairedByte, TextLimits, decode_text
from .metadata import METADATA_FILE, metadata_row
from .problem import Problem

if TYPE_CHECKING:
    from trafilatura.settings import Extractor

TEXT_FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
HTML_FORMATS = {".html": "html", ".htm": "html"}
JSONL_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl"}
JSONL_FIELDS = ("title", "date", "url", "author", "source")
# Other names feeds commonly give the optional fields, tried in order after the field's own name.
JSONL_ALIASES = {
    "title": ("headline",),
    "date": ("published", "published_at", "publish_date", "pubDate", "datetime"),
    "url": ("link",),
    "author": ("byline", "authors"),
    "source": ("publisher", "site", "site_name"),
}

_MARKDOWN_ESCAPE = re.compile(r"\\([<>*_#`\[\]])")  # trafilatura escapes these in Markdown output
_NO_MAIN_TEXT = "the page has no main text that could be extracted"


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article's undecorated text, where it came from, and metadata supplied with it."""

    file: str
    line: int | None
    format: str
    encoding: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one file gave: its documents and its problems."""

    documents: tuple[RawDocument, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Listing:
    """What a corpus folder lists: the files to read, and the entries passed over, as problems."""

    entries: list[tuple[str, os.DirEntry]]
    problems: list[Problem]


def list_corpus_files(root: Path) -> list[Path]:
    """Return every non-hidden file under ``root`` in a stable order (``metadata.csv`` excluded)."""
    return [path for _, path in corpus_files(root)]


def corpus_files(root: Path) -> list[tuple[str, Path]]:
    """``(name, path)`` of every file :func:`list_corpus_files` lists; ``name`` is the path
    relative to ``root`` written with ``/``, and the list is in the order of the names. Hidden
    files and everything inside hidden folders are left out, and so is whatever
    :func:`corpus_entries` reports as a problem."""
    return [(name, Path(entry.path)) for name, entry in corpus_entries(root).entries]


def corpus_entries(root: Path, *, follow_links_outside: bool = False) -> Listing:
    """The files of :func:`corpus_files` as directory entries (whose ``stat()`` is read once and
    kept), and a problem for every other entry that is not hidden.

    Only regular files are listed, never opened here: a link loop, a dangling link, a named pipe,
    socket or device, a name that is not UTF-8 and an unreadable folder are problems. A link to a
    file inside the corpus folder is listed; a link leaving it is a problem unless
    ``follow_links_outside``. A link to a folder is never followed (its files would be read twice,
    or come from outside the corpus).
    """
    root = Path(root)
    if not root.exists() or not root.is_dir():
        raise CorpusNotFoundError(root)
    inside = os.path.realpath(root)
    found: list[tuple[str, os.DirEntry]] = []
    problems: list[Problem] = []
    folders = [(os.fspath(root), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            problems.append(Problem(prefix or "./", None, "unreadable", f"cannot list the folder "
                                    f"({exc.strerror or exc}); its files are not read — check its permissions"))
            continue
        for entry in entries:
            if entry.name.startswith(".") or (not prefix and entry.name == METADATA_FILE):
                continue  # metadata.csv is read and checked by read_metadata_csv
            name = prefix + entry.name
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(Problem(_printable(name), None, "bad_file_name", "the name is not valid "
                                        "UTF-8 (shown with \\x escapes) and is not read; rename it to load it"))
                continue
            try:
                if entry.is_symlink():
                    problem = _link_problem(entry, name, inside, follow_links_outside)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, f"{name}/"))
                    continue
                elif entry.is_file(follow_symlinks=False):
                    problem = None
                else:
                    problem = _special(name, entry.stat(follow_symlinks=False).st_mode)
            except OSError as exc:
                problem = Problem(name, None, "unreadable", f"cannot look at the file ({exc.strerror or exc}); "
                                  "check its permissions")
            if problem is not None:
                problems.append(problem)
            else:
                found.append((name, entry))
    found.sort(key=lambda item: item[0])
    problems.sort(key=lambda problem: problem.file)
    return Listing(found, problems)


def _printable(name: str) -> str:
    """``name`` (a path whose undecodable bytes are surrogate escapes) with those bytes as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


_LINK_LEAVES = ("a link to a file outside the corpus folder is not read, so that a corpus unpacked from "
                "an archive pulls in no private file: copy the file into the folder, or pass "
                "follow_links_outside=True to load_corpus if you trust the links")


def _link_problem(entry: os.DirEntry, name: str, inside: str, follow_outside: bool) -> Problem | None:
    """The problem of the symbolic link ``entry``, or None when its target is a file to read."""
    try:
        mode = os.stat(entry.path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Problem(name, None, "link_loop", "the link leads back to itself through other links; "
                           "point it at a file or remove it")
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return Problem(name, None, "dangling_link", "the link points to nothing (its target is "
                           "missing); fix or remove the link")
        raise
    target = os.path.realpath(entry.path)
    within = target == inside or target.startswith(inside.rstrip(os.sep) + os.sep)
    if stat.S_ISDIR(mode):
        if within:
            return Problem(name, None, "linked_folder", "a link to a folder of this corpus is not "
                           "followed: its files are read once, from the folder itself")
        return Problem(name, None, "link_outside", "a link to a folder outside the corpus folder is not "
                       "followed: copy the folder into the corpus folder to load its files")
    if not stat.S_ISREG(mode):
        return _special(name, mode)
    if not within and not follow_outside:
        return Problem(name, None, "link_outside", _LINK_LEAVES)
    return None


def _special(name: str, mode: int) -> Problem:
    """The problem of an entry that is neither a file nor a folder (``mode`` from its stat)."""
    what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return Problem(name, None, "special_file", f"{what}, not an article: it is not opened; remove it "
                   "from the corpus folder")


def load_file(path: Path, root: Path, metadata: dict[str, dict[str, str]] | None = None, *,
              date_label: re.Pattern[str] | None = None, limits: TextLimits | None = None) -> FileResult:
    """Read one file into documents; every failure becomes a Problem, never an exception.

    ``date_label`` is the parsing rules' ``dateline_prefix`` (default: the one in ``data/rules``),
    the labels that date an HTML page from a short header element; ``limits`` how damaged a file
    may be and still load (default: those in ``data/rules``). Damaged bytes a file is loaded
    despite give a ``repaired_bytes`` problem.
    """
    path = Path(path)
    name = path.relative_to(root).as_posix()
    suffix = path.suffix.lower()
    extra = metadata_row(metadata or {}, name, path.name)
    if suffix not in TEXT_FORMATS | HTML_FORMATS | JSONL_FORMATS:
        return _fail(name, "unsupported_format", f"'{suffix or 'no extension'}' files are not read; "
                     "use .txt, .md, .html, .htm or .jsonl")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(name, "unreadable", f"cannot read the file ({exc.strerror or exc}); check its permissions")
    if not data.strip():
        return _fail(name, "empty", "the file is empty")
    try:
        decoded = decode_text(data, html=suffix in HTML_FORMATS, limits=limits)
    except DecodeError as exc:
        return _fail(name, exc.kind, str(exc))
    if suffix in JSONL_FORMATS:
        return _load_jsonl(name, decoded, extra)
    repaired = (Problem(name, None, "repaired_bytes", _repair_message(decoded.repaired, decoded.encoding)),
                ) if decoded.repaired else ()
    if suffix in HTML_FORMATS:
        result = _load_html(name, decoded.text, decoded.encoding, extra, date_label)
        return FileResult(result.documents, repaired + result.problems)
    if not decoded.text.strip():
        return FileResult((), repaired + (Problem(name, None, "empty", "the file holds only whitespace"),))
    document = RawDocument(name, None, TEXT_FORMATS[suffix], decoded.encoding, decoded.text, dict(extra))
    return FileResult((document,), repaired)


_SHOWN_OFFSETS = 5  # byte offsets a repair message lists


def _repair_message(repaired: tuple[RepairedByte, ...], encoding: str) -> str:
    """The message of a ``repaired_bytes`` problem: what was repaired, where, and what to do."""
    return (f"{_repaired_bytes(repaired, encoding)}; the rest of the text loaded — fix those bytes in "
            "the file (or re-save it as UTF-8) to load it whole")


def _repaired_bytes(repaired: tuple[RepairedByte, ...], encoding: str) -> str:
    """What was repaired, and where: "3 bytes that are not UTF-8 replaced with U+FFFD, at byte 1041, …"."""
    removed = sum(r.removed for r in repaired)
    replaced = len(repaired) - removed
    codec = "Windows-1252" if encoding == "cp1252" else "UTF-8"
    parts = [f"{replaced} byte{'s' * (replaced > 1)} that {'are' if replaced > 1 else 'is'} not {codec} "
             "replaced with U+FFFD"] if replaced else []
    parts += [f"{removed} NUL byte{'s' * (removed > 1)} removed"] if removed else []
    offsets = ", ".join(str(r.byte) for r in repaired[:_SHOWN_OFFSETS])
    more = f" and {len(repaired) - _SHOWN_OFFSETS} more" if len(repaired) > _SHOWN_OFFSETS else ""
    return f"{' and '.join(parts)}, at byte {offsets}{more} of the file"


# A JSON escape of a surrogate: lone ones decode to characters that no text file may hold.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _load_jsonl(name: str, decoded: DecodedText, extra: dict[str, str]) -> FileResult:
    """One document per line with a non-empty ``text``; lines are split at ``\\n`` only."""
    documents: list[RawDocument] = []
    problems: list[Problem] = []
    damaged = _repairs_by_line(decoded)
    for number, line in enumerate(decoded.text.split("\n"), start=1):
        line = line.removesuffix("\r")
        repaired = damaged.get(number, ())
        note = f", read after {_repaired_bytes(repaired, decoded.encoding)}" if repaired else ""
        if not line.strip():
            if repaired:
                problems.append(Problem(name, number, "repaired_bytes", _repair_message(repaired, decoded.encoding)))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, number, "bad_json", f"not valid JSON ({exc.msg}, column {exc.colno}){note}"))
            continue
        except RecursionError:
            problems.append(Problem(name, number, "bad_json", "the record nests arrays or objects too deeply "
                                    f"to read; flatten it{note}"))
            continue
        except ValueError as exc:  # a number too long to convert (sys.get_int_max_str_digits)
            problems.append(Problem(name, number, "bad_json", f"the record holds a number too long to read "
                                    f"({str(exc).split(';')[0]}); write it as a string{note}"))
            continue
        body = record.get("text") if isinstance(record, dict) else None
        if not isinstance(body, str) or not body.strip():
            problems.append(Problem(name, number, "missing_text",
                                    f"each line needs a non-empty string field 'text'{note}"))
            continue
        meta = {k: v for k in JSONL_FIELDS if (v := _jsonl_field(record, k))}
        if _SURROGATE_ESCAPE.search(line):
            body, meta, lone = _without_lone_surrogates(body, meta)
            if lone:
                problems.append(Problem(name, number, "repaired_escapes", f"{lone} escape{'s' * (lone > 1)} "
                                        "of half a UTF-16 surrogate pair (\\ud800-\\udfff) replaced with "
                                        "U+FFFD; write whole characters or pairs"))
        meta.update(extra)
        if repaired:
            problems.append(Problem(name, number, "repaired_bytes", _repair_message(repaired, decoded.encoding)))
        documents.append(RawDocument(name, number, "jsonl", decoded.encoding, body, meta))
    return FileResult(tuple(documents), tuple(problems))


def _repairs_by_line(decoded: DecodedText) -> dict[int, tuple[RepairedByte, ...]]:
    """The repaired bytes of ``decoded`` by the 1-based number of the line of the text they are on."""
    lines: dict[int, list[RepairedByte]] = {}
    counted, line = 0, 1
    for repair in decoded.repaired:
        line += decoded.text.count("\n", counted, repair.char)
        counted = repair.char
        lines.setdefault(line, []).append(repair)
    return {number: tuple(repairs) for number, repairs in lines.items()}


def _without_lone_surrogates(body: str, meta: dict[str, str]) -> tuple[str, dict[str, str], int]:
    """``body`` and ``meta`` with each lone surrogate replaced by U+FFFD, and how many there were."""
    body, count = _SURROGATE.subn("\ufffd", body)
    clean = {}
    for key, value in meta.items():
        clean[key], found = _SURROGATE.subn("\ufffd", value)
        count += found
    return body, clean, count


def _jsonl_field(record: dict, name: str) -> str | None:
    """The value of an optional JSONL field, under its own name or a common alias, as text."""
    for key in (name, *JSONL_ALIASES.get(name, ())):
        value = record.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v not in (None, ""))
        if value not in (None, ""):
            return str(value).strip()
    return None


@lru_cache(maxsize=1)
def _html_options() -> Extractor:
    """The main-text extraction settings: Markdown with tables and formatting, recall first, no comments."""
    from trafilatura.settings import Extractor

    return Extractor(output_format="markdown", tables=True, formatting=True, comments=False, recall=True)


def _load_html(name: str, html: str, encoding: str, extra: dict[str, str],
               date_label: re.Pattern[str] | None) -> FileResult:
    import trafilatura
    from trafilatura.metadata import extract_metadata

    try:
        # One parse serves both: extraction works on a copy of the tree, metadata only reads it.
        tree = trafilatura.load_html(html)
        if tree is None:  # not HTML at all: nothing to extract
            return _fail(name, "empty", _NO_MAIN_TEXT)
        text = trafilatura.extract(tree, options=_html_options())
        found = extract_metadata(tree, extensive=False)
        date = _markup_date(tree, getattr(found, "url", None)) or _labelled_date(
            tree, date_label if date_label is not None else dateline_prefix())
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        return _fail(name, "bad_html", f"the page could not be parsed ({type(exc).__name__}: {exc})")
    if not text or not text.strip():
        return _fail(name, "empty", _NO_MAIN_TEXT)
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    meta = {}
    if found is not None:
        for key, attr in (("title", "title"), ("url", "url"), ("author", "author"), ("source", "sitename")):
            value = getattr(found, attr, None)
            if key == "author" and value:  # "By Global Times Published: Nov 03, 2026": the byline's label
                value = _AUTHOR_TAIL.sub("", str(value))
            if value:
                meta[key] = str(value).strip()
    if date:
        meta["date"] = date
    meta.update(extra)
    return FileResult((RawDocument(name, None, "html", encoding, text, meta),), ())


_MARKUP_TEXT = frozenset({"script", "time", "abbr"})
"""Elements whose text is markup for dates: JSON-LD, ``<time>`` and ``<abbr class="published">``."""


def _markup_date(tree, url: str | None) -> str | None:
    """The publication date the page's markup states (meta tags, ``<time>``, JSON-LD, URL), or None.

    The text of the page is left out: htmldate would otherwise take any date-like text of the
    story when the markup has none, which is not the publication date. A dateline in the text is
    found by the parser's own rules instead.
    """
    from htmldate import find_date

    bare = copy.deepcopy(tree)
    for element in bare.iter():
        if not isinstance(element.tag, str) or element.tag not in _MARKUP_TEXT:
            element.text = None
        element.tail = None
    return find_date(bare, original_date=True, extensive_search=False, url=url,
                     max_date=dt.date.today().isoformat())


_AUTHOR_TAIL = re.compile(r"\s+(?:published|posted|updated|last updated)\b.*$", re.IGNORECASE)
# what follows a date label: the day, perhaps a time ("Nov 03, 2026 10:48 PM")
_LABELLED_DAY = re.compile(r"(?P<date>.{6,40}?)(?:\s*[|,]?\s+\d{1,2}:\d{2}\b.*)?")
_LABELLED_TAGS = frozenset({"span", "div", "p", "time", "small", "li", "em", "strong", "dd"})
_LABEL_MAX = 80
_LABEL_MAX_CHILDREN = 3  # a container of more elements holds more than a label: its text is not read


def dateline_prefix(rules_dir: Path | None = None) -> re.Pattern[str]:
    """Return the ``dateline_prefix`` pattern of ``parse.yaml`` in ``rules_dir`` (default ``data/rules``)."""
    return _dateline_prefix(Path(rules_dir) if rules_dir else paths.rules_dir())


@lru_cache(maxsize=8)
def _dateline_prefix(folder: Path) -> re.Pattern[str]:
    """Read and compile the pattern once per rules folder."""
    path = folder / "parse.yaml"
    return read_data_file(path).pattern("dateline_prefix")


def _labelled_date(tree, label: re.Pattern[str]) -> str | None:
    """The day a short element of the page labels as its publication ("Published: Nov 03, 2026
    10:48 PM"), as ISO text, or None: what a page header says in plain text rather than markup.

    Only elements whose whole text is such a label count, so no date of the story is taken; a
    "Published" label wins over an "Updated" one.
    """
    updated = None
    for element in tree.iter(*_LABELLED_TAGS):
        if len(element) > _LABEL_MAX_CHILDREN:
            continue  # the text of every large container would read the page once per container
        text = " ".join(element.text_content().split())
        if not text or len(text) > _LABEL_MAX:
            continue
        found = label.match(text)
        match = _LABELLED_DAY.fullmatch(text, found.end()) if found else None
        day = parse_day(match["date"]) if match else None
        if found is None or day is None:
            continue
        if "updated" not in found.group().lower():
            return day.isoformat()
        updated = updated or day.isoformat()
    return updated


def _fail(name: str, kind: str, message: str, line: int | None = None) -> FileResult:
    return FileResult((), (Problem(name, line, kind, message),))
