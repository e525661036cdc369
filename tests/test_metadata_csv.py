"""metadata.csv: what each row gives, and every defect as a problem row naming the file and its line."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pandas as pd
import pytest

import reex_research as rr
from reex_research.errors import IngestError
from reex_research.pipeline import build_toolkit
from reex_research.read.metadata import METADATA_FILE, read_metadata_csv
from reex_research.read.problem import Problem

pytestmark = pytest.mark.reliability

FILES = ("a.txt", "b.txt", "sub/c.txt")
ARTICLE = (
    "Lynas Signs Heavy Rare Earths Deal\n\n"
    "Lynas Rare Earths said it signed a contract with the U.S. Department of Defense. "
    "The plant will separate dysprosium and terbium in Texas.\n"
)


def read(folder: Path, text: str, files: tuple[str, ...] = FILES) -> tuple[dict, list[Problem]]:
    """Write ``text`` as the folder's metadata.csv and read it as load_corpus would."""
    (folder / METADATA_FILE).write_text(text, encoding="utf-8")
    return read_metadata_csv(folder, files=files)


def line_of(text: str, marker: str) -> int:
    """The 1-based line of ``text`` on which ``marker`` starts."""
    assert text.count(marker) == 1, marker
    return text[:text.index(marker)].count("\n") + 1


def where(problems: list[Problem]) -> list[tuple[str, int | None, str]]:
    return [(p.file, p.line, p.kind) for p in problems]


def test_good_rows_give_their_values_and_no_problem(tmp_path):
    text = ('file,title,date,url,author,source\n'
            'a.txt,"Lynas, Iluka sign deal",2025-03-05,https://r.example/a,Jane Doe,Reuters\n'
            'sub/c.txt,  Spaced title  ,,,,\n'
            'b.txt,"A title\nover two lines",5 March 2025,,,\n')
    rows, problems = read(tmp_path, text)
    assert problems == []
    assert rows == {
        "a.txt": {"title": "Lynas, Iluka sign deal", "date": "2025-03-05", "url": "https://r.example/a",
                  "author": "Jane Doe", "source": "Reuters"},
        "sub/c.txt": {"title": "Spaced title"},
        "b.txt": {"title": "A title\nover two lines", "date": "5 March 2025"},
    }


def test_no_metadata_csv_gives_nothing(tmp_path):
    assert read_metadata_csv(tmp_path, files=FILES) == ({}, [])


@pytest.mark.parametrize("text, marker, kind, words", [
    ("file,title,date\na.txt,Title,sometime soon\n", "a.txt", "bad_date", ["'sometime soon'", "YYYY-MM-DD"]),
    ("file,title\nmissing.txt,Title\n", "missing.txt", "unknown_file", ["'missing.txt'"]),
    ("file,title\n,Orphan title\n", ",Orphan", "no_file_name", ["names no file"]),
    ("file,title,date\nb.txt,Lynas, Iluka sign deal,2025-03-05\n", "b.txt", "extra_values", ["double quotes"]),
    ('file,title\nb.txt,"Ti"tle"\n', "b.txt", "bad_csv", ["not valid CSV"]),
    ("file,title,colour\na.txt,Title,red\n", "file,", "unknown_column", ["'colour'"]),
    ("file,Title\na.txt,Title\n", "file,", "unknown_column", ["'Title'", "rename it 'title'"]),
    ("file,title,\na.txt,Title,\n", "file,", "unknown_column", ["column 3 has no name"]),
    ("file,title,title\na.txt,One,Two\n", "file,", "duplicate_column", ["columns 2 and 3"]),
    ("name,title\na.txt,Title\n", "name,", "bad_metadata", ["'file' column"]),
])
def test_each_defect_is_a_problem_at_its_line(tmp_path, text, marker, kind, words):
    _, problems = read(tmp_path, text)
    assert where(problems) == [(METADATA_FILE, line_of(text, marker), kind)]
    assert all(word in problems[0].message for word in words), problems[0].message


def test_an_empty_metadata_csv_is_a_problem_without_a_line(tmp_path):
    assert where(read(tmp_path, "")[1]) == [(METADATA_FILE, None, "bad_metadata")]


def test_a_bad_date_leaves_out_the_date_only(tmp_path):
    text = "file,title,date,source\na.txt,Better title,someday,Reuters\nb.txt,Other,2025-03-05,\n"
    rows, problems = read(tmp_path, text)
    assert rows == {"a.txt": {"title": "Better title", "source": "Reuters"},
                    "b.txt": {"title": "Other", "date": "2025-03-05"}}
    assert where(problems) == [(METADATA_FILE, 2, "bad_date")]


