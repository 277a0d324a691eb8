"""Format auto-detection: every reader sniffs the first bytes; exactly one must claim the file."""

from __future__ import annotations

from tokencensus.errors import InputError, UnknownFormatError
from tokencensus.ingest.base import Reader, readers
from tokencensus.ingest.sources import HEAD_BYTES, SourceFile


def detect(source: SourceFile) -> Reader:
    """The reader for ``source``; raises naming the file and the fix when none or several fit."""
    head = source.head()
    known = readers()
    if not head:
        raise UnknownFormatError(str(source.path), known, "it is empty")
    if not head.strip() and len(head) < HEAD_BYTES:  # the whole file, not only its head
        raise UnknownFormatError(str(source.path), known, "it holds only blank lines")
    claims = [r for r in known.values() if r.sniff(head)]
    if not claims:
        raise UnknownFormatError(str(source.path), known)
    if len(claims) > 1:
        names = ", ".join(r.name for r in claims)
        raise InputError(f"{source.path} looks like several formats ({names}). Pass --format NAME.")
    return claims[0]
