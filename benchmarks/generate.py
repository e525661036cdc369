"""Write a synthetic corpus of N seed-like articles for benchmarks and scale tests.

Every article is one of the five bundled articles (``data/corpus``), varied:

* its body paragraphs shuffled (headings, highlights, tables and the page trailer stay put);
* one to four added sentences with new dates, figures and actors, the actors drawn from the
  knowledge base (:func:`reex_research.kb.load_kb`) or invented capitalised company names the
  knowledge base does not know;
* one sentence that only this article holds (it names shipment ``RX-<seed>-<index>``), so the
  loader never drops an article as a duplicate;
* about 30% of articles get Windows-874 mojibake, as the samples have it: the text is encoded as
  UTF-8 and decoded as cp874, bytes cp874 leaves undefined decoded as Windows-1252, bytes
  undefined in both dropped (``’`` → ``โ€™``, ``”`` → ``โ€``), and the result saved as UTF-8;
* formats: about 35% ``.txt``, 20% ``.md``, 15% ``.html`` pages (``<nav>``, ``<article>``, ``<h2>``,
  ``<p>``, ``<footer>``) and 30% JSON Lines records, eight articles per ``.jsonl`` file.

Files go in subfolders of at most ``FILES_PER_FOLDER`` files (``part-000/``, ``part-001/`` …). A
hidden ``.manifest.json`` (skipped by the loader) records what was written. The output depends only
on ``n`` and ``seed``; an article's content depends only on ``seed`` and its index.

Command line::

    python benchmarks/generate.py OUT_FOLDER -n 500 [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import html
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from reex_research import paths
from reex_research.read.decode import decode_bytes
from reex_research.kb import load_kb
from reex_research.read.textfix import repair_text

FILES_PER_FOLDER = 1000
JSONL_PER_FILE = 8
MOJIBAKE_SHARE = 0.3
FORMAT_SHARES = (("txt", 0.35), ("md", 0.20), ("html", 0.15), ("jsonl", 0.30))
MANIFEST = ".manifest.json"

# A line that starts a seed's trailer: body paragraphs are only shuffled above it.
_FOOTER = re.compile(r"^(©|\(c\)|\d+ comments?$|disclaimer\b|search$|source:|this news item|spread the word"
                     r"|recent .*news$)", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]\s+)")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
_BODY_MIN_CHARS = 160
_DATELINE = re.compile(r"^[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}$")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_PREFIXES = ("Kor", "Vel", "Tam", "Ard", "Bry", "Zen", "Mar", "Quor", "Sil", "Tor", "Lum", "Cald", "Hal",
             "Nor", "Ost", "Vyr", "Eld", "Pran", "Rho", "Tes")
_SUFFIXES = ("ax", "ion", "eth", "ora", "ium", "ex", "ant", "ova", "ris", "ane", "ic", "enza")
_KINDS = ("Minerals", "Magnetics", "Rare Metals", "Resources", "Materials", "Separation Technologies",
          "Mining Corp", "Metals Ltd", "Critical Elements", "Advanced Alloys")
_UNITS = ("tonnes", "tons", "metric tons")
_PERIODS = ("Q1 {y}", "Q2 {y}", "Q3 {y}", "Q4 {y}", "mid-{y}", "early {y}", "late {y}",
            "the first half of {y}", "the second half of {y}", "{y}")
_TEMPLATES = (
    "On {date}, {actor} said it would lift {material} output by {pct}% to {qty} {unit} a year.",
    "{actor} agreed on {date} to supply {qty} {unit} of {material} to {actor2}, a deal valued at "
    "US${money} million.",
    "According to {actor}, {material} prices rose {pct}% in {period}, reaching ${price} per kilogram.",
    "{actor} expects its new separation plant in {place} to start production in {period}, with "
    "capacity of {qty} {unit}.",
    "In {period}, {actor} and {actor2} signed a memorandum covering {qty} {unit} of {material} concentrate.",
    "{actor}’s chief executive told reporters on {date} that the company had secured US${money} million "
    "in financing.",
    "Analysts at {actor} estimate that {place} could supply {pct}% of global {material} demand by {year}.",
    "{actor} said on {date} that exports from {place} fell {pct}% — the sharpest drop since {year}.",
)
_UNIQUE = ("{actor} confirmed on {date} that shipment RX-{seed}-{index:07d} carried {qty} {unit} of "
           "{material} from {place}.")
_NAV = ("Home", "News", "Markets", "Rare Earths", "Critical Minerals", "About", "Contact")


@dataclass(frozen=True)
class Seed:
    """One bundled article, repaired, as lines with a kind each."""

    name: str
    lines: tuple[str, ...]
    kinds: tuple[str, ...]  # title, heading, bullet, table, body, other, footer


@dataclass(frozen=True)
class Vocabulary:
    """Names the added sentences draw on: knowledge-base actors, places and materials."""

    actors: tuple[str, ...]
    places: tuple[str, ...]
    materials: tuple[str, ...]


@dataclass(frozen=True)
class GeneratedArticle:
    """One synthetic article: its text (already mojibaked if ``mojibake``) and metadata."""

    index: int
    seed_name: str
    lines: tuple[str, ...]
    kinds: tuple[str, ...]
    mojibake: bool
    title: str
    date: str
    unique_sentence: str


def generate_corpus(out: Path, n: int, seed: int = 0) -> Path:
    """Write ``n`` synthetic articles under ``out`` (which must be empty or absent); return ``out``."""
    out = Path(out)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; pass a new folder (the generator never overwrites)")
    out.mkdir(parents=True, exist_ok=True)
    formats = _format_plan(n, seed)
    counts = {"txt": 0, "md": 0, "html": 0, "jsonl": 0}
    files = 0
    mojibake = 0
    total_bytes = 0
    pending: list[GeneratedArticle] = []

    def write(name: str, data: bytes) -> None:
        nonlocal files, total_bytes
        folder = out / f"part-{files // FILES_PER_FOLDER:03d}"
        folder.mkdir(exist_ok=True)
        (folder / name).write_bytes(data)
        files += 1
        total_bytes += len(data)

    def flush() -> None:
        if pending:
            write(f"batch_{pending[0].index:07d}.jsonl", render_jsonl(pending))
            pending.clear()

    for index, fmt in enumerate(formats):
        article = make_article(index, seed)
        counts[fmt] += 1
        mojibake += article.mojibake
        if fmt == "jsonl":
            pending.append(article)
            if len(pending) == JSONL_PER_FILE:
                flush()
        else:
            write(f"{index:07d}_{article.seed_name}.{fmt}", render(article, fmt))
    flush()
    manifest = {"n": n, "seed": seed, "files": files, "bytes": total_bytes, "articles_by_format": counts,
                "mojibake_articles": mojibake, "files_per_folder": FILES_PER_FOLDER,
                "jsonl_per_file": JSONL_PER_FILE}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return out


def add_article(out: Path, index: int, seed: int = 0, *, fmt: str = "txt") -> Path:
    """Write one more article (number ``index``) into ``out/extra/``; return the file written."""
    article = make_article(index, seed)
    folder = Path(out) / "extra"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{index:07d}_{article.seed_name}.{fmt}"
    data = render_jsonl([article]) if fmt == "jsonl" else render(article, fmt)
    path.write_bytes(data)
    return path


def read_manifest(out: Path) -> dict:
    """The manifest a :func:`generate_corpus` run wrote into ``out``."""
    return json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- one article


def make_article(index: int, seed: int = 0) -> GeneratedArticle:
    """Article number ``index`` of the corpus with ``seed`` (depends on nothing else)."""
    rng = random.Random(f"reex-bench:{seed}:{index}")
    seeds = load_seeds()
    vocab = vocabulary()
    base = seeds[rng.randrange(len(seeds))]
    lines = list(base.lines)
    kinds = list(base.kinds)
    body = [i for i, k in enumerate(kinds) if k == "body"]
    if len(body) > 1 and rng.random() < 0.8:
        moved = [lines[i] for i in body]
        rng.shuffle(moved)
        for i, line in zip(body, moved):
            lines[i] = line
    for _ in range(rng.randint(1, 4)):
        sentence = _sentence(rng.choice(_TEMPLATES), rng, vocab, seed, index)
        _insert(lines, kinds, body, sentence, rng)
    unique = _sentence(_UNIQUE, rng, vocab, seed, index)
    _insert(lines, kinds, body, unique, rng, new_paragraph=False)
    title = next((line for line, kind in zip(lines, kinds) if kind == "title"), "") or _fallback_title(lines, kinds)
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
    mojibake = rng.random() < MOJIBAKE_SHARE
    if mojibake:  # the whole document was mis-decoded, title included
        lines = [to_mojibake(line) for line in lines]
        title = to_mojibake(title)
    return GeneratedArticle(index, base.name, tuple(lines), tuple(kinds), mojibake, title, day.isoformat(), unique)


def _insert(lines: list[str], kinds: list[str], body: list[int], sentence: str, rng: random.Random,
            *, new_paragraph: bool | None = None) -> None:
    """Append ``sentence`` to a body paragraph, or add it as a new one after a body paragraph."""
    at = rng.choice(body)
    if new_paragraph is None:
        new_paragraph = rng.random() < 0.3
    if new_paragraph:
        lines.insert(at + 1, sentence)
        kinds.insert(at + 1, "body")
        body[:] = [i + 1 if i > at else i for i in body] + [at + 1]
        body.sort()
    else:
        lines[at] = f"{lines[at]} {sentence}"


def _sentence(template: str, rng: random.Random, vocab: Vocabulary, seed: int, index: int) -> str:
    year = rng.randint(2024, 2028)
    day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    date = (f"{_MONTHS[day.month - 1]} {day.day}, {day.year}" if rng.random() < 0.6
            else f"{day.day} {_MONTHS[day.month - 1]} {day.year}")
    actor = _actor(rng, vocab)
    actor2 = _actor(rng, vocab)
    while actor2 == actor:
        actor2 = _actor(rng, vocab)
    return template.format(
        actor=actor, actor2=actor2, date=date, year=year, period=rng.choice(_PERIODS).format(y=year),
        material=rng.choice(vocab.materials), place=rng.choice(vocab.places),
        pct=rng.choice((rng.randint(2, 95), round(rng.uniform(0.5, 60), 1))),
        qty=f"{rng.choice((rng.randint(50, 999), rng.randint(1_000, 60_000))):,}", unit=rng.choice(_UNITS),
        money=rng.choice((rng.randint(5, 900), round(rng.uniform(1, 99), 1))),
        price=rng.randint(20, 900), seed=seed, index=index,
    )


def _actor(rng: random.Random, vocab: Vocabulary) -> str:
    if rng.random() < 0.25:
        return invented_company(rng)
    return rng.choice(vocab.actors)


def invented_company(rng: random.Random) -> str:
    """A capitalised company name the knowledge base does not hold, e.g. ``Velion Magnetics``."""
    return f"{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)} {rng.choice(_KINDS)}"


def _fallback_title(lines: list[str], kinds: list[str]) -> str:
    bullet = next((line for line, kind in zip(lines, kinds) if kind == "bullet"), "Rare earth news")
    return _BULLET.sub("", bullet).split(".")[0][:100]


# ---------------------------------------------------------------- mojibake


def _cp874_table() -> tuple[str, ...]:
    """Byte → character as browsers decode Windows-874 (undefined bytes fall back to cp1252, else '')."""
    table = []
    for byte in range(256):
        raw = bytes([byte])
        for encoding in ("cp874", "cp1252"):
            try:
                table.append(raw.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        else:
            table.append("")  # undefined in both: lost, as in the bundled samples
    return tuple(table)


_CP874 = _cp874_table()


def to_mojibake(text: str) -> str:
    """``text`` as UTF-8 bytes read as Windows-874: ``China’s`` → ``Chinaโ€™s``."""
    return "".join(_CP874[b] for b in text.encode("utf-8"))


def _survives_mojibake(name: str) -> bool:
    """True unless a byte of ``name`` would be lost (such names are not used as actors)."""
    return all(_CP874[b] for b in name.encode("utf-8"))


# ---------------------------------------------------------------- rendering


def render(article: GeneratedArticle, fmt: str) -> bytes:
    """The bytes of ``article`` as a ``txt``, ``md`` or ``html`` file."""
    if fmt == "txt":
        return render_text(article).encode("utf-8")
    if fmt == "md":
        return render_markdown(article).encode("utf-8")
    if fmt == "html":
        return render_html(article).encode("utf-8")
    raise ValueError(f"unknown format '{fmt}'; use txt, md, html or jsonl")


def render_text(article: GeneratedArticle) -> str:
    """Plain text as the samples are: one block a line, blank lines between blocks in some."""
    rng = random.Random(f"layout:{article.index}")
    separator = "\n\n" if rng.random() < 0.5 else "\n"
    return separator.join(article.lines) + "\n"


def render_markdown(article: GeneratedArticle) -> str:
    """Markdown: ``#`` title, ``##`` headings, ``-`` bullets, pipe tables, blank lines between blocks."""
    blocks: list[str] = []
    for line, kind in zip(article.lines, article.kinds):
        if kind == "title":
            blocks.append(f"# {line}")
        elif kind == "heading":
            blocks.append(f"## {line}")
        elif kind == "bullet":
            blocks.append(f"- {_BULLET.sub('', line)}")
        elif kind == "table" and blocks and blocks[-1].startswith("|"):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return "\n\n".join(blocks) + "\n"