def test_a_bad_row_does_not_stop_the_good_rows(tmp_path):
    text = ("file,title,date\n"
            "a.txt,First,2025-01-02\n"
            "nowhere.txt,Lost,2025-01-03\n"
            ",No name,2025-01-04\n"
            'sub/c.txt,"broken"quote,2025-01-05\n'
            "b.txt,Last,2025-01-06\n")
    rows, problems = read(tmp_path, text)
    assert rows == {"a.txt": {"title": "First", "date": "2025-01-02"},
                    "b.txt": {"title": "Last", "date": "2025-01-06"}}
    assert where(problems) == [(METADATA_FILE, 3, "unknown_file"), (METADATA_FILE, 4, "no_file_name"),
                               (METADATA_FILE, 5, "bad_csv")]


def test_of_two_rows_for_one_file_the_last_is_used_and_the_repeat_reported(tmp_path):
    text = "file,title\na.txt,First\nb.txt,Other\na.txt,Second\n"
    rows, problems = read(tmp_path, text)
    assert rows["a.txt"] == {"title": "Second"} and rows["b.txt"] == {"title": "Other"}
    assert where(problems) == [(METADATA_FILE, 4, "duplicate_row")]
    assert "line 2" in problems[0].message and "last row" in problems[0].message


def test_lines_count_quoted_values_over_several_lines_and_blank_lines(tmp_path):
    text = ('file,title,date\r\n'
            'a.txt,"A title\r\nover\r\nthree lines",2025-01-02\r\n'
            '\r\n'
            'b.txt,Title,not a date\r\n')
    rows, problems = read(tmp_path, text)
    assert rows["a.txt"]["title"] == "A title\r\nover\r\nthree lines"
    assert where(problems) == [(METADATA_FILE, line_of(text, "b.txt"), "bad_date")] == [(METADATA_FILE, 6, "bad_date")]


def test_a_quote_never_closed_is_reported_where_it_opens(tmp_path):
    text = 'file,title\na.txt,Fine\nb.txt,"never closed\nsub/c.txt,Lost\n'
    rows, problems = read(tmp_path, text)
    assert rows == {"a.txt": {"title": "Fine"}}
    assert where(problems) == [(METADATA_FILE, 3, "bad_csv")] and "lines 3–4" in problems[0].message


def test_a_row_names_a_file_by_its_path_or_its_name(tmp_path):
    text = "file,title\nsub/c.txt,By path\nc.txt,By name\nother/c.txt,Elsewhere\n"
    rows, problems = read(tmp_path, text)
    assert set(rows) == {"sub/c.txt", "c.txt"}
    assert where(problems) == [(METADATA_FILE, 4, "unknown_file")]


@pytest.mark.parametrize("value", [
    "2025-03-05", "5 March 2025", "March 5, 2025", "Wed, 5 March 2025", "05.03.2025", "13/03/2025",
    "2025-03-05T10:00:00Z",
    "2025", "October 2025",  # a year or month alone: kept to give a dateline without a year its year
])
def test_dates_the_article_reader_takes_are_kept(tmp_path, value):
    rows, problems = read(tmp_path, f'file,date\na.txt,"{value}"\n')
    assert problems == [] and rows == {"a.txt": {"date": value}}


@pytest.mark.parametrize("value", ["sometime soon", "10/09/2025", "2025-13-45", "2025-02-30", "2024 to 2025",
                                   "20250305", "5 March"])
def test_other_dates_are_bad_dates(tmp_path, value):
    rows, problems = read(tmp_path, f'file,date\na.txt,"{value}"\n')
    assert rows == {"a.txt": {}} and where(problems) == [(METADATA_FILE, 2, "bad_date")]
    assert repr(value) in problems[0].message


# ------------------------------------------------------------------- metadata.csv that is not a file


