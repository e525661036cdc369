"""Figures: numbers with a unit, currency or scale, each tied to the sentence that states it.

``extract_figures(article, rules)`` returns the columns of schema table ``figures``; ``rules`` come
from ``load_figure_rules()`` (``data/rules/units.yaml``), compiled once into a few regexes.

What counts as a figure
    A number followed by a unit or ``%``, a number with a scale word ("1.5 million"), or a number
    preceded (or followed) by a currency ("$1.2 billion", "100 million yuan"). Bare numbers are
    figures only as *counts* (unit "count", surface = the number): digits or number words followed,
    after at most three modifiers, by a countable noun from the rules ("two international
    rare-earth standards", "15 projects"), or a number with thousands separators followed by any
    plural noun ("1,200 workers"). Years and dates ("2025", "May 22, 2025", "Q3 2025",
    "mid-2025"), ordinals ("first phase"), section and phone numbers give no rows: they carry no
    unit, and a four-digit number in the years of
    :mod:`~reex_research.read.datetext` (1900 to 2100) without separators is never a count (so
    "2000 workers" is missed on purpose). "one" and vague words ("dozens", "several") are never
    counts: "one of the", and no value to give. Number words are found after a space or a line
    break, in lower case or capitalised ("two", "Two").

Values
    ``value`` is the number in the canonical unit, scale and unit factors applied ("$1.2 billion"
    -> 1.2e9 with scale "billion"; "5 kt" -> 5000 tonnes; "8000-Ton" -> 8000 tonnes). Tons,
    tonnes, metric tons and "t"/"mt"/"MT" are all "tonnes" (short tons are not converted). A
    currency amount has unit "currency" ("currency/kilograms" for a price such as "$50/kg"); a bare
    "¥" is read as CNY and bare "dollars" as USD. Scale letters ("m", "k", "B") count only after a
    currency ("€50m"), so "50 m deep" is not fifty million. "Prozent" is read as percent; decimal
    commas ("15,5 Prozent") are not read.

Ranges
    "60–70%", "between 60 and 70 percent", "from 2 to 3 million tonnes", "$1-2 billion" give TWO
    rows sharing one surface and one pair of offsets: the lower bound with qualifier "from", the
    upper bound with qualifier "to". A qualifier before a range ("about 60–70%") is not kept, and
    "$1 billion to $2 billion" gives two separate figures.

Surface
    ``surface`` runs from the qualifier (if any) to the end of the unit, currency or scale:
    "more than 15%", "US$ 2.3bn", "8000-Ton". ``article.text[start:end] == surface`` always.

Measure (first rule that gives something wins)
    1. the noun phrase after "of": "60% of global production" -> "global production"; a gerund
       just before the figure is added as a noun: "producing over 60% of the world’s rare earths"
       -> "world’s rare earths production";
    2. the noun phrase the figure modifies: "a 2000-ton NdFeB recycling facility" -> "NdFeB
       recycling facility" (for counts: the counted noun phrase);
    3. a gerund just before the figure: "refining more than 85%" -> "refining"; else the subject
       before a known verb in the same clause, plus "growth"/"decline" for a change verb:
       "Output and new-materials capacity grew more than 15%" -> "Output and new-materials
       capacity growth". Otherwise empty.
    Noun phrases stop at punctuation, digits and stop words, hold at most ``max_words`` words, and
    lose leading determiners ("the", "its").

Attribution
    "according to X" ("according to a summary released by X" -> X), "X said/reported/estimates"
    or ", said X" in the sentence -> ``claimed_by`` = X without its determiner ("the ministry
    said" -> "ministry"), ``claim_source`` = "sentence"; else the article's ``source`` with
    ``claim_source`` = "article"; else both empty.

Speed
    Nothing is read at import. ``load_figure_rules`` compiles the rules once; per article, a cheap
    pre-check finds anchors (``str.find`` per digit, one literal-prefixed scan for number words)
    and the figure regex runs only at those anchors, with qualifiers and currency prefixes read
    leftwards by matching reversed text. Columns are gathered in lists.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

import yaml

from ..datafile import FAST_LOADER
from ..errors import KnowledgeBaseError
from ..model import ParsedArticle, Sentence
from ..paths import rules_dir
from ..read.datetext import YEAR_MAX, YEAR_MIN
from ..schema import columns

__all__ = ["FigureRules", "extract_figures", "load_figure_rules"]

RULES_FILE = "units.yaml"

# Structure lives here; every word (units, currencies, qualifiers, nouns) comes from the rules file.
_DIGITS = "0123456789"
_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+(?!,[0-9]))(?:\.[0-9]+)?(?!\.?[0-9])"
# A word starts and ends with a letter and holds letters, "_" and ’'&.- but no digits. It is read
# as runs of letters and runs of punctuation, each taken whole (atomic), so ``re`` steps back over
# runs, never over single characters, to the longest such word not followed by a word character.
_TOKEN = (r"(?P<paren>\([^()\n]{1,40}\))"                              # "(NdFeB)"
          r"|(?P<word>[^\W\d_](?>[^\W\d]*)(?:(?>[’'&.\-]+)(?>[^\W\d]+))*(?<=[^\W\d_])"
          r"(?:(?<=\.[^\W\d_])\.)?)(?!\w)"                             # "U.S." keeps its last period
          r"|\S")                                                        # anything else
_WORD = r"[^\W\d_](?:[^\W\d]|[’'\-])*"
_PLURAL = r"[a-z](?:[^\W\d]|[’'\-])+[a-hj-rtv-z]s"  # lower case, ≥4 letters, not -ss/-us/-is
_ONE = Decimal(1)
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class FigureRules:
    """Compiled figure rules: the regexes and the lookup tables behind them."""

    path: Path
    version: str
    words_after_space: re.Pattern[str]
    words_after_newline: re.Pattern[str]
    words_at_start: re.Pattern[str]
    prefix: re.Pattern[str]
    figure: re.Pattern[str]
    qualifier: re.Pattern[str]
    token: re.Pattern[str]
    of_link: re.Pattern[str]
    count_tail: re.Pattern[str]
    plural_tail: re.Pattern[str]
    according: re.Pattern[str]
    speech: re.Pattern[str]
    via: re.Pattern[str]
    according_gate: re.Pattern[str]
    speech_gate: re.Pattern[str]
    units: Mapping[str, tuple[str, Decimal]]
    currencies: Mapping[str, str]
    scales: Mapping[str, tuple[str, Decimal]]
    qualifiers: Mapping[str, str]
    per_units: Mapping[str, str]
    number_words: Mapping[str, int]
    countable: frozenset[str]
    not_countable: frozenset[str]
    determiners: frozenset[str]
    stop_words: frozenset[str]
    joiners: frozenset[str]
    skip_words: frozenset[str]
    nominalise: Mapping[str, str]
    change_verbs: Mapping[str, str]
    subject_verbs: frozenset[str]
    max_words: int
    claim_max_words: int
    claim_time_tail: re.Pattern[str]
    not_claimants: frozenset[str]  # folded: "the company", "matter"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle for worker processes: read-only mappings travel as plain dicts."""
        values = tuple(getattr(self, f.name) for f in fields(self))
        return _rebuild_rules, tuple(dict(v) if isinstance(v, MappingProxyType) else v
                                     for v in values)


