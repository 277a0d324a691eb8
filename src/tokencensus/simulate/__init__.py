"""Calibrated synthetic LLM traffic with known ground truth.

The simulator reproduces the shape of the OpenRouter/a16z study (STUDY.md):
source-group shares over time, reasoning and tool-call growth, longer prompts,
the category, country and language mix, and per-model cohorts with
foundational cohorts and a boomerang. Model facts (open weights, origin,
reasoning, release date, prices) come from :mod:`tokencensus.catalog`; a model
is never used before its release date. Everything else is a simulation
parameter in :mod:`tokencensus.simulate.calibration`.

The same :class:`SimConfig` always produces the same traffic, whichever output
it goes to:

* :func:`simulate_jsonl`: OpenRouter generation records (``GET
  /api/v1/generation`` ``data`` objects) in the logging envelope
  ``{"data": {...}, "request": {"model", "user", "stream", "tools"?,
  "messages"?}, "country": "US"}``; ``messages`` only on the requests in the
  deterministic prompt sample (:func:`tokencensus.classify.sampling.in_sample`).
  ``latency`` is the total time and ``generation_time`` the time spent
  generating, both ms, as OpenRouter documents them; ``:free`` variants and
  errors cost 0; BYOK requests report the
  upstream cost as ``total_cost``; ``native_tokens_cached`` is 0 without a
  cache hit and ``native_tokens_reasoning`` null for non-reasoning models.
* :func:`simulate_to_store`: canonical rows (:data:`tokencensus.schema.REQUESTS`)
  straight into a census store, for large runs.
* :class:`Simulation` ``.record_batches()``: the canonical Arrow batches themselves.

Each returns a :class:`Truth`, written by :func:`write_truth` as ``truth.json``
with ``config``, ``targets`` (the designed calibration) and ``expected``,
computed with numpy from the generated arrays. Tokens are native prompt +
completion; shares are in %; weekly lists align with ``weeks``.

``expected`` keys:

* ``weeks``: ISO week starts (Monday, UTC) of the period, ``YYYY-MM-DD``.
* ``source_group_share`` / ``source_group_tokens``: per group (Proprietary,
  Chinese open, RoW open; ``:free`` rows count as their base model), weekly
  token share / absolute tokens (figures 1-2).
* ``reasoning_share``: weekly share of tokens sent to reasoning models (catalog
  flag, figure 11); ``reasoning_token_share``: reasoning tokens / all tokens.
* ``tool_call_share``: weekly share of tokens in requests that finished with
  ``tool_calls`` (figure 13; the spike account included).
* ``requests``: requests per week.
* ``avg_prompt_tokens`` / ``avg_completion_tokens`` / ``avg_sequence_tokens``:
  weekly means per request (figures 15, 16, 18).
* ``continent_share`` / ``country_share``: token share by the account's billing
  continent (via ``catalog.countries_table()``) and country, largest first
  (figures 31-32); ``continent_spend_share``: weekly spend share per continent
  (figure 30).
* ``model_tokens``: tokens per canonical model, largest first.
* ``retention``: per model (the top 12 by tokens plus the designed foundational
  and boomerang models) and first-use month ``YYYY-MM``: ``users`` in the
  cohort and ``retention``, the share active on the model k months later for
  k = 0, 1, ... up to the last month (figure 34).
* ``category_share``: true task category token shares ``all``, ``open``,
  ``chinese_open`` (figures 7-8, 20) and ``weekly`` per category.
* ``language_share``: token share by prompt language, ISO 639-1 (figure 33).
* ``open_author_tokens``: tokens per author among open-weight models, largest
  first (figure 3).
* ``open_model_share``: weekly share of open-model tokens of each of the 15
  open models with the most tokens, largest first (figure 4); ``open_hhi``:
  weekly Herfindahl-Hirschman index over all open models (sum of squared
  shares as fractions, 0-1); ``open_top1_share`` / ``open_top5_share``: weekly
  share of the week's largest one / five open models; ``open_models_above_5pct``:
  weekly number of open models above 5% of open tokens.
* ``open_size_tokens`` / ``open_size_share``: weekly open-model tokens / share
  of open-model tokens per size bucket (small, medium, large, ``unknown size``
  for open models the catalog has no size for; figure 5).
* ``open_models_available``: per size bucket, the number of the catalog's open
  models released on or before each week's Monday (figure 6).
* ``reasoning_leaderboard``: weekly tokens of the 10 reasoning models (catalog
  flag) with the most tokens, largest first (figure 12).
* ``tool_call_model_tokens``: tokens of requests that finished with
  ``tool_calls``, per model, largest first (figure 14).

>>> truth = simulate_jsonl(SimConfig(rows=2_000, users=200), "/tmp/sim.jsonl")  # doctest: +SKIP
>>> truth.expected["source_group_share"]["Chinese open"][-1]                      # doctest: +SKIP
21.3
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from tokencensus.classify import sampling
from tokencensus.errors import InputError
from tokencensus.simulate import calibration as cal
from tokencensus.simulate.models import build_plan
from tokencensus.simulate.population import build_population
from tokencensus.simulate.traffic import Chunk, TrafficGenerator
from tokencensus.simulate.truth import Truth, TruthAccumulator, targets, write_truth
from tokencensus.simulate.writers import Vocab, record_batch, write_jsonl

if TYPE_CHECKING:
    from tokencensus.store import Store

__all__ = ["SimConfig", "Simulation", "Truth", "simulate_jsonl", "simulate_to_store",
           "write_truth"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SimConfig:
    """What to simulate. ``users`` defaults to ``rows // 150`` (at least 200) accounts;
    accounts whose engagements draw no request do not appear in the output."""

    rows: int = 1_000_000
    start: dt.date = dt.date(2024, 11, 1)
    end: dt.date = dt.date(2025, 11, 30)
    seed: int = 0
    sample_rate: float = sampling.DEFAULT_RATE
    users: int | None = None

    def __post_init__(self) -> None:
        if self.rows < 1:
            raise InputError(f"Cannot simulate {self.rows} rows: pass --rows 1 or more.")
        if self.end < self.start:
            raise InputError(f"The simulated period ends ({self.end}) before it starts "
                             f"({self.start}); swap --start and --end.")
        if not 0.0 < self.sample_rate <= 1.0:
            raise InputError(f"Sample rate {self.sample_rate} is outside (0, 1]; pass a "
                             "fraction such as 0.0025.")
        if self.users is not None and self.users < 1:
            raise InputError(f"Cannot simulate {self.users} users: pass 1 or more.")

    @property
    def n_users(self) -> int:
        if self.users is not None:
            return self.users
        return max(int(self.rows * cal.USERS_PER_ROW), cal.MIN_USERS)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["start"], d["end"], d["users"] = str(self.start), str(self.end), self.n_users
        return d


class Simulation:
    """One simulated traffic run: build once, then stream chunks to any writer.

    >>> sim = Simulation(SimConfig(rows=5_000, users=200))
    >>> sum(b.num_rows for b in sim.record_batches()), sim.truth.config["rows"]
    (5000, 5000)
    """

    def __init__(self, config: SimConfig, models: pa.Table | None = None,
                 countries: pa.Table | None = None) -> None:
        from tokencensus import catalog

        self.config = config
        rng = np.random.default_rng([config.seed, 0])
        self.plan = build_plan(config.start, config.end, rng, models)
        self.population = build_population(self.plan, config.rows, config.n_users,
                                           config.seed, rng)
        self.generator = TrafficGenerator(self.plan, self.population, config.seed)
        self.vocab = Vocab(self.plan, self.population, self.generator.providers)
        table = countries if countries is not None else catalog.countries_table()
        continents = {str(k): str(v) for k, v in zip(table["country"].to_pylist(),
                                                     table["continent"].to_pylist(), strict=True)}
        self._acc = TruthAccumulator(self.plan, continents)
        self._labels: list[dict[str, str]] = []
        self._truth: Truth | None = None

    def chunks(self, progress: Progress | None = None) -> Iterator[Chunk]:
        """Every chunk once, accumulating the truth as it goes."""
        total = self.population.rows
        for ch in self.generator.chunks():
            self._acc.add(ch)
            yield ch
            if progress is not None:
                progress(ch.offset + len(ch), total)
        self._truth = Truth(config=self.config.to_dict(), targets=targets(self.plan),
                            expected=self._acc.finish(), sample_labels=self._labels)

    def record_batches(self, progress: Progress | None = None) -> Iterator[pa.RecordBatch]:
        """Canonical rows (:data:`tokencensus.schema.REQUESTS`), one batch per chunk."""
        for ch in self.chunks(progress):
            yield record_batch(ch, self.vocab)

    def write_jsonl(self, write: Callable[[bytes], Any],
                    progress: Progress | None = None) -> None:
        """Pass OpenRouter generation JSONL to ``write``, one newline-terminated line a call."""
        for ch in self.chunks(progress):
            write_jsonl(ch, self.vocab, self.config.seed, self.config.sample_rate,
                        self._labels, write)

    @property
    def truth(self) -> Truth:
        if self._truth is None:
            raise RuntimeError("The truth is known once every chunk has been generated.")
        return self._truth


def simulate_jsonl(config: SimConfig, out_path: str | Path,
                   progress: Progress | None = None) -> Truth:
    """Write OpenRouter generation records to ``out_path`` (gzip when it ends in ``.gz``)."""
    path = Path(out_path)
    sim = Simulation(config)
    with open(path, "wb", buffering=1 << 20) as raw:
        if path.suffix == ".gz":
            # mtime=0 and no file name keep the bytes identical for identical configs.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=3,
                               mtime=0) as gz, io.BufferedWriter(gz, 1 << 20) as f:
                sim.write_jsonl(f.write, progress)
        else:
            sim.write_jsonl(raw.write, progress)
    return sim.truth


def simulate_to_store(config: SimConfig, store: Store | str | Path,
                      progress: Progress | None = None) -> Truth:
    """Write canonical rows into a census store as one batch (source ``simulate``)."""
    from tokencensus.store import Store

    target = store if isinstance(store, Store) else Store.open(store, create=True)
    sim = Simulation(config)
    source = f"simulate:seed={config.seed},rows={config.rows}"
    with target.batch(source_path=source, fmt="simulate", sha256=None) as b:
        for batch in sim.record_batches(progress):
            b.add_rows(batch)
    return sim.truth
