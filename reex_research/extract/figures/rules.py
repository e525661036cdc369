"""Figure rules: ``data/rules/units.yaml`` read and checked once, compiled into a few regexes and
lookup tables (:class:`FigureRules`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ...datafile import DataFile, read_data_file
from ...errors import KnowledgeBaseError
from ...paths import rules_dir

RULES_FILE = "units.yaml"
_HINT = "see the comments in the bundled data/rules/units.yaml for the expected shape"

# Structure lives here; every word (units, currencies, qualifiers, nouns) comes from the rules file.
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
    claim_gate: re.Pattern[str]  # either gate above, in one pass
    units: Mapping[str, tuple[str, Decimal]]
    currencies: Mapping[str, str]
    # a bare form ("$", "dollars", "¥"; keyed as in ``currencies``) -> the cues that may change its
    # currency, in order: (regex, ISO code, cue name)
    currency_context: Mapping[str, tuple[tuple[re.Pattern[str], str, str], ...]]
    scales: Mapping[str, tuple[str, Decimal]]
    qualifiers: Mapping[str, str]
    per_units: Mapping[str, str]
    number_words: Mapping[str, int]
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
    fields_in_order: list[Any] = [MappingProxyType(v) if isinstance(v, dict) else v for v in values]
    return FigureRules(*fields_in_order)


def load_figure_rules(path: Path | None = None) -> FigureRules:
    """Return the figure rules read from ``path`` (default ``data/rules/units.yaml``), compiled."""
    doc = read_data_file(Path(path) if path is not None else rules_dir() / RULES_FILE, hint=_HINT)
    if not isinstance(doc.data, dict):
        raise KnowledgeBaseError(doc.path, "expected a mapping of sections (units, currencies…)")
    try:
        return _compile(doc, doc.sha1[:12])
    except re.error as exc:
        raise KnowledgeBaseError(doc.path, f"an entry makes an invalid pattern: {exc}") from exc


def _compile(doc: DataFile, version: str) -> FigureRules:
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
        currency_context=MappingProxyType(_read_currency_context(doc, currencies)),
        scales=MappingProxyType(scales),
        qualifiers=MappingProxyType(qualifiers),
        per_units=MappingProxyType({fold_words(form): unit for unit, forms in per_units.items()
                                    for form in forms}),
        number_words=MappingProxyType(_number_values(number_words, number_units)),
        **_count_rules(doc),
        **_measure_rules(doc),
        **_claim_rules(doc),
    )


def _count_rules(doc: DataFile) -> dict[str, Any]:
    """Return the FigureRules fields that decide whether a bare number is a count."""
    stops = [*doc.strings("measure", "stop_words"), *doc.strings("measure", "determiners")]
    return {
        "count_tail": re.compile(_count_pattern(stops, _alternation(
            folded=doc.strings("countable_nouns")))),
        "plural_tail": re.compile(_count_pattern(stops, _PLURAL)),
        "not_countable": _folded_set(doc.strings("not_countable", default=[])),
    }


def _measure_rules(doc: DataFile) -> dict[str, Any]:
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


def _claim_rules(doc: DataFile) -> dict[str, Any]:
    """Return the FigureRules fields used to find who claims a figure."""
    doc.get("attribution", kind=dict)
    according = doc.strings("attribution", "according")
    verbs = doc.strings("attribution", "verbs")
    return {
        "according": re.compile(r"(?<!\w)" + _alternation(folded=according) + r"\s+"),
        "speech": re.compile(r"(?<!\w)" + _alternation(folded=verbs) + r"(?!\w)"),
        "via": re.compile(r"\s+" + _alternation(folded=doc.strings("attribution", "via")) + r"\s+"),
        "according_gate": _substring_gate(fold_words(form) for form in according),
        "speech_gate": _substring_gate(fold_words(form) for form in verbs),
        "claim_gate": _substring_gate(fold_words(form) for form in [*according, *verbs]),
        "claim_max_words": _positive(doc, "attribution", "max_words"),
        "not_claimants": _folded_set(doc.strings("attribution", "not_claimants", default=[])),
        "claim_time_tail": re.compile(  # also a claimant that is only a word of time: "today"
            r"(?:(?:^|\s+)(?:on\s+)?"
            + _alternation(folded=doc.strings("attribution", "time_words", default=["today"])) + r")+$",
            re.IGNORECASE),
    }


def _read_units(doc: DataFile) -> tuple[dict[str, tuple[str, Decimal]], list[str], list[str]]:
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
        lookup.update({fold_words(form): (unit, factor) for form in folded})
        exact += forms
        words += folded
    return lookup, exact, words


def _read_currencies(doc: DataFile) -> tuple[dict[str, str], list[str], list[str], list[str]]:
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
            bucket.extend(forms)
        folded = doc.strings("currencies", iso, "words", default=[])
        lookup.update({fold_words(form): iso for form in folded})
        words += folded
    return lookup, symbols, codes, words


def _read_currency_context(
        doc: DataFile, currencies: Mapping[str, str],
) -> dict[str, tuple[tuple[re.Pattern[str], str, str], ...]]:
    """Return, per bare currency form, the cues that decide it from the article's context:
    ``(regex, ISO code, cue name)`` in the order of the file.

    ``currency_context`` maps an ISO code (one of ``currencies``) to ``bare`` (forms written for
    another currency) and ``cues`` (name -> regular expression). The first cue found in the text
    decides (the earlier cue when two start at one place).
    """
    by_form: dict[str, list[tuple[re.Pattern[str], str, str]]] = {}
    for iso in doc.get("currency_context", kind=dict, default={}):
        doc.check_keys("currency_context", iso, allowed=("bare", "cues"))
        if str(iso) not in set(currencies.values()):
            doc.fail(("currency_context", iso), "should be the ISO code of one of the currencies above")
        forms = doc.strings("currency_context", iso, "bare")
        if not forms:
            doc.fail(("currency_context", iso, "bare"), "needs at least one bare form")
        cues = doc.get("currency_context", iso, "cues", kind=dict)
        if not cues:
            doc.fail(("currency_context", iso, "cues"), "needs at least one cue: name -> pattern")
        patterns = [(str(name), doc.pattern("currency_context", iso, "cues", name, flags=re.MULTILINE))
                    for name in cues]
        for index, form in enumerate(forms):
            key = form if form in currencies else fold_words(form)
            if key not in currencies or currencies[key] == iso:
                doc.fail(("currency_context", iso, "bare", index),
                         f"{form!r} is not a form of another currency in 'currencies'")
            by_form.setdefault(key, []).extend((pattern, str(iso), name) for name, pattern in patterns)
    shared: dict[tuple, tuple[tuple[re.Pattern[str], str, str], ...]] = {}
    # forms with the same cues ("$", "dollars") share one tuple, so an article looks for them once
    return {key: shared.setdefault(tuple(cues), tuple(cues)) for key, cues in by_form.items()}


def _read_scales(doc: DataFile) -> tuple[dict[str, tuple[str, Decimal]], list[str], list[str]]:
    """Return (written form -> (scale, factor), scale words, currency-only abbreviations)."""
    lookup: dict[str, tuple[str, Decimal]] = {}
    words: list[str] = []
    cur_only: list[str] = []
    for name in doc.get("scales", kind=dict):
        doc.get("scales", name, kind=dict)
        factor = _factor(doc, ("scales", name, "factor"))
        folded = doc.strings("scales", name, "words")
        forms = doc.strings("scales", name, "currency_only", default=[])
        lookup.update({fold_words(form): (str(name), factor) for form in folded})
        lookup.update({form: (str(name), factor) for form in forms})
        words += folded
        cur_only += forms
    return lookup, words, cur_only


def _read_qualifiers(doc: DataFile) -> tuple[dict[str, str], list[str], list[str]]:
    """Return (written form -> canonical qualifier, word forms, symbol forms)."""
    lookup: dict[str, str] = {}
    words: list[str] = []
    symbols: list[str] = []
    for canonical, forms in _read_mapping_of_lists(doc, "qualifiers").items():
        for form in forms:
            lookup[fold_words(form)] = canonical
            (words if form[0].isalpha() else symbols).append(form)
    return lookup, words, symbols


def _read_mapping_of_lists(doc: DataFile, key: str) -> dict[str, list[str]]:
    """Return a mapping of name -> list of strings found at ``key``."""
    return {str(name): doc.strings(key, name) for name in doc.get(key, kind=dict)}


def _read_str_mapping(doc: DataFile, *keys: str) -> dict[str, str]:
    """Return a mapping of folded word -> string found at ``keys``."""
    mapping = doc.get(*keys, kind=dict)
    return {fold_words(str(k)): str(doc.get(*keys, k, kind=str)) for k in mapping}


def _read_numbers(doc: DataFile, key: str) -> dict[str, int]:
    """Return a mapping of folded number word -> integer value found at ``key``."""
    mapping = doc.get(key, kind=dict)
    return {fold_words(str(word)): doc.get(key, word, kind=int) for word in mapping}


def _number_values(words: dict[str, int], units: dict[str, int]) -> dict[str, int]:
    """Return the value of every number word, including "twenty-five" style compounds."""
    values = dict(words)
    for tens, value in words.items():
        if value >= 20 and value % 10 == 0:
            values.update({f"{tens}-{unit}": value + extra for unit, extra in units.items()})
    return values


def _factor(doc: DataFile, keys: tuple, default: int | None = None) -> Decimal:
    """Return a positive numeric factor at ``keys`` as a Decimal."""
    value = (doc.get(*keys, kind=(int, float)) if default is None
             else doc.get(*keys, kind=(int, float), default=default))
    if value <= 0:
        doc.fail(keys, "should be a positive number")
    return Decimal(str(value))


def _positive(doc: DataFile, *keys: str) -> int:
    """Return a positive integer at ``keys``."""
    value = doc.get(*keys, kind=int)
    if value <= 0:
        doc.fail(keys, "should be a positive integer")
    return value


def fold_words(text: str) -> str:
    """Return ``text`` lower-cased with runs of whitespace made single spaces."""
    return " ".join(text.lower().split())


def _folded_set(items: Iterable[str]) -> frozenset[str]:
    """Return the folded forms of ``items`` as a frozenset."""
    return frozenset(fold_words(item) for item in items)


_WORD_JOIN = r"(?:\s+|\s*-\s*)"


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
    """Return a regex that finds any of ``keys`` as plain text: a one-pass pre-check.

    The keys are grouped by first character ("s(?:aid|ays)"): at a letter that starts no key the
    engine rejects every branch in one comparison, where a flat list would try each key.
    """
    groups: dict[str, list[str]] = {}
    for key in sorted(set(keys)):
        if key:
            groups.setdefault(key[0], []).append(re.escape(key[1:]))
    if not groups:
        return re.compile("(?!)")
    return re.compile("|".join(re.escape(head) + ("(?:" + "|".join(rests) + ")" if rests != [""] else "")
                               for head, rests in groups.items()))


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