def _rebuild_rules(*values: Any) -> FigureRules:
    """Return FigureRules from pickled field values (dicts made read-only again)."""
    return FigureRules(*(MappingProxyType(v) if isinstance(v, dict) else v for v in values))


class _Figure(NamedTuple):
    """One figure inside a sentence, offsets relative to the sentence text."""

    start: int
    end: int
    value: float
    unit: str
    currency: str
    scale: str
    qualifier: str
    measure: str


# --------------------------------------------------------------------------- loading the rules


def load_figure_rules(path: Path | None = None) -> FigureRules:
    """Return the figure rules read from ``path`` (default ``data/rules/units.yaml``), compiled."""
    path = Path(path) if path is not None else rules_dir() / RULES_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KnowledgeBaseError(path, f"cannot read the figure rules ({exc.strerror}); pass the "
                                       f"path of a units.yaml like data/rules/units.yaml") from exc
    doc = _Doc.parse(path, raw)
    try:
        return _compile(doc, hashlib.sha1(raw).hexdigest()[:12])
    except re.error as exc:
        raise KnowledgeBaseError(path, f"an entry makes an invalid pattern: {exc}") from exc


class _Doc:
    """The parsed YAML plus its node tree, for typed access with line numbers in errors."""

    def __init__(self, path: Path, data: Any, node: yaml.Node) -> None:
        self.path, self.data, self.node = path, data, node

    @classmethod
    def parse(cls, path: Path, raw: bytes) -> _Doc:
        """Return the parsed document or raise KnowledgeBaseError with the YAML error's line."""
        try:
            text = raw.decode("utf-8")
            node = yaml.compose(text, Loader=FAST_LOADER)
            data = yaml.load(text, Loader=FAST_LOADER)
        except UnicodeDecodeError as exc:
            raise KnowledgeBaseError(path, "not UTF-8 text; save the file as UTF-8") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise KnowledgeBaseError(path, f"invalid YAML: {getattr(exc, 'problem', exc)}",
                                     line=line) from exc
        if not isinstance(data, dict):
            raise KnowledgeBaseError(path, "expected a mapping of sections (units, currencies…)")
        return cls(path, data, node)

    def get(self, *keys: str | int, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        """Return the value at ``keys``, checked against ``kind``; raise naming field and line."""
        value: Any = self.data
        for depth, key in enumerate(keys):
            present = (key in value if isinstance(value, dict) else
                       isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value))
            if not present:
                if default is not ...:
                    return default
                self.fail(keys[: depth + 1], "is missing", at=keys[:depth])
            value = value[key]
        if value is None and default is not ...:
            return default
        if isinstance(value, bool) or not isinstance(value, kind):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            self.fail(keys, f"should be a {names}, not {type(value).__name__}")
        return value

    def strings(self, *keys: str | int, default: Any = ...) -> list[str]:
        """Return the list of strings at ``keys`` (YAML numbers are read as text)."""
        items = self.get(*keys, kind=list, default=default)
        for index, item in enumerate(items):
            if not isinstance(item, (str, int, float)) or isinstance(item, bool) or str(item) == "":
                self.fail((*keys, index), "should be a non-empty string")
        return [str(item) for item in items]

    def fail(self, keys: tuple, message: str, at: tuple | None = None) -> None:
        """Raise KnowledgeBaseError for the field ``keys``, at the line of ``at`` (or ``keys``)."""
        field = ".".join(str(k) for k in keys)
        where = keys if at is None else at
        raise KnowledgeBaseError(self.path, f"{message}; see the comments in the bundled "
                                            f"data/rules/units.yaml for the expected shape",
                                 line=self.line(where) if where else None, field=field)

    def line(self, keys: tuple) -> int | None:
        """Return the 1-based line of the deepest key or item found along ``keys``."""
        node, mark = self.node, self.node.start_mark if self.node is not None else None
        for key in keys:
            found = _child(node, key)
            if found is None:
                break
            mark, node = found[0].start_mark, found[1]
        return mark.line + 1 if mark is not None else None


