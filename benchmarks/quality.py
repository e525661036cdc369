"""Precision, recall and F1 of typed actors, verb relations, dated events and figures.

Scored against ``tests/fixtures/labelled/``: realistic articles of other sites (wire stories,
company releases, trade press, government notices, commentary) with every actor, relation, date and
figure labelled by hand in ``expectations.yaml`` (schema in that folder's README). Each task is
scored against trivial baselines:

- ``nothing``: predicts nothing (precision undefined, recall 0);
- ``knowledge base only`` (actors and relations): only the names of ``data/kb``, and for relations
  every pair of actors named in one sentence, given the most common kind (``supplies``);
- ``reex-research``: the full pipeline.

Matching rules:

- **typed actor**: a predicted actor (an entity with an actor type named in the article) is right
  when one of its surfaces is a form of a labelled actor of the same type; a labelled actor is found
  when some right prediction matches it. Forms are compared case-insensitively, without a leading
  "the" and without company forms or a place word at the end ("Tesla Inc." is "Tesla", "Jiangxi
  province" is "Jiangxi").
- **relation**: subject, object and kind equal (either order for ``partners_with`` and ``meets``);
  ``kind right`` is the share of labelled relations whose two actors are related by the pipeline in
  that sentence's article with the right kind, among those related at all.
- **event**: same surface (case-insensitive) and the same interval.
- **figure**: same value (within 0.5%) and overlapping surfaces; ``currency right`` among matched
  currency figures.

    python benchmarks/quality.py     # writes benchmarks/results/quality.md and quality.csv
"""

from __future__ import annotations

import csv
import re
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "fixtures" / "labelled"
RESULTS = ROOT / "benchmarks" / "results"
SYMMETRIC = {"partners_with", "meets"}
_FORM_TAILS = re.compile(r"(?:[\s,]+(?:co|ltd|limited|inc|corp|llc|lp|plc|gmbh|ag|kg|sa|s\.a|de c\.v|pty|pte|sdn bhd|bhd|"
                         r"\(pty\)|\(hk\)|&|province|prefecture|county|state|d\.c)\.?)+$")
ACTOR_TYPES = ("person", "organisation", "place")


@dataclass
class Score:
    """Counts of one task for one system: true positives, predictions and labels."""

    hits: int = 0  # predictions that are right
    predicted: int = 0
    found: int = 0  # labels that were found
    labelled: int = 0
    notes: dict[str, float] = field(default_factory=dict)

    @property
    def precision(self) -> float | None:
        return self.hits / self.predicted if self.predicted else None

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 0.0

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None else None)


def load(expectations: list[dict]) -> object:
    """The labelled articles loaded by the pipeline (from a copy holding only the articles)."""
    import reex_research as rr

    folder = Path(tempfile.mkdtemp(prefix="reex-quality-"))
    for entry in expectations:
        shutil.copy(LABELLED / entry["file"], folder / entry["file"])
    try:
        return rr.load_corpus(folder, as_of=dt.date(2026, 1, 1))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def normal(form: object) -> str:
    """A name as compared: case-folded, without "the", company forms ("Co., Ltd.") or a place word at its end."""
    text = " ".join(str(form).casefold().replace("’", "'").split()).strip(" .,")
    text = re.sub(r"^the ", "", text)
    return _FORM_TAILS.sub("", text).strip(" .,") or text


def score_actors(expectations: list[dict], corpus, *, kb_only: bool) -> Score:
    """Typed-actor precision and recall over every article."""
    score = Score()
    mentions = corpus.mentions
    if kb_only:
        mentions = mentions[mentions["origin"] == "kb"]
    by_file = dict(zip(corpus.articles["file"], corpus.articles["article_id"]))
    for entry in expectations:
        labels = [(a["name"], a["type"], {normal(f) for f in a["forms"]}) for a in entry["actors"]]
        rows = mentions[(mentions["article_id"] == by_file.get(entry["file"]))
                        & mentions["entity_type"].isin(ACTOR_TYPES)]
        found: set[str] = set()
        for entity_id, group in rows.groupby("entity_id"):
            entity_type = group["entity_type"].iloc[0]
            surfaces = {normal(s) for s in group["surface"]}
            matched = [name for name, kind, forms in labels if kind == entity_type and surfaces & forms]
            score.predicted += 1
            if matched:
                score.hits += 1
                found.update(matched)
        score.found += len(found)
        score.labelled += len(labels)
    return score


