"""Promote names into the knowledge base: append new entities to its YAML files, validated as any entry.

:func:`promote` takes new organisations, people or places (say, names from the ``candidates``
table), appends each one to the entity file of its type (``organisations.yaml``, ``people.yaml``,
``places.yaml``) in the style of the entries already there, and validates the whole knowledge base
with :func:`~reex_research.kb.load_kb`. The existing text of each file is kept byte for byte (new
entries go at the end; comments and layout are untouched). If validation fails, every file it
changed is put back as it was and the loader's
:class:`~reex_research.errors.KnowledgeBaseError` is raised, naming the file, the line and the field.

Each file is written atomically: the new content goes to a temporary file in the same folder,
which then replaces the file (``os.replace``). Restoring works the same way.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from . import paths
from .errors import InvalidArgumentError, KnowledgeBaseError
from .kb import (
    TYPES,
    Entity,
    KnowledgeBase,
    is_exact,
    load_kb,
    match_key,
    normalise_form,
)

FILES: dict[str, str] = {"organisation": "organisations.yaml", "person": "people.yaml", "place": "places.yaml"}
"""The entity file each promotable type is appended to."""
DEFAULT_SUBTYPE: dict[str, str] = {"organisation": "company"}
"""The subtype used when an entry gives none (people and places must say theirs)."""

# Letters NFKD does not take apart into an ASCII letter plus an accent.
_ASCII = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
                        "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i", "þ": "th", "ð": "d"})
_APOSTROPHES = re.compile("['\u2018\u2019`\u00b4]")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class NewEntity:
    """One entity to add: ``name`` and ``type`` (organisation, person or place) at least.

    ``id`` defaults to :func:`make_id` of the name; ``subtype`` to ``company`` for an organisation
    (people and places must give theirs); ``country`` is an ISO-3166 alpha-2 code or empty;
    ``parent_id`` is the id of the parent organisation (written as ``parent``).
    """

    name: str
    type: str
    subtype: str | None = None
    country: str = ""
    aliases: tuple[str, ...] = ()
    exact_aliases: tuple[str, ...] = ()
    parent_id: str | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        for name in ("aliases", "exact_aliases"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(value or ()))


@dataclass(frozen=True)
class _Planned:
    """A checked entry: its id and the YAML fields to write, in the files' order."""

    entity: NewEntity
    id: str
    name: str
    subtype: str
    country: str
    aliases: tuple[str, ...]
    exact_aliases: tuple[str, ...]
    parent: str | None
    file: str


def make_id(name: str) -> str:
    """Return the default id of ``name``: its words in lower-case ASCII joined by ``_``.

    Accents are dropped (``Maroš Šefčovič`` → ``maros_sefcovic``), apostrophes vanish
    (``Xi'an`` → ``xian``), ``&`` reads ``and`` and every other run of non-letters is one ``_``
    (``Shin-Etsu Chemical`` → ``shin_etsu_chemical``). Short ids such as ``lynas`` or ``miit`` are
    a choice, not a rule: pass ``id`` for those.
    """
    text = unicodedata.normalize("NFKD", name.translate(_ASCII))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return "_".join(_WORD.findall(text))


def promote(entries: Iterable[NewEntity | Mapping[str, Any]], *, kb_path: Path | str | None = None) -> list[Path]:
    """Append ``entries`` to the knowledge base in ``kb_path`` (default ``data/kb``); return the files changed.

    Each entry is a :class:`NewEntity` or a mapping with the same keys (``name``, ``type``,
    ``subtype``, ``country``, ``aliases``, ``exact_aliases``, ``parent_id``, ``id``). An entry whose
    id, or whose name (compared the way names are matched), already belongs to an entity is refused
    before anything is written. After writing, the whole knowledge base is loaded again; if it does
    not validate (an alias another entity has, an unknown parent, a bad country…), every changed
    file is restored byte for byte and the loader's KnowledgeBaseError is raised.
    """
    folder = Path(kb_path) if kb_path is not None else paths.kb_dir()
    kb = load_kb(folder)  # the knowledge base must be valid before anything is added to it
    planned = _plan([_coerce(entry) for entry in entries], kb)
    if not planned:
        raise InvalidArgumentError("nothing to promote — pass at least one entry with a name and a type")
    originals: dict[Path, bytes | None] = {}
    additions: dict[Path, list[_Planned]] = {}
    for item in planned:
        path = folder / item.file
        additions.setdefault(path, []).append(item)
    try:
        for path, items in additions.items():
            original = path.read_bytes() if path.exists() else None
            originals[path] = original
            _write_atomic(path, _appended(original, items))
        promoted = load_kb(folder)
        _check_read_back(promoted, planned, folder)
    except BaseException as exc:
        _restore(originals)
        if isinstance(exc, KnowledgeBaseError):
            restored = ", ".join(p.name for p in originals)
            raise KnowledgeBaseError(exc.path, f"{_message_of(exc)}; nothing was promoted ({restored} put back "
                                     "as before)", line=exc.line, field=exc.field) from exc
        raise
    return list(additions)


