"""Parsing plain text into blocks: hard-wrapped paragraphs, tables and their boundaries."""

from __future__ import annotations

import json

import reex_research as rr

WIRE_COPY_WITH_TABLE = """Rare earth output rises at Baotou plants

BEIJING, March 3, 2025 -- China Northern Rare Earth said on Monday that it
will raise its separation capacity at the Baotou complex this year, adding
that demand from magnet makers in Ningbo and Ganzhou remained strong while
export licences for dysprosium and terbium were still slow to arrive.

| Product | 2024 output (t) |
|---|---|
| NdPr oxide (praseodymium-neodymium oxide) | 12,000 |
The company expects to lift NdPr oxide output to 15,000 tonnes by the end
of 2026, according to a filing with the Shanghai Stock Exchange, while its
parent Baogang Group keeps control of the Bayan Obo mine in Inner Mongolia.
"""


def test_a_wrapped_paragraph_right_after_a_table_is_not_glued_onto_its_last_row(tmp_path):
    (tmp_path / "wire.txt").write_text(WIRE_COPY_WITH_TABLE, encoding="utf-8")
    corpus = rr.load_corpus(tmp_path, workers=1, as_of="2026-11-27")
    table = corpus.tables.iloc[0]
    assert json.loads(table["cells"])["data"] == [["NdPr oxide (praseodymium-neodymium oxide)", "12,000"]]
    paragraphs = corpus.paragraphs.set_index("kind")
    after = ("The company expects to lift NdPr oxide output to 15,000 tonnes by the end of 2026, according "
             "to a filing with the Shanghai Stock Exchange, while its parent Baogang Group keeps control of "
             "the Bayan Obo mine in Inner Mongolia.")
    assert paragraphs.loc["table", "text"].endswith("| 12,000 |")
    assert after in corpus.paragraphs.loc[corpus.paragraphs["kind"] == "paragraph", "text"].tolist()
    assert after in corpus.sentences["text"].tolist()