def _actor_of(entry: dict, corpus, article_id: str, entity_id: str) -> str | None:
    """The labelled actor an entity of an article stands for, by its surfaces in that article."""
    mentions = corpus.mentions
    surfaces = {normal(s) for s in mentions.loc[(mentions["article_id"] == article_id)
                                                & (mentions["entity_id"] == entity_id), "surface"]}
    for actor in entry["actors"]:
        if surfaces & {normal(f) for f in actor["forms"]}:
            return actor["name"]
    return None


def score_relations(expectations: list[dict], corpus, *, system: str) -> Score:
    """Verb-relation precision and recall; ``kind right`` among labelled pairs the system relates."""
    score = Score()
    relations = corpus.relations
    by_file = dict(zip(corpus.articles["file"], corpus.articles["article_id"]))
    pair_seen = kind_right = 0
    negation_right = negation_seen = 0
    for entry in expectations:
        article_id = by_file.get(entry["file"])
        rows = relations[relations["article_id"] == article_id]
        if system == "kb":
            kb_ids = set(corpus.mentions.loc[(corpus.mentions["article_id"] == article_id)
                                             & (corpus.mentions["origin"] == "kb"), "entity_id"])
            rows = rows[(rows["kind"] == "cooccurs") & rows["source_id"].isin(kb_ids) & rows["target_id"].isin(kb_ids)]
            rows = rows.assign(kind="supplies", negated=False, hedged=False)
        else:
            rows = rows[rows["kind"] != "cooccurs"]
        predicted = set()
        flags: dict[tuple[str, str, str], tuple[bool, bool]] = {}
        for row in rows.itertuples(index=False):
            subject = _actor_of(entry, corpus, article_id, row.source_id)
            obj = _actor_of(entry, corpus, article_id, row.target_id)
            key = (subject or f"?{row.source_id}", obj or f"?{row.target_id}", row.kind)
            predicted.add(key)
            flags.setdefault(key, (bool(row.negated), bool(row.hedged)))
        labels = {(r["subject"], r["object"], r["kind"]): r for r in entry["relations"]}
        matched_labels = set()
        for key in predicted:
            score.predicted += 1
            hit = _matching(key, labels)
            if hit is not None:
                score.hits += 1
                matched_labels.add(hit)
                negation_seen += 1
                label = labels[hit]
                negation_right += flags[key] == (bool(label.get("negated")), bool(label.get("hedged")))
        score.found += len(matched_labels)
        score.labelled += len(labels)
        pairs = {frozenset(k[:2]): k[2] for k in predicted}
        for subject, obj, kind in labels:
            related = [k for k in predicted if {k[0], k[1]} == {subject, obj}]
            if related:
                pair_seen += 1
                kind_right += any(k[2] == kind for k in related)
        del pairs
    score.notes["kind right"] = kind_right / pair_seen if pair_seen else 0.0
    score.notes["pairs related"] = pair_seen
    score.notes["negated and hedged right"] = negation_right / negation_seen if negation_seen else 0.0
    return score


def _matching(key: tuple[str, str, str], labels: dict) -> tuple[str, str, str] | None:
    subject, obj, kind = key
    if key in labels:
        return key
    if kind in SYMMETRIC and (obj, subject, kind) in labels:
        return obj, subject, kind
    return None


def score_events(expectations: list[dict], corpus) -> Score:
    """Dated events: same surface and same interval."""
    score = Score()
    by_file = dict(zip(corpus.articles["file"], corpus.articles["article_id"]))
    events = corpus.events
    for entry in expectations:
        rows = events[events["article_id"] == by_file.get(entry["file"])]
        predicted = Counter((str(s).casefold().strip(), _day(a), _day(b))
                            for s, a, b in zip(rows["surface"], rows["date_start"], rows["date_end"]))
        labels = Counter((str(e["surface"]).casefold().strip(), e["start"], e["end"]) for e in entry["events"])
        score.predicted += len(set(predicted))
        score.labelled += len(labels)
        common = set(predicted) & set(labels)
        score.hits += len(common)
        score.found += len(common)
    return score


def _day(value: object) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def score_figures(expectations: list[dict], corpus) -> Score:
    """Figures: same value and overlapping surfaces; currencies checked among matched money figures."""
    score = Score()
    by_file = dict(zip(corpus.articles["file"], corpus.articles["article_id"]))
    figures = corpus.figures
    currency_seen = currency_right = 0
    for entry in expectations:
        rows = figures[figures["article_id"] == by_file.get(entry["file"])]
        labels = list(entry["figures"])
        found: set[int] = set()
        for row in rows.itertuples(index=False):
            score.predicted += 1
            for index, label in enumerate(labels):
                if _same_figure(row, label):
                    score.hits += 1
                    found.add(index)
                    if label.get("currency"):
                        currency_seen += 1
                        currency_right += (row.currency or "") == label["currency"]
                    break
        score.found += len(found)
        score.labelled += len(labels)
    score.notes["currency right"] = currency_right / currency_seen if currency_seen else 0.0
    return score