# ---------------------------------------------------------------- checks before writing


def _coerce(entry: NewEntity | Mapping[str, Any]) -> NewEntity:
    if isinstance(entry, NewEntity):
        return entry
    if not isinstance(entry, Mapping):
        raise InvalidArgumentError(f"cannot promote {entry!r} — pass a NewEntity or a mapping with name and type")
    allowed = tuple(f.name for f in fields(NewEntity))
    unknown = [key for key in entry if key not in allowed]
    if unknown:
        raise InvalidArgumentError(f"unknown key {unknown[0]!r} in {dict(entry)!r} — allowed keys: {', '.join(allowed)}")
    missing = [key for key in ("name", "type") if not entry.get(key)]
    if missing:
        raise InvalidArgumentError(f"entry {dict(entry)!r} has no {missing[0]!r}")
    return NewEntity(**{key: value for key, value in entry.items() if value is not None})


def _plan(entries: list[NewEntity], kb: KnowledgeBase) -> list[_Planned]:
    """Check each entry's type, id and name against the knowledge base and the entries before it."""
    by_id: dict[str, tuple[str, str, int | None]] = {e.id: (e.file, e.name, e.line) for e in kb.entities}
    forms: dict[str, list[tuple[str, bool, str, str, int | None]]] = {}
    for entity in kb.entities:
        for form, exact in entity.forms():
            forms.setdefault(match_key(form, exact=False), []).append((form, exact, entity.id, entity.file, entity.line))
    out: list[_Planned] = []
    for entry in entries:
        if not isinstance(entry.name, str) or not normalise_form(entry.name):
            raise InvalidArgumentError(f"entry {entry!r} has no name")
        name = normalise_form(entry.name)
        if entry.type not in FILES:
            kinds = ", ".join(FILES)
            hint = " — add materials to materials.yaml by hand" if entry.type in TYPES else ""
            raise InvalidArgumentError(f"cannot promote {name!r} as {entry.type!r}: use one of {kinds}{hint}")
        subtype = entry.subtype or DEFAULT_SUBTYPE.get(entry.type)
        if subtype is None:
            raise InvalidArgumentError(f"{name!r}: give the subtype of a {entry.type} — one of "
                                       f"{', '.join(TYPES[entry.type])}")
        entity_id = entry.id or make_id(name)
        if not entity_id:
            raise InvalidArgumentError(f"cannot make an id from {name!r} (no ASCII letters or digits) — pass id=")
        file = FILES[entry.type]
        if entity_id in by_id:
            where, other, line = by_id[entity_id]
            earlier = " (an earlier entry of this promotion)" if line is None else ""
            raise KnowledgeBaseError(
                kb.path / where, f"cannot promote {name!r}: id {entity_id!r} already names {other!r}{earlier}"
                + (" — pass another id" if entry.id else " — pass an explicit id if it is another entity")
                + "; nothing was written", line=line, field="id")
        exact = name in entry.exact_aliases or is_exact(name)
        for other_form, other_exact, other_id, where, line in forms.get(match_key(name, exact=False), []):
            same_case = match_key(name, exact=True) == match_key(other_form, exact=True)
            if not (exact and other_exact) or same_case:
                raise KnowledgeBaseError(
                    kb.path / where, f"cannot promote {name!r}: {other_form!r} already names {other_id!r}"
                    + (" (an earlier entry of this promotion) " if line is None else " ") +
                    "(names compare ignoring case, hyphens and apostrophes) — add it as an alias of "
                    f"{other_id!r} instead, or leave it; nothing was written", line=line, field="name")
        country = entry.country.strip().upper() if isinstance(entry.country, str) else entry.country
        planned = _Planned(entry, entity_id, name, subtype, country or "",
                           tuple(normalise_form(a) for a in entry.aliases),
                           tuple(normalise_form(a) for a in entry.exact_aliases),
                           entry.parent_id or None, file)
        out.append(planned)
        by_id[entity_id] = (file, name, None)  # an earlier entry of this call
        forms.setdefault(match_key(name, exact=False), []).append((name, exact, entity_id, file, None))
    return out


