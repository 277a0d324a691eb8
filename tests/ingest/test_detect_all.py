"""Every sample in tests/data/<format>/ is claimed by exactly its own reader, compressed or not.

Folders are discovered, so a new format's samples join this test by being added:
the folder name is the reader's registered name. Folders that hold other test data
are listed in :data:`NOT_SAMPLES`; any other folder must name a registered reader, and
every registered reader must have a folder (or say in :data:`NO_FOLDER` why not), so a
misspelt folder or a reader without samples fails instead of skipping. Readers that are only ever
chosen with ``--format`` (listed in :data:`FORMAT_ONLY` with the reason) must
still not be claimed by any other reader.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import zstandard

from tokencensus.ingest import plan
from tokencensus.ingest.base import readers
from tokencensus.ingest.sources import SourceFile

DATA = Path(__file__).parents[1] / "data"
#: Folders of tests/data that are not log samples, and what they hold.
NOT_SAMPLES = {"catalog": "raw model names for the resolver tests",
               "google_nl": "recorded Cloud Natural Language responses"}
#: Registered readers without a sample folder, and why.
NO_FOLDER = {"litellm_db": "reads a PostgreSQL table; tests/ingest/test_litellm.py loads one"}
FOLDERS = sorted(p for p in DATA.iterdir() if p.is_dir() and p.name not in NOT_SAMPLES)
#: Readers whose sniff never claims a file, by design, and why.
FORMAT_ONLY = {"generic": "a user's own columns cannot be recognised; --format generic only"}


def samples(folder: Path) -> list[Path]:
    """Sample files of a folder (its SOURCES.md and other notes are not samples)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".md")


def test_sample_folders_and_readers_match() -> None:
    folders = {p.name for p in FOLDERS}
    assert folders - set(readers()) == set(), "a sample folder names no registered reader"
    assert set(readers()) - folders == set(NO_FOLDER), "a reader has no sample folder"


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_samples_are_claimed_by_exactly_their_reader(folder: Path) -> None:
    files = samples(folder)
    assert files, f"tests/data/{folder.name}/ holds no sample"
    for path in files:
        head = SourceFile(path).head()
        claims = [name for name, reader in readers().items() if reader.sniff(head)]
        expected = [] if folder.name in FORMAT_ONLY else [folder.name]
        assert claims == expected, f"{path.name} claimed by {claims}"


DETECTED = [p for p in FOLDERS if p.name not in FORMAT_ONLY]


@pytest.mark.parametrize("compress", ["gz", "zst"])
@pytest.mark.parametrize("folder", DETECTED, ids=[p.name for p in DETECTED])
def test_compressed_samples_are_detected_and_read(
    tmp_path: Path, folder: Path, compress: str
) -> None:
    for path in samples(folder):
        raw = path.read_bytes()
        packed = gzip.compress(raw) if compress == "gz" else zstandard.compress(raw)
        target = tmp_path / f"{path.name}.{compress}"
        target.write_bytes(packed)
        [(source, reader)], unrecognized = plan([str(target)])
        assert unrecognized == [] and reader.name == folder.name
        rows = sum(c.rows.num_rows for c in reader.read(source) if c.rows is not None)
        assert rows > 0, f"{path.name} ({compress}) read no row"
