"""Map the model names that logs carry to canonical catalog slugs.

A name goes through :data:`RULES` in order and the first rule that finds a
canonical ``author/name`` slug wins; a name no rule knows resolves to ``None``
(never to a guess), so the CLI can list it with its token volume and the user
can add an override. Matching is case-insensitive and ignores surrounding
whitespace. The built-in rules:

* ``exact``: the canonical slug itself (``openai/gpt-4o``);
* ``alias``: a name in the bundled alias table, built from the OpenRouter
  snapshot: dated canonical slugs (``openai/gpt-4.1-2025-04-14``) and
  ``~author/family-latest`` aliases (pointing where they pointed at snapshot
  time);
* ``variant``: an OpenRouter variant of either of the above
  (``deepseek/deepseek-r1:free``, ``anthropic/claude-3.7-sonnet:thinking``).

Later rules (Bedrock, Vertex, Hugging Face and Ollama names) are added by
appending to :data:`RULES`.

>>> resolve("DeepSeek/DeepSeek-R1:free")
'deepseek/deepseek-r1'
>>> resolve("openai/gpt-4.1-2025-04-14")
'openai/gpt-4.1'
>>> resolve("no-such/model") is None
True
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

VARIANT_SEP: Final = ":"
#: OpenRouter variant suffixes: routing or pricing options of one model, not models.
VARIANT_SUFFIXES: Final = frozenset(
    {"free", "thinking", "beta", "extended", "nitro", "floor", "online", "batch", "exacto"}
)


@dataclass(frozen=True)
class Names:
    """The names a rule can resolve to: canonical slugs and the alias table."""

    models: frozenset[str]
    aliases: Mapping[str, str]

    def lookup(self, name: str) -> str | None:
        """The canonical slug for a canonical slug or a known alias, else ``None``."""
        if name in self.models:
            return name
        return self.aliases.get(name)


#: A rule gets the normalized (stripped, lower-case) name and the known names.
Rule = Callable[[str, Names], str | None]


def _exact(name: str, names: Names) -> str | None:
    return name if name in names.models else None


def _alias(name: str, names: Names) -> str | None:
    return names.aliases.get(name)


def _variant(name: str, names: Names) -> str | None:
    base, suffixes = _split_variants(name)
    return names.lookup(base) if suffixes else None


RULES: list[tuple[str, Rule]] = [
    ("exact", _exact),
    ("alias", _alias),
    ("variant", _variant),
]


def _split_variants(name: str) -> tuple[str, list[str]]:
    """``a/b:free:online`` -> (``a/b``, [``free``, ``online``]) for known suffixes only."""
    suffixes: list[str] = []
    while True:
        base, sep, suffix = name.rpartition(VARIANT_SEP)
        if not sep or suffix not in VARIANT_SUFFIXES:
            return name, suffixes
        suffixes.insert(0, suffix)
        name = base


def _read_data(filename: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def bundled_names() -> Names:
    """Canonical slugs and aliases of the bundled catalog (read once)."""
    models = frozenset(r["model"] for r in _read_data("models.csv"))
    aliases = {r["alias"]: r["model"] for r in _read_data("aliases.csv")}
    return Names(models=models, aliases=aliases)


def normalize(raw: str) -> str:
    """The form every rule sees: stripped and lower-cased."""
    return raw.strip().lower()


def resolve(raw: str | None, names: Names | None = None) -> str | None:
    """Canonical ``author/name`` slug for a raw model name, or ``None`` if unknown.

    ``names`` defaults to the bundled catalog; pass another :class:`Names` to
    resolve against a catalog with user overrides.
    """
    if raw is None:
        return None
    name = normalize(raw)
    if not name:
        return None
    known = names if names is not None else bundled_names()
    for _rule_name, rule in RULES:
        if (hit := rule(name, known)) is not None:
            return hit
    return None


def is_free_variant(raw: str) -> bool:
    """True for OpenRouter's ``:free`` variants, which are billed at zero.

    >>> is_free_variant("meta-llama/llama-3.3-70b-instruct:free")
    True
    """
    return "free" in _split_variants(normalize(raw))[1]