def render_html(article: GeneratedArticle) -> str:
    """A saved news page: ``<nav>``, the article in ``<article>``, the trailer in ``<footer>``."""
    e = html.escape
    parts = ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
             f"<title>{e(article.title)}</title>", "</head>", "<body>",
             "<nav><ul>" + "".join(f'<li><a href="/{w.lower().replace(" ", "-")}">{w}</a></li>' for w in _NAV)
             + "</ul></nav>", "<article>"]
    footer: list[str] = []
    in_list = False
    table: list[str] = []

    def close_open() -> None:
        nonlocal in_list
        if in_list:
            parts.append("</ul>")
            in_list = False
        if table:
            rows = [r for r in table if not re.match(r"^\|?\s*:?-{2,}", r)]
            cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
            body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in cells)
            parts.append(f"<table>{body}</table>")
            table.clear()

    for line, kind in zip(article.lines, article.kinds):
        if kind != "bullet" and in_list or kind != "table" and table:
            close_open()
        if kind == "footer":
            footer.append(f"<p>{e(line)}</p>")
        elif kind == "title":
            parts.append(f"<h1>{e(line)}</h1>")
        elif kind == "heading":
            parts.append(f"<h2>{e(line)}</h2>")
        elif kind == "bullet":
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{e(_BULLET.sub('', line))}</li>")
        elif kind == "table":
            table.append(line)
        else:
            parts.append(f"<p>{e(line)}</p>")
    close_open()
    parts.append("</article>")
    parts.append("<footer>" + "".join(footer) + "<p>Terms of use | Privacy policy</p></footer>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def render_jsonl(articles: list[GeneratedArticle]) -> bytes:
    """One JSON record a line: title, date, url, source and the article text."""
    lines = []
    for article in articles:
        record = {"title": article.title, "date": article.date,
                  "url": f"https://news.example.com/rare-earths/{article.index:07d}",
                  "source": "Synthetic Rare Earth Wire", "text": "\n".join(article.lines)}
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------- seeds and vocabulary


@functools.lru_cache(maxsize=1)
def load_seeds() -> tuple[Seed, ...]:
    """The bundled articles, decoded and repaired, each line given a kind."""
    seeds = []
    for path in sorted(paths.bundled_corpus().iterdir()):
        if path.suffix.lower() not in (".txt", ".md") or path.name.startswith("."):
            continue
        text = repair_text(decode_bytes(path.read_bytes())[0]).text
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        seeds.append(Seed(path.stem.split("_")[0], tuple(lines), tuple(_kinds(lines))))
    if not seeds:
        raise FileNotFoundError(f"no seed articles in {paths.bundled_corpus()}")
    return tuple(seeds)


def _kinds(lines: list[str]) -> list[str]:
    kinds = []
    footer = False
    for position, line in enumerate(lines):
        footer = footer or bool(_FOOTER.match(line))
        if footer:
            kinds.append("footer")
        elif _BULLET.match(line):
            kinds.append("bullet")
        elif line.startswith("|"):
            kinds.append("table")
        elif len(line) >= _BODY_MIN_CHARS and _SENTENCE_END.search(line):
            kinds.append("body")
        elif position == 0 and line.lower() != "highlights":
            kinds.append("title")
        elif len(line) < 40 and _DATELINE.match(line):
            kinds.append("other")
        elif len(line) < 100 and not _SENTENCE_END.search(line) and line.lower() != "highlights":
            kinds.append("heading")
        else:
            kinds.append("other")
    return kinds


@functools.lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Actor, place and material names from the knowledge base (names that survive mojibake)."""
    kb = load_kb()
    usable = [e for e in kb.entities if _survives_mojibake(e.name)]
    actors = tuple(e.name for e in usable if e.type in ("organisation", "person"))
    places = tuple(e.name for e in usable if e.type == "place" and e.subtype != "project")
    materials = tuple(_lower_common(e.name) for e in usable if e.type == "material")
    return Vocabulary(actors, places, materials)


def _lower_common(name: str) -> str:
    """``Neodymium`` → ``neodymium``, ``Rare earth oxides`` → ``rare earth oxides``; ``NdPr oxide`` kept."""
    first = name.split()[0]
    return name[0].lower() + name[1:] if first[1:].islower() else name


def _format_plan(n: int, seed: int) -> list[str]:
    """Formats of articles 0..n-1 in the shares of FORMAT_SHARES (each at least once when n ≥ 4)."""
    counts = {fmt: int(n * share) for fmt, share in FORMAT_SHARES}
    if n >= len(FORMAT_SHARES):
        for fmt in counts:
            counts[fmt] = max(1, counts[fmt])
    while sum(counts.values()) > n:
        counts["txt"] -= 1
    counts["txt"] += n - sum(counts.values())
    plan = [fmt for fmt, count in counts.items() for _ in range(count)]
    random.Random(f"reex-bench-formats:{seed}:{n}").shuffle(plan)
    return plan


def main(argv: list[str] | None = None) -> int:
    """Command line: write a synthetic corpus."""
    parser = argparse.ArgumentParser(description="Write a synthetic rare-earth news corpus for benchmarks.")
    parser.add_argument("out", type=Path, help="folder to write (must be empty or absent)")
    parser.add_argument("-n", type=int, default=500, help="number of articles (default 500)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--force", action="store_true", help="delete OUT first if it exists")
    args = parser.parse_args(argv)
    if args.force and args.out.exists():
        shutil.rmtree(args.out)
    out = generate_corpus(args.out, args.n, args.seed)
    manifest = read_manifest(out)
    print(f"wrote {args.n} articles in {manifest['files']} files ({manifest['bytes'] / 1e6:.1f} MB) to {out}: "
          + ", ".join(f"{k} {v}" for k, v in manifest["articles_by_format"].items())
          + f"; {manifest['mojibake_articles']} with mojibake")
    return 0


if __name__ == "__main__":
    sys.exit(main())
