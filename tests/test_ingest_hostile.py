"""Hostile input: each case is built in a temporary folder, and the expectations are read off it.

A file that cannot be loaded is one problem row (file, line, kind) and everything else still
loads with its text intact; a mostly good file loads repaired, with a row saying what changed.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pandas as pd
import pytest

import reex_research as rr
from reex_research import paths, pipeline
from reex_research.errors import DecodeError, KnowledgeBaseError
from reex_research.read.decode import TextLimits, decode_bytes, decode_text
from reex_research.read.ingest import corpus_entries, load_file
from reex_research.read.parse import load_parse_rules

pytestmark = pytest.mark.reliability

GOOD = (
    "Lynas Signs Heavy Rare Earths Deal\n\n"
    "March 4, 2025\n\n"
    "Lynas Rare Earths said on Tuesday it signed a contract with the U.S. Department of Defense. "
    "The plant will separate dysprosium and terbium in Texas.\n"
)
SECRET = "root:x:0:0:root:/root:/bin/bash — a private file that must not reach a report\n"


def _rows(corpus: rr.Corpus) -> set[tuple[str, int | None, str]]:
    """The problem rows as (file, line, kind), a missing line as None."""
    return {(row.file, None if pd.isna(row.line) else int(row.line), row.kind)
            for row in corpus.problems.itertuples()}


def _texts(corpus: rr.Corpus) -> dict[str, str]:
    return dict(zip(corpus.articles["file"], corpus.articles["text"]))


def _good(folder: Path, name: str = "good.txt") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(GOOD, encoding="utf-8")
    return path


def _assert_good_loaded(corpus: rr.Corpus, name: str = "good.txt") -> None:
    row = corpus.articles.set_index("file").loc[name]
    assert row["title"] == "Lynas Signs Heavy Rare Earths Deal"
    assert "separate dysprosium and terbium in Texas." in row["text"]


def _assert_offsets_hold(corpus: rr.Corpus) -> None:
    texts = corpus.articles.set_index("article_id")["text"]
    for table in ("paragraphs", "sentences"):
        for row in corpus.frames[table].itertuples():
            assert texts[row.article_id][row.start:row.end] == row.text
    for table in ("mentions", "events", "figures"):
        for row in corpus.frames[table].itertuples():
            assert texts[row.article_id][row.start:row.end] == row.surface


# --- Listing -------------------------------------------------------------------------------------

def test_symlink_loops_are_problem_rows_and_the_rest_loads(tmp_path):
    _good(tmp_path)
    (tmp_path / "self.txt").symlink_to("self.txt")
    (tmp_path / "ping.txt").symlink_to("pong.txt")
    (tmp_path / "pong.txt").symlink_to("ping.txt")
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("self.txt", None, "link_loop"), ("ping.txt", None, "link_loop"),
                             ("pong.txt", None, "link_loop")}
    _assert_good_loaded(corpus)


def test_a_file_name_that_is_not_utf8_is_a_problem_row_with_a_printable_name(tmp_path):
    _good(tmp_path)
    raw_folder = os.fsencode(tmp_path)
    with open(os.path.join(raw_folder, b"caf\xe9.txt"), "wb") as file:
        file.write(GOOD.replace("Lynas", "Iluka").encode("utf-8"))
    os.mkdir(os.path.join(raw_folder, b"d\xffr"))
    with open(os.path.join(raw_folder, b"d\xffr", b"inside.txt"), "wb") as file:
        file.write(b"Arafura got funding.\n")
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("caf\\xe9.txt", None, "bad_file_name"), ("d\\xffr", None, "bad_file_name")}
    assert corpus.problems["file"].map(str.isprintable).all()
    assert "rename" in corpus.problems["message"].iloc[0]
    assert list(corpus.articles["file"]) == ["good.txt"]
    _assert_good_loaded(corpus)


def test_pipes_sockets_and_devices_are_never_opened(tmp_path, monkeypatch):
    _good(tmp_path)
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block the load for ever
    monkeypatch.chdir(tmp_path)  # a socket's path must be short
    server = socket.socket(socket.AF_UNIX)
    server.bind("sock.txt")
    (tmp_path / "null.txt").symlink_to("/dev/null")
    (tmp_path / "piped.txt").symlink_to("pipe.txt")
    try:
        corpus = rr.load_corpus(tmp_path)
    finally:
        server.close()
    assert _rows(corpus) == {("pipe.txt", None, "special_file"), ("sock.txt", None, "special_file"),
                             ("null.txt", None, "special_file"), ("piped.txt", None, "special_file")}
    messages = corpus.problems.set_index("file")["message"]
    assert "named pipe" in messages["pipe.txt"] and "socket" in messages["sock.txt"]
    assert "device" in messages["null.txt"]
    _assert_good_loaded(corpus)


def test_a_device_node_is_a_problem_row(tmp_path):
    try:
        os.mknod(tmp_path / "zero.txt", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except (PermissionError, OSError):
        pytest.skip("creating a device node needs privileges this system does not give")
    _good(tmp_path)
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("zero.txt", None, "special_file")}
    _assert_good_loaded(corpus)


def test_dangling_links_are_problem_rows(tmp_path):
    _good(tmp_path)
    (tmp_path / "gone.txt").symlink_to("missing.txt")
    (tmp_path / "deep.txt").symlink_to("no/such/folder/a.txt")
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("gone.txt", None, "dangling_link"), ("deep.txt", None, "dangling_link")}
    _assert_good_loaded(corpus)


def _corpus_with_outside_link(tmp_path: Path) -> Path:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "passwd.txt").write_text(SECRET, encoding="utf-8")
    root = tmp_path / "corpus"
    _good(root)
    (root / "passwd.txt").symlink_to(outside / "passwd.txt")
    (root / "sub").mkdir()
    (root / "sub" / "up.txt").symlink_to("../../private/passwd.txt")  # relative, leaving the folder
    return root


def test_links_leaving_the_corpus_folder_are_not_followed(tmp_path):
    root = _corpus_with_outside_link(tmp_path)
    corpus = rr.load_corpus(root)
    assert _rows(corpus) == {("passwd.txt", None, "link_outside"), ("sub/up.txt", None, "link_outside")}
    assert list(corpus.articles["file"]) == ["good.txt"]
    assert not any("root:x:0:0" in text for text in corpus.articles["text"])
    assert "follow_links_outside=True" in corpus.problems["message"].iloc[0]
    assert str(tmp_path / "private") not in " ".join(corpus.problems["message"])  # the target is not told


def test_links_leaving_the_corpus_folder_load_when_allowed(tmp_path):
    root = _corpus_with_outside_link(tmp_path)
    corpus = rr.load_corpus(root, follow_links_outside=True)
    texts = _texts(corpus)
    assert SECRET.strip() in texts["passwd.txt"]
    assert set(corpus.problems["kind"]) == {"duplicate"}  # sub/up.txt is the same article again
    _assert_good_loaded(corpus)


def test_links_inside_the_corpus_to_files_inside_keep_working(tmp_path):
    (tmp_path / ".store").mkdir()
    (tmp_path / ".store" / "kept.txt").write_text(GOOD, encoding="utf-8")  # hidden: read only through the link
    (tmp_path / "article.txt").symlink_to(".store/kept.txt")
    corpus = rr.load_corpus(tmp_path)
    assert corpus.problems.empty
    _assert_good_loaded(corpus, "article.txt")


def test_links_to_folders_are_problem_rows_and_never_followed(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "far.txt").write_text(SECRET, encoding="utf-8")
    root = tmp_path / "corpus"
    _good(root / "sub")
    (root / "again").symlink_to("sub", target_is_directory=True)
    (root / "far").symlink_to(outside, target_is_directory=True)
    (root / "itself").symlink_to(".", target_is_directory=True)
    corpus = rr.load_corpus(root)
    assert _rows(corpus) == {("again", None, "linked_folder"), ("itself", None, "linked_folder"),
                             ("far", None, "link_outside")}
    assert list(corpus.articles["file"]) == ["sub/good.txt"]  # once, not again through the link
    _assert_good_loaded(corpus, "sub/good.txt")


def test_an_unreadable_folder_is_a_problem_row(tmp_path, monkeypatch):
    _good(tmp_path)
    _good(tmp_path / "locked", "a.txt")
    scandir = os.scandir

    def refusing(path):
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("locked/", None, "unreadable")}
    _assert_good_loaded(corpus)


def test_the_listing_returns_files_and_problems(tmp_path):
    _good(tmp_path)
    (tmp_path / "gone.txt").symlink_to("missing.txt")
    listing = corpus_entries(tmp_path)
    assert [name for name, _ in listing.entries] == ["good.txt"]
    assert [(p.file, p.kind) for p in listing.problems] == [("gone.txt", "dangling_link")]


# --- JSON Lines ----------------------------------------------------------------------------------

def _jsonl(folder: Path, lines: list[str | bytes], name: str = "feed.jsonl") -> Path:
    path = folder / name
    path.write_bytes(b"\n".join(line if isinstance(line, bytes) else line.encode("utf-8") for line in lines))
    return path


def _record(text: str, **fields: str) -> str:
    return json.dumps({"text": text, **fields}, ensure_ascii=False)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_jsonl_lines_are_split_at_newlines_only(tmp_path, separator):
    first = f"Lynas shipped oxide.{separator}Prices rose in Malaysia."
    path = _jsonl(tmp_path, [_record(first), _record("Iluka began building Eneabba.")])
    result = load_file(path, tmp_path)
    assert result.problems == ()
    assert [(d.line, d.text) for d in result.documents] == [(1, first), (2, "Iluka began building Eneabba.")]


def test_jsonl_control_characters_spoil_one_line_without_shifting_the_others(tmp_path):
    broken = '{"text": "Lynas\x0bshipped\x0coxide\x1c\x1d\x1e."}'  # raw controls: not JSON
    path = _jsonl(tmp_path, [_record(GOOD), broken, _record(GOOD.upper())])
    result = load_file(path, tmp_path)
    assert [(p.line, p.kind) for p in result.problems] == [(2, "bad_json")]
    assert [(d.line, d.text) for d in result.documents] == [(1, GOOD), (3, GOOD.upper())]


def test_jsonl_windows_line_ends_are_stripped(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(f"{_record('One.')}\r\n\r\n{_record('Two.')}\r\n".encode())
    result = load_file(path, tmp_path)
    assert result.problems == ()
    assert [(d.line, d.text) for d in result.documents] == [(1, "One."), (3, "Two.")]


def test_jsonl_deep_nesting_and_huge_numbers_are_one_bad_json_row_each(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    huge = '{"text": "A figure.", "n": ' + "7" * 5000 + "}"
    path = _jsonl(tmp_path, [_record("Lynas shipped oxide."), deep, huge, _record("Iluka began building.")])
    result = load_file(path, tmp_path)
    assert [(p.file, p.line, p.kind) for p in result.problems] == [("feed.jsonl", 2, "bad_json"),
                                                                  ("feed.jsonl", 3, "bad_json")]
    assert "too deeply" in result.problems[0].message and "number too long" in result.problems[1].message
    assert [(d.line, d.text) for d in result.documents] == [(1, "Lynas shipped oxide."),
                                                           (4, "Iluka began building.")]
    corpus = rr.load_corpus(tmp_path)  # and the whole load goes through
    assert sorted(corpus.articles["line"]) == [1, 4]
    assert _rows(corpus) == {("feed.jsonl", 2, "bad_json"), ("feed.jsonl", 3, "bad_json")}


def test_jsonl_nul_byte_removed_lets_the_record_load_with_a_row(tmp_path):
    lines = [_record("Lynas shipped oxide.").encode(),
             b'{"text": "Iluka began building.",\x00 "title": "Iluka"}',
             b'{"text": "Arafura \x00 funded", broken',
             _record("MP Materials opened a plant.").encode()]
    path = _jsonl(tmp_path, lines)
    raw = path.read_bytes()
    first_nul = raw.index(b"\x00")
    second_nul = raw.index(b"\x00", first_nul + 1)
    result = load_file(path, tmp_path)
    assert [(d.line, d.text) for d in result.documents] == [
        (1, "Lynas shipped oxide."), (2, "Iluka began building."), (4, "MP Materials opened a plant.")]
    assert result.documents[1].metadata["title"] == "Iluka"
    assert [(p.line, p.kind) for p in result.problems] == [(2, "repaired_bytes"), (3, "bad_json")]
    assert f"1 NUL byte removed, at byte {first_nul} of the file" in result.problems[0].message
    assert f"1 NUL byte removed, at byte {second_nul} of the file" in result.problems[1].message


def test_jsonl_invalid_utf8_inside_a_string_is_replaced_on_its_line(tmp_path):
    lines = [_record("Société Générale rated Lynas.").encode(),
             b'{"text": "Lynas \xff\xfe shipped oxide."}',
             _record("Iluka began building.").encode()]
    path = _jsonl(tmp_path, lines)
    raw = path.read_bytes()
    result = load_file(path, tmp_path)
    assert [d.text for d in result.documents] == ["Société Générale rated Lynas.",
                                                  "Lynas \ufffd\ufffd shipped oxide.", "Iluka began building."]
    assert [(p.line, p.kind) for p in result.problems] == [(2, "repaired_bytes")]
    at = raw.index(b"\xff")
    assert f"2 bytes that are not UTF-8 replaced with U+FFFD, at byte {at}, {at + 1} of" in result.problems[0].message


def test_jsonl_lone_surrogate_escapes_are_replaced_and_the_load_goes_through(tmp_path):
    path = _jsonl(tmp_path, ['{"text": "Lynas \\ud800 shipped oxide.", "title": "Lynas \\udfff"}',
                             '{"text": "Pairs are kept: \\ud83d\\ude00."}'])
    corpus = rr.load_corpus(tmp_path)
    texts = dict(zip(corpus.articles["line"], corpus.articles["text"]))
    assert texts[1] == "Lynas \ufffd shipped oxide." and texts[2] == "Pairs are kept: \U0001f600."
    assert corpus.articles.set_index("line").loc[1, "title"] == "Lynas \ufffd"
    assert _rows(corpus) == {("feed.jsonl", 1, "repaired_escapes")}


# --- Mostly good text loads ----------------------------------------------------------------------

HEAD = "Lynas Signs Heavy Rare Earths Deal\n\nMarch 4, 2025\n\nSociété Générale said “prices” rose at Lynas "
MIDDLE = "Rare Earths after the contract with the U.S. Department of Defense. "
TAIL = "The plant will separate dysprosium and terbium in Texas, said Société Générale.\n"


def test_utf8_with_three_invalid_bytes_loads_as_utf8_with_a_repair_row(tmp_path):
    raw = HEAD.encode() + b"\xff\xfe" + MIDDLE.encode() + b"\x80" + TAIL.encode()
    (tmp_path / "a.txt").write_bytes(raw)
    _good(tmp_path)
    result = load_file(tmp_path / "a.txt", tmp_path)
    document, = result.documents
    assert document.encoding == "utf-8"
    assert document.text == HEAD + "\ufffd\ufffd" + MIDDLE + "\ufffd" + TAIL
    offsets = [len(HEAD.encode()), len(HEAD.encode()) + 1, len(HEAD.encode()) + 2 + len(MIDDLE.encode())]
    assert [raw[o] for o in offsets] == [0xFF, 0xFE, 0x80]
    problem, = result.problems
    assert (problem.file, problem.line, problem.kind) == ("a.txt", None, "repaired_bytes")
    assert f"3 bytes that are not UTF-8 replaced with U+FFFD, at byte {offsets[0]}, {offsets[1]}, {offsets[2]} " \
           "of the file" in problem.message
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("a.txt", None, "repaired_bytes")}
    text = _texts(corpus)["a.txt"]
    assert "Société Générale said “prices” rose" in text and "\ufffd" in text
    _assert_good_loaded(corpus)
    _assert_offsets_hold(corpus)


def test_stray_nul_bytes_are_removed_with_a_row(tmp_path):
    raw = HEAD.encode() + b"\x00" + MIDDLE.encode() + b"\x00" + TAIL.encode()
    (tmp_path / "a.md").write_bytes(raw)
    result = load_file(tmp_path / "a.md", tmp_path)
    assert result.documents[0].text == HEAD + MIDDLE + TAIL
    assert result.documents[0].encoding == "utf-8"
    first = raw.index(b"\x00")
    second = raw.index(b"\x00", first + 1)
    problem, = result.problems
    assert (problem.line, problem.kind) == (None, "repaired_bytes")
    assert f"2 NUL bytes removed, at byte {first}, {second} of the file" in problem.message
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("a.md", None, "repaired_bytes")}
    _assert_offsets_hold(corpus)


def test_repaired_offsets_match_the_raw_bytes_after_a_byte_order_mark(tmp_path):
    raw = b"\xef\xbb\xbf" + HEAD.encode() + b"\xc3" + b"\x00" + TAIL.encode()  # a cut é, then a NUL
    decoded = decode_text(raw)
    assert decoded.encoding == "utf-8-sig"
    assert [(r.byte, r.removed) for r in decoded.repaired] == [(3 + len(HEAD.encode()), False),
                                                               (4 + len(HEAD.encode()), True)]
    assert [raw[r.byte] for r in decoded.repaired] == [0xC3, 0x00]
    assert [decoded.text[r.char] for r in decoded.repaired] == ["\ufffd", TAIL[0]]
    assert decoded.text == HEAD + "\ufffd" + TAIL


def test_many_repairs_name_the_first_few_offsets_and_count_the_rest(tmp_path):
    raw = ("Société Générale. " * 200).encode() + b"".join(b"x\xff" for _ in range(8))
    (tmp_path / "a.txt").write_bytes(raw)
    problem, = load_file(tmp_path / "a.txt", tmp_path).problems
    first = raw.index(b"\xff")
    assert f"8 bytes that are not UTF-8 replaced with U+FFFD, at byte {first}, {first + 2}, {first + 4}, " \
           f"{first + 6}, {first + 8} and 3 more of the file" in problem.message


def test_genuine_windows_1252_decodes_with_no_problem_row(tmp_path):
    text = GOOD + "Prices fell 5% – “sharply”, said Société Générale in Besançon; the café agreed.\n"
    (tmp_path / "a.txt").write_bytes(text.encode("cp1252"))
    result = load_file(tmp_path / "a.txt", tmp_path)
    assert result.problems == ()
    assert (result.documents[0].encoding, result.documents[0].text) == ("cp1252", text)


def test_windows_1252_with_an_undefined_byte_is_repaired(tmp_path):
    raw = "Société Générale rated Lynas. ".encode("cp1252") * 10 + b"\x81" + b" End of note.\n"
    (tmp_path / "a.txt").write_bytes(raw)
    result = load_file(tmp_path / "a.txt", tmp_path)
    assert result.documents[0].encoding == "cp1252"
    assert result.documents[0].text == "Société Générale rated Lynas. " * 10 + "\ufffd End of note.\n"
    at = raw.index(0x81)
    assert f"1 byte that is not Windows-1252 replaced with U+FFFD, at byte {at} of the file" \
        in result.problems[0].message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_byte_order_mark_still_decodes(tmp_path, encoding):
    text = GOOD + "Société Générale said “prices” rose.\n"
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    result = load_file(tmp_path / "a.txt", tmp_path)
    assert result.problems == ()
    assert result.documents[0].text == text


@pytest.mark.parametrize(("data", "kind"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00", "binary"),
    (bytes(range(256)) * 4, "binary"),
    (b"caf\xe9 \x81\x8d\x8f\x90 bytes", "undecodable"),
    ("Société ".encode() + bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d]) * 20, "undecodable"),
    (b"Lynas\x00\x00\x00\x00\x00 shipped oxide\x00\x00\x00.", "binary"),
])
def test_a_file_that_is_mostly_not_text_is_still_rejected(tmp_path, data, kind):
    (tmp_path / "a.txt").write_bytes(data)
    _good(tmp_path)
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("a.txt", None, kind)}
    _assert_good_loaded(corpus)


def test_the_thresholds_are_rules_data(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    for source in paths.rules_dir().glob("*.yaml"):
        (rules / source.name).write_bytes(source.read_bytes())
    parse = rules / "parse.yaml"
    text = parse.read_text(encoding="utf-8")
    assert load_parse_rules(rules).text_limits == TextLimits(max_bad_byte_share=0.05, max_control_share=0.02)
    parse.write_text(text.replace("max_bad_byte_share: 0.05", "max_bad_byte_share: 0.0001"), encoding="utf-8")
    strict = load_parse_rules(rules).text_limits
    assert strict.max_bad_byte_share == 0.0001
    raw = HEAD.encode() + b"\xff\xfe" + MIDDLE.encode() + b"\x80" + TAIL.encode()
    (tmp_path / "a.txt").write_bytes(raw)
    problem, = load_file(tmp_path / "a.txt", tmp_path, limits=strict).problems
    assert problem.kind == "undecodable" and "max_bad_byte_share" in problem.message
    parse.write_text(text.replace("max_control_share: 0.02", "max_control_share: 2"), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="max_control_share"):
        load_parse_rules(rules)


def test_decode_bytes_keeps_its_shape():
    assert decode_bytes("Société".encode()) == ("Société", "utf-8")
    assert decode_bytes("Société".encode("cp1252")) == ("Société", "cp1252")
    assert decode_bytes(b"<meta charset='iso-8859-7'>\xe1", html=True) == ("<meta charset='iso-8859-7'>α",
                                                                            "iso8859-7")
    with pytest.raises(DecodeError) as caught:
        decode_bytes(bytes(range(256)) * 4)
    assert caught.value.kind == "binary"


# --- Nothing crashes the load --------------------------------------------------------------------

def _boom_when(monkeypatch, target: str, word: str, error: BaseException) -> None:
    """Make ``pipeline.<target>`` raise ``error`` for a document whose text holds ``word``."""
    original = getattr(pipeline, target)

    def failing(document, *args, **kwargs):
        text = document.text if hasattr(document, "text") and isinstance(document.text, str) else ""
        if word in text:
            raise error
        return original(document, *args, **kwargs)

    monkeypatch.setattr(pipeline, target, failing)


@pytest.mark.parametrize("stage", ["parse_document", "_extract"])
def test_an_unexpected_error_in_one_document_is_a_row_and_the_rest_loads(tmp_path, monkeypatch, stage):
    _good(tmp_path)
    (tmp_path / "boom.txt").write_text(GOOD.replace("Texas", "Texas. BOOM"), encoding="utf-8")
    _jsonl(tmp_path, [_record("Lynas shipped oxide to Japan."), _record("Iluka BOOM began building."),
                      _record("Arafura got funding for Nolans.")])
    if stage == "parse_document":
        _boom_when(monkeypatch, "parse_document", "BOOM", RuntimeError("the parser tripped"))
    else:  # fails after the article's rows are made: none of them may stay
        original = pipeline._extract

        def extract(output, doc, article, toolkit):
            if "BOOM" in article.text:
                raise RuntimeError("the parser tripped")
            return original(output, doc, article, toolkit)

        monkeypatch.setattr(pipeline, "_extract", extract)
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("boom.txt", None, "internal_error"), ("feed.jsonl", 2, "internal_error")}
    message = corpus.problems["message"].iloc[0]
    assert "RuntimeError: the parser tripped" in message and "report" in message
    assert sorted(zip(corpus.articles["file"], corpus.articles["line"].fillna(0))) == [
        ("feed.jsonl", 1), ("feed.jsonl", 3), ("good.txt", 0)]
    assert not any("BOOM" in text for text in corpus.sentences["text"])
    _assert_good_loaded(corpus)


def test_an_unexpected_error_reading_a_file_is_a_row(tmp_path, monkeypatch):
    _good(tmp_path)
    _good(tmp_path, "odd.txt").write_text("Other text about Iluka.\n", encoding="utf-8")
    original = pipeline.load_file

    def load(path, *args, **kwargs):
        if Path(path).name == "odd.txt":
            raise IndexError("list index out of range")
        return original(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "load_file", load)
    corpus = rr.load_corpus(tmp_path)
    assert _rows(corpus) == {("odd.txt", None, "internal_error")}
    assert "IndexError" in corpus.problems["message"].iloc[0]
    _assert_good_loaded(corpus)


@pytest.mark.parametrize("error", [KeyboardInterrupt(), SystemExit(3)])
def test_interrupts_still_stop_the_load(tmp_path, monkeypatch, error):
    _good(tmp_path)
    _boom_when(monkeypatch, "parse_document", "Lynas", error)
    with pytest.raises(type(error)):
        rr.load_corpus(tmp_path)


# --- Strict mode ---------------------------------------------------------------------------------

def _strict_case(folder: Path, kind: str, monkeypatch) -> str:
    """Build in ``folder`` one file giving a problem of ``kind``; return its name."""
    if kind == "link_loop":
        (folder / "loop.txt").symlink_to("loop.txt")
        return "loop.txt"
    if kind == "dangling_link":
        (folder / "gone.txt").symlink_to("missing.txt")
        return "gone.txt"
    if kind == "special_file":
        os.mkfifo(folder / "pipe.txt")
        return "pipe.txt"
    if kind == "link_outside":
        (folder / "passwd.txt").symlink_to(folder.parent / "secret.txt")
        (folder.parent / "secret.txt").write_text(SECRET, encoding="utf-8")
        return "passwd.txt"
    if kind == "bad_file_name":
        with open(os.path.join(os.fsencode(folder), b"n\xe9.txt"), "wb") as file:
            file.write(b"text")
        return "n\\xe9.txt"
    if kind == "repaired_bytes":
        (folder / "cut.txt").write_bytes(HEAD.encode() + b"\xff" + TAIL.encode())
        return "cut.txt"
    if kind == "repaired_escapes":
        _jsonl(folder, ['{"text": "Lynas \\ud800 shipped."}'], "feed.jsonl")
        return "feed.jsonl"
    _good(folder, "boom.txt").write_text("BOOM article about Lynas.\n", encoding="utf-8")
    _boom_when(monkeypatch, "parse_document", "BOOM", ValueError("bad"))
    return "boom.txt"


@pytest.mark.parametrize("kind", ["link_loop", "dangling_link", "special_file", "link_outside", "bad_file_name",
                                  "repaired_bytes", "repaired_escapes", "internal_error"])
def test_strict_mode_raises_naming_the_file_for_each_new_kind(tmp_path, monkeypatch, kind):
    root = tmp_path / "corpus"
    _good(root)
    name = _strict_case(root, kind, monkeypatch)
    assert (name, kind) in {(f, k) for f, _, k in _rows(rr.load_corpus(root))}
    with pytest.raises(rr.IngestError) as caught:
        rr.load_corpus(root, strict=True)
    assert caught.value.path == root / name and caught.value.kind == kind
    assert f"{name}" in str(caught.value)


def test_strict_mode_forgives_a_linked_folder_of_the_corpus(tmp_path):
    _good(tmp_path / "sub")
    (tmp_path / "again").symlink_to("sub", target_is_directory=True)
    corpus = rr.load_corpus(tmp_path, strict=True)
    assert _rows(corpus) == {("again", None, "linked_folder")}
    _assert_good_loaded(corpus, "sub/good.txt")
