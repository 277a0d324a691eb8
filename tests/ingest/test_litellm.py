"""LiteLLM spend logs: the CSV export and the live PostgreSQL table, golden and fuzzed."""

from __future__ import annotations

import csv
import datetime as dt
import glob
import gzip
import io
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokencensus import schema
from tokencensus.errors import UnknownFormatError
from tokencensus.ingest import ingest, plan
from tokencensus.ingest.litellm import LiteLLMDatabaseReader, LiteLLMSpendLogsReader
from tokencensus.ingest.sources import SourceFile
from tokencensus.store import Store

DATA = Path(__file__).parents[1] / "data" / "litellm"
GOLDEN = DATA / "spend_logs.csv"
OPENAI_ID = "chatcmpl-34df56d5-4807-45c1-bb99-61e52586b802"
ANTHROPIC_ID = "msg_013Zva2CMHLNnXjNJJKqJ2EF"

# The CREATE TABLE of LiteLLM's Prisma migration (see tests/data/litellm/SOURCES.md).
SPEND_LOGS_DDL = """
CREATE TABLE "LiteLLM_SpendLogs" (
    "request_id" TEXT NOT NULL,
    "call_type" TEXT NOT NULL,
    "api_key" TEXT NOT NULL DEFAULT '',
    "spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    "total_tokens" INTEGER NOT NULL DEFAULT 0,
    "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "completion_tokens" INTEGER NOT NULL DEFAULT 0,
    "startTime" TIMESTAMP(3) NOT NULL,
    "endTime" TIMESTAMP(3) NOT NULL,
    "request_duration_ms" INTEGER,
    "completionStartTime" TIMESTAMP(3),
    "model" TEXT NOT NULL DEFAULT '',
    "model_id" TEXT DEFAULT '',
    "model_group" TEXT DEFAULT '',
    "custom_llm_provider" TEXT DEFAULT '',
    "api_base" TEXT DEFAULT '',
    "user" TEXT DEFAULT '',
    "metadata" JSONB DEFAULT '{}',
    "cache_hit" TEXT DEFAULT '',
    "cache_key" TEXT DEFAULT '',
    "request_tags" JSONB DEFAULT '[]',
    "team_id" TEXT,
    "organization_id" TEXT,
    "end_user" TEXT,
    "requester_ip_address" TEXT,
    "messages" JSONB DEFAULT '{}',
    "response" JSONB DEFAULT '{}',
    "session_id" TEXT,
    "status" TEXT,
    "mcp_namespaced_tool_name" TEXT,
    "agent_id" TEXT,
    "proxy_server_request" JSONB DEFAULT '{}',

    CONSTRAINT "LiteLLM_SpendLogs_pkey" PRIMARY KEY ("request_id")
);
"""


