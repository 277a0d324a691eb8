"""Ingest benchmarks: records/s per JSONL format, and peak memory on a multi-GB file.

Part of ``make bench`` (see :mod:`tokencensus.bench`); never run by the tests.

* **Per format**: the documented sample records of each JSONL format
  (``tests/data/<format>/*.jsonl``) are repeated into a file of ``lines`` lines and
  read by that format's reader through the same path ``ingest`` uses (blocks
  mapped on every core for large files). The store is left out so the figure is
  the reader's own; the OpenRouter row of :mod:`tokencensus.bench` measures the
  whole ingest into a store.
* **Session directories**: the agent transcript formats as their tools write them,
  many files of a few hundred lines, read serially and on every core.
* **Peak RSS**: OpenRouter logs from several simulator seeds are concatenated
  into one file of at least ``gigabytes`` GB and ingested by the real CLI in a
  child process; the resident memory of that process and all its workers is
  summed and sampled from ``/proc`` every 100 ms, so the peak is the whole tree's
  (RSS, and PSS, which counts pages shared with the workers' fork server once).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from tokencensus import simulate as sim
from tokencensus.errors import UnknownFormatError
from tokencensus.ingest.detect import detect
from tokencensus.ingest.parallel import shared_workers
from tokencensus.ingest.sources import SourceFile

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _repeat_lines(samples: list[Path], lines: int, out: Path) -> int:
    body = [ln for p in samples for ln in p.read_bytes().splitlines() if ln.strip()]
    if not body:
        return 0
    with open(out, "wb") as f:
        for i in range(lines):
            f.write(body[i % len(body)] + b"\n")
    return lines


def format_throughput(data_dir: Path, work: Path, lines: int,
                      repeat: int) -> list[tuple[str, int, int, float, float]]:
    """(format, lines, rows, median seconds, first run's seconds) for every format with
    JSONL samples in ``data_dir``.

    The repeats share one pool of workers, as the files of one ingest do
    (``parallel.shared_workers``): the median is the steady rate, and the first run
    also pays for starting the workers (about 0.1 s once per ingest).

    The rate is of lines, the file's records: a line that is no LLM call (a user turn
    of a transcript, a non-LLM span or observation) is read, decoded and skipped, and
    counts as read work. ``rows`` is what the reader made of them (a Claude Code
    request written over several lines gives a row per line; the store keeps one).
    """
    results = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir()):
        samples = sorted(folder.glob("*.jsonl"))
        try:
            readers = {detect(SourceFile(p)).name for p in samples}
        except UnknownFormatError:
            continue
        if readers != {folder.name}:
            continue  # not a log format folder (catalog, classifier data) or mixed
        path = work / f"{folder.name}.jsonl"
        n = _repeat_lines(samples, lines, path)
        reader = detect(SourceFile(path))
        times = []
        with shared_workers():
            for _ in range(repeat):
                started = time.perf_counter()
                rows = sum(chunk.rows.num_rows for chunk in reader.read(SourceFile(path))
                           if chunk.rows is not None)
                times.append(time.perf_counter() - started)
        results.append((folder.name, n, rows, statistics.median(times), times[0]))
        path.unlink()
    return results


#: Formats written as a directory of session files (see :func:`session_directories`).
SESSION_FORMATS = ("claude_code", "codex_cli")


def session_directories(data_dir: Path, work: Path, lines: int, repeat: int,
                        per_file: int = 500) -> list[tuple[str, int, int, float, float]]:
    """(format, files, lines, median seconds serially, median seconds on every core) for
    the agent transcript formats, written as their tools write them: one file of about
    ``per_file`` lines per session (``~/.claude/projects/**``, ``~/.codex/sessions/**``),
    read as ``ingest`` reads a run of small files (``parallel.map_files``)."""
    from tokencensus.ingest.parallel import map_files, shared_workers

    results = []
    for name in SESSION_FORMATS:
        samples = sorted((data_dir / name).glob("*.jsonl"))
        if not samples:
            continue
        folder = work / f"{name}-sessions"
        folder.mkdir(parents=True, exist_ok=True)
        files = max(1, lines // per_file)
        sources = [SourceFile(folder / f"session-{i:05d}.jsonl") for i in range(files)]
        for source in sources:
            _repeat_lines(samples, per_file, source.path)
        reader = detect(sources[0])
        medians = []
        for workers in ("1", ""):
            os.environ["TOKENCENSUS_INGEST_WORKERS"] = workers
            times = []
            with shared_workers():
                for _ in range(repeat):
                    started = time.perf_counter()
                    for _chunk in map_files(reader, sources, None):
                        pass
                    times.append(time.perf_counter() - started)
            medians.append(statistics.median(times))
        del os.environ["TOKENCENSUS_INGEST_WORKERS"]
        results.append((name, files, files * per_file, *medians))
        shutil.rmtree(folder)
    return results


def _pss(pid: int) -> int:
    """Proportional set size: each shared page counted once across the processes mapping it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_memory(root: int) -> tuple[int, int]:
    """Resident and proportional bytes of ``root`` and every descendant, read from /proc.

    The RSS sum counts pages that forked workers share with their fork server once per
    process; the PSS sum splits each shared page among its processes, so it is the
    memory the tree really holds.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1] is the parent pid
        rss[pid] = int(fields[21]) * _PAGE  # fields[21] is rss in pages
    total_rss = total_pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        total_rss += rss.get(pid, 0)
        total_pss += _pss(pid)
        todo.extend(children.get(pid, []))
    return total_rss, total_pss


def peak_rss_ingest(work: Path, gigabytes: float) -> dict[str, float]:
    """Ingest a file of at least ``gigabytes`` GB with the CLI; peak RSS of the process tree."""
    big = work / "big.jsonl"
    part = work / "part.jsonl"
    rows = seed = 0
    with open(big, "wb") as out:
        while out.tell() < gigabytes * 1e9:
            sim.simulate_jsonl(sim.SimConfig(rows=1_000_000, seed=seed), part)
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 24)
            rows += 1_000_000
            seed += 1
    part.unlink()
    size = big.stat().st_size
    store = work / "rss-store"
    shutil.rmtree(store, ignore_errors=True)
    started = time.perf_counter()
    errors = work / "rss-ingest.stderr"
    with open(errors, "wb") as err:
        child = subprocess.Popen([sys.executable, "-m", "tokencensus", "ingest", str(big),
                                  "--store", str(store), "--json"],
                                 stdout=subprocess.DEVNULL, stderr=err)
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.is_set():
            rss, pss = _tree_memory(child.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    big.unlink()
    shutil.rmtree(store, ignore_errors=True)
    if code != 0:
        said = errors.read_text(errors="replace").strip().splitlines()[-5:]
        raise RuntimeError(f"ingest of the {size / 1e9:.1f} GB file exited {code}: "
                           + " | ".join(said))
    return {"bytes": size, "rows": rows, "seconds": seconds, "peak_rss": peak,
            "peak_pss": peak_pss}