def _child(node: yaml.Node, key: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """Return (node naming the child, child) by mapping key or sequence index, or None."""
    if isinstance(node, yaml.MappingNode):
        return next(((k, v) for k, v in node.value if k.value == str(key)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key], node.value[key]
    return None


def _compile(doc: _Doc, version: str) -> FigureRules:
    """Return FigureRules built from a parsed rules document."""
    units, unit_exact, unit_words = _read_units(doc)
    currencies, cur_symbols, cur_codes, cur_words = _read_currencies(doc)
    scales, scale_words, scale_cur = _read_scales(doc)
    qualifiers, qual_words, qual_symbols = _read_qualifiers(doc)
    per_units = _read_mapping_of_lists(doc, "per_units")
    number_words = _read_numbers(doc, "number_words")
    number_units = _read_numbers(doc, "number_units")
    figure = _figure_pattern(
        cur_prefix=_alternation(exact=[*cur_symbols, *cur_codes]),
        cur_suffix=_alternation(exact=cur_codes, folded=cur_words),
        number_words=_number_word_pattern(number_words, number_units),
        scale_words=_alternation(folded=scale_words),
        scale_cur=_alternation(exact=scale_cur),
        units=_alternation(exact=unit_exact, folded=unit_words),
        per_units=_alternation(folded=[form for forms in per_units.values() for form in forms]),
    )
    words = _word_anchor_pattern(number_words)
    return FigureRules(
        path=doc.path,
        version=version,
        words_after_space=re.compile(" " + words),
        words_after_newline=re.compile("\n" + words),
        words_at_start=re.compile(words),
        prefix=re.compile(_prefix_pattern(_alternation(exact=_reversed([*cur_symbols,
                                                                         *cur_codes])))),
        figure=re.compile(figure),
        qualifier=re.compile(r"\s*(?:" + _alternation(folded=_reversed(qual_words)) + r"(?!\w)|"
                             + _alternation(exact=_reversed(qual_symbols)) + ")"),
        units=MappingProxyType(units),
        currencies=MappingProxyType(currencies),
        scales=MappingProxyType(scales),
        qualifiers=MappingProxyType(qualifiers),
        per_units=MappingProxyType({_fold(form): unit for unit, forms in per_units.items()
                                    for form in forms}),
        number_words=MappingProxyType(_number_values(number_words, number_units)),
        **_count_rules(doc),
        **_measure_rules(doc),
        **_claim_rules(doc),
    )


def _count_rules(doc: _Doc) -> dict[str, Any]:
    """Return the FigureRules fields that decide whether a bare number is a count."""
    stops = [*doc.strings("measure", "stop_words"), *doc.strings("measure", "determiners")]
    return {
        "count_tail": re.compile(_count_pattern(stops, _alternation(
            folded=doc.strings("countable_nouns")))),
        "plural_tail": re.compile(_count_pattern(stops, _PLURAL)),
        "countable": _folded_set(doc.strings("countable_nouns")),
        "not_countable": _folded_set(doc.strings("not_countable", default=[])),
    }


def _measure_rules(doc: _Doc) -> dict[str, Any]:
    """Return the FigureRules fields used to name what a figure measures."""
    doc.get("measure", kind=dict)
    return {
        "token": re.compile(_TOKEN),
        "of_link": re.compile(r"\s+(?i:of)\s+"),
        "determiners": _folded_set(doc.strings("measure", "determiners")),
        "stop_words": _folded_set(doc.strings("measure", "stop_words")),
        "joiners": _folded_set(doc.strings("measure", "joiners", default=[])),
        "skip_words": _folded_set(doc.strings("measure", "skip_words", default=[])),
        "nominalise": MappingProxyType(_read_str_mapping(doc, "measure", "nominalise")),
        "change_verbs": MappingProxyType(_read_str_mapping(doc, "measure", "change_verbs")),
        "subject_verbs": _folded_set(doc.strings("measure", "subject_verbs")),
        "max_words": _positive(doc, "measure", "max_words"),
    }


def _claim_rules(doc: _Doc) -> dict[str, Any]:
    """Return the FigureRules fields used to find who claims a figure."""
    doc.get("attribution", kind=dict)
    according = doc.strings("attribution", "according")
    verbs = doc.strings("attribution", "verbs")
    return {
        "according": re.compile(r"(?<!\w)" + _alternation(folded=according) + r"\s+"),
        "speech": re.compile(r"(?<!\w)" + _alternation(folded=verbs) + r"(?!\w)"),
        "via": re.compile(r"\s+" + _alternation(folded=doc.strings("attribution", "via")) + r"\s+"),
        "according_gate": _substring_gate(_fold(form) for form in according),
        "speech_gate": _substring_gate(_fold(form) for form in verbs),
        "claim_max_words": _positive(doc, "attribution", "max_words"),
        "not_claimants": _folded_set(doc.strings("attribution", "not_claimants", default=[])),
        "claim_time_tail": re.compile(  # also a claimant that is only a word of time: "today"
            r"(?:(?:^|\s+)(?:on\s+)?"
            + _alternation(folded=doc.strings("attribution", "time_words", default=["today"])) + r")+$",
            re.IGNORECASE),
    }


def _read_units(doc: _Doc) -> tuple[dict[str, tuple[str, Decimal]], list[str], list[str]]:
    """Return (lookup written form -> (unit, factor), exact forms, case-insensitive forms)."""
    lookup: dict[str, tuple[str, Decimal]] = {}
    exact: list[str] = []
    words: list[str] = []
    entries = doc.get("units", kind=list)
    if not entries:
        doc.fail(("units",), "needs at least one unit")
    for index in range(len(entries)):
        doc.get("units", index, kind=dict)
        unit = doc.get("units", index, "unit", kind=str)
        factor = _factor(doc, ("units", index, "factor"), default=1)
        forms = doc.strings("units", index, "symbols", default=[])
        folded = doc.strings("units", index, "words", default=[])
        if not forms and not folded:
            doc.fail(("units", index), f"unit '{unit}' needs 'symbols' or 'words'")
        lookup.update({form: (unit, factor) for form in forms})
        lookup.update({_fold(form): (unit, factor) for form in folded})
        exact += forms
        words += folded
    return lookup, exact, words


def _read_currencies(doc: _Doc) -> tuple[dict[str, str], list[str], list[str], list[str]]:
    """Return (written form -> ISO code, symbols, codes, case-insensitive words)."""
    lookup: dict[str, str] = {}
    symbols: list[str] = []
    codes: list[str] = []
    words: list[str] = []
    for iso in doc.get("currencies", kind=dict):
        if not re.fullmatch(r"[A-Z]{3}", str(iso)):
            doc.fail(("currencies", iso), "keys should be ISO 4217 codes such as USD")
        doc.get("currencies", iso, kind=dict)
        for key, bucket in (("symbols", symbols), ("codes", codes)):
            forms = doc.strings("currencies", iso, key, default=[])
            lookup.update({form: iso for form in forms})
            bucket += forms
        folded = doc.strings("currencies", iso, "words", default=[])
        lookup.update({_fold(form): iso for form in folded})
        words += folded
    return lookup, symbols, codes, words


def _read_scales(doc: _Doc) -> tuple[dict[str, tuple[str, Decimal]], list[str], list[str]]:
    """Return (written form -> (scale, factor), scale words, currency-only abbreviations)."""
    lookup: dict[str, tuple[str, Decimal]] = {}
    words: list[str] = []
    cur_only: list[str] = []
    for name in doc.get("scales", kind=dict):
        doc.get("scales", name, kind=dict)
        factor = _factor(doc, ("scales", name, "factor"))
        folded = doc.strings("scales", name, "words")
        forms = doc.strings("scales", name, "currency_only", default=[])
        lookup.update({_fold(form): (str(name), factor) for form in folded})
        lookup.update({form: (str(name), factor) for form in forms})
        words += folded
        cur_only += forms
    return lookup, words, cur_only


def _read_qualifiers(doc: _Doc) -> tuple[dict[str, str], list[str], list[str]]:
    """Return (written form -> canonical qualifier, word forms, symbol forms)."""
    lookup: dict[str, str] = {}
    words: list[str] = []
    symbols: list[str] = []
    for canonical, forms in _read_mapping_of_lists(doc, "qualifiers").items():
        for form in forms:
            lookup[_fold(form)] = canonical
            (words if form[0].isalpha() else symbols).append(form)
    return lookup, words, symbols


def _read_mapping_of_lists(doc: _Doc, key: str) -> dict[str, list[str]]:
    """Return a mapping of name -> list of strings found at ``key``."""
    return {str(name): doc.strings(key, name) for name in doc.get(key, kind=dict)}


def _read_str_mapping(doc: _Doc, *keys: str) -> dict[str, str]:
    """Return a mapping of folded word -> string found at ``keys``."""
    mapping = doc.get(*keys, kind=dict)
    return {_fold(str(k)): str(doc.get(*keys, k, kind=str)) for k in mapping}


def _read_numbers(doc: _Doc, key: str) -> dict[str, int]:
    """Return a mapping of folded number word -> integer value found at ``key``."""
    mapping = doc.get(key, kind=dict)
    return {_fold(str(word)): doc.get(key, word, kind=int) for word in mapping}


def _number_values(words: dict[str, int], units: dict[str, int]) -> dict[str, int]:
    """Return the value of every number word, including "twenty-five" style compounds."""
    values = dict(words)
    for tens, value in words.items():
        if value >= 20 and value % 10 == 0:
            values.update({f"{tens}-{unit}": value + extra for unit, extra in units.items()})
    return values


def _factor(doc: _Doc, keys: tuple, default: int | None = None) -> Decimal:
    """Return a positive numeric factor at ``keys`` as a Decimal."""
    value = doc.get(*keys, kind=(int, float), default=default if default is not None else ...)
    if value <= 0:
        doc.fail(keys, "should be a positive number")
    return Decimal(str(value))


def _positive(doc: _Doc, *keys: str) -> int:
    """Return a positive integer at ``keys``."""
    value = doc.get(*keys, kind=int)
    if value <= 0:
        doc.fail(keys, "should be a positive integer")
    return value


def _fold(text: str) -> str:
    """Return ``text`` lower-cased with runs of whitespace made single spaces."""
    return " ".join(text.lower().split())


def _folded_set(items: Iterable[str]) -> frozenset[str]:
    """Return the folded forms of ``items`` as a frozenset."""
    return frozenset(_fold(item) for item in items)


_WORD_JOIN = r"(?:\s+|\s*-\s*)"


def _written(table: Mapping[str, Any], written: str) -> Any:
    """The entry of ``table`` (keyed by forms as written and folded) for a form read in the text,
    whose words may be joined by hyphens instead of spaces ("ton-per-year")."""
    found = table.get(written)
    if found is None:
        found = table.get(_fold(written))
    return found if found is not None else table[_fold(written.replace("-", " "))]


def _alternation(*, exact: Iterable[str] = (), folded: Iterable[str] = ()) -> str:
    """Return an alternation of the forms grouped by first character, longest first.

    ``folded`` forms ignore case. Each group opens with a literal character, so ``re`` rejects a
    group in one comparison instead of trying every form: this keeps matching at an anchor cheap.
    """
    groups: dict[str, set[str]] = {}
    for form, fold in [(f, False) for f in exact] + [(f, True) for f in folded]:
        words = form.split()
        if not words:
            continue
        body = _WORD_JOIN.join(re.escape(word) for word in words)  # "metric tons" also "metric-tons"
        head, rest = re.escape(form[0]), body[len(re.escape(form[0])):]
        rest = f"(?i:{rest})" if fold and rest else rest
        heads = {form[0].lower(), form[0].upper()} if fold else {form[0]}
        for char in heads:
            groups.setdefault(re.escape(char), set()).add(rest)
    if not groups:
        return "(?!)"
    parts = []
    for head in sorted(groups):
        rests = sorted(groups[head], key=lambda r: (-len(r), r))
        parts.append(head + ("(?:" + "|".join(rests) + ")" if rests != [""] else ""))
    return "(?:" + "|".join(parts) + ")"


def _word_anchor_pattern(words: dict[str, int]) -> str:
    """Return number words as branches that each open with a literal ("t(?:wo|en)|T(?:wo|en)").

    A literal first character lets ``re`` reject a branch in one comparison, which keeps the scan
    for number words cheap. Words match in lower case or capitalised ("two", "Two").
    """
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    parts = []
    for first, rests in sorted(groups.items()):
        rest = "(?:" + "|".join(sorted(rests, key=lambda r: (-len(r), r))) + ")"
        parts += [f"{re.escape(first)}{rest}", f"{re.escape(first.upper())}{rest}"]
    return "(?:" + "|".join(parts) + r")(?![^\W\d_])"


def _number_word_pattern(words: dict[str, int], units: dict[str, int]) -> str:
    """Return the alternation of number words, compounds ("twenty-five") first."""
    tens = [w for w, v in words.items() if v >= 20 and v % 10 == 0]
    compound = f"{_alternation(folded=tens)}-{_alternation(folded=list(units))}" if tens else "(?!)"
    return f"(?:{compound}|{_alternation(folded=list(words))})"


def _count_pattern(stop_words: list[str], noun: str) -> str:
    """Return the regex for "≤3 modifiers + counted noun" right after a number."""
    stops = _alternation(folded=stop_words)
    modifier = rf"(?!{stops}(?![\w’'\-])){_WORD}\s+"
    return rf"\s+(?P<mods>(?:{modifier}){{0,3}}?)(?P<noun>{noun})(?![\w’'\-])"


def _substring_gate(keys: Iterable[str]) -> re.Pattern[str]:
    """Return a regex that finds any of ``keys`` as plain text: a one-pass pre-check."""
    return re.compile("|".join(re.escape(key) for key in sorted(set(keys))))


def _reversed(forms: Iterable[str]) -> list[str]:
    """Return the forms spelled backwards, for matching leftwards from a number on reversed text."""
    return [form[::-1] for form in forms]


def _prefix_pattern(reversed_currency: str) -> str:
    """Return the regex, run on reversed text, for what may stand before a number.

    Read leftwards from the number: a minus sign, a currency ("$", "US$ ", "RMB "), then "between"
    or "from". Matching reversed text at one position replaces a search through a window.
    """
    return (r"(?:[-−](?![\w.,)%]))?(?:\s?" + reversed_currency + r"(?!\w))?"
            r"(?:\s+(?i:neewteb|morf)(?!\w))?")


def _figure_pattern(*, cur_prefix: str, cur_suffix: str, number_words: str, scale_words: str,
                    scale_cur: str, units: str, per_units: str) -> str:
    """Return the one regex that finds figure candidates (accepted or not in Python)."""
    num = rf"(?<![\w.,]){_NUMBER}"
    range_sep = (r"(?:\s?%(?:\s*[-–—]\s*|\s+(?i:to)\s+|(?(rw)\s+(?i:and)\s+|(?!)))"
                 r"(?=\d[\d.,]*\s?%)|\s*[-–—]\s*|\s+(?i:to)\s+|(?(rw)\s+(?i:and)\s+|(?!)))")
    return (
        r"(?P<rw>(?<!\w)(?i:between|from)\s+)?"
        rf"(?:(?<!\w)(?P<cpre>{cur_prefix})\s?)?"
        r"(?P<neg>(?<![\w.,)%])[-−](?=\d))?"
        rf"(?P<num>{num}|(?<![\w-]){number_words}(?!\w))"
        rf"(?P<range>{range_sep}(?:{cur_prefix}\s?)?(?P<num2>{num}))?"
        rf"(?:[\s\-]?(?P<scale>{scale_words}(?!\w)|(?(cpre){scale_cur}(?!\w)|(?!))))?"
        rf"(?:[\s\-‑]?(?P<unit>{units})(?!\w)|\s?(?P<cpost>{cur_suffix})(?!\w))?"
        rf"(?P<per>\s?(?:/|(?i:per|a|an)\s)\s?(?P<perunit>{per_units})(?!\w))?"
    )


# --------------------------------------------------------------------------- extraction


def extract_figures(article: ParsedArticle, rules: FigureRules) -> dict[str, list]:
    """Return the columns of table ``figures`` for one article: a row per figure, two per range."""
    cols: dict[str, list] = {name: [] for name in columns("figures")}
    for sentence, anchors in _anchors_by_sentence(article, _anchors(article.text, rules)):
        text = sentence.text
        figures = _sentence_figures(text, anchors, rules)
        if not figures:
            continue
        claimed_by, claim_source = _claim(text, article.source, rules)
        for fig in figures:
            cols["article_id"].append(article.article_id)
            cols["sentence_id"].append(sentence.sentence_id)
            cols["surface"].append(text[fig.start:fig.end])
            cols["start"].append(sentence.start + fig.start)
            cols["end"].append(sentence.start + fig.end)
            cols["value"].append(fig.value)
            cols["unit"].append(fig.unit)
            cols["currency"].append(fig.currency)
            cols["scale"].append(fig.scale)
            cols["qualifier"].append(fig.qualifier)
            cols["measure"].append(fig.measure)
            cols["claimed_by"].append(claimed_by)
            cols["claim_source"].append(claim_source)
    return cols


def _anchors(text: str, rules: FigureRules) -> list[int]:
    """Return the sorted positions where a number may start: digit runs and number words.

    This is the cheap pre-check: ``str.find`` per digit and a literal-prefixed scan for number
    words after a space or a line break; the full figure regex then runs only at these positions.
    """
    found = []
    for digit in _DIGITS:
        at = text.find(digit)
        while at >= 0:
            if at == 0 or text[at - 1] not in _DIGITS:
                found.append(at)
            at = text.find(digit, at + 1)
    found += [m.start() + 1 for m in rules.words_after_space.finditer(text)]
    found += [m.start() + 1 for m in rules.words_after_newline.finditer(text)]
    if rules.words_at_start.match(text):
        found.append(0)
    found.sort()
    return found


def _anchors_by_sentence(article: ParsedArticle,
                         anchors: list[int]) -> Iterator[tuple[Sentence, list[int]]]:
    """Yield each sentence that holds anchors, with those anchors relative to the sentence."""
    if not anchors:
        return
    sentences = article.sentences
    starts = [sentence.start for sentence in sentences]
    groups: dict[int, list[int]] = {}
    for anchor in anchors:
        index = bisect_right(starts, anchor) - 1
        if index >= 0 and anchor < sentences[index].end:
            groups.setdefault(index, []).append(anchor - starts[index])
    for index in sorted(groups):
        yield sentences[index], groups[index]


def _sentence_figures(text: str, anchors: list[int], rules: FigureRules) -> list[_Figure]:
    """Return the figures of one sentence, trying the figure regex at each anchor in order."""
    found: list[_Figure] = []
    done = 0
    for anchor in anchors:
        if anchor < done:
            continue
        match = rules.figure.match(text, _candidate_start(text, anchor, rules))
        if match is None or match.start("num") != anchor:
            match = rules.figure.match(text, anchor)
        if match is None or match.start("num") != anchor:
            continue
        figures = _accept(text, match, rules)
        found += figures
        done = match.end() if figures else match.end("num")
    return found


def _candidate_start(text: str, anchor: int, rules: FigureRules) -> int:
    """Return where a figure at ``anchor`` may begin: before a currency, "between" or a sign."""
    window = text[max(0, anchor - 16):anchor][::-1]
    return anchor - rules.prefix.match(window).end()


def _accept(text: str, m: re.Match[str], rules: FigureRules) -> list[_Figure]:
    """Return the figure(s) a candidate match stands for, or [] if it is not a figure."""
    bare = not (m["unit"] or m["scale"] or m["cpre"] or m["cpost"])
    if bare and not _is_count(text, m, rules):
        return []
    currency = _currency(m, rules)
    unit, unit_factor = _unit(m, currency, rules)
    scale, scale_factor = _scale(m["scale"], rules)
    end = m.start("per") if m["per"] and not currency else m.end()
    numbers = [m["num"], m["num2"]] if m["num2"] else [m["num"]]
    values = [_number(n, rules) * scale_factor * unit_factor for n in numbers]
    if m["neg"]:
        values[0] = -values[0]
    if m["num2"]:
        start, qualifiers = m.start(), ["from", "to"]
    else:
        start, qualifier = _qualifier(text, m.end("rw") if m["rw"] else m.start(), rules)
        qualifiers = [qualifier]
    measure = _measure(text, start, end, m, unit, rules)
    return [_Figure(start, end, float(v), unit, currency, scale, q, measure)
            for v, q in zip(values, qualifiers)]


def _unit(m: re.Match[str], currency: str, rules: FigureRules) -> tuple[str, Decimal]:
    """Return (canonical unit, factor into it); "count" when nothing else names the unit."""
    if currency:
        per = f"/{_written(rules.per_units, m['perunit'])}" if m["per"] else ""
        return f"currency{per}", _ONE
    if m["unit"]:
        return _written(rules.units, m["unit"])
    return "count", _ONE


def _scale(written: str | None, rules: FigureRules) -> tuple[str, Decimal]:
    """Return (scale name, factor) for a written scale word, or ("", 1)."""
    if not written:
        return "", _ONE
    return _written(rules.scales, written)


def _currency(m: re.Match[str], rules: FigureRules) -> str:
    """Return the ISO code written before or after the number, or ""."""
    for written in (m["cpre"], m["cpost"]):
        if written:
            return rules.currencies.get(written) or rules.currencies.get(_fold(written), "")
    return ""


def _number(written: str, rules: FigureRules) -> Decimal:
    """Return the value of a written number ("1,200.5", "twenty-five")."""
    try:
        return Decimal(written.replace(",", ""))
    except InvalidOperation:
        return Decimal(rules.number_words[_fold(written)])


def _is_count(text: str, m: re.Match[str], rules: FigureRules) -> bool:
    """Return True when a bare number is followed by a countable noun (and is not a year)."""
    num, num2 = m["num"], m["num2"]
    if "." in num or _is_year(num) or (num2 is not None and ("." in num2 or _is_year(num2))):
        return False
    return _count_noun(text, m.end(), _separated(m), rules) is not None


def _separated(m: re.Match[str]) -> bool:
    """Return True when either number of the match (a range has two) has thousands separators."""
    return "," in m["num"] or "," in (m["num2"] or "")


def _is_year(written: str) -> bool:
    """Return True for a four-digit number without separators in the range of years."""
    return len(written) == 4 and written.isdigit() and YEAR_MIN <= int(written) <= YEAR_MAX


def _count_noun(text: str, pos: int, separated: bool, rules: FigureRules) -> tuple[int, int] | None:
    """Return the span of the counted noun phrase after ``pos`` (≤3 modifiers), or None."""
    found = rules.count_tail.match(text, pos)
    if found is None and separated:
        found = rules.plural_tail.match(text, pos)
        if found is not None and found["noun"].lower() in rules.not_countable:
            return None
    return (found.start("mods"), found.end("noun")) if found else None


def _qualifier(text: str, start: int, rules: FigureRules) -> tuple[int, str]:
    """Return (new start, canonical qualifier) for a qualifier written just before ``start``."""
    found = rules.qualifier.match(text[max(0, start - 30):start][::-1])
    if found is None:
        return start, ""
    written = found.group().strip()[::-1]
    return start - found.end(), rules.qualifiers.get(_fold(written), "")


# --------------------------------------------------------------------------- measure


def _measure(text: str, start: int, end: int, m: re.Match[str], unit: str,
             rules: FigureRules) -> str:
    """Return what the figure measures (see the module docstring for the rules, in order)."""
    if unit == "count" and not m["scale"]:
        span = _count_noun(text, m.end(), _separated(m), rules)
        return text[span[0]:span[1]] if span else ""
    link = rules.of_link.match(text, end)
    if link:
        span = _phrase_after(text, link.end(), rules.max_words, frozenset(), rules)
        if span:
            return f"{text[span[0]:span[1]]} {_gerund(text, start, rules)}".strip()
    span = _phrase_after(text, end, rules.max_words, frozenset(), rules)
    if span and text[end:span[0]].isspace():
        return text[span[0]:span[1]]
    return _read_back(text, start, 100, rules, _gerund_or_subject)


def _gerund(text: str, start: int, rules: FigureRules) -> str:
    """Return the noun for a gerund just before ``start`` ("producing" -> "production"), or ""."""
    return _read_back(text, start, 60, rules, _last_gerund)


def _last_gerund(text: str, before: list[re.Match[str]], rules: FigureRules) -> str:
    """Return the noun for the last token of ``before`` that is not a skip word, if a gerund."""
    index = _skip_back(before, len(before) - 1, rules)
    return rules.nominalise.get(before[index].group().lower(), "") if index >= 0 else ""


def _gerund_or_subject(text: str, before: list[re.Match[str]], rules: FigureRules) -> str:
    """Return the gerund ending ``before`` as a noun, else the subject of its clause's verb."""
    return (_last_gerund(text, before, rules)
            or _subject_measure(text, before, len(before) - 1, rules))


def _subject_measure(text: str, toks: list[re.Match[str]], index: int, rules: FigureRules) -> str:
    """Return the subject before the nearest known verb in the clause (+ "growth"/"decline")."""
    for j in range(index, max(-1, index - 12), -1):
        low = toks[j].group().lower()
        if low in rules.change_verbs or low in rules.subject_verbs:
            span = _phrase_before(text, toks, _skip_back(toks, j - 1, rules), rules)
            subject = text[span[0]:span[1]] if span else ""
            return f"{subject} {rules.change_verbs.get(low, '')}".strip()
        if low in rules.skip_words:
            continue
        if toks[j].lastgroup != "word" or (low in rules.stop_words and low not in rules.joiners):
            return ""
    return ""


class _NotRead(Exception):
    """Raised when a reader of tokens needs one that the shortened window did not read."""


class _Unread:
    """Stands at index 0 of a shortened token list for the tokens not read: any use raises."""

    def __getattr__(self, name: str) -> Any:
        raise _NotRead(name)


_UNREAD = _Unread()
_SHORT_REACH = 40  # characters read first before a position; most readers need no more


def _read_back(text: str, end: int, reach: int, rules: FigureRules,
               read: Callable[[str, list[re.Match[str]], FigureRules], _T]) -> _T:
    """Return ``read(text, tokens, rules)`` for the tokens of ``text[max(0, end - reach):end]``.

    Most readers only look at the last few tokens, so the tokens after a space in the last
    ``_SHORT_REACH`` characters are read first, behind a stand-in for the earlier ones. Words
    never hold spaces, so when no bracketed token can span that space, these are exactly the
    last tokens of the whole window; a reader that reaches the stand-in (index 0) raises and
    gets the whole window instead.
    """
    start = max(0, end - reach)
    if end - _SHORT_REACH > start:
        cut = text.find(" ", end - _SHORT_REACH, end)
        if cut > 0 and "(" not in text[max(start, cut - 41):cut]:
            try:
                return read(text, [_UNREAD, *rules.token.finditer(text, cut, end)], rules)
            except _NotRead:
                pass
    return read(text, list(rules.token.finditer(text, start, end)), rules)


def _skip_back(toks: list[re.Match[str]], index: int, rules: FigureRules) -> int:
    """Return the index of the last token at or before ``index`` that is not a skip word."""
    while index >= 0 and toks[index].group().lower() in rules.skip_words:
        index -= 1
    return index


def _phrase_after(text: str, pos: int, max_words: int, keep: frozenset[str],
                  rules: FigureRules) -> tuple[int, int] | None:
    """Return the span of the noun phrase starting at ``pos`` (leading determiners skipped)."""
    spans: list[tuple[int, int]] = []
    previous = pos
    for tok in rules.token.finditer(text, pos, min(len(text), pos + 200)):
        if len(spans) >= max_words or (spans and not text[previous:tok.start()].isspace()):
            break
        low = tok.group().lower()
        if tok.lastgroup == "word" and low in rules.determiners:
            if spans:
                break
        elif tok.lastgroup == "paren" and spans:
            spans.append(tok.span())
        elif tok.lastgroup != "word" or (low in rules.stop_words and low not in keep):
            break
        else:
            spans.append(tok.span())
        previous = tok.end()
    return _trim(text, spans, keep)


def _phrase_before(text: str, toks: list[re.Match[str]], index: int,
                   rules: FigureRules) -> tuple[int, int] | None:
    """Return the span of the noun phrase ending at token ``index`` (joiners "of"/"and" kept)."""
    spans: list[tuple[int, int]] = []
    for j in range(index, -1, -1):
        tok = toks[j]
        low = tok.group().lower()
        if len(spans) >= rules.max_words or low in rules.determiners or (
                low in rules.stop_words and low not in rules.joiners):
            break
        if tok.lastgroup != "word" and not (tok.lastgroup == "paren" and spans):
            break
        if spans and not text[tok.end():spans[-1][0]].isspace():
            break
        if j > 0 and toks[j - 1].group()[0].isdigit() and low in rules.units:
            break  # the unit of another figure ("5,000 tonnes and prices rose")
        spans.append(tok.span())
    return _trim(text, spans[::-1], rules.joiners)


def _trim(text: str, spans: list[tuple[int, int]],
          joiners: frozenset[str]) -> tuple[int, int] | None:
    """Return the span covering ``spans`` without joiner words or brackets at either edge."""
    while spans and (text[slice(*spans[-1])].lower() in joiners or text[spans[-1][0]] == "("):
        spans.pop()
    while spans and (text[slice(*spans[0])].lower() in joiners or text[spans[0][0]] == "("):
        spans.pop(0)
    return (spans[0][0], spans[-1][1]) if spans else None


# --------------------------------------------------------------------------- attribution


def _claim(text: str, source: str | None, rules: FigureRules) -> tuple[str, str]:
    """Return (claimed_by, claim_source) for a sentence: its own attribution, else the article's."""
    low = text.lower()
    who = ""
    if rules.according_gate.search(low):
        who = _according_to(text, rules)
    if not who and rules.speech_gate.search(low):
        who = _speaker(text, rules)
    who = rules.claim_time_tail.sub("", who).strip() if who else who
    if who and _fold(who) in rules.not_claimants:
        who = ""  # "The Company reported": the article's source says who that is
    if who:
        return who, "sentence"
    if source:
        return source, "article"
    return "", ""


def _according_to(text: str, rules: FigureRules) -> str:
    """Return X from "according to X" (or "according to a summary released by X"), or ""."""
    found = rules.according.search(text)
    if found is None:
        return ""
    span = _phrase_after(text, found.end(), rules.claim_max_words, rules.joiners, rules)
    if span is None:
        return ""
    via = rules.via.match(text, span[1])
    if via:
        span = _phrase_after(text, via.end(), rules.claim_max_words, rules.joiners, rules) or span
    return text[span[0]:span[1]]


def _speaker(text: str, rules: FigureRules) -> str:
    """Return X from "X said/reported/estimates" or ", said X", or ""."""
    for found in rules.speech.finditer(text):
        span, after_comma = _read_back(text, found.start(), 120, rules, _speaker_before)
        if span is None and after_comma:
            span = _phrase_after(text, found.end(), rules.claim_max_words, rules.joiners, rules)
        if span:
            return text[span[0]:span[1]]
    return ""


def _speaker_before(text: str, toks: list[re.Match[str]],
                    rules: FigureRules) -> tuple[tuple[int, int] | None, bool]:
    """Return (the noun phrase ending ``toks``, whether ``toks`` ends with a comma)."""
    span = _phrase_before(text, toks, _skip_back(toks, len(toks) - 1, rules), rules)
    return span, span is None and bool(toks) and toks[-1].group() == ","
