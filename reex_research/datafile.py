"""Read the YAML data files (rules, knowledge base) once, with errors that name file, line and field.

:func:`read_data_file` parses a file once (libyaml's C loader when PyYAML has it) and keeps both the
values and the node tree, so the line of every mapping key and list item is at hand. The returned
:class:`DataFile` is the one way loaders check a file: :meth:`DataFile.get` (a typed field
accessor), :meth:`DataFile.strings`, :meth:`DataFile.pattern`, :meth:`DataFile.check_keys`,
:meth:`DataFile.records` for lists of entries, and :meth:`DataFile.fail`; each raises
:class:`~reex_research.errors.KnowledgeBaseError` naming the file, the line and the field.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .errors import KnowledgeBaseError

# libyaml's safe loader when PyYAML was built with it (several times faster), else the Python one.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = str | int
_MISSING: Any = object()
_STR_TAG = "tag:yaml.org,2002:str"
_QUOTE_HINT = "quote them: YAML reads unquoted no, off, yes, on as false/true and digits as numbers"


def read_data_file(path: Path | str, *, hint: str = "") -> DataFile:
    """Return the YAML file at ``path`` read once, values and lines; ``hint`` ends every error message."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KnowledgeBaseError(path, "file not found; restore it from the repository or pass "
                                 "another path") from None
    except OSError as exc:
        raise KnowledgeBaseError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeBaseError(path, f"cannot read the file ({exc}); save it as UTF-8") from exc
    loader = FAST_LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise KnowledgeBaseError(
            path, f"invalid YAML: {problem} — fix the syntax (indentation, quotes, colons)",
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    finally:
        loader.dispose()
    return DataFile(path, data, node, hashlib.sha1(raw).hexdigest(), hint)


@dataclass(frozen=True, slots=True)
class Record:
    """One mapping of a list of entries: its values, the line of each field, and its own line."""

    path: Path
    values: dict[str, Any]
    lines: dict[str, int]
    line: int

    def fail(self, field: str, message: str) -> NoReturn:
        """Raise KnowledgeBaseError for ``field`` at its line (the entry's line if it is absent)."""
        raise KnowledgeBaseError(self.path, message, line=self.lines.get(field, self.line), field=field)


@dataclass(frozen=True, slots=True)
class DataFile:
    """One YAML file read once: its values, its node tree (for lines) and the SHA-1 of its bytes."""

    path: Path
    data: Any
    node: yaml.Node | None
    sha1: str
    hint: str = ""

    def line(self, *keys: Key) -> int | None:
        """Return the 1-based line of the deepest key or item found along ``keys``."""
        node = self.node
        if node is None:
            return None
        mark = node.start_mark
        for key in keys:
            found = _child(node, key)
            if found is None:
                break
            mark, node = found[0].start_mark, found[1]
        return mark.line + 1

    def fail(self, keys: tuple[Key, ...], message: str, at: tuple[Key, ...] | None = None) -> NoReturn:
        """Raise KnowledgeBaseError for the field ``keys`` (dotted), at the line of ``at`` (or ``keys``)."""
        where = keys if at is None else at
        raise KnowledgeBaseError(self.path, f"{message}; {self.hint}" if self.hint else message,
                                 line=self.line(*where) if where else None,
                                 field=".".join(str(k) for k in keys) or None)

    def get(self, *keys: Key, kind: type | tuple[type, ...], default: Any = _MISSING,
            expected: str | None = None) -> Any:
        """Return the value at ``keys`` checked against ``kind`` (never a bool unless asked for).

        A missing or null value gives ``default`` when one is passed; ``expected`` words the type
        in the error ("a list of words").
        """
        value: Any = self.data
        for depth, key in enumerate(keys):
            present = (key in value if isinstance(value, dict) else
                       isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value))
            if not present:
                if default is not _MISSING:
                    return default
                self.fail(keys[: depth + 1], "required field is missing", at=keys[:depth])
            value = value[key]
        if value is None and default is not _MISSING:
            return default
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = expected or " or ".join(k.__name__ for k in kinds)
            got = "nothing" if value is None else type(value).__name__
            self.fail(keys, f"expected {names}, got {got}")
        return value

    def strings(self, *keys: Key, default: Any = _MISSING, name_item: bool = True,
                expected: str = "a list (write [] for an empty list)") -> list[str]:
        """Return the list of non-empty strings at ``keys``.

        An entry that is not text fails naming the entry (``keys`` plus its index), or with
        ``name_item=False`` the list, at the entry's line.
        """
        items = self.get(*keys, kind=list, default=default, expected=expected)
        wrong = [i for i, item in enumerate(items) if not isinstance(item, str) or not item]
        if wrong:
            first = (*keys, wrong[0])
            if name_item:
                self.fail(first, f"entry {items[wrong[0]]!r} is not text; {_QUOTE_HINT}")
            self.fail(keys, f"entries {[items[i] for i in wrong]} are not text; {_QUOTE_HINT}", at=first)
        return items

    def pattern(self, *keys: Key, flags: int = re.IGNORECASE) -> re.Pattern[str]:
        """Return the regular expression written at ``keys``, compiled with ``flags``."""
        pattern = self.get(*keys, kind=str)
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            self.fail(keys, f"invalid regular expression {pattern!r}: {exc}")

    def check_keys(self, *keys: Key, allowed: tuple[str, ...]) -> dict[Any, Any]:
        """Return the mapping at ``keys`` after checking that it holds only ``allowed`` keys."""
        mapping = self.get(*keys, kind=dict)
        for key in mapping:
            if key not in allowed:
                self.fail((*keys, key), f"unknown key; check its spelling — allowed keys: {', '.join(allowed)}")
        return mapping

    def records(self, *keys: Key) -> list[Record]:
        """Return the entries of the list at ``keys`` (the whole file if none), each with its lines."""
        node: yaml.Node | None = self.node
        for key in keys:
            found = _child(node, key) if node is not None else None
            node = found[1] if found is not None else None
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise KnowledgeBaseError(self.path, "expected a list of entries ('- id: ...')", line=_line(node))
        values = self.data
        for key in keys:
            values = values[key]
        return [self._record(item_node, item) for item_node, item in zip(node.value, values)]

    def _record(self, node: yaml.Node, values: Any) -> Record:
        """Return one entry of a list as a Record; its field names must be text, each given once."""
        if not isinstance(node, yaml.MappingNode):
            raise KnowledgeBaseError(self.path, "each entry must be a mapping of field: value", line=_line(node))
        lines: dict[str, int] = {}
        for key_node, _ in node.value:
            key = key_node.value
            if key_node.tag != _STR_TAG or not isinstance(key, str):
                raise KnowledgeBaseError(self.path, f"field name {key!r} is not text", line=_line(key_node))
            if key in lines:
                raise KnowledgeBaseError(self.path, "field given twice in one entry", line=_line(key_node),
                                         field=key)
            lines[key] = _line(key_node)
        return Record(self.path, values, lines, _line(node))


def _child(node: yaml.Node, key: Key) -> tuple[yaml.Node, yaml.Node] | None:
    """Return (node naming the child, child) by mapping key or sequence index, or None."""
    if isinstance(node, yaml.MappingNode):
        return next(((k, v) for k, v in node.value if k.value == str(key)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key], node.value[key]
    return None


def _line(node: yaml.Node) -> int:
    """Return the 1-based line where ``node`` starts."""
    return node.start_mark.line + 1
