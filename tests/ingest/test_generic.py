"""Generic reader: CSV / JSONL / Parquet through a TOML mapping; mapping validation; CLI."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from span_support import DATA, assert_idempotent, check_never_crashes, read_all
from typer.testing import CliRunner

from tokencensus.cli import _register_commands, app
from tokencensus.errors import InputError, UnknownFormatError
from tokencensus.ingest import plan
from tokencensus.ingest.generic import GenericReader, MappingError
from tokencensus.store import Store

DIR = DATA / "generic"
CSV = DIR / "generations.csv"
MAPPING = DIR / "mapping.toml"
OPENROUTER = DATA / "openrouter" / "generations.jsonl"


def _expected_csv_rows(rows: list[dict]) -> None:
    free, paid = rows
    assert free["request_id"] == "gen-1737842317-9ifH6Yzo5icEdfD0I8SI"
    assert free["ts"] == dt.datetime(2025, 1, 25, 21, 58, 42, 249238, tzinfo=dt.UTC)
    assert (free["input_tokens"], free["output_tokens"]) == (4, 521)
    assert free["cached_tokens"] is None and free["reasoning_tokens"] is None  # empty cells
    assert free["cost_usd"] == 0.0 and free["cost_source"] == "reported"
    assert free["streamed"] is True and free["latency_ms"] == 3134.0
    assert free["provider"] == "Google AI Studio" and free["app"] == "csv-export"
    assert (paid["input_tokens"], paid["cached_tokens"]) == (10, 3)
    assert (paid["output_tokens"], paid["reasoning_tokens"]) == (25, 5)
    assert paid["finish_reason"] == "stop" and paid["model_raw"] == "sao10k/l3-stheno-8b"


def test_csv_through_the_mapping() -> None:
    rows, rejects, read, _ = read_all(GenericReader(MAPPING), CSV)
    assert rejects == [] and read == 2
    _expected_csv_rows(rows)


def test_parquet_and_gzip_csv_read_the_same(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(list(csv.DictReader(io.StringIO(CSV.read_text()))))
    pq.write_table(table, tmp_path / "g.parquet")
    (tmp_path / "g.csv.gz").write_bytes(gzip.compress(CSV.read_bytes()))
    for name in ("g.parquet", "g.csv.gz"):
        rows, rejects, _, _ = read_all(GenericReader(MAPPING), tmp_path / name)
        assert rejects == [], name
        _expected_csv_rows(rows)


def test_nested_jsonl_paths_and_provider_finish_reasons() -> None:
    rows, rejects, _, _ = read_all(GenericReader(DIR / "mapping_openrouter_jsonl.toml"),
                                   OPENROUTER)
    assert rejects == []
    assert [r["request_id"] for r in rows] == ["gen-1737842317-9ifH6Yzo5icEdfD0I8SI",
                                               "gen-3bhGkxlo4XFrqiabUM7NDtwDzWwG"]
    assert rows[0]["finish_reason"] == "stop"  # native_finish_reason "STOP" (Gemini)
    assert rows[0]["input_tokens"] == 4


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(text)
    return path


def test_exclusive_counts_and_unix_times(tmp_path: Path) -> None:
    data = tmp_path / "usage.jsonl"
    data.write_text(json.dumps({"t": 1735689600123, "m": "claude-sonnet-4", "in": 10,
                                "read": 100, "write": 20, "out": 5, "think": 3}) + "\n")
    mapping = _mapping(tmp_path, """
