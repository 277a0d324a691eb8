"""Census store: atomic commits, crash recovery, dedupe, locking, layout."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tokencensus.store as store_module
from tokencensus import schema
from tokencensus.errors import StoreError, StoreLockedError, StoreVersionError
from tokencensus.store import Store


def rows(ids: list[str], month: int = 1) -> pa.Table:
    n = len(ids)
    cols = {f.name: pa.nulls(n, f.type) for f in schema.REQUESTS}
    cols.update(
        request_id=pa.array(ids),
        ts=pa.array([dt.datetime(2025, month, 1 + i % 28, tzinfo=dt.UTC) for i in range(n)],
                    schema.UTC_MICROS),
        source=pa.array(["test"] * n), batch=pa.array([""] * n),
        requests=pa.array([1] * n, pa.int64()), tokens_estimated=pa.array([False] * n),
        input_tokens=pa.array(range(n), pa.int64()), user_id=pa.array(["alice"] * n),
    )
    return pa.table(cols)


def stored_ids(store: Store) -> list[str]:
    return sorted(i for p in store.data_files("requests")
                  for i in pq.read_table(p, columns=["request_id"])["request_id"].to_pylist())


def test_layout_is_month_partitioned_parquet_with_the_canonical_schema(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s", create=True)
    with store.batch(source_path="x", fmt="test") as b:
        b.add_rows(rows(["a", "b"], month=1))
        b.add_rows(rows(["c"], month=3))
    files = sorted(p.relative_to(store.root).as_posix() for p in store.data_files("requests"))
    assert [f.split("/")[1] for f in files] == ["month=2025-01", "month=2025-03"]
    table = pq.read_table(store.data_files("requests")[0])
    assert table.schema.names == schema.REQUESTS.names
    assert table.schema.field("ts").type == schema.UTC_MICROS
    assert set(table["batch"].to_pylist()) == {b.summary.batch}
    manifest = json.loads((store.root / "manifest.json").read_text())
    assert manifest["schema_version"] == schema.SCHEMA_VERSION
    entry = manifest["batches"][0]
    counts = (entry["read"], entry["stored"], entry["duplicate"], entry["quarantined"])
    assert counts == (3, 3, 0, 0)


@pytest.mark.parametrize("part_rows", [1_000_000, 1, 2])
def test_first_occurrence_wins_within_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part_rows: int
) -> None:
    # part_rows 1 and 2 stage every add in its own file: order must hold across parts.
    monkeypatch.setattr(store_module, "STAGE_PART_ROWS", part_rows)
    store = Store.open(tmp_path / "s", create=True)
    first, second = rows(["a", "b"]), rows(["c", "a"])
    second = second.set_column(second.schema.get_field_index("input_tokens"), "input_tokens",
                               pa.array([998, 999], pa.int64()))
    with store.batch(source_path="x", fmt="test") as b:
        b.add_rows(first)
        b.add_rows(second)
        b.add_rows(rows(["d"]))
    assert (b.summary.stored, b.summary.duplicate) == (4, 1)
    kept = pq.read_table(store.data_files("requests")[0])
    by_id = dict(zip(kept["request_id"].to_pylist(), kept["input_tokens"].to_pylist(),
                     strict=True))
    assert by_id == {"a": 0, "b": 1, "c": 998, "d": 0}


def test_failed_batch_leaves_previous_state(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s", create=True)
    with store.batch(source_path="x", fmt="test") as b:
        b.add_rows(rows(["a", "b"]))
    with pytest.raises(RuntimeError), store.batch(source_path="y", fmt="test") as b2:
        b2.add_rows(rows(["c"]))
        raise RuntimeError("reader crashed")
    reopened = Store.open(tmp_path / "s")
    assert stored_ids(reopened) == ["a", "b"]
    assert len(reopened.batches) == 1
    assert not any((tmp_path / "s" / ".staging").iterdir())


def _crash_after_moving_files(store_path: str) -> None:
    """Child process: commit a batch but die before the manifest is written."""
    store = Store.open(store_path)
    original = Store._append_manifest

    def die(self: Store, summary: object) -> None:
        os._exit(9)

    Store._append_manifest = die  # type: ignore[method-assign]
    try:
        with store.batch(source_path="crash", fmt="test") as b:
            b.add_rows(rows(["x", "y"], month=2))
    finally:
        Store._append_manifest = original  # type: ignore[method-assign]


def test_crash_mid_commit_is_invisible_and_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "s"
    store = Store.open(path, create=True)
    with store.batch(source_path="ok", fmt="test") as b:
        b.add_rows(rows(["a"]))
    child = multiprocessing.get_context("fork").Process(target=_crash_after_moving_files,
                                                        args=(str(path),))
    child.start()
    child.join()
    assert child.exitcode == 9
    # The crashed batch's files were moved into requests/ but are not committed.
    on_disk = list((path / "requests").rglob("*.parquet"))
    assert len(on_disk) == 2
    assert stored_ids(Store.open(path)) == ["a"]
    # The next writer rolls the leftovers back before doing anything else.
    with Store.open(path).batch(source_path="next", fmt="test") as b:
        b.add_rows(rows(["x"], month=2))
    assert stored_ids(Store.open(path)) == ["a", "x"]
    assert len(list((path / "requests").rglob("*.parquet"))) == 2


def _hold_lock(store_path: str, ready: object, release: object) -> None:
    store = Store.open(store_path)
    with store.batch(source_path="slow", fmt="test"):
        ready.set()  # type: ignore[attr-defined]
        release.wait(10)  # type: ignore[attr-defined]


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s"
    Store.open(path, create=True)
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(path), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(StoreLockedError, match="another process"), \
                Store.open(path).batch(source_path="b", fmt="test"):
            pass
    finally:
        release.set()
        holder.join()
    with Store.open(path).batch(source_path="b", fmt="test") as b:
        b.add_rows(rows(["z"]))
    assert b.summary.stored == 1


def test_missing_and_incompatible_stores_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="tokencensus ingest"):
        Store.open(tmp_path / "nothing")
    store = Store.open(tmp_path / "s", create=True)
    manifest = json.loads((store.root / "manifest.json").read_text())
    manifest["schema_version"] = 99
    (store.root / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreVersionError, match="version 99"):
        Store.open(tmp_path / "s")


def test_pseudonyms_are_stable_within_a_store_and_differ_across_stores(tmp_path: Path) -> None:
    ids = []
    for name in ("one", "two"):
        store = Store.open(tmp_path / name, create=True)
        for batch_ids in (["a"], ["b"]):
            with store.batch(source_path=name + batch_ids[0], fmt="test") as b:
                b.add_rows(rows(batch_ids))
        users = {u for p in store.data_files("requests")
                 for u in pq.read_table(p)["user_id"].to_pylist()}
        assert len(users) == 1 and "alice" not in users
        ids.append(users.pop())
    assert ids[0] != ids[1]


def labels(
    ids: list[str], classifier: str = "builtin@1", category: str = "programming"
) -> pa.Table:
    n = len(ids)
    return pa.table({
        "request_id": pa.array(ids),
        "ts": pa.array([dt.datetime(2025, 4, 2, tzinfo=dt.UTC)] * n, schema.UTC_MICROS),
        "category": pa.array([category] * n), "subtag": pa.nulls(n, pa.string()),
        "confidence": pa.array([0.9] * n, pa.float32()), "language": pa.array(["en"] * n),
        "classifier": pa.array([classifier] * n),
    }, schema=schema.LABELS)


def test_labels_commit_by_month_and_dedupe_per_classifier(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s", create=True)
    with store.batch(source_path="logs", fmt="test") as b:
        b.add_rows(rows(["a", "b"]))
        b.add_labels(labels(["a", "a"]))
    assert (b.summary.read, b.summary.stored, b.summary.labels) == (2, 2, 1)
    with store.batch(source_path="relabel", fmt="labels") as b2:
        b2.add_labels(labels(["a", "b"], category="roleplay"))  # a: same classifier, dropped
        b2.add_labels(labels(["a"], classifier="llm@gpt"))      # another classifier: kept
    assert b2.summary.labels == 2 and b2.summary.read == 0
    stored = pq.read_table([str(p) for p in store.data_files("labels")]).to_pylist()
    got = sorted((r["request_id"], r["classifier"], r["category"]) for r in stored)
    assert got == [("a", "builtin@1", "programming"), ("a", "llm@gpt", "programming"),
                   ("b", "builtin@1", "roleplay")]
    assert all(p.parent.name == "month=2025-04" for p in store.data_files("labels"))