# ---------------------------------------------------------------- writing


def _appended(original: bytes | None, items: list[_Planned]) -> bytes:
    """Return ``original`` with ``items`` appended as YAML text, one blank line before each."""
    newline = "\r\n" if original and b"\r\n" in original else "\n"
    text = original or b""
    if text and not text.endswith(b"\n"):
        text += newline.encode()
    blocks = [_entry_text(item) for item in items]
    added = newline.join(blocks)
    if text.strip():
        added = newline + added
    return text + added.replace("\n", newline).encode("utf-8")


def _entry_text(item: _Planned) -> str:
    """Return one entry as the files write it: ``- id:`` then two-space fields, lists in brackets."""
    lines = [
        f"- id: {item.id}",
        f"  name: {_scalar(item.name)}",
        f"  type: {item.entity.type}",
        f"  subtype: {item.subtype}",
        f"  country: {_scalar(item.country)}",
        f"  aliases: [{', '.join(_scalar(a, flow=True) for a in item.aliases)}]",
    ]
    if item.exact_aliases:
        lines.append(f"  exact_aliases: [{', '.join(_scalar(a, flow=True) for a in item.exact_aliases)}]")
    if item.parent:
        lines.append(f"  parent: {_scalar(item.parent)}")
    return "\n".join(lines) + "\n"


def _scalar(value: Any, *, flow: bool = False) -> str:
    """Return ``value`` as a YAML scalar: plain when YAML reads it back as the same text, else quoted.

    Quoted like the files already do: ``""``, ``"NO"``, ``"Xi'an"``, ``"Washington, D.C."``.
    """
    text = value if isinstance(value, str) else str(value)
    if text and "'" not in text and '"' not in text and "\n" not in text:
        probe = f"[{text}]" if flow else f"k: {text}"
        try:
            read = yaml.safe_load(probe)
        except yaml.YAMLError:
            read = None
        if read == ([text] if flow else {"k": text}):
            return text
    return json.dumps(text, ensure_ascii=False)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _restore(originals: dict[Path, bytes | None]) -> None:
    """Put every changed file back as it was (a file that did not exist is removed)."""
    for path, original in reversed(list(originals.items())):
        if original is None:
            path.unlink(missing_ok=True)
        else:
            _write_atomic(path, original)


def _check_read_back(kb: KnowledgeBase, planned: list[_Planned], folder: Path) -> None:
    """Check the loader reads each written entry back as it was meant (guards the quoting)."""
    by_id: dict[str, Entity] = {e.id: e for e in kb.entities}
    for item in planned:
        entity = by_id.get(item.id)
        wanted = (item.name, item.entity.type, item.subtype, item.country, item.aliases, item.exact_aliases,
                  item.parent)
        if entity is None or (entity.name, entity.type, entity.subtype, entity.country, entity.aliases,
                              entity.exact_aliases, entity.parent) != wanted:
            line = entity.line if entity is not None else None
            raise KnowledgeBaseError(folder / item.file, f"entry {item.id!r} reads back differently from what "
                                     "was written — add it by hand", line=line, field="id")


def _message_of(exc: KnowledgeBaseError) -> str:
    """Return the loader's message without the ``file, line N (field 'x'): `` prefix."""
    where = f"{exc.path}" + (f", line {exc.line}" if exc.line is not None else "")
    what = f" (field '{exc.field}')" if exc.field else ""
    text = str(exc)
    prefix = f"{where}{what}: "
    return text.removeprefix(prefix)


__all__ = ["DEFAULT_SUBTYPE", "FILES", "NewEntity", "make_id", "promote"]
