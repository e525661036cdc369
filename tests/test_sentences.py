"""Sentence segmentation: abbreviations, decimals, quotes and bullets."""

from __future__ import annotations

import pytest

from reex_research.read.parse import load_parse_rules
from reex_research.read.sentences import split_spans

RULES = load_parse_rules().sentences


def _split(text: str) -> list[str]:
    return [text[s:e] for s, e in split_spans(text, 0, len(text), RULES)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. and its allies met. Prices rose.", ["The U.S. and its allies met.", "Prices rose."]),
        ("Exports to the U.S. The ministry agreed.", ["Exports to the U.S.", "The ministry agreed."]),
        ("Output rose 3.5% in Jan. 2025 and fell later. Next.", ["Output rose 3.5% in Jan. 2025 and fell later.", "Next."]),
        ('He said "It is done." Then he left.', ['He said "It is done."', "Then he left."]),
        ("Lynas Inc. reported a profit. J. Smith agreed!", ["Lynas Inc. reported a profit.", "J. Smith agreed!"]),
        ("What now? Nobody knows… Yes.", ["What now?", "Nobody knows…", "Yes."]),
        ("See No. 5 on p. 12 for e.g. details.", ["See No. 5 on p. 12 for e.g. details."]),
        ("Prices: $1.2 billion. Volumes: 2,000 t.", ["Prices: $1.2 billion.", "Volumes: 2,000 t."]),
        ("  • first point. Second point.  ", ["• first point.", "Second point."]),
        ("no capital after. so no split", ["no capital after. so no split"]),
        ("Lynas Malaysia Sdn. Bhd. runs Kuantan. Arafura Rare Earths Pty. Ltd. agreed.",
         ["Lynas Malaysia Sdn. Bhd. runs Kuantan.", "Arafura Rare Earths Pty. Ltd. agreed."]),
    ],
)
def test_sentences(text, expected):
    assert _split(text) == expected


def test_offsets_are_exact_inside_a_span():
    text = "XXX The U.S. met. It agreed. YYY"
    spans = split_spans(text, 4, 28, RULES)
    assert [text[s:e] for s, e in spans] == ["The U.S. met.", "It agreed."]