def golden_rows() -> list[dict[str, str]]:
    with GOLDEN.open(newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(golden_rows()[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue())
    return path


def read(reader: LiteLLMSpendLogsReader | LiteLLMDatabaseReader,
         source: object) -> tuple[list[dict], list, int]:
    rows, rejects, seen = [], [], 0
    for chunk in reader.read(source):  # type: ignore[arg-type]
        if chunk.rows is not None:
            rows.extend(chunk.rows.to_pylist())
        rejects.extend(chunk.rejects)
        seen += chunk.lines_read
    return rows, rejects, seen


def check_golden(rows: list[dict]) -> None:
    by_id = {r["request_id"]: r for r in rows}
    gpt, claude = by_id[OPENAI_ID], by_id[ANTHROPIC_ID]
    # TIMESTAMP(3) keeps milliseconds: 22:02:42.975883 is stored as .976.
    assert gpt["ts"] == dt.datetime(2025, 3, 24, 22, 2, 42, 976000, tzinfo=dt.UTC)
    assert (gpt["input_tokens"], gpt["output_tokens"]) == (10, 20)
    # usage_object without details: unknown, not zero.
    assert gpt["cached_tokens"] is None and gpt["reasoning_tokens"] is None
    assert gpt["model_raw"] == "gpt-4o" and gpt["model"] == "openai/gpt-4o"
    assert gpt["provider"] == "openai" and gpt["session_id"] == "1234567890"
    assert gpt["cost_usd"] == pytest.approx(0.000225) and gpt["cost_source"] == "reported"
    assert gpt["status"] == "ok" and gpt["latency_ms"] == pytest.approx(13.0)
    assert gpt["ttft_ms"] is None  # completionStartTime == endTime: not streamed
    assert gpt["finish_reason"] is None and gpt["tools_declared"] is None  # prompts not stored
    assert (claude["input_tokens"], claude["output_tokens"]) == (2095, 503)
    assert (claude["cached_tokens"], claude["cache_write_tokens"]) == (0, 0)
    assert claude["model"] == "anthropic/claude-3.7-sonnet" and claude["provider"] == "anthropic"
    assert claude["requests"] == 1 and claude["tokens_estimated"] is False


def test_csv_export_maps_exactly() -> None:
    rows, rejects, seen = read(LiteLLMSpendLogsReader(), SourceFile(GOLDEN))
    assert rejects == [] and seen == 2
    check_golden(rows)
    assert {r["user_id"] for r in rows} == {"test_user_1"}  # end_user before the key's user


def test_usage_object_details_give_cached_reasoning_and_cache_writes(tmp_path: Path) -> None:
    row = golden_rows()[1]
    meta = orjson.loads(row["metadata"])
    meta["usage_object"]["prompt_tokens_details"]["cached_tokens"] = 1800
    meta["usage_object"]["cache_creation_input_tokens"] = 200
    meta["usage_object"]["completion_tokens_details"] = {"reasoning_tokens": 300}
    row["metadata"] = orjson.dumps(meta).decode()
    row["response"] = orjson.dumps({"choices": [{"finish_reason": "tool_calls", "message": {
        "role": "assistant", "tool_calls": [{"id": "a"}, {"id": "b"}]}}]}).decode()
    row["proxy_server_request"] = orjson.dumps({"tools": [{"type": "function"}]}).decode()
    row["status"] = "success"
    (out,), _, _ = read(LiteLLMSpendLogsReader(), SourceFile(write_csv(tmp_path / "x.csv", [row])))
    assert (out["input_tokens"], out["cached_tokens"], out["cache_write_tokens"]) == (2095, 1800,
                                                                                       200)
    assert (out["output_tokens"], out["reasoning_tokens"]) == (503, 300)
    assert out["finish_reason"] == "tool_calls" and out["tool_calls"] == 2
    assert out["tools_declared"] is True


def test_failed_request_without_response_is_an_error(tmp_path: Path) -> None:
    row = dict(golden_rows()[0], status="failure", prompt_tokens="0", completion_tokens="0")
    (out,), _, _ = read(LiteLLMSpendLogsReader(), SourceFile(write_csv(tmp_path / "f.csv", [row])))
    assert out["status"] == "error" and out["finish_reason"] == "error"


BAD = [
    ({"request_id": ""}, "request_id: missing"),
    ({"startTime": "yesterday"}, "startTime: expected an ISO 8601"),
    ({"prompt_tokens": "12x"}, "prompt_tokens: expected a non-negative integer"),
    ({"spend": "lots"}, "spend: expected a number"),
    ({"spend": "NaN"}, "spend: expected a number"),
    ({"metadata": "{not json"}, "metadata: expected JSON text"),
    ({"metadata": '{"usage_object": {"prompt_tokens_details": {"cached_tokens": 99999}}}'},
     "cached tokens (99999) exceed input tokens"),
    ({"metadata": '{"usage_object": {"completion_tokens_details": {"reasoning_tokens": -1}}}'},
     "completion_tokens_details.reasoning_tokens: expected a non-negative integer"),
]


def test_bad_rows_are_quarantined_with_line_and_reason(tmp_path: Path) -> None:
    good = golden_rows()
    bad_rows = [{**good[0], "request_id": f"bad-{i}", **change}
                for i, (change, _) in enumerate(BAD)]
    path = write_csv(tmp_path / "mixed.csv", [good[0], *bad_rows, good[1]])
    with path.open("a") as f:
        f.write("only,three,cells\n")
    store = Store.open(tmp_path / "store", create=True)
    report = ingest([str(path)], store, classifier=None)
    assert report.files[0].format == "litellm"
    assert report.total == {"read": 11, "stored": 2, "duplicate": 0, "quarantined": 9}
    q = pq.read_table(store.data_files("quarantine")[0]).to_pylist()
    # Every golden row is one physical line (no newline in any cell): header is line 1.
    assert [r["line"] for r in q] == [*range(3, 11), 12]
    for row, (_, expected) in zip(q, BAD, strict=False):
        assert expected in row["reason"], row["reason"]
    assert "expected 32 columns, got 3" in q[-1]["reason"]


def test_reingest_is_a_noop_and_duplicates_are_counted(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store", create=True)
    doubled = write_csv(tmp_path / "doubled.csv", golden_rows() * 2)
    first = ingest([str(doubled)], store, classifier=None)
    assert first.total == {"read": 4, "stored": 2, "duplicate": 2, "quarantined": 0}
    again = ingest([str(doubled)], store, classifier=None)
    assert again.files[0].skipped_as == first.files[0].batch and again.total["stored"] == 0


@pytest.mark.parametrize("compress", ["gz", "zst"])
def test_compressed_exports_are_detected_and_read(tmp_path: Path, compress: str) -> None:
    raw = GOLDEN.read_bytes()
    data = gzip.compress(raw) if compress == "gz" else zstandard.ZstdCompressor().compress(raw)
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / f"spend.csv.{compress}").write_bytes(data)
    [(source, reader)], unrecognized = plan([str(tmp_path / "logs")])
    assert reader.name == "litellm" and unrecognized == []
    assert len(read(reader, source)[0]) == 2  # type: ignore[arg-type]


columns = list(golden_rows()[0])
cell = st.none() | st.text(max_size=30) | st.integers(-5, 10**12).map(str) | st.sampled_from(
    ["{}", "[]", "null", '{"usage_object": 5}', '{"usage_object": {"prompt_tokens_details": []}}',
     "2025-01-01 00:00:00", "9999-99-99", "-1", "1e400", "NaN", '"x"'])


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from([0, 1]),
       mutations=st.dictionaries(st.sampled_from(columns), cell, max_size=5),
       garbage=st.text(max_size=60))
def test_mutated_rows_never_crash_and_reconcile(
    tmp_path: Path, base: int, mutations: dict, garbage: str
) -> None:
    row = dict(golden_rows()[base])
    row.update({k: "" if v is None else v for k, v in mutations.items()})
    path = write_csv(tmp_path / "fuzz.csv", [row])
    with path.open("a", newline="") as f:
        f.write(garbage.replace("\r", " ") + "\n")
    rows, rejects, seen = read(LiteLLMSpendLogsReader(), SourceFile(path))
    assert len(rows) + len(rejects) == seen >= 1
    for r in rejects:
        assert r.reason and r.line >= 2 and len(r.record_sha256) == 64
    for r in rows:
        assert r["request_id"] and r["ts"] is not None
        assert r["finish_reason"] in (*schema.FINISH_REASONS, None)


# --- the live database: a real PostgreSQL from Debian's package ------------------------------

def _initdb() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return found[-1] if found else None


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server on a unix socket; yields a libpq URL of an empty database."""
    initdb = _initdb()
    if initdb is None:
        pytest.skip("PostgreSQL binaries absent (/usr/lib/postgresql/*/bin/initdb); "
                    "install Debian's postgresql package (.ci/run does)")
    bindir = Path(initdb).parent
    base = Path(tempfile.mkdtemp(prefix="tcpg-"))  # short path: unix socket names are limited
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        pw = pwd.getpwnam("postgres")
        base.chmod(0o755)
        os.chown(base, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = "54329"
    data = base / "data"
    run = [*prefix, str(bindir / "pg_ctl"), "-D", str(data)]
    subprocess.run([*prefix, initdb, "-D", str(data), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    subprocess.run([*run, "-l", str(base / "log"), "-w", "-o",
                    f"-c listen_addresses='' -k {base} -p {port} -c fsync=off", "start"],
                   check=True, capture_output=True)
    try:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@/postgres?host={base}&port={port}",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE litellm")
        yield f"postgresql://postgres@/litellm?host={base}&port={port}"
    finally:
        subprocess.run([*run, "-m", "fast", "-w", "stop"], check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def spend_logs(postgres: str) -> Iterator[str]:
    """The real table, loaded with the golden export; dropped afterwards."""
    import psycopg

    with psycopg.connect(postgres) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute(SPEND_LOGS_DDL)
        with conn.cursor().copy(
                'COPY "LiteLLM_SpendLogs" FROM STDIN WITH (FORMAT csv, HEADER)') as copy:
            copy.write(GOLDEN.read_bytes())
    yield postgres
    with psycopg.connect(postgres) as conn:
        conn.execute('DROP TABLE "LiteLLM_SpendLogs"')


def test_database_rows_map_like_the_export(spend_logs: str, monkeypatch: pytest.MonkeyPatch,
                                           ) -> None:
    monkeypatch.setattr("tokencensus.ingest.litellm.PAGE_ROWS", 1)  # several server-side pages
    [(source, reader)], _ = plan([spend_logs])
    assert reader.name == "litellm_db"
    rows, rejects, seen = read(reader, source)
    assert rejects == [] and seen == 2
    check_golden(rows)


def test_database_ingest_is_idempotent_until_the_table_changes(spend_logs: str,
                                                               tmp_path: Path) -> None:
    import psycopg

    store = Store.open(tmp_path / "store", create=True)
    first = ingest([spend_logs], store, classifier=None)
    assert first.total == {"read": 2, "stored": 2, "duplicate": 0, "quarantined": 0}
    assert first.files[0].source_path == spend_logs and first.files[0].format == "litellm_db"
    again = ingest([spend_logs], store, classifier=None)
    assert again.files[0].skipped_as == first.files[0].batch
    with psycopg.connect(spend_logs) as conn:
        conn.execute("""INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, "startTime",
                        "endTime", model, prompt_tokens, completion_tokens, status)
                        VALUES ('later', 'acompletion', '2025-03-25 08:00:00',
                                '2025-03-25 08:00:01', 'gpt-4o', 7, 3, 'success')""")
    third = ingest([spend_logs], store, classifier=None)
    assert third.total == {"read": 3, "stored": 1, "duplicate": 2, "quarantined": 0}


def test_database_url_password_stays_out_of_the_manifest() -> None:
    source = LiteLLMDatabaseReader().open_url("postgresql://litellm:s3cret@db:5432/litellm")
    assert source.path == "postgresql://litellm@db:5432/litellm"
    query = LiteLLMDatabaseReader().open_url("postgresql:///litellm?host=/run/pg&password=x&port=1")
    assert query.path == "postgresql:///litellm?host=/run/pg&port=1"


def test_an_unknown_url_scheme_fails_with_the_fix() -> None:
    with pytest.raises(UnknownFormatError, match=r"mysql://\.\.\..*Pass --format"):
        plan(["mysql://user:pw@host/db"])
