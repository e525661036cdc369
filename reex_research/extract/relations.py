"""Who does what with whom: typed, directed relations from a verb lexicon, and co-occurrence.

Every pair of actors named in one sentence is a ``cooccurs`` row, as before. A verb of the lexicon
(``data/rules/relations.yaml``: acquires, invests_in, partners_with, supplies, restricts, meets,
owns, sues) between two actors of one clause adds a typed, directed row: in the active voice the
first organisation or person (else place) of the clause before the verb does it to the first
actor after it ("Shenghe Resources gained control of … Ngualla"); a passive phrase turns it round
("was acquired by", "a subsidiary of"); a symmetric kind links two actors joined by "and" before
it ("China Rare Earth Group and China Resources Recycling Group have signed a … agreement"). A
negation before the verb in its clause ("did not acquire", "denied") sets ``negated``; a hedge
("plans to", "may", "non-binding") sets ``hedged``. A verb followed by "by" is passive ("is partly
funded by"); every actor of a list after the verb is an object ("awarded funding to MP Materials,
Lynas and Noveon"); a relative clause takes the actor just before it as subject ("Kestrel, which
is backed by Harrow Ridge"); a verb phrase inside an actor's name is no verb. ``verb``, ``start`` and ``end`` give the
verb phrase as written and its offsets in the article's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from .. import paths, schema
from ..datafile import read_data_file
from ..kb import ACTOR_TYPES
from ..model import ParsedArticle, Sentence, SentenceLocator

if TYPE_CHECKING:
    from .discover import DiscoveryRules

RULES_FILE = "relations.yaml"
COOCCURS = "cooccurs"
_CLAUSE_END = re.compile(r";|\s[—–]\s|\s-\s|,\s(?=(?:while|whereas|but|although|though|which|who)\b)")
_CLAUSE_MARK = re.compile(r"[;,—–-]")
"""The character of each clause break: where it starts ("; ", ", while"), or after its space (" — ", " - ")."""
_BEFORE, _AFTER = r"(?<![\w-])(?:", r")(?![\w-])"
SPLIT = "…"
"""Where the object stands in a split verb phrase of the lexicon: "add(?:s|ed)? … to the entity list"."""
_WINDOW = 60
"""Characters before a verb in which a negation or hedge counts."""
_OBJECT_GAP = 70
"""Most characters between a verb and its object ("signed a … agreement with X")."""
Span = tuple[int, int, str, str]  # start, end, entity id, entity type


@dataclass(frozen=True)
class KindRule:
    """One kind of relation: its active and passive verb phrases (regexes, longest first), and
    whether it is symmetric."""

    kind: str
    active: tuple[str, ...]
    passive: tuple[str, ...]
    symmetric: bool


Split = tuple[KindRule, bool, "re.Pattern[str]"]
"""A split verb phrase's kind, voice and the part that follows its object ("to the Entity List" of
"added … to the Entity List")."""
Owner = tuple[KindRule, bool, tuple[Split, ...]]
"""What a verb phrase of the lexicon stands for: its kind, whether it is passive, and for the head
of split phrases every phrase it may start, in lexicon order (empty for a whole phrase)."""
Verb = tuple[KindRule, bool, tuple[Split, ...], int, int]
"""A verb phrase found in a text: what it stands for (:data:`Owner`), its start and its end."""


@dataclass(frozen=True)
class WordPattern:
    """A regex that matches where a word starts (it opens with ``(?<![\\w-])``), and its scan
    (:func:`_word_scan`), which finds where it first matches faster."""

    regex: re.Pattern[str]
    scan: re.Pattern[str]

    @classmethod
    def of(cls, regex: re.Pattern[str], **fields: Any) -> Self:
        """``regex`` and its scan."""
        return cls(regex, _word_scan(regex), **fields)

    def search(self, text: str, start: int, end: int) -> re.Match[str] | None:
        """What ``self.regex.search(text, start, end)`` finds."""
        if start <= 0:
            return self.regex.search(text, start, end)
        found = self.scan.search(text, start - 1, end)  # one character before where the regex matches
        return None if found is None else self.regex.match(text, found.start() + 1, end)


@dataclass(frozen=True)
class VerbPattern(WordPattern):
    """Verb phrases as one regex to match lowercased text, and what each named group stands for."""

    groups: dict[str, Owner]  # group name -> (kind, passive, the split phrases a head may start)


@dataclass(frozen=True)
class RelationRules:
    """The verb lexicon, negations and hedges (``data/rules/relations.yaml``), compiled."""

    kinds: tuple[KindRule, ...]
    negation: WordPattern
    hedge: WordPattern
    references: re.Pattern[str]  # "it", "the (Australian) company", lowercased: see _verb_relations
    verbs: VerbPattern  # every phrase of every kind
    symmetric_verbs: VerbPattern  # the phrases of the symmetric kinds: after the last actor of a sentence
    qualifier_nouns: frozenset[str] = frozenset()  # after a place, make it a qualifier: "the US subsidiary"
    denials: frozenset[str] = frozenset()  # negations whose scope takes in a hedge after them: "denied it would"


def load_relation_rules(path: Path | None = None) -> RelationRules:
    """Return the verb lexicon read from ``path`` (default ``data/rules/relations.yaml``), compiled."""
    path = Path(path) if path is not None else paths.rules_dir() / RULES_FILE
    doc = read_data_file(path)
    doc.check_keys(allowed=("kinds", "negations", "hedges", "references", "qualifier_nouns", "denials"))
    kinds_data = doc.get("kinds", kind=dict)
    kinds = []
    for kind in kinds_data:
        doc.check_keys("kinds", kind, allowed=("active", "passive", "symmetric"))
        active = doc.strings("kinds", kind, "active", default=[], name_item=False)
        passive = doc.strings("kinds", kind, "passive", default=[], name_item=False)
        symmetric = doc.get("kinds", kind, "symmetric", kind=bool, default=False)
        kinds.append(KindRule(str(kind), _checked(doc, ("kinds", kind, "active"), active),
                              _checked(doc, ("kinds", kind, "passive"), passive), symmetric))
    negations = doc.strings("negations", name_item=False)
    hedges = doc.strings("hedges", name_item=False)
    return RelationRules(tuple(kinds), _phrases(doc, ("negations",), negations), _phrases(doc, ("hedges",), hedges),
                         _references(doc.strings("references", default=[], name_item=False)),
                         _verb_pattern(kinds), _verb_pattern([k for k in kinds if k.symmetric]),
                         frozenset(w.lower() for w in doc.strings("qualifier_nouns", default=[], name_item=False)),
                         frozenset(w.lower() for w in doc.strings("denials", default=[], name_item=False)))


def _references(words: list[str]) -> re.Pattern[str]:
    """One regex of the references, to search lowercased text. "the company" also stands for "the
    Australian company", "the Toronto-listed company"; the heads after "the" share one branch, so
    that the regex engine reads "the" and the words after it once. Where every branch starts with a
    letter, each checks what stands before it after that letter: a regex that starts with one of a
    few letters lets the engine skip at once to the next place holding one ("i", "t")."""
    heads = sorted({w.lower()[4:].strip() for w in words if w.lower().startswith("the ")}, key=len, reverse=True)
    others = sorted({w.lower().strip() for w in words if not w.lower().startswith("the ")}, key=len, reverse=True)
    branches = [re.escape(w) for w in others]
    if heads:
        branches.append(r"the\s+(?:[\w-]+\s+){0,2}?(?:" + "|".join(re.escape(h) for h in heads) + ")")
    if not branches:
        return re.compile(r"(?!)")
    if all(_starts_with_letter(b) for b in branches):  # (?<![\w-]i) after "i" is (?<![\w-]) before it
        return re.compile("(?:" + "|".join(f"(?:{b[0]}(?<![\\w-]{b[0]}){b[1:]})" for b in branches) + _AFTER)
    return re.compile(_BEFORE + "|".join(f"(?:{b})" for b in branches) + _AFTER)


def _verb_pattern(kinds: list[KindRule]) -> VerbPattern:
    """One regex of every verb phrase of ``kinds``, to match lowercased text, and what each named
    group stands for.

    Every phrase is split into alternatives that start with a literal letter
    (:func:`leading_alternatives`), lowercased, and the alternatives are arranged as a tree of their
    literal heads (:func:`_prefix_tree`): "i(?:s (?:…)|n …|…)|a(?:…)|…", each alternative in a
    named group of its own. At any place the regex engine then reads the letters an alternative
    shares with others once and tries only the few alternatives they lead to, rather than all of
    them: a pass over a sentence is several times faster than a plain case-insensitive union, and
    matches the same. Alternatives that do not start with a letter ("[\\w-]+ subsidiary of") form
    one more branch, tried last at a place: they cost that pass at every place, so the bundled
    lexicon has none (tested).
    """
    entries: list[tuple[Owner, str]] = []  # (what it stands for, alternative) in lexicon order
    splits: dict[str, list[Split]] = {}  # the head of split phrases -> the phrases it may start
    for rule in kinds:
        for is_passive, phrases in ((True, rule.passive), (False, rule.active)):
            for phrase in phrases:
                head, _, tail = phrase.partition(SPLIT)
                alternatives = [lowercase_literals(a) for a in leading_alternatives(head.strip())]
                if not tail:
                    entries.extend(((rule, is_passive, ()), a) for a in alternatives)
                    continue
                compiled = re.compile(_BEFORE + lowercase_literals(tail.strip()) + _AFTER)
                for alternative in alternatives:  # one group per head: the regex finds one phrase at a place
                    if alternative not in splits:
                        entries.append(((rule, is_passive, ()), alternative))
                    splits.setdefault(alternative, []).append((rule, is_passive, compiled))
    entries = [((owner[0], owner[1], tuple(splits[a])) if a in splits else owner, a) for owner, a in entries]
    groups = {f"g{index}": owner for index, (owner, _) in enumerate(entries)}
    if not entries:
        return VerbPattern.of(re.compile(r"(?!)"), groups=groups)
    lettered: list[tuple[str, str]] = []  # (literal head, the named group of the rest)
    others: list[tuple[str, str]] = []
    for index, (_, alternative) in enumerate(entries):
        if _starts_with_letter(alternative):
            head, rest = _literal_head(alternative)
            lettered.append((head, f"(?P<g{index}>{rest})"))
        else:
            others.append(("", f"(?P<g{index}>{alternative})"))
    branches = [_prefix_tree(items) for items in (lettered, others) if items]
    regex = re.compile(_BEFORE + "|".join(branches) + _AFTER)
    return VerbPattern.of(regex, groups=groups)


_NOT_ASCII_WORD = "(?-i:[^0-9A-Za-z_-])"
"""Any character but an ASCII one of ``[\\w-]``: every character that may stand before a word, and a
few more (letters such as "é"). A class of ASCII characters only is a table the regex engine looks
a character up in at once; ``[^\\w-]`` asks the Unicode database of every character."""


def _word_scan(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex``, which opens with ``(?<![\\w-])`` (``_BEFORE``), after one character of
    :data:`_NOT_ASCII_WORD`: it matches at ``p - 1`` exactly where ``regex`` matches at ``p > 0``, as
    that lookbehind then looks at the character it read. A regex that opens with a lookbehind makes
    the engine start a match at every place of a text; one that opens with a class lets it skip at
    once to the places after a blank or a punctuation mark: about one in six."""
    return re.compile(_NOT_ASCII_WORD + regex.pattern, regex.flags)


