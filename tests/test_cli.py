"""The command line is a thin wrapper: it prints a summary and exports."""

from __future__ import annotations

import pandas as pd

from reex_research import paths
from reex_research.cli import main


def test_load_prints_a_summary_and_exports_csv(tmp_path, capsys):
    assert main(["load", str(paths.bundled_corpus()), "--out", str(tmp_path), "--format", "csv", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "5 articles" in out and "0 problems" in out
    assert len(pd.read_csv(tmp_path / "articles.csv")) == 5


def test_load_of_a_missing_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["load", str(tmp_path / "missing"), "--quiet"]) == 2
    assert "corpus folder not found" in capsys.readouterr().err


def test_report_with_a_bad_as_of_is_a_clear_error_before_anything_runs(tmp_path, capsys):
    assert main(["report", "--as-of", "2026-02-30", "--out", str(tmp_path)]) == 2
    assert "--as-of must be YYYY-MM-DD" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_report_with_a_missing_corpus_is_a_clear_error(tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2
    assert "corpus folder not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_report_passes_every_notebook_parameter_and_force(tmp_path, monkeypatch, capsys):
    from reex_research import reports

    seen = {}

    def fake_render(**kwargs):
        seen.update(kwargs)
        return tmp_path / "2026-11-23"

    monkeypatch.setattr(reports, "render_report", fake_render)
    code = main(["report", str(paths.bundled_corpus()), "--as-of", "2026-11-23", "--out", str(tmp_path),
                 "--themes", "recycling", "export_controls", "--actors", "lynas", "--min-mentions", "2",
                 "--force", "--no-cache"])
    assert code == 0
    assert seen["themes"] == ["recycling", "export_controls"] and seen["actors"] == ["lynas"]
    assert (seen["min_mentions"], seen["force"], seen["cache"]) == (2, True, False)
    assert "index.html" in capsys.readouterr().out


def test_load_leaves_out_links_leaving_the_folder_unless_told_to_follow_them(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Lynas opened a plant in Texas on June 1, 2025.\n", encoding="utf-8")
    (tmp_path / "elsewhere.txt").write_text("MP Materials shipped magnets on May 2, 2025.\n", encoding="utf-8")
    (corpus / "b.txt").symlink_to(tmp_path / "elsewhere.txt")
    assert main(["load", str(corpus), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 articles" in out and "1 problems (link_outside: 1)" in out
    assert main(["load", str(corpus), "--quiet", "--follow-links-outside"]) == 0
    out = capsys.readouterr().out
    assert "2 articles" in out and "0 problems" in out
