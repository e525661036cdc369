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
