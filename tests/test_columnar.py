"""Rows as Arrow tables: every row table survives the trip to Arrow, Parquet, the cache and back to pandas."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow.parquet as pq
import pytest

from reex_research import schema
from reex_research.engine import cache, columnar
from reex_research.errors import SchemaError

SAMPLE = {
    schema.STR: ["Lynas", None],
    schema.INT: [3, 0],
    schema.OPT_INT: [7, None],
    schema.FLOAT: [1.5, -2.0],
    schema.BOOL: [True, False],
    schema.DATE: [dt.date(2025, 3, 4), None],
}


def _columns(table: str) -> dict[str, list]:
    types = dict(schema.SCHEMAS.get(table, ()))
    out = {}
    for name in columnar.row_columns(table):
        out[name] = SAMPLE[types.get(name, schema.STR)]
    return out


@pytest.mark.parametrize("table", schema.ROW_TABLES)
def test_every_row_table_round_trips_with_the_schema_dtypes(table, tmp_path):
    data = columnar.to_arrow(table, _columns(table))
    pq.write_table(data, tmp_path / "t.parquet")
    again = pq.read_table(tmp_path / "t.parquet").cast(columnar.arrow_schema(table))
    checksum = cache._write_arrow(data, tmp_path / "t.arrow")
    mapped = cache._read_arrow(tmp_path / "t.arrow", checksum)
    assert mapped.equals(data)
    for arrow in (data, again, mapped):
        frame = columnar.to_pandas(table, arrow)
        assert list(frame.columns) == [c for c in columnar.row_columns(table) if c not in columnar.PRIVATE]
        if table not in (*schema.INTERNAL_ROWS, "events"):
            schema.validate(table, frame)
        row = frame.iloc[0]
        for name, kind in dict(schema.SCHEMAS.get(table, ())).items():
            if name not in frame.columns:
                continue
            if kind == schema.DATE:
                assert row[name] == pd.Timestamp("2025-03-04") and pd.isna(frame[name].iloc[1])
            elif kind in (schema.STR, schema.OPT_INT):
                assert row[name] == SAMPLE[kind][0] and pd.isna(frame[name].iloc[1])
            else:
                assert frame[name].tolist() == SAMPLE[kind]


def test_private_columns_only_on_request():
    data = columnar.to_arrow("problems", _columns("problems"))
    assert "_key" not in columnar.to_pandas("problems", data).columns
    assert columnar.to_pandas("problems", data, private=True)["_doc"].tolist()[0] == "Lynas"


def test_dates_pandas_cannot_hold_become_missing_not_wrong():
    columns = _columns("events")
    columns["date_start"] = [dt.date(2999, 1, 1), dt.date(1500, 6, 1)]
    columns["date_end"] = [dt.date(2261, 12, 31), dt.date(1678, 1, 1)]
    frame = columnar.to_pandas("events", columnar.to_arrow("events", columns))
    assert frame["date_start"].isna().all()
    assert frame["date_end"].tolist() == [pd.Timestamp("2261-12-31"), pd.Timestamp("1678-01-01")]


def test_events_rows_leave_is_future_to_the_corpus():
    assert "is_future" not in columnar.row_columns("events")
    assert "actors" in columnar.row_columns("events")


def test_concat_of_nothing_is_an_empty_typed_table():
    empty = columnar.concat("sentences", [])
    assert empty.num_rows == 0 and empty.schema == columnar.arrow_schema("sentences")
    schema.validate("sentences", columnar.to_pandas("sentences", empty))


def test_validate_names_a_column_of_the_wrong_dtype():
    frame = schema.empty("mentions")
    frame["start"] = frame["start"].astype("float64")
    with pytest.raises(SchemaError, match="column 'start' has dtype float64, expected int64"):
        schema.validate("mentions", frame)
    with pytest.raises(SchemaError, match="differ from schema"):
        schema.validate("mentions", frame.drop(columns=["surface"]))


def test_every_table_of_a_loaded_corpus_is_numbered_from_zero(corpus):
    for name, frame in corpus.frames.items():
        assert isinstance(frame.index, pd.RangeIndex), name
        assert (frame.index.start, frame.index.stop, frame.index.step) == (0, len(frame), 1), name