def _starts_with_letter(alternative: str) -> bool:
    """True when ``alternative`` starts with a lone ASCII letter (not repeated or optional)."""
    return alternative[:1].isalpha() and alternative[:1].isascii() and alternative[1:2] not in _QUANTIFIERS


_QUANTIFIERS = ("?", "*", "+", "{")
_SPECIAL = frozenset("\\.^$*+?{}[]|()")
"""Characters that are not literals in a regex, or may not be (a brace)."""


def _literal_head(alternative: str) -> tuple[str, str]:
    """``alternative`` as its literal head (the ASCII characters it must start with: "is the parent "
    of "is the parent (?:company )?of") and the rest. An alternative with a ``|`` outside its groups
    has no head."""
    if len(_top_level_alternatives(alternative)) > 1:
        return "", alternative
    end = 0
    while end < len(alternative) and alternative[end].isascii() and alternative[end] not in _SPECIAL \
            and alternative[end + 1:end + 2] not in _QUANTIFIERS:
        end += 1
    return alternative[:end], alternative[end:]


def _prefix_tree(items: list[tuple[str, str]]) -> str:
    """``items`` (a literal head, and the regex that follows it), tried in their order, as one regex
    that reads each shared head once. Items whose heads start with one character share a branch
    where the first of them stood: an item of another character cannot match where they do, so
    the order in which they are tried is kept. An item whose head is all placed may match
    wherever it stands, so it keeps its place: no item after it joins a branch before it."""
    branches: list[str] = []
    by_char: dict[str, list[tuple[str, str]]] = {}
    for head, rest in items:
        if head:
            by_char.setdefault(head[0], []).append((head[1:], rest))
            continue
        branches += [re.escape(char) + _prefix_tree(shared) for char, shared in by_char.items()]
        by_char = {}
        branches.append(rest)
    branches += [re.escape(char) + _prefix_tree(shared) for char, shared in by_char.items()]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _checked(doc, keys: tuple, phrases: list[str]) -> tuple[str, ...]:
    """``phrases`` longest first, each checked to be a valid regular expression."""
    for index, phrase in enumerate(phrases):
        try:
            re.compile(phrase)
        except re.error as exc:
            doc.fail(keys, f"invalid regular expression {phrase!r}: {exc}", at=(*keys, index))
    return tuple(sorted(phrases, key=len, reverse=True))


