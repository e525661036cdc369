"""Figures: numbers with a unit, currency or scale, each tied to the sentence that states it.

``extract_figures(article, rules)`` returns the columns of schema table ``figures``; ``rules`` come
from ``load_figure_rules()`` (``data/rules/units.yaml``), compiled once into a few regexes. The
modules: ``rules`` (reading and compiling the rules), ``match`` (finding figures and their values),
``measure`` (what a figure measures), ``claimant`` (who claims it) and ``phrases`` (the noun-phrase
reading both share).

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
    currency amount has unit "currency" ("currency/kilograms" for a price such as "$50/kg"). A bare
    "$", "dollars" or "¥" takes its currency from the article's context when a cue of
    ``currency_context`` is found in its source or text (the first one found decides: "(ASX:LYC)"
    -> AUD, currency_source "context: ASX ticker"), else USD / CNY (currency_source "default"); a
    currency the text names ("US$", "A$", "yuan") has currency_source "text". Scale letters ("m", "k", "B") count only after a
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
    leftwards by matching reversed text. Columns are gathered from one row tuple per figure.
"""

from .match import extract_figures
from .rules import FigureRules, load_figure_rules

__all__ = ["FigureRules", "extract_figures", "load_figure_rules"]
