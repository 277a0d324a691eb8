"""Opening log files: paths, directories and globs; gzip and zstd; hashing.

Compression is recognised by magic bytes, not by file name, so a gzip file
named ``.jsonl`` still reads.
"""

from __future__ import annotations

import codecs
import contextlib
import glob
import gzip
import hashlib
import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import zstandard

from tokencensus.errors import InputError, UnreadablePathError

_COPY_AGAIN = "Copy it again, or ingest it once it is completely written."
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class SourceFile:
    """One input file; opens decompressed, whatever the compression."""

    path: Path
    #: Named by the user (not found by walking a directory or a glob): a file the user
    #: named must be readable as a log; one found by walking may be a README and is skipped.
    explicit: bool = True

    @contextlib.contextmanager
    def stream(self) -> Iterator[BinaryIO]:
        """The file's bytes, decompressed and as UTF-8; closes everything it opened.

        A byte order mark is dropped, and UTF-16 text (what PowerShell's ``>`` writes) or
        UTF-32 text with its byte order mark is re-encoded as UTF-8. Compressed data that
        is damaged or ends mid-stream (a copy cut short, a log still being compressed) is
        an error naming the file while it is read, not lines silently missing from its end.
        """
        with open(self.path, "rb") as raw:
            magic = raw.read(4)
            raw.seek(0)
            if magic.startswith(_GZIP_MAGIC):
                kind, opened = "gzip", gzip.GzipFile(fileobj=raw)
            elif _is_zstd(magic):
                problem = _zstd_cut_short(raw)
                if problem:
                    raise InputError(f"Cannot read {self.path}: its zstd data is damaged or "
                                     f"ends early ({problem}). {_COPY_AGAIN}")
                raw.seek(0)
                kind = "zstd"
                opened = io.BufferedReader(  # type: ignore[assignment]
                    zstandard.ZstdDecompressor().stream_reader(raw))  # type: ignore[arg-type]
            else:
                yield _as_utf8(raw)
                return
            try:
                with opened:
                    yield _as_utf8(opened)  # type: ignore[arg-type]
            except (EOFError, OSError, zlib.error, zstandard.ZstdError) as e:
                if isinstance(e, OSError) and not isinstance(e, gzip.BadGzipFile):
                    raise
                raise InputError(f"Cannot read {self.path}: its {kind} data is damaged or "
                                 f"ends early ({e}). {_COPY_AGAIN}") from None

    def text_start(self) -> int | None:
        """Where the UTF-8 lines start in the bytes on disk (after a byte order mark), or
        None when the bytes are not the lines (compressed, or UTF-16 or UTF-32 text): such
        a file can only be read from its start, through :meth:`stream`."""
        with open(self.path, "rb") as raw:
            magic = raw.read(4)
        if (magic.startswith(_GZIP_MAGIC) or _is_zstd(magic)
                or any(magic.startswith(bom) for bom, _ in _WIDE_BOMS)):
            return None
        return len(_UTF8_BOM) if magic.startswith(_UTF8_BOM) else 0

    def head(self, size: int = HEAD_BYTES) -> bytes:
        with self.stream() as f:
            return f.read(size)

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """(1-based line number, line bytes), streaming."""
        with self.stream() as f:
            yield from enumerate(f, start=1)

    def sha256(self) -> str:
        """Digest of the bytes on disk (compressed as stored), identifying the file."""
        digest = hashlib.sha256()
        with open(self.path, "rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
        return digest.hexdigest()


_UTF8_BOM = b"\xef\xbb\xbf"
#: Byte order marks of the other Unicode encodings (UTF-32 first: its LE mark begins
#: with UTF-16's), and the codec that reads the text after them.
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
              (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _as_utf8(f: BinaryIO) -> BinaryIO:
    """``f`` past a UTF-8 byte order mark, or UTF-16/32 text re-encoded as UTF-8."""
    start = f.peek(4)[:4]  # type: ignore[attr-defined]
    taken = None  # bytes already read from f, when peek showed too few
    if len(start) < 4 and start:  # a short first gzip member or zstd frame: read on
        start = taken = f.read(len(start))
        while len(start) < 4 and (more := f.read(4 - len(start))):
            start = taken = start + more
    codec = next((codec for bom, codec in _WIDE_BOMS if start.startswith(bom)), None)
    if codec is None and start.startswith(_UTF8_BOM):
        if taken is None:
            f.read(len(_UTF8_BOM))
            return f
        taken = taken[len(_UTF8_BOM):]
    if codec is None and taken is None:
        return f
    return io.BufferedReader(_Recoded(f, taken or b"", codec), 1 << 16)  # type: ignore[return-value]


class _Recoded(io.RawIOBase):
    """``taken`` (bytes already read from ``f``), then the rest of ``f``; re-encoded from
    ``codec`` (UTF-16 or UTF-32, with its byte order mark) to UTF-8 when one is given, a
    broken code unit becoming U+FFFD, like any flaw outside the fields a reader uses."""

    def __init__(self, f: BinaryIO, taken: bytes, codec: str | None) -> None:
        self._f = f
        self._taken = taken
        self._decoder = (codecs.getincrementaldecoder(codec)(errors="replace")
                         if codec else None)
        self._out = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._out:
            raw = self._taken + self._f.read(1 << 16)
            self._taken = b""
            out = raw if self._decoder is None else self._decoder.decode(
                raw, final=not raw).encode()
            if not raw and not out:
                return 0
            self._out = memoryview(out)
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n


_ZSTD_FRAME = 0xFD2FB528
_SKIPPABLE_FRAMES = range(0x184D2A50, 0x184D2A60)


def _is_zstd(magic: bytes) -> bool:
    """A zstd frame, or a skippable frame first (pzstd writes one before its frames)."""
    return magic == _ZSTD_MAGIC or (
        len(magic) == 4 and int.from_bytes(magic, "little") in _SKIPPABLE_FRAMES)


def _zstd_cut_short(f: BinaryIO) -> str | None:
    """Why a zstd file cannot be whole, or None: its frames are walked by their headers
    (RFC 8878: a block header gives the block's size), without decompressing.

    zstandard's stream reader ends quietly where its input ends, even inside a frame,
    which would read a truncated file as a shorter one. Costs a seek per 128 KiB block.
    """
    size = os.fstat(f.fileno()).st_size
    position = 0
    while position < size:
        f.seek(position)
        head = f.read(18)  # the longest frame header
        magic = int.from_bytes(head[:4], "little")
        if magic in _SKIPPABLE_FRAMES:
            position += 8 + int.from_bytes(head[4:8], "little")
            if position > size:
                return "the data ends inside a skippable frame"
            continue
        if magic != _ZSTD_FRAME:
            return f"bytes at offset {position} are no zstd frame"
        try:
            position += zstandard.frame_header_size(head)
        except zstandard.ZstdError:
            return "a frame header is cut short"
        checksum = 4 if head[4] & 0x04 else 0
        last = False
        while not last:
            f.seek(position)
            block = int.from_bytes(f.read(3), "little")
            last, kind, block_size = block & 1, (block >> 1) & 3, block >> 3
            position += 3 + (1 if kind == 1 else block_size)  # an RLE block stores one byte
            if position > size:
                break
        position += checksum
        if position > size:
            return "the data ends inside a frame"
    return None


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(arg: str) -> bool:
    """A ``scheme://...`` argument names a database or service that a reader opens, not a file."""
    return bool(_URL.match(arg))


def expand(paths: list[str]) -> list[SourceFile]:
    """Files named by paths, directories (recursive) and glob patterns, sorted, unique."""
    found: dict[Path, bool] = {}
    for arg in paths:
        path = Path(arg)
        explicit = False
        if any(ch in arg for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))
            if not matches:
                raise UnreadablePathError(arg, "the pattern matches no file")
            candidates = matches
        elif path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            candidates, explicit = [path], True
        else:
            raise UnreadablePathError(arg, "no such file or directory")
        for c in candidates:
            if c.is_file() and not c.name.startswith("."):
                found[c] = found.get(c, False) or explicit
    for p in found:
        try:
            with open(p, "rb"):
                pass
        except OSError as e:
            raise UnreadablePathError(str(p), e.strerror or str(e)) from e
    return [SourceFile(p, explicit) for p, explicit in found.items()]