def _phrases(doc, keys: tuple, phrases: list[str]) -> WordPattern:
    """One case-insensitive regex of ``phrases`` on word boundaries (not after a hyphen), longest
    first, their literal heads shared (:func:`_prefix_tree`; the heads lowercased, as the case of
    an ASCII letter makes no difference)."""
    if not phrases:
        return WordPattern.of(re.compile(r"(?!)"))
    heads = [_literal_head(phrase) for phrase in _checked(doc, keys, phrases)]
    tree = _prefix_tree([(head.lower(), f"(?:{rest})" if rest else "") for head, rest in heads])
    regex = re.compile(_BEFORE + tree + _AFTER, re.IGNORECASE)
    return WordPattern.of(regex)


def leading_alternatives(phrase: str, limit: int = 64) -> list[str]:
    """``phrase`` as alternatives that each start with a literal, where it starts with a group:
    ``(?:is |was )?owned by`` is ``is owned by``, ``was owned by``, ``owned by``, in the order the
    regex engine would try them, so that their union matches what ``phrase`` matches. A phrase
    that cannot be split so (or would give more than ``limit``) is returned as it is."""
    out: list[str] = []
    todo = _top_level_alternatives(phrase)
    while todo:
        current = todo.pop(0)
        split = _split_leading_group(current)
        if split is None:
            out.append(current)
            continue
        todo[:0] = split
        if len(out) + len(todo) > limit:
            return [phrase]
    return out


def _top_level_alternatives(phrase: str) -> list[str]:
    """``phrase`` split at its ``|`` outside every group and character class."""
    bars, _ = _scan(phrase, 0)
    ends = bars + [len(phrase)]
    return [phrase[start:end] for start, end in zip([0] + [b + 1 for b in bars], ends)]


def _scan(phrase: str, depth_of_bars: int) -> tuple[list[int], int | None]:
    """Positions of the ``|`` at ``depth_of_bars`` (0: outside every group) up to where the group
    opening the phrase closes, and that position (None when the phrase is scanned to its end)."""
    depth, position, in_class = 0, 0, False
    bars: list[int] = []
    while position < len(phrase):
        char = phrase[position]
        if char == "\\":
            position += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and depth_of_bars:
                return bars, position
        elif char == "|" and depth == depth_of_bars:
            bars.append(position)
        position += 1
    return bars, None


def _split_leading_group(phrase: str) -> list[str] | None:
    """The alternatives of a leading ``(?:a|b)`` or ``(?:a)?`` joined to the rest, or None."""
    if not phrase.startswith("(?:"):
        return None
    inner_bars, position = _scan(phrase, 1)
    if position is None:
        return None
    bars = [2] + inner_bars
    rest = phrase[position + 1:]
    optional = rest.startswith("?") and not rest.startswith("??")
    if optional:
        rest = rest[1:]
    elif rest[:1] in ("*", "+", "{", "?"):
        return None
    ends = bars[1:] + [position]
    alternatives = [phrase[start + 1:end] + rest for start, end in zip(bars, ends)]
    return alternatives + [rest] if optional else alternatives


