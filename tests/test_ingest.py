"""Reading a folder: formats, encodings, metadata.csv, and every kind of bad input."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import reex_research as rr
from reex_research import paths
from reex_research.read.ingest import dateline_prefix, load_file
from reex_research.read.parse import load_parse_rules

ARTICLE = (
    "Lynas Signs Heavy Rare Earths Deal\n\n"
    "March 4, 2025\n\n"
    "Lynas Rare Earths said on Tuesday it signed a contract with the U.S. Department of Defense. "
    "The plant will separate dysprosium and terbium in Texas.\n"
)


def _load(folder: Path, **kwargs) -> rr.Corpus:
    return rr.load_corpus(folder, **kwargs)


def _problem_kinds(corpus: rr.Corpus) -> dict[str, str]:
    return dict(zip(corpus.problems["file"], corpus.problems["kind"]))


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-8", ARTICLE.encode("utf-8")),
        ("utf-8-sig", ARTICLE.encode("utf-8-sig")),
        ("utf-16", ARTICLE.encode("utf-16")),
        ("utf-16-le", ARTICLE.encode("utf-16-le")),
        ("cp1252", (ARTICLE + "Prices fell 5% – “sharply”, said Société Générale.\n").encode("cp1252")),
    ],
)
def test_each_encoding_is_detected_and_recorded(tmp_path, encoding, data):
    (tmp_path / "a.txt").write_bytes(data)
    corpus = _load(tmp_path)
    row = corpus.articles.iloc[0]
    assert row["encoding"] == encoding
    assert row["title"] == "Lynas Signs Heavy Rare Earths Deal"
    assert row["published"].date().isoformat() == "2025-03-04"
    assert "\ufeff" not in row["text"]
    if encoding == "cp1252":
        assert "Société Générale" in row["text"] and "“sharply”" in row["text"]


def test_markdown_headings_title_and_bullets(tmp_path):
    (tmp_path / "a.md").write_text(
        "# MP Materials Expands Magnet Output\n\n## Key Takeaways\n\n- MP Materials opened a plant.\n"
        "- Output reaches 1,000 tonnes.\n\n## The Plant\n\nMP Materials opened its Fort Worth plant.\n",
        encoding="utf-8",
    )
    corpus = _load(tmp_path)
    assert corpus.articles["title"].iloc[0] == "MP Materials Expands Magnet Output"
    assert corpus.highlights["text"].tolist() == ["MP Materials opened a plant.", "Output reaches 1,000 tonnes."]
    p = corpus.paragraphs
    assert p.loc[p["kind"] == "heading", "text"].tolist() == ["The Plant"]


def test_html_gives_main_text_and_metadata_not_navigation(tmp_path):
    html = (
        "<html><head><meta charset='utf-8'><title>Lynas deal | Mining Weekly</title>"
        "<meta name='author' content='Jane Doe'>"
        "<meta property='article:published_time' content='2025-03-04T10:00:00Z'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>All news and more navigation links</a></nav>"
        "<article><h1>Lynas signs deal with DoD</h1>"
        "<p>Lynas Rare Earths said on Tuesday it had signed a contract with the U.S. Department of "
        "Defense worth $258 million to build a heavy rare earths plant in Texas.</p>"
        "<p>The deal reduces reliance on China for dysprosium and terbium, analysts said on "
        "Wednesday, and puts the plant on a path to 5,000 tonnes a year.</p>"
        "<p>Write &lt;script&gt;alert(1)&lt;/script&gt; is shown as text.</p></article>"
        "<footer>Copyright 2025 Mining Weekly. Subscribe to our newsletter</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    corpus = _load(tmp_path)
    row = corpus.articles.iloc[0]
    assert row["format"] == "html"
    assert row["title"] == "Lynas signs deal with DoD"
    assert row["title_source"] == "metadata"
    assert row["author"] == "Jane Doe"
    assert row["published"].date().isoformat() == "2025-03-04"
    assert row["published_source"] == "metadata"
    assert "heavy rare earths plant in Texas" in row["text"]
    assert "navigation links" not in row["text"]
    assert "<script>alert(1)</script>" in row["text"]  # kept as text, never executed


@pytest.mark.parametrize("story_date", ["August 24, 2024", "2024-08-24", "2024/08/24", "24.08.2024"])
def test_html_publication_date_is_never_guessed_from_dates_in_the_story(tmp_path, story_date):
    html = (
        "<html><head><meta charset='utf-8'><title>Iluka refinery</title></head><body><article>"
        "<h1>Iluka refinery on schedule</h1>"
        "<p>Iluka Resources said the Eneabba refinery, first proposed on 1 January 2000, will be "
        f"commissioned in 2027 after a review completed on {story_date}.</p>"
        "<p>The refinery will separate dysprosium and terbium from monazite concentrate.</p>"
        "</article></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    row = _load(tmp_path).articles.iloc[0]
    assert pd.isna(row["published"])  # neither markup nor a dateline gives the day
    assert pd.isna(row["published_source"])


@pytest.mark.parametrize("markup", [
    "<time datetime='2025-06-02T08:00:00Z'>2 June 2025</time>",
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-06-02"}</script>',
])
def test_html_publication_date_from_time_elements_and_json_ld(tmp_path, markup):
    html = (
        "<html><head><meta charset='utf-8'><title>MP Materials ships magnets</title></head><body><article>"
        f"<h1>MP Materials ships magnets</h1>{markup}"
        "<p>MP Materials said its Fort Worth plant shipped its first magnets, a year after a review "
        "completed on 2024-08-24 cleared the line.</p>"
        "<p>The plant makes neodymium-iron-boron magnets for General Motors and others.</p>"
        "</article></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    row = _load(tmp_path).articles.iloc[0]
    assert row["published"].date().isoformat() == "2025-06-02"
    assert row["published_source"] == "metadata"


@pytest.mark.parametrize("header, published", [
    ("<div class='byline'>By Global Times <span class='pub_time'>Published: Nov 03, 2026 10:48 PM</span></div>",
     "2026-11-03"),
    ("<p class='meta'>Updated: 4 November 2026</p><p class='meta'>Published: 3 November 2026</p>", "2026-11-03"),
    ("<small>Posted on 2026-11-03</small>", "2026-11-03"),
    ("<div>Last updated 04.11.2026</div>", "2026-11-04"),
])
def test_html_publication_date_from_a_labelled_header_line(tmp_path, header, published):
    html = (
        "<html><head><meta charset='utf-8'><title>Ganzhou cluster output tops 100 billion yuan</title></head>"
        f"<body><header>{header}</header><article><h1>Ganzhou cluster output tops 100 billion yuan</h1>"
        "<p>Output of the Ganzhou rare earth cluster topped 100 billion yuan, officials said, after a review "
        "published on 2026-10-20 found new capacity.</p>"
        "<p>The city hosts separation plants of China Rare Earth Group and dozens of magnet makers.</p>"
        "</article></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    row = _load(tmp_path).articles.iloc[0]
    assert row["published"].date().isoformat() == published
    assert row["published_source"] == "metadata"
    assert pd.isna(row["author"]) or "Published" not in row["author"]


def _dated_page(folder: Path, header: str) -> Path:
    """Write a small HTML page whose header holds ``header``; return its path."""
    page = folder / "page.html"
    page.write_text("<html><head><meta charset='utf-8'><title>Lynas ships</title></head>"
                    f"<body><header>{header}</header><article><h1>Lynas ships</h1>"
                    "<p>Lynas shipped its first separated heavy rare earths from Malaysia.</p>"
                    "</article></body></html>", encoding="utf-8")
    return page


def test_page_date_labels_are_the_parsing_rules_dateline_prefix(tmp_path):
    assert dateline_prefix().pattern == load_parse_rules().dateline_prefix.pattern
    page = _dated_page(tmp_path, "<p>Issued on 3 November 2026</p>")  # a label parse.yaml holds
    assert load_file(page, tmp_path).documents[0].metadata["date"] == "2026-11-03"
    page = _dated_page(tmp_path, "<p>Stamped 5 November 2026</p>")
    assert "date" not in load_file(page, tmp_path).documents[0].metadata
    stamped = re.compile(r"^stamped\s+", re.IGNORECASE)
    assert load_file(page, tmp_path, date_label=stamped).documents[0].metadata["date"] == "2026-11-05"


def test_jsonl_lines_and_broken_lines(tmp_path):
    lines = [
        json.dumps({"text": "Shenghe Resources bought a stake in Ngualla.", "title": "Shenghe deal",
                    "date": "2025-02-01", "url": "https://example.com/s", "source": "Wire"}),
        "{not json",
        json.dumps({"title": "no text here"}),
        "",
        json.dumps({"text": "Iluka began building its Eneabba refinery in Western Australia."}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    corpus = _load(tmp_path)
    a = corpus.articles
    assert a["line"].tolist() == [1, 5]
    assert a["title"].iloc[0] == "Shenghe deal" and a["url"].iloc[0] == "https://example.com/s"
    assert a["source"].iloc[0] == "Wire" and a["published"].iloc[0].date().isoformat() == "2025-02-01"
    problems = corpus.problems.set_index("line")
    assert problems.loc[2, "kind"] == "bad_json" and problems.loc[3, "kind"] == "missing_text"


def test_metadata_csv_supplies_and_overrides(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Highlights\n- Arafura got funding.\n\nArafura got funding for Nolans.\n",
                                    encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "file,title,date,source,url\na.txt,Better title,2025-03-05,Reuters,https://r.example/a\n"
        "b.txt,,2025-06-01,,\n", encoding="utf-8")
    corpus = _load(tmp_path)
    a = corpus.articles.set_index("file")
    assert a.loc["a.txt", "title"] == "Better title" and a.loc["a.txt", "title_source"] == "metadata"
    assert a.loc["a.txt", "published"].date().isoformat() == "2025-03-05"
    assert a.loc["a.txt", "source"] == "Reuters"
    assert pd.isna(a.loc["b.txt", "title"]) and a.loc["b.txt", "title_source"] == "headline_fallback"
    assert a.loc["b.txt", "published_source"] == "metadata"


def test_bad_metadata_date_is_a_problem_not_a_guess(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,date\na.txt,sometime soon\n", encoding="utf-8")
    corpus = _load(tmp_path)
    assert _problem_kinds(corpus)["metadata.csv"] == "bad_date"
    assert corpus.articles["published_source"].iloc[0] == "text"


def test_every_bad_file_is_a_problem_row_and_the_rest_loads(tmp_path, monkeypatch):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "undecodable.txt").write_bytes(b"caf\xe9 \x81\x8d\x8f\x90 bytes")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "locked.txt").write_text(ARTICLE + "x", encoding="utf-8")
    (tmp_path / "only_boilerplate.txt").write_text("0 Comments\nLeave a Reply\n", encoding="utf-8")
    original = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    corpus = _load(tmp_path)
    assert corpus.articles["file"].tolist() == ["good.txt"]
    assert _problem_kinds(corpus) == {
        "binary.txt": "binary", "blank.md": "empty", "empty.txt": "empty", "image.png": "unsupported_format",
        "locked.txt": "unreadable", "only_boilerplate.txt": "no_content", "undecodable.txt": "undecodable",
    }
    assert all(corpus.problems["message"].str.len() > 10)
    assert "problems (binary: 1, empty: 2" in corpus.summary()


def test_strict_mode_raises_naming_the_file(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text('{"text": "ok line"}\n{broken\n', encoding="utf-8")
    with pytest.raises(rr.IngestError) as info:
        _load(tmp_path, strict=True)
    assert info.value.path.name == "feed.jsonl" and info.value.line == 2
    assert "feed.jsonl, line 2: bad_json" in str(info.value)
    assert isinstance(info.value, rr.ReexError)


def test_duplicate_article_is_loaded_once(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(ARTICLE.replace("\n", "\r\n"), encoding="utf-8")
    corpus = _load(tmp_path)
    assert len(corpus.articles) == 1
    assert _problem_kinds(corpus) == {"copy.txt": "duplicate"}


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(rr.CorpusNotFoundError, match="corpus folder not found"):
        _load(tmp_path / "nope")


def test_hidden_files_and_subfolders(tmp_path):
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / "2025" / "03").mkdir(parents=True)
    (tmp_path / "2025" / "03" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    corpus = _load(tmp_path)
    assert corpus.articles["file"].tolist() == ["2025/03/a.txt"]
    assert corpus.problems.empty


def test_listing_is_in_name_order_and_leaves_out_hidden_metadata_and_folders(tmp_path):
    from reex_research.read.ingest import corpus_files

    for name in ("b.txt", "a/z.md", "a/b/c.txt", "a.txt", ".hidden/x.txt", "a/.x.txt", "metadata.csv",
                 "a/metadata.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "dirlink").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing.txt")
    listed = corpus_files(tmp_path)
    assert [name for name, _ in listed] == ["a.txt", "a/b/c.txt", "a/metadata.csv", "a/z.md", "b.txt", "link.txt"]
    assert all(path == tmp_path / name for name, path in listed)


def test_raw_files_are_byte_identical_after_a_run(tmp_path):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.bundled_corpus().iterdir()}
    corpus = _load(paths.bundled_corpus())
    corpus.export(tmp_path / "out", format="csv")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.bundled_corpus().iterdir()}
    assert before == after


def test_export_parquet_and_csv_round_trip(tmp_path):
    corpus = _load(paths.bundled_corpus())
    written = corpus.export(tmp_path / "pq", format="parquet")
    assert {p.stem for p in written} == set(corpus.frames) | {"corpus"}  # and corpus.json
    again = rr.Corpus.read(tmp_path / "pq")
    assert again.as_of == corpus.as_of and again.toolkit_version == corpus.toolkit_version
    for name, frame in corpus.frames.items():
        pd.testing.assert_frame_equal(again.frames[name], frame, obj=name)
    articles = pd.read_parquet(tmp_path / "pq" / "articles.parquet")
    assert articles["article_id"].tolist() == corpus.articles["article_id"].tolist()
    tables = pd.read_parquet(tmp_path / "pq" / "tables.parquet")
    assert json.loads(tables["cells"].iloc[0])["columns"] == ["Expansion Project", "Summary"]
    corpus.export(tmp_path / "csv", format="csv")
    sentences = pd.read_csv(tmp_path / "csv" / "sentences.csv")
    assert len(sentences) == len(corpus.sentences)


def test_a_folder_without_a_whole_export_is_a_clear_error(tmp_path):
    _load(paths.bundled_corpus()).export(tmp_path, format="parquet")
    (tmp_path / "events.parquet").unlink()
    with pytest.raises(rr.InvalidArgumentError, match="no complete corpus export"):
        rr.Corpus.read(tmp_path)


def test_jsonl_common_field_names_are_understood(tmp_path):
    record = {"text": "Neo Performance Materials opened its Narva magnet plant in Estonia.",
              "headline": "Neo opens Narva plant", "published_at": "2025-09-18T09:00:00Z",
              "link": "https://example.com/neo", "authors": ["A. Writer", "B. Writer"]}
    (tmp_path / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    row = _load(tmp_path).articles.iloc[0]
    assert (row["title"], row["url"], row["author"]) == ("Neo opens Narva plant", "https://example.com/neo",
                                                         "A. Writer, B. Writer")
    assert row["published"].date().isoformat() == "2025-09-18"


def test_release_time_dateline_and_setext_separators(tmp_path):
    (tmp_path / "notice.txt").write_text(
        "Notice on Rare Earth Quotas\n===========================\n\nRelease time: 2025-10-09 16:30\n\n"
        "The Ministry of Industry and Information Technology issued the quotas for 2025.\n", encoding="utf-8")
    corpus = _load(tmp_path)
    row = corpus.articles.iloc[0]
    assert row["title"] == "Notice on Rare Earth Quotas"
    assert row["published"].date().isoformat() == "2025-10-09"
    assert "===" not in "".join(corpus.sentences["text"])


def test_decoding_binary_bytes_raises_a_package_error_that_names_the_kind():
    from reex_research.read.decode import decode_bytes

    with pytest.raises(rr.DecodeError, match="binary") as caught:
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert caught.value.kind == "binary"
    assert isinstance(caught.value, rr.ReexError)
