"""Compressed or re-encoded logs read whole as UTF-8, or fail naming the file: never
silently shorter."""

from __future__ import annotations

import gzip
import random
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard

from tokencensus.errors import InputError, UnknownFormatError
from tokencensus.ingest import ingest, parallel
from tokencensus.ingest.detect import detect
from tokencensus.ingest.sources import SourceFile
from tokencensus.store import Store

GOLDEN = Path(__file__).parents[1] / "data" / "openrouter" / "generations.jsonl"
SKIPPABLE = (0x184D2A53).to_bytes(4, "little") + (800).to_bytes(4, "little") + b"n" * 800
BODY = GOLDEN.read_bytes() * 3000  # 2.5 MB once decompressed: several reads of it


def test_concatenated_zstd_frames_read_whole(tmp_path: Path) -> None:
    """zstd files may hold several frames (zstd -c a b, or a log compressed in parts), and
    skippable frames (pzstd writes one before each frame)."""
    half = len(BODY) // 2
    path = tmp_path / "logs.jsonl.zst"
    plain = zstandard.ZstdCompressor().compress
    checked = zstandard.ZstdCompressor(write_checksum=True, write_content_size=False).compress
    path.write_bytes(SKIPPABLE + plain(BODY[:half]) + SKIPPABLE + checked(BODY[half:]))
    assert SourceFile(path).text_start() is None  # a skippable frame first, as pzstd writes
    with SourceFile(path).stream() as f:
        assert f.read() == BODY
    assert [line for _, line in SourceFile(path).lines()] == BODY.splitlines(keepends=True)


@pytest.mark.parametrize(("name", "damage"), [
    ("cut.jsonl.gz", lambda body: gzip.compress(body)[:-50]),
    ("cut.jsonl.zst", lambda body: zstandard.ZstdCompressor().compress(body)[:-50]),
    ("cut-checksum.jsonl.zst",  # only the checksum is missing
     lambda body: zstandard.ZstdCompressor(write_checksum=True).compress(body)[:-2]),
    ("cut-skippable.jsonl.zst",  # cut inside a skippable frame between two frames
     lambda body: (zstandard.ZstdCompressor().compress(body[:1000]) + SKIPPABLE
                   + zstandard.ZstdCompressor().compress(body[1000:]))[:1200]),
    ("cut-random.jsonl.zst",  # many blocks: cut inside one of the first
     lambda body: zstandard.ZstdCompressor().compress(random.randbytes(1 << 20))[:300_000]),
    ("bad.jsonl.gz", lambda body: gzip.compress(body)[:20] + b"\xff" * 400),
])
def test_damaged_or_cut_short_data_is_an_error_naming_the_file(tmp_path: Path, name: str,
                                                               damage: object) -> None:
    path = tmp_path / name
    path.write_bytes(damage(BODY))  # type: ignore[operator]
    with pytest.raises(InputError, match=f"Cannot read {path}: its .* data is damaged"):
        for _ in SourceFile(path).lines():
            pass


def test_a_cut_short_file_among_many_fails_the_ingest_clearly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read by workers with other small files, or by the CLI: the file is named, exit 2."""
    logs = tmp_path / "logs"
    logs.mkdir()
    for i in range(6):
        (logs / f"s{i}.jsonl").write_bytes(GOLDEN.read_bytes())
    (logs / "s3.jsonl.gz").write_bytes(gzip.compress(BODY)[:-50])
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "2")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 1_000)
    with pytest.raises(InputError, match="s3.jsonl.gz: its gzip data is damaged"):
        ingest([str(logs)], Store.open(tmp_path / "store", create=True), classifier=None)
    done = subprocess.run([sys.executable, "-m", "tokencensus", "ingest", str(logs),
                           "--store", str(tmp_path / "cli-store")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "s3.jsonl.gz: its gzip data is damaged or ends early" in done.stderr


@pytest.mark.parametrize(("name", "encode"), [
    ("bom.jsonl", lambda text: b"\xef\xbb\xbf" + text.encode()),  # Excel, .NET, PowerShell 7
    ("utf16.jsonl", lambda text: text.encode("utf-16")),  # PowerShell 5's > redirect
    ("utf16be.jsonl", lambda text: b"\xfe\xff" + text.encode("utf-16-be")),
    ("bom.jsonl.gz", lambda text: gzip.compress(b"\xef\xbb\xbf" + text.encode())),
    ("utf16.jsonl.zst", lambda text: zstandard.ZstdCompressor().compress(
        text.encode("utf-16"))),
    ("utf32.jsonl", lambda text: text.encode("utf-32")),
    # a first gzip member or zstd frame too short to show the whole mark
    ("bom-split.jsonl.gz", lambda text: gzip.compress(b"\xef")
     + gzip.compress(b"\xbb\xbf" + text.encode())),
    ("utf16-split.jsonl.zst", lambda text: zstandard.ZstdCompressor().compress(b"\xff")
     + zstandard.ZstdCompressor().compress(text.encode("utf-16")[1:])),
])
def test_byte_order_marks_and_utf16_read_as_utf8(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 name: str, encode: object) -> None:
    """Detected, read and numbered as the UTF-8 file, on one core and on workers."""
    text = GOLDEN.read_text() * 400 + "{broken ünïcode\n"
    plain = tmp_path / "plain.jsonl"
    plain.write_text(text)
    path = tmp_path / name
    path.write_bytes(encode(text))  # type: ignore[operator]
    assert [line for _, line in SourceFile(path).lines()] == [
        line for _, line in SourceFile(plain).lines()]

    def read(source: Path) -> tuple[list[dict], list[tuple[int, str]]]:
        chunks = list(detect(SourceFile(source)).read(SourceFile(source)))
        return ([row for c in chunks if c.rows is not None for row in c.rows.to_pylist()],
                [(r.line, r.reason) for c in chunks for r in c.rejects])

    expected = read(plain)
    assert len(expected[0]) == 800 and [line for line, _ in expected[1]] == [801]
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "1")
    assert read(path) == expected
    monkeypatch.setenv("TOKENCENSUS_INGEST_WORKERS", "2")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 20_000)
    assert read(path) == expected


@pytest.mark.parametrize(("body", "why"), [(b"", "it is empty"),
                                           (b"\n\n  \n", "it holds only blank lines"),
                                           (b"\n" * 70_000 + b"{}\n", "Known formats")])
def test_an_empty_file_named_is_an_error_that_says_so(tmp_path: Path, body: bytes,
                                                      why: str) -> None:
    path = tmp_path / "today.jsonl"
    path.write_bytes(body)
    with pytest.raises(UnknownFormatError, match=f"of {path}[:.] {why}"):
        detect(SourceFile(path))