def _in_thread(function, seconds: float = 20.0):
    """Return what ``function()`` returns, failing the test if it has not returned in ``seconds``."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(function()), daemon=True)
    thread.start()
    thread.join(seconds)
    return thread, out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_is_not_opened(tmp_path):
    fifo = tmp_path / METADATA_FILE
    os.mkfifo(fifo)
    thread, out = _in_thread(lambda: read_metadata_csv(tmp_path, files=FILES))
    if thread.is_alive():  # opened and waiting for a writer: let it end, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(5)
        pytest.fail("reading metadata.csv opened the named pipe and waited on it")
    rows, problems = out[0]
    assert rows == {} and where(problems) == [(METADATA_FILE, None, "not_a_file")]
    assert "named pipe" in problems[0].message


def test_a_folder_named_metadata_csv_is_not_read(tmp_path):
    (tmp_path / METADATA_FILE).mkdir()
    rows, problems = read_metadata_csv(tmp_path, files=FILES)
    assert rows == {} and where(problems) == [(METADATA_FILE, None, "not_a_file")]
    assert "a folder" in problems[0].message


def test_an_unreadable_metadata_csv_is_a_problem(tmp_path, monkeypatch):
    (tmp_path / METADATA_FILE).write_text("file,title\na.txt,T\n", encoding="utf-8")
    original = Path.read_bytes

    def read_bytes(self):
        if self.name == METADATA_FILE:
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    rows, problems = read_metadata_csv(tmp_path, files=FILES)
    assert rows == {} and where(problems) == [(METADATA_FILE, None, "unreadable")]
    assert "Permission denied" in problems[0].message


def test_a_binary_metadata_csv_is_a_problem(tmp_path):
    (tmp_path / METADATA_FILE).write_bytes(bytes(range(256)) * 4)
    rows, problems = read_metadata_csv(tmp_path, files=FILES)
    assert rows == {} and len(problems) == 1
    assert (problems[0].file, problems[0].line) == (METADATA_FILE, None)
    assert problems[0].kind in ("binary", "undecodable")


# ------------------------------------------------------------------- through load_corpus


@pytest.fixture(scope="module")
def toolkit():
    return build_toolkit()


def _folder(tmp_path: Path, metadata: str) -> Path:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE.replace("Lynas", "Iluka"), encoding="utf-8")
    (tmp_path / METADATA_FILE).write_text(metadata, encoding="utf-8")
    return tmp_path


def _metadata_problems(corpus: rr.Corpus) -> list[tuple[int, str]]:
    rows = corpus.problems[corpus.problems["file"] == METADATA_FILE]
    return [(None if pd.isna(line) else int(line), kind) for line, kind in zip(rows["line"], rows["kind"])]


def test_load_corpus_shows_metadata_defects_in_problems_and_uses_the_good_rows(tmp_path, toolkit):
    text = ("file,title,date,colour\n"
            "a.txt,Better title,2025-03-05,red\n"
            "b.txt,Other title,in the spring,blue\n"
            "gone.txt,Lost,2025-01-01,\n"
            "a.txt,Best title,2025-03-06,\n")
    corpus = rr.load_corpus(_folder(tmp_path, text), toolkit=toolkit)
    assert sorted(_metadata_problems(corpus)) == [(1, "unknown_column"), (3, "bad_date"), (4, "unknown_file"),
                                                  (5, "duplicate_row")]
    articles = corpus.articles.set_index("file")
    assert articles.loc["a.txt", "title"] == "Best title"
    assert articles.loc["a.txt", "published"].date().isoformat() == "2025-03-06"
    assert articles.loc["b.txt", "title"] == "Other title" and pd.isna(articles.loc["b.txt", "published"])
    assert not (corpus.problems["file"] == "b.txt").any()  # the bad date is reported once, on metadata.csv


@pytest.mark.parametrize("value", ["2025-03-05", "5 March 2025", "05.03.2025", "2025-03-05T10:00:00Z"])
def test_a_date_kept_from_metadata_csv_dates_the_article(tmp_path, toolkit, value):
    corpus = rr.load_corpus(_folder(tmp_path, f'file,date\na.txt,"{value}"\n'), toolkit=toolkit)
    articles = corpus.articles.set_index("file")
    assert articles.loc["a.txt", "published"].date().isoformat() == "2025-03-05"
    assert articles.loc["a.txt", "published_source"] == "metadata"
    assert _metadata_problems(corpus) == []


def test_strict_load_raises_naming_metadata_csv_and_the_line(tmp_path, toolkit):
    folder = _folder(tmp_path, "file,title\na.txt,Title\nnowhere.txt,Lost\n")
    with pytest.raises(IngestError) as info:
        rr.load_corpus(folder, toolkit=toolkit, strict=True)
    assert info.value.path == folder / METADATA_FILE and info.value.line == 3
    assert info.value.kind == "unknown_file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_load_corpus_with_a_named_pipe_for_metadata_csv_does_not_hang(tmp_path, toolkit):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    fifo = tmp_path / METADATA_FILE
    os.mkfifo(fifo)
    thread, out = _in_thread(lambda: rr.load_corpus(tmp_path, toolkit=toolkit))
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(5)
        pytest.fail("loading the corpus opened the named pipe metadata.csv and waited on it")
    corpus = out[0]
    assert (None, "not_a_file") in _metadata_problems(corpus)
    assert corpus.articles["file"].tolist() == ["a.txt"]


def test_a_metadata_csv_linked_from_outside_the_corpus_is_not_read(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Lynas opened a plant in Texas on June 1, 2025.\n", encoding="utf-8")
    (tmp_path / "private.csv").write_text("file,title\na.txt,Private title\n", encoding="utf-8")
    (corpus / "metadata.csv").symlink_to(tmp_path / "private.csv")
    rows, problems = read_metadata_csv(corpus, files=["a.txt"])
    assert rows == {}
    assert [(p.file, p.kind) for p in problems] == [("metadata.csv", "link_outside")]


def test_a_named_pipe_for_metadata_csv_is_reported_once(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Lynas opened a plant in Texas on June 1, 2025.\n", encoding="utf-8")
    os.mkfifo(corpus / "metadata.csv")
    corpus_rows = rr.load_corpus(corpus, as_of="2026-11-23", workers=1).problems
    assert list(corpus_rows["file"]) == ["metadata.csv"]