[columns]
ts = "t"
model_raw = "m"
input_tokens = "in"
cached_tokens = "read"
cache_write_tokens = "write"
output_tokens = "out"
reasoning_tokens = "think"
[options]
ts_format = "unix_ms"
input_includes_cached = false
output_includes_reasoning = false
""")
    (row,), rejects, _, _ = read_all(GenericReader(mapping), data)
    assert rejects == []
    assert (row["input_tokens"], row["output_tokens"]) == (130, 8)
    assert row["ts"] == dt.datetime(2025, 1, 1, 0, 0, 0, 123000, tzinfo=dt.UTC)
    assert row["request_id"].startswith("sha256:")  # no id column: a hash of the row


def test_a_mapping_without_a_model_column_stores_rows(tmp_path: Path) -> None:
    """Only ts is required; rows without a model name are stored with an unknown model."""
    data = tmp_path / "usage.csv"
    data.write_text("created,id,inp\n2025-01-01T00:00:00Z,a,10\n2025-01-02T00:00:00Z,b,20\n")
    mapping = _mapping(tmp_path, '[columns]\nts = "created"\nrequest_id = "id"\n'
                                 'input_tokens = "inp"\n')
    rows, rejects, read, _ = read_all(GenericReader(mapping), data)
    assert (read, rejects) == (2, [])
    assert [(r["request_id"], r["input_tokens"], r["model_raw"]) for r in rows] == [
        ("a", 10, None), ("b", 20, None)]


@pytest.mark.parametrize(("text", "key"), [
    ("[columns]\nmodel_raw = 'm'\n", "columns.ts: missing"),
    ("[columns]\nts = 't'\ntokens = 'x'\n", "columns.tokens: not a canonical column"),
    ("[columns]\nts = 't'\n[options]\nts_fmt = 'iso'\n", "options.ts_fmt: unknown option"),
    ("[columns]\nts = 't'\napp = 'a'\n[constants]\napp = 'x'\n", "app: mapped both"),
    ("[columns]\nts = 't'\n[options]\nformat = 'xlsx'\n", "options.format"),
    ("[columns]\nts = 3\n", "columns.ts: expected the name of your column"),
    ("[columns\nts = 't'\n", "file: not valid TOML"),
    ("[colums]\nts = 't'\n", "colums: unknown table"),
])
def test_mapping_errors_name_the_key_and_the_fix(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(MappingError, match=key):
        GenericReader(_mapping(tmp_path, text))


def test_bad_rows_are_quarantined_with_their_csv_line(tmp_path: Path) -> None:
    lines = CSV.read_text().splitlines()
    bad_tokens = lines[2].replace(",10,25,5,3,", ",10,lots,5,3,")
    bad_time = lines[1].replace("2025-01-25T21:58:42.249238+00:00", "tomorrow")
    short = "gen-x,2025-01-01T00:00:00Z"
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join([lines[0], lines[1], bad_tokens, bad_time, short]) + "\n")
    rows, rejects, read, _ = read_all(GenericReader(MAPPING), path)
    assert len(rows) == 1 and read == 4
    assert [r.line for r in rejects] == [3, 4, 5]
    assert "native_tokens_completion: expected a non-negative integer" in rejects[0].reason
    assert "created_at: expected an ISO 8601" in rejects[1].reason
    assert "expected 12 columns, got 2" in rejects[2].reason


def test_never_detected_by_sniffing(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError):
        plan([str(CSV)])
    [(_, reader)], _ = plan([str(CSV)], "generic", {"mapping": MAPPING})
    assert reader.name == "generic" and reader.mapping is not None  # type: ignore[attr-defined]
    with pytest.raises(InputError, match="takes no options"):
        plan([str(OPENROUTER)], "openrouter", {"mapping": MAPPING})


def test_reingest_is_idempotent(tmp_path: Path) -> None:
    counts = assert_idempotent([CSV], tmp_path / "store", fmt="generic",
                               reader_options={"mapping": MAPPING})
    assert counts == {"read": 2, "stored": 2, "duplicate": 0, "quarantined": 0}


def test_cli_mapping_option(tmp_path: Path) -> None:
    _register_commands()
    runner = CliRunner()
    store = str(tmp_path / "store")
    ok = runner.invoke(app, ["ingest", str(CSV), "--store", store, "--format", "generic",
                             "--mapping", str(MAPPING), "--classifier", "none", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["stored"] == 2
    other = str(tmp_path / "other")
    missing = runner.invoke(app, ["ingest", str(CSV), "--store", other, "--format", "generic",
                                  "--classifier", "none"])
    # The CLI's error boundary (main) prints this on one line and exits 2.
    assert isinstance(missing.exception, InputError)
    assert "--mapping FILE" in str(missing.exception)
    assert Store.open(other).batches == []  # nothing was committed


cells = st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 10**12).map(str),
                  st.sampled_from(["true", "no", "1.5e3", "2025-01-01T00:00:00Z", "STOP"]))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(row=st.fixed_dictionaries({name: cells for name in CSV.read_text().splitlines()[0]
                                  .split(",")}))
def test_arbitrary_cells_never_crash(tmp_path: Path, row: dict) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow({k: "" if v is None else v for k, v in row.items()})
    path = tmp_path / "fuzz.csv"
    path.write_text(out.getvalue() + CSV.read_text().splitlines()[1] + "\n")
    data = path.read_bytes()  # quoted cells may hold line breaks: count physical lines
    check_never_crashes(GenericReader(MAPPING), path,
                        lines=data.count(b"\n") + data.count(b"\r") + 1)