def lowercase_literals(pattern: str) -> str:
    """``pattern`` with its literal letters lowercased (escapes such as ``\\S`` and group names kept),
    to match lowercased text as ``pattern`` matches any text with IGNORECASE."""
    out = []
    for piece in re.split(r"(\\.|\(\?P[<=][^>)]*[>)])", pattern):
        out.append(piece if piece.startswith(("\\", "(?P")) else piece.lower())
    return "".join(out)


def lowered(text: str) -> str:
    """``text`` lowercased character for character, so that offsets into it hold in ``text``."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # "İ" lowercases to two


def relation_columns(article: ParsedArticle, mentions: dict[str, list], rules: RelationRules,
                     actors: DiscoveryRules | None = None) -> dict[str, list]:
    """Return the ``relations`` rows of ``article``: co-occurring actor pairs, then verb relations.

    ``actors`` (the toolkit's actor rules) lends its titles and site words to tell a party from an
    actor that only qualifies another ("the Kalgoorlie plant", "Lynas chief executive Amanda
    Lacaze"); without it those two checks are off."""
    by_sentence = _actor_spans(mentions)
    article_ids = set(mentions["article_id"])
    if len(article_ids) == 1:  # the mentions of one article: its pairs are those of each sentence's actors
        pairs = _sentence_pairs(article_ids.pop(), by_sentence)
    else:
        pairs = _cooccurring(zip(mentions["article_id"], mentions["sentence_id"], mentions["entity_id"],
                                 mentions["entity_type"]))
    verbs = _verb_relations(article, by_sentence, rules, actors)
    names = schema.columns("relations")
    # the pairs fill six columns, the rest are the same for every pair: columns are built whole
    pair_columns = dict(zip(_PAIR_FIELDS, zip(*pairs)))
    verb_columns = dict(zip(names, zip(*verbs)))
    columns = {}
    for name in names:
        column = list(pair_columns.get(name, ())) if name in _PAIR_FIELDS else [_COOCCURS_ROW[name]] * len(pairs)
        column += verb_columns.get(name, ())
        columns[name] = column
    return columns


_PAIR_FIELDS = ("article_id", "sentence_id", "source_id", "target_id", "source_type", "target_type")
"""What :func:`_cooccurring` gives per pair, in the order of the ``relations`` columns."""
_COOCCURS_ROW = {"kind": COOCCURS, "verb": None, "negated": False, "hedged": False, "start": None, "end": None}
"""The other columns of a ``cooccurs`` row."""


def _actor_spans(mentions: dict[str, list]) -> dict[str, list[Span]]:
    """The actors named in each sentence, by sentence id, in the order of ``mentions``."""
    by_sentence: dict[str, list[Span]] = {}
    for sid, start, end, entity_id, entity_type in zip(mentions["sentence_id"], mentions["start"], mentions["end"],
                                                       mentions["entity_id"], mentions["entity_type"]):
        if entity_type in ACTOR_TYPES:
            by_sentence.setdefault(sid, []).append((start, end, entity_id, entity_type))
    return by_sentence


def _sentence_pairs(article_id: str, by_sentence: dict[str, list[Span]]) -> list[tuple]:
    """What :func:`_cooccurring` gives for the actors of one article's sentences (:func:`_actor_spans`)."""
    pairs: list[tuple] = []
    for sentence_id in sorted(by_sentence):
        spans = by_sentence[sentence_id]
        if len(spans) > 1:
            named = sorted({(span[2], span[3]) for span in spans})
            pairs += [(article_id, sentence_id, source[0], target[0], source[1], target[1])
                      for source, target in combinations(named, 2)]
    return pairs


def _cooccurring(mentions: Iterable[tuple[str, str, str, str]]) -> list[tuple]:
    """Distinct actor pairs per sentence, ``source_id < target_id``, by article, sentence, source, target:
    the :data:`_PAIR_FIELDS` of each."""
    rows = sorted({row for row in mentions if row[3] in ACTOR_TYPES})
    return [(source[0], source[1], source[2], target[2], source[3], target[3])
            for group in _sentence_groups(rows) for source, target in combinations(group, 2)]


def _sentence_groups(rows: list[tuple[str, str, str, str]]) -> list[list[tuple[str, str, str, str]]]:
    """Runs of sorted mention ``rows`` sharing one sentence, for runs of at least two rows."""
    groups = []
    previous: tuple[str, str] | None = None
    group: list[tuple[str, str, str, str]] = []
    for row in rows:
        key = row[:2]
        if key != previous:
            if len(group) > 1:
                groups.append(group)
            previous, group = key, []
        group.append(row)
    if len(group) > 1:
        groups.append(group)
    return groups


def _verb_relations(article: ParsedArticle, by_sentence: dict[str, list[Span]], rules: RelationRules,
                    actors: DiscoveryRules | None = None) -> list[tuple]:
    """Typed relations of every sentence that names at least two actors (``by_sentence``:
    :func:`_actor_spans`).

    A reference ("it", "the Australian miner") before a sentence's first actor stands for the first
    organisation of the latest sentence that names one: the subject of the story more often than
    the organisation named last."""
    if not by_sentence:
        return []
    text = article.text
    low = lowered(text)
    out: list[tuple] = []
    last_organisation: Span | None = None
    for sentence in SentenceLocator.of(article).sentences:
        named_here = by_sentence.get(sentence.sentence_id)
        if named_here is None:  # a reference alone relates nothing, and names no organisation for later
            continue
        spans = sorted(named_here)
        organisation = _first_organisation(spans)
        if last_organisation is not None:  # "The company said it may sign …": who "the company" is
            first = spans[0][0]
            if text.startswith("-", spans[0][1]):  # "the Toronto-listed company": the reference holds the place
                first = next((s[0] for s in spans if not _COMPOUND_AFTER.match(text, s[1])), sentence.end)
            reference = rules.references.search(low, sentence.start, first)
            if reference is not None:
                spans.insert(0, (reference.start(), reference.end(), *last_organisation[2:]))
        if organisation is not None:
            last_organisation = organisation
        if _one_actor(spans):
            continue
        # A verb stands after the first actor and before the last, whose object (or doer) it needs
        # after it; only a symmetric one also a few words after the last ("X and Y signed").
        found = _verbs(low, spans[0][1], spans[-1][0], rules.verbs)
        found += _verbs(low, spans[-1][1], min(sentence.end, spans[-1][1] + _OBJECT_GAP), rules.symmetric_verbs)
        if found:
            out += _sentence_relations(article.article_id, sentence, text, low, spans, found, rules, actors)
    return out


def _first_organisation(spans: list[Span]) -> Span | None:
    """The first organisation of ``spans``, or None."""
    for span in spans:
        if span[3] == "organisation":
            return span
    return None


def _one_actor(spans: list[Span]) -> bool:
    """True when every span of ``spans`` names one actor."""
    first = spans[0][2]
    for span in spans:
        if span[2] != first:
            return False
    return True


def _sentence_relations(article_id: str, sentence: Sentence, text: str, low: str, spans: list[Span],
                        found: list[Verb], rules: RelationRules, actors: DiscoveryRules | None) -> list[tuple]:
    """The typed relations of one sentence between its actors ``spans`` made by the verb phrases
    ``found`` in it (:func:`_verbs`; ``low`` is ``text`` lowercased)."""
    found = [verb for verb in found if not _inside_a_name(spans, verb[3], verb[4])]
    if not found:
        return []
    cuts = _clause_breaks(text, sentence.start, sentence.end)
    rows: list[tuple] = []
    seen: set[tuple[str, str, str]] = set()
    previous_end = sentence.start  # where the verb before ends: an inner clause starts after it
    for kind, passive, splits, vs, ve in found:
        # "is partly funded by": the doer follows; a headline drops "is" ("Halcyon Awarded $28.5 Million …")
        passive = passive or low.startswith(" by ", ve) or _headline_passive(low, sentence, spans, vs, ve)
        objects_end = sentence.end
        after_objects = None
        if splits:  # "added … to the Entity List": the objects stand before the tail
            split = _split_phrase(low, splits, ve, _clause_end(cuts, spans[-1][1], sentence.end))
            if split is None:
                continue
            kind, passive, after_objects = split
            objects_end = after_objects.start()
        left = _clause_start(cuts, sentence.start, vs)
        pairs = _pairs(text, left, objects_end, cuts, spans, vs, ve, passive, kind, max(previous_end, left),
                       rules, actors)
        previous_end = ve
        if not pairs:
            continue
        negated, hedged = _modality(text, max(left, vs - _WINDOW), vs, ve, rules)
        verb, shown = _shown_verb(text, vs, ve, after_objects)
        for subject, obj in pairs:
            key = (subject[2], obj[2], kind.kind)
            if key not in seen:
                seen.add(key)
                rows.append((article_id, sentence.sentence_id, subject[2], obj[2], subject[3], obj[3],
                             kind.kind, verb, negated, hedged, vs, shown))
    return _purposes_kept(text, rows, rules) if len(rows) > 1 else rows


def _inside_a_name(spans: list[Span], vs: int, ve: int) -> bool:
    """True for a verb at ``[vs, ve)`` that is a word of a name ("Development Finance Corporation");
    a verb phrase may hold a place ("its U.S. unit")."""
    for start, end, _, entity_type in spans:
        if start < ve and vs < end and not (entity_type == "place" and vs <= start and end <= ve):
            return True
    return False


def _modality(text: str, left: int, vs: int, ve: int, rules: RelationRules) -> tuple[bool, bool]:
    """Whether the verb at ``[vs, ve)`` is negated and whether it is hedged, by the words from ``left`` on."""
    negation = rules.negation.search(text, left, vs)
    hedge = rules.hedge.search(text, left, ve)
    # "denied that it planned to acquire": the plan is what is denied, not a hedge
    hedged = hedge is not None and not (negation is not None and hedge.start() > negation.start()
                                        and negation.group().lower() in rules.denials)
    return negation is not None, hedged


def _shown_verb(text: str, vs: int, ve: int, after_objects: re.Match[str] | None) -> tuple[str, int]:
    """The verb phrase at ``[vs, ve)`` as written, with the tail of a split phrase, and where it ends."""
    shown = vs + len(text[vs:ve].rstrip(" ,"))  # "its subsidiary," is shown without its comma
    if after_objects is None:
        return text[vs:shown], shown
    return f"{text[vs:shown]} {SPLIT} {text[after_objects.start():after_objects.end()]}", after_objects.end()


def _purposes_kept(text: str, rows: list[tuple], rules: RelationRules) -> list[tuple]:
    """One sentence's relations without a symmetric one whose purpose follows it as another kind
    between the same actors: "signed an agreement to buy oxide from Lynas" is a supply, not a
    partnership besides."""
    symmetric = {k.kind for k in rules.kinds if k.symmetric}
    purposes = [(frozenset(row[_PAIR]), row[_START]) for row in rows if row[_KIND] not in symmetric]
    if not purposes or len(purposes) == len(rows):
        return rows
    return [row for row in rows if row[_KIND] not in symmetric or not any(
        pair == frozenset(row[_PAIR]) and _PURPOSE.fullmatch(text, row[_END], start) for pair, start in purposes)]


_PURPOSE = re.compile(r"\s+to\s+")
_PAIR, _KIND, _START, _END = slice(2, 4), 6, 10, 11
"""Where a verb relation row (as :func:`_verb_relations` builds it) holds its two actors' ids, its
kind and its verb's offsets."""


def _headline_passive(low: str, sentence: Sentence, spans: list[Span], vs: int, ve: int) -> bool:
    """True for a past participle just after an actor in a title or heading: headlines leave out
    "is" and "was" ("Halcyon Awarded $28.5 Million Defense Contract": Halcyon was awarded it)."""
    if sentence.block not in _HEADLINE_BLOCKS or not _PARTICIPLE.match(low, vs, ve):
        return False
    return any(0 < vs - s[1] <= 1 and low[s[1]:vs].isspace() for s in spans)


_HEADLINE_BLOCKS = frozenset({"title", "heading"})
_PARTICIPLE = re.compile(r"[a-z]+ed\b")


def _split_phrase(low: str, splits: tuple[Split, ...], verb_end: int, clause_end: int
                  ) -> tuple[KindRule, bool, re.Match[str]] | None:
    """The first of the split phrases a head starts whose tail follows it in its clause: its kind,
    voice and the tail found; None when no tail is there ("added" alone restricts nobody)."""
    for kind, passive, tail in splits:
        found = tail.search(low, verb_end, clause_end)
        if found is not None:
            return kind, passive, found
    return None


def _verbs(low: str, start: int, end: int, verbs: VerbPattern) -> list[Verb]:
    """Verb phrases in ``low[start:end]`` (the lowercased text), in text order (one pass of every
    kind's phrases; a passive phrase is tried before an active one at the same place, the longer
    phrase of a kind first), each with the split phrases it is the head of (empty for a whole one)."""
    first = verbs.search(low, start, end)
    if first is None:  # as in most stretches: one search costs less than an iterator
        return []
    out = []
    for match in verbs.regex.finditer(low, first.start(), end):  # no match starts before the first
        assert match.lastgroup is not None  # every alternative is one named group
        kind, passive, splits = verbs.groups[match.lastgroup]
        out.append((kind, passive, splits, match.start(), match.end()))
    return out


def _pairs(text: str, left: int, objects_end: int, cuts: list[tuple[int, int]], spans: list[Span],
           vs: int, ve: int, passive: bool, kind: KindRule, inner_from: int, rules: RelationRules,
           actors: DiscoveryRules | None) -> list[tuple[Span, Span]]:
    """``(subject, object)`` pairs of a verb at ``[vs, ve)`` in the clause starting at ``left``: none
    when its clause lacks either, one per object when the objects are a list ("supplies Tesla, BYD
    and Toyota"), which ends at ``objects_end`` at the latest. ``cuts`` are the spans of the
    sentence's clause breaks. An inner clause after ``inner_from`` (:func:`_inner_clause`) holds the
    subject when it names any actor. A relative clause ("Kestrel, which is backed by Harrow Ridge")
    takes the actor just before it as its subject, and so does a verb after the relative clause
    ("TechMet, which is partly funded by the DFC, owns about 11% of Rainbow"). Actors that only
    qualify another are no party (:func:`_party`)."""
    right = _clause_end(cuts, ve, objects_end)
    before = [s for s in spans if left <= s[0] and s[1] <= vs and _party(text, s, left, spans, rules, actors)]
    inner = _inner_clause(text, inner_from, vs) if before else None  # found only where it may choose
    if inner is not None and any(s[0] >= inner for s in before):  # "X said that Y acquired Z": Y did
        before = [s for s in before if s[0] >= inner]
    after = [s for s in spans if ve <= s[0] and s[1] <= right and _party(text, s, ve, spans, rules, actors)]
    opening = _OPENING_PHRASE.match(text, left, vs)
    if opening is not None and any(s[0] >= opening.end() for s in before):  # "Under the Mission, the Ministry …"
        before = [s for s in before if s[0] >= opening.end()]
    # "The Commerce Department's Bureau of Industry and Security added …": the bureau did
    before = [s for s in before if not _owns_the_next(text, s, before)] or before
    relative = _RELATIVE.match(text, left) is not None
    if relative and (not before or _CLAUSE_COMMA.search(text, left, vs) is not None):
        antecedent = [s for s in spans if s[1] <= left and text[s[1]:left].strip(" ,\"”)") == ""]
        before = antecedent[-1:]
    if passive:
        if not before or not after:
            return []
        patient = _outside_apposition(text, before, actors)
        agent = next((s for s in after if s[2] != patient[2] and not _possessor(text, s, after)), None)
        if agent is None:
            return []
        return [(doer, patient) for doer in _listed(text, agent, after, patient, actors)]
    # "its subsidiary": the possessive stands for the organisation named last before it
    subject = _nearest(before) if text[vs:vs + 6].lower().startswith(_POSSESSIVES) else _subject(before)
    if subject is None:
        return []
    obj = _object(text, after, subject, ve)
    if obj is None and kind.symmetric:
        subject_end = _name_end(text, subject[1], actors)
        joined = next((s for s in before if s[0] > subject[1] and s[2] != subject[2]
                       and _joined(text, subject_end, s[0], actors)), None)
        return [(subject, joined)] if joined is not None else []
    if obj is None:
        return []
    objects = _listed(text, obj, after, subject, actors)
    subjects = [subject]
    for span in before[before.index(subject) + 1:]:  # "JOGMEC and trading house Sojitz Corp. invested …"
        if not _joined(text, _name_end(text, subjects[-1][1], actors), span[0], actors):
            break
        if span[3] in ("organisation", "person") and span[2] not in {o[2] for o in objects}:
            subjects.append(span)
    return [(s, o) for s in subjects for o in objects if s[2] != o[2]]


def _owns_the_next(text: str, span: Span, before: list[Span]) -> bool:
    """True for an actor in the possessive just before another: "The Commerce Department's" Bureau."""
    return text.startswith(_POSSESSIVE_S, span[1]) and any(s[0] == span[1] + 3 for s in before)


def _object(text: str, after: list[Span], subject: Span, ve: int) -> Span | None:
    """The first actor after a verb ending at ``ve`` that is its object: not the subject, no
    possessor, close to the verb."""
    for span in after:
        if span[2] != subject[2] and not _possessor(text, span, after) and _close(text, ve, span[0]):
            return span
    return None


def _listed(text: str, first: Span, after: list[Span], other: Span, actors: DiscoveryRules | None) -> list[Span]:
    """``first`` and the actors listed after it ("Tesla Inc., BYD Co. and Toyota", "backed by
    Sawtooth Ventures LLC and the Idaho Strategic Opportunity Fund"): each is a party, save
    ``other`` (the verb's other party) and a possessor. A place in brackets after an item says
    where it is ("Corvid Aerospace Technologies LLC (United States), Helion Magnetics Ltd. (United
    Kingdom)"), an acronym in brackets names the item again: neither is one more party, and the
    list goes on after it."""
    listed = [first]
    end = _name_end(text, first[1], actors)
    for span in after[after.index(first) + 1:]:
        if (span[3] == "place" or span[2] == listed[-1][2]) and text[end:span[0]].strip() == "(" \
                and text.startswith(")", span[1]):  # "(United States)", or an acronym: "(NALCO)"
            end = span[1] + 1
            continue
        if _LIST_JOIN.fullmatch(text, end, span[0]) is None:
            break
        end = _name_end(text, span[1], actors)
        next_word = _NEXT_WORD.match(text, span[1])
        if next_word is not None and next_word.group(1).lower() not in _AFTER_A_LIST:
            break  # "… Ngualla project and JL MAG expanding …": a new clause, not one more party
        if span[2] != other[2] and not _possessor(text, span, after):
            listed.append(span)
    return listed


def _joined(text: str, end: int, start: int, actors: DiscoveryRules | None) -> bool:
    """True when ``text[end:start]`` joins two doers: "and", a comma, perhaps a description ("and
    trading house") or a title, with its portfolio ("and Resources Minister")."""
    if _SUBJECT_JOIN.fullmatch(text, end, start) or _LIST_JOIN.fullmatch(text, end, start):
        return True
    conjunction = _CONJUNCTION.match(text, end, start)
    if conjunction is None or actors is None:
        return False
    title = actors.title_before.search(text[conjunction.end():start].lower())
    portfolio = text[conjunction.end():conjunction.end() + title.start()].split() if title is not None else []
    return title is not None and all(word[:1].isupper() for word in portfolio)


_CONJUNCTION = re.compile(r"\s*(?:,|and|&|,\s*and)\s+")
_POSSESSIVES = ("its ", "their ")
_POSSESSIVE_S = ("'s", "’s")
_SUBJECT_JOIN = re.compile(r"\s*(?:,|and|&|,\s*and)\s+(?:[a-z][\w-]*\s+){0,2}")  # "and trading house "


def _name_end(text: str, end: int, actors: DiscoveryRules | None) -> int:
    """Where a name ending at ``end`` ends with its company form ("Tesla" of "Tesla Inc.")."""
    suffix = actors.suffix_after.match(text, end) if actors is not None else None
    return suffix.end() if suffix is not None and suffix.group().strip(" ,") else end


def _nearest(before: list[Span]) -> Span | None:
    """The organisation or person named last before a verb, else None."""
    return next((span for span in reversed(before) if span[3] in ("organisation", "person")), None)


_LIST_JOIN = re.compile(r"\s*(?:,|and|&|or|,\s*and|,\s*or)\s*(?:the\s+)?")
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")
_AFTER_A_LIST = frozenset({"and", "or", "to", "for", "in", "on", "at", "with", "from", "of", "as", "by", "under",
                           "over", "into", "this", "last", "next", "since", "until", "after", "before"})
_RELATIVE = re.compile(r"(?:which|who)\s", re.IGNORECASE)


def _close(text: str, verb_end: int, start: int) -> bool:
    """True when an object at ``start`` belongs to the verb ending at ``verb_end``: near, no comma
    between (but for one inside a number: "will supply 1,200 tonnes a year to")."""
    return start - verb_end <= _OBJECT_GAP and _CLAUSE_COMMA.search(text, verb_end, start) is None


_CLAUSE_COMMA = re.compile(r",(?!\d)")


def _party(text: str, span: Span, floor: int, spans: list[Span], rules: RelationRules,
           actors: DiscoveryRules | None) -> bool:
    """False for an actor that only says where, whose or which:

    - a place after "in", "at", "near", "outside"… ("a plant in Arizona", "sourced from outside
      China"; the preposition must lie after ``floor``, so that "invests in Australia" keeps its
      object), a place in a compound ("the Toronto-listed company", "Perth-based Goldfields"), a
      place owning the next capitalised name ("Saudi Arabia's Ma'aden", known or not), someone's
      place ("its Eneabba refinery") and a place qualifying a noun ("the Kalgoorlie plant", "the US
      subsidiary": ``rules.qualifier_nouns`` and ``actors.facility_words``);
    - an organisation or place before a title and a person ("met Lynas chief executive Amanda
      Lacaze": the person is the party; titles from ``actors.title_before``).
    """
    if span[3] == "person":
        return True
    if actors is not None and _titles_a_person(text, span, spans, actors):
        return False
    if span[3] != "place":
        return True
    if _COMPOUND_AFTER.match(text, span[1]) or _NAME_AFTER_POSSESSIVE.match(text, span[1]):
        return False
    word = _NEXT_WORD.match(text, span[1])
    if word is not None and (word.group(1) in rules.qualifier_nouns
                             or actors is not None and word.group(1) in actors.facility_words):
        return False
    return _SETTING_BEFORE.search(text, max(floor, span[0] - 24), span[0]) is None


def _titles_a_person(text: str, span: Span, spans: list[Span], actors: DiscoveryRules) -> bool:
    """True when only a title stands between ``span`` and a person: "Lynas chief executive Amanda Lacaze"."""
    for person in spans:  # the first actor after it
        if person[0] >= span[1]:
            break
    else:
        return False
    if person[3] != "person" or person[0] - span[1] > _TITLE_GAP:
        return False
    gap = text[span[1]:person[0]]
    title = actors.title_before.search(gap.lower())
    return title is not None and not gap[:title.start()].strip()


_TITLE_GAP = 40
"""Most characters of a title between an organisation and a person's name."""


_SETTING_BEFORE = re.compile(r"(?<![\w-])(?:(?i:in|at|near|outside|inside|across|throughout|within|around|off)\s+"
                             r"(?i:the\s+)?(?:[A-Z][\w-]*\s+|(?i:north|south|east|west)(?:ern)?\s+|(?i:central)\s+){0,2}"
                             r"|(?i:its|their|his|her|our)\s+)$")  # "in South Australia", "in northern China"
_COMPOUND_AFTER = re.compile(r"-[^\W\d_]")
_NAME_AFTER_POSSESSIVE = re.compile(r"['’]s\s+[A-Z]")


def _inner_clause(text: str, start: int, end: int) -> int | None:
    """Where the last inner clause in ``text[start:end]`` begins, or None: after "said that",
    "announced that" ("Halcyon announced that the Department of Defense has awarded …"), a
    reporting verb before a name ("The ministry said Daejin would supply …") or a comma
    and a conjunction ("…, and Lynas may sell …"). Its actors, if it names any, are the ones the verb
    after it may take its subject from."""
    last = None
    for last in _INNER_CLAUSE.finditer(text, start, end):
        pass
    return last.end() if last is not None else None


_REPORTING_VERBS = ("say", "said", "says", "announce", "announced", "announces", "report", "reported", "reports",
                    "state", "stated", "states", "note", "noted", "notes", "confirm", "confirmed", "confirms",
                    "disclose", "disclosed", "discloses", "added", "adds")
_INNER_CLAUSE = re.compile(r",\s+(?:and|but)\s+|(?<![\w-])" + _prefix_tree([(verb, "") for verb in _REPORTING_VERBS])
                           + r"(?:(?:\s+[\w,]+){0,3}?\s+that\s|\s+(?=(?-i:[A-Z])))", re.IGNORECASE)


def _possessor(text: str, span: Span, spans: list[Span]) -> bool:
    """True for an actor that only qualifies the next one: "Tanzania's" in "Tanzania's Ngualla
    project", "US" in "US International Development Finance Corporation" (a place just before a name)."""
    if span[3] == "place" and text.startswith(" ", span[1]) and any(s[0] == span[1] + 1 for s in spans):
        return True
    if not text.startswith(_POSSESSIVE_S, span[1]):
        return False
    return any(0 < s[0] - span[1] <= 40 for s in spans)


def _outside_apposition(text: str, before: list[Span], actors: DiscoveryRules | None) -> Span:
    """The last actor before a verb, unless it sits in an apposition of the one before it: "LS Eco
    Energy Ltd., the Vietnam-based unit of LS Cable, has been buying …" is said of LS Eco Energy."""
    last = before[-1]
    if len(before) > 1:
        previous = before[-2]
        if _APPOSITION_OPENING.fullmatch(text, _name_end(text, previous[1], actors), last[0]) \
                and text[last[1]:last[1] + 1] == ",":
            return previous
    return last


_OPENING_PHRASE = re.compile(
    r"(?:Under|After|With|In|For|Through|Following|Besides|Unlike|Like|As part of|According to|Along with|"
    r"Together with|Separately|Meanwhile|Earlier|Later|On|At|By)\b[^,;]{0,80},\s+")
"""A phrase that opens a clause before its subject: "Under the Mission, ", "According to SMM, "."""
_APPOSITION_OPENING = re.compile(r",\s+(?:the|a|an)\s+[^,;()]*")


def _subject(before: list[Span]) -> Span | None:
    """The doer among the actors before a verb: the first organisation or person, else the first place."""
    for span in before:
        if span[3] in ("organisation", "person"):
            return span
    return before[0] if before else None


def _clause_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the clause breaks (:data:`_CLAUSE_END`) in ``text[start:end]``, as one pass of
    that regex finds them, but tried only where the character of a break stands: at a few places
    of a sentence rather than at every one."""
    breaks: list[tuple[int, int]] = []
    for mark in _CLAUSE_MARK.finditer(text, start, end):
        at = mark.start() - 1 if mark.group() in "—–-" else mark.start()
        if at < (breaks[-1][1] if breaks else start):
            continue  # within the break before, or before the sentence: the pass does not try there
        found = _CLAUSE_END.match(text, at, end)
        if found is not None:
            breaks.append(found.span())
    return breaks


def _clause_start(cuts: list[tuple[int, int]], sentence_start: int, position: int) -> int:
    """Where the clause holding ``position`` starts: after the last break before it."""
    return max((end for _, end in cuts if end <= position), default=sentence_start)


def _clause_end(cuts: list[tuple[int, int]], position: int, sentence_end: int) -> int:
    """Where the clause holding ``position`` ends: at the first break after it, at ``sentence_end`` at most."""
    return min(next((start for start, _ in cuts if start >= position), sentence_end), sentence_end)
