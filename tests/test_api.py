"""The curated public API: every error class is exported, every exported name exists."""

from __future__ import annotations

import inspect

import reex_research as rr
from reex_research import errors


def test_every_exported_name_exists_and_is_documented():
    for name in rr.__all__:
        assert hasattr(rr, name), name
        value = getattr(rr, name)
        if name != "__version__":
            assert inspect.getdoc(value), f"{name} has no docstring"


def test_every_public_name_of_the_package_is_exported():
    public = {name for name, value in vars(rr).items()
              if not name.startswith("_") and not inspect.ismodule(value)}
    assert public == set(rr.__all__) - {"__version__"}


def test_a_bad_argument_is_an_invalid_argument_error_and_a_value_error(tmp_path):
    for call in (lambda: rr.load_corpus(tmp_path, engine="spark"),
                 lambda: rr.load_corpus(tmp_path, as_of="23 November")):
        try:
            call()
        except rr.InvalidArgumentError as exc:
            assert isinstance(exc, ValueError) and isinstance(exc, rr.ReexError)
        else:
            raise AssertionError("no error")


def test_an_unknown_engine_names_the_valid_ones(tmp_path):
    import pytest

    with pytest.raises(rr.InvalidArgumentError, match="valid engines: local, dask"):
        rr.load_corpus(tmp_path, engine="spark")


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
