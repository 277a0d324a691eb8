"""The template record shared by every language module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    """One way of asking for something: ``user`` (and ``system``) text with ``{slot}`` fields.

    Slots are filled from the language's pools, then the shared ones (code stays
    in English everywhere). ``subtag`` is the finer content path the request
    belongs to, as a classifier would report it.
    """

    subtag: str
    user: str
    system: str | None = None
    weight: float = 1.0
