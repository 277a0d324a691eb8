"""Opening log files: paths, directories and globs; gzip and zstd; hashing.

Compression is recognised by magic bytes, not by file name, so a gzip file
named ``.jsonl`` still reads.
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import zstandard

from tokencensus.errors import InputError, UnreadablePathError

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
        """The file's bytes, decompressed; closes everything it opened.

        Compressed data that is damaged or ends mid-stream (a copy cut short, a log
        still being compressed) is an error naming the file while it is read, not
        lines silently missing from its end.
        """
        with open(self.path, "rb") as raw:
            magic = raw.read(4)
            raw.seek(0)
            if magic.startswith(_GZIP_MAGIC):
                kind, opened = "gzip", gzip.GzipFile(fileobj=raw)
            elif magic == _ZSTD_MAGIC:
                kind, opened = "zstd", io.BufferedReader(_ZstdReader(raw), 1 << 20)
            else:
                yield raw
                return
            try:
                with opened:
                    yield opened  # type: ignore[misc]
            except (EOFError, OSError, zlib.error, zstandard.ZstdError) as e:
                if isinstance(e, OSError) and not isinstance(e, gzip.BadGzipFile):
                    raise
                raise InputError(
                    f"Cannot read {self.path}: its {kind} data is damaged or ends early "
                    f"({e}). Copy it again, or ingest it once it is completely written."
                ) from None

    def compressed(self) -> bool:
        """True for gzip or zstd bytes on disk (which can only be read from the start)."""
        with open(self.path, "rb") as raw:
            magic = raw.read(4)
        return magic.startswith(_GZIP_MAGIC) or magic == _ZSTD_MAGIC

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


class _ZstdReader(io.RawIOBase):
    """zstd frames decompressed one after another. zstandard's own stream reader ends
    quietly where its input ends, even in the middle of a frame; this one raises
    EOFError there, so a truncated file is not read as a shorter one."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._frame = zstandard.ZstdDecompressor().decompressobj()
        self._in_frame = False  # input fed to the current frame, which has not ended
        self._out = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._out:
            data = self._raw.read(1 << 20)
            if not data:
                if self._in_frame:
                    raise EOFError("the data ends inside a zstd frame")
                return 0
            self._out = memoryview(self._decompress(data))
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _decompress(self, data: bytes) -> bytes:
        out = []
        while data:
            self._in_frame = True
            out.append(self._frame.decompress(data))
            if not self._frame.eof:
                break
            data = self._frame.unused_data  # the next frame, if any, starts here
            self._frame = zstandard.ZstdDecompressor().decompressobj()
            self._in_frame = False
        return b"".join(out)


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
