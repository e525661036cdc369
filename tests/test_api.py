"""The curated public API: every error class is exported, every exported name exists."""

from __future__ import annotations

import inspect

import reex_research as rr
from reex_research import errors


def test_every_exported_name_exists():
    for name in rr.__all__:
        assert hasattr(rr, name), name


def test_every_error_class_is_exported_and_derives_from_the_root():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__]
    assert classes
    for cls in classes:
        assert issubclass(cls, rr.ReexError)
        assert cls.__name__ in rr.__all__
        assert cls.__doc__ and cls.__doc__.startswith("Raised when")


def test_public_functions_have_docstrings_and_annotations():
    for function in (rr.load_corpus, rr.Corpus.summary, rr.Corpus.export):
        assert function.__doc__
        assert "return" in inspect.get_annotations(function)