def _same_figure(row, label: dict) -> bool:
    value = float(label["value"])
    if abs(float(row.value) - value) > 0.005 * max(abs(value), 1e-9):
        return False
    surface, expected = str(row.surface).casefold(), str(label["surface"]).casefold()
    return surface in expected or expected in surface


def evaluate() -> list[dict]:
    """Score every task and system; one result row each."""
    expectations = yaml.safe_load((LABELLED / "expectations.yaml").read_text(encoding="utf-8"))
    started = time.perf_counter()
    corpus = load(expectations)
    seconds = time.perf_counter() - started
    nothing = lambda labelled: Score(labelled=labelled)  # noqa: E731
    total = {task: sum(len(e[task]) for e in expectations) for task in ("actors", "events", "figures")}
    total["relations"] = sum(len({(r["subject"], r["object"], r["kind"]) for r in e["relations"]}) for e in expectations)
    rows = []
    for task, system, score in [
        ("typed actors", "nothing", nothing(total["actors"])),
        ("typed actors", "knowledge base only", score_actors(expectations, corpus, kb_only=True)),
        ("typed actors", "reex-research", score_actors(expectations, corpus, kb_only=False)),
        ("relations", "nothing", nothing(total["relations"])),
        ("relations", "co-occurrence, knowledge base only", score_relations(expectations, corpus, system="kb")),
        ("relations", "reex-research", score_relations(expectations, corpus, system="full")),
        ("events", "nothing", nothing(total["events"])),
        ("events", "reex-research", score_events(expectations, corpus)),
        ("figures", "nothing", nothing(total["figures"])),
        ("figures", "reex-research", score_figures(expectations, corpus)),
        *_held_out_rows(expectations, corpus),
    ]:
        rows.append({"task": task, "system": system, "precision": score.precision, "recall": score.recall,
                     "f1": score.f1, "predicted": score.predicted, "right": score.hits, "labelled": score.labelled,
                     **{k: v for k, v in score.notes.items()}})
    rows.append({"task": "load", "system": "reex-research", "seconds": round(seconds, 2),
                 "articles": len(expectations)})
    return rows


def _held_out_rows(expectations: list[dict], corpus) -> list[tuple[str, str, Score]]:
    """The pipeline's scores on the articles marked ``held_out``: written and labelled after the
    rules were last tuned on the others, so they show how the rules carry over to new text."""
    held = [e for e in expectations if e.get("held_out")]
    if not held:
        return []
    system = f"reex-research, {len(held)} held-out articles"
    return [("typed actors", system, score_actors(held, corpus, kb_only=False)),
            ("relations", system, score_relations(held, corpus, system="full")),
            ("events", system, score_events(held, corpus)),
            ("figures", system, score_figures(held, corpus))]


def _fmt(value: object) -> str:
    return "—" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def write(rows: list[dict]) -> Path:
    """``results/quality.csv`` and ``results/quality.md``; return the Markdown file."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    keys = sorted({k for row in rows for k in row}, key=lambda k: (k not in ("task", "system"), k))
    with open(RESULTS / "quality.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
    scored = [r for r in rows if r["task"] != "load"]
    labelled = yaml.safe_load((LABELLED / "expectations.yaml").read_text(encoding="utf-8"))
    lines = ["# Extraction quality", "",
             f"{len(labelled)} hand-labelled articles of other sites (`tests/fixtures/labelled/`), "
             f"scored by `python benchmarks/quality.py`; matching rules in its docstring.", "",
             "| task | system | precision | recall | F1 | right / predicted | found of labelled | notes |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in scored:
        notes = ", ".join(f"{k} {_fmt(r[k])}" for k in ("kind right", "negated and hedged right", "currency right",
                                                        "pairs related") if r.get(k) is not None)
        found = round(r["recall"] * r["labelled"]) if r["labelled"] else 0
        lines.append(f"| {r['task']} | {r['system']} | {_fmt(r['precision'])} | {_fmt(r['recall'])} | "
                     f"{_fmt(r['f1'])} | {r['right']} / {r['predicted']} | {found} / {r['labelled']} | {notes} |")
    load_row = next(r for r in rows if r["task"] == "load")
    lines += ["", f"Loading the {load_row['articles']} articles took {load_row['seconds']} s."]
    path = RESULTS / "quality.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> int:
    """Score the pipeline and print the Markdown table."""
    path = write(evaluate())
    print(path.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
