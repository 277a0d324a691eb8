"""LiteLLM part of the catalog build: models OpenRouter does not list, and price history.

Used by ``build_catalog.py``. Rules:

* Only ``mode == "chat"`` keys of the LiteLLM price table, plus chat keys its
  change log shows were later removed.
* A key's author comes from, in order: the lab's own API route
  (``litellm_provider`` in :data:`FIRST_PARTY`, e.g. ``anthropic``, ``gemini``,
  Vertex partner routes), unless the name belongs to another lab's family
  (Perplexity once hosted Llama); else the org of an ``org/name`` or Bedrock
  ``vendor.name`` id (``orgs.csv``); else, on a third-party host, the family
  prefix of the name (:data:`FAMILIES`). A key none of these attributes is
  left out, never guessed.
* A key the resolver already maps to a catalog model adds nothing. The rest
  are grouped by author and resolver key (dates, ``-maas``, ``@version``,
  Bedrock ``-v1:0`` and quantization dropped); the group's slug is
  ``author/<shortest name>`` (a first-party spelling first).
* ``open_weights`` comes from ``families.csv`` (a cited rule per lab and name
  pattern), else null; ``params_b`` from a single ``<N>b`` token in the name of
  an open model (not MoE ``NxMb``, ``-Ne`` expert or Llama 4 names); ``reasoning`` is
  LiteLLM ``supports_reasoning``; ``release_date`` the date in a dated id
  (``claude-3-opus-20240229``), else the day the change log first adds one of its
  keys (an upper bound; null for keys already in the log's first snapshot); prices
  and context from the chosen key (a removed key: its last priced change-log event).
* Price history: per model one LiteLLM key, a first-party key (undated, then
  shortest: the lab's own list price, with its cache price) first, else
  ``openrouter/<slug>``; each priced change-log event
  starts a segment valid until the next event, a ``removed`` event ends it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

rs = importlib.import_module("tokencensus.catalog.resolve")

FIRST_PARTY: dict[str, str] = {
    "openai": "openai", "anthropic": "anthropic", "gemini": "google",
    "vertex_ai-language-models": "google", "palm": "google", "mistral": "mistralai",
    "codestral": "mistralai", "xai": "x-ai", "deepseek": "deepseek", "moonshot": "moonshotai",
    "zai": "z-ai", "minimax": "minimax", "dashscope": "qwen", "ai21": "ai21",
    "cohere_chat": "cohere", "perplexity": "perplexity", "amazon_nova": "amazon",
    "inception": "inception", "morph": "morph", "volcengine": "bytedance-seed", "meta": "meta",
    "vertex_ai-anthropic_models": "anthropic", "vertex_ai-mistral_models": "mistralai",
    "vertex_ai-llama_models": "meta-llama", "vertex_ai-ai21_models": "ai21",
    "vertex_ai-qwen_models": "qwen", "vertex_ai-deepseek_models": "deepseek",
    "vertex_ai-zai_models": "z-ai", "vertex_ai-minimax_models": "minimax",
    "vertex_ai-moonshot_models": "moonshotai",
}
#: Name prefix -> lab, for names on third-party hosts (model families named by their lab).
FAMILIES: tuple[tuple[str, str], ...] = (
    ("gpt-oss", "openai"), ("gpt-", "openai"), ("chatgpt", "openai"), ("o1", "openai"),
    ("o3", "openai"), ("o4", "openai"), ("claude", "anthropic"), ("gemini", "google"),
    ("gemma", "google"), ("codellama", "meta-llama"), ("llama", "meta-llama"),
    ("meta-llama", "meta-llama"), ("mistral", "mistralai"), ("mixtral", "mistralai"),
    ("codestral", "mistralai"), ("pixtral", "mistralai"), ("ministral", "mistralai"),
    ("magistral", "mistralai"), ("devstral", "mistralai"), ("open-mistral", "mistralai"),
    ("open-mixtral", "mistralai"), ("grok", "x-ai"), ("deepseek", "deepseek"),
    ("qwen", "qwen"), ("qwq", "qwen"), ("glm-", "z-ai"), ("kimi", "moonshotai"),
    ("minimax", "minimax"), ("command", "cohere"), ("jamba", "ai21"), ("nova-", "amazon"),
    ("titan", "amazon"), ("sonar", "perplexity"), ("phi-", "microsoft"),
    ("nemotron", "nvidia"), ("granite", "ibm-granite"), ("doubao", "bytedance-seed"),
    ("hermes", "nousresearch"),
)
PRICE_KEYS = ("input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost")
#: Keys LiteLLM files as chat that are not text-generation models.
_NOT_TEXT = re.compile(
    r"embed|container|-tts|lyria|image|audio|realtime|-live|granite-ttm|search-api"
)
_DATE = re.compile(r"(20\d\d)-?([01]\d)-?([0-3]\d)(?!\d)")


def family(name: str) -> str | None:
    return next((a for p, a in FAMILIES if name.startswith(p)), None)


def canonical_name(model: str) -> str:
    """Slug name of a LiteLLM model name: no quantization, date, route or version suffix."""
    name = re.sub(r"(?<=\d)p(?=\d)", ".", model)
    while True:
        before = name
        name = rs._strip_quant(name)
        name = rs._DATE_SUFFIX.sub("", name)
        name = re.sub(r"(?:@.*|-maas|-v?\d+:\d+|-v\d+)$", "", name)
        if name == before:
            return name


def attribute(
    key: str, entry: Mapping[str, Any], names: rs.Names
) -> tuple[str, str] | None:
    """(author, model name) of a LiteLLM chat key, or None when no rule attributes it."""
    low = key.lower()
    if low.startswith("ft:") or "-latest" in low or _NOT_TEXT.search(low):
        return None  # fine-tunes resolve to their base; -latest names are pointers
    if entry.get("supported_output_modalities") not in (None, ["text"]):
        return None
    org, model = rs._parse(low, names)
    fam = family(model)
    org_authors = names.authors_of_org(org)
    provider = entry["litellm_provider"]
    if provider in FIRST_PARTY:
        author: str | None = fam if fam and fam != FIRST_PARTY[provider] else FIRST_PARTY[provider]
        if org_authors and author not in org_authors:
            return None
    elif org_authors:
        # A host's org/name id (deepinfra/Qwen/..., bedrock meta.llama...). Bare names
        # and unknown orgs on hosts are fine-tunes as often as not: never attributed.
        picks = sorted(org_authors if len(org_authors) == 1 else org_authors & {fam})
        author = picks[0] if picks else None
    else:
        author = None
    return (author, canonical_name(model)) if author else None


def open_weights(author: str, name: str, rules: list[dict[str, str]]) -> bool | None:
    for r in rules:
        if r["author"] == author and re.fullmatch(r["pattern"], name):
            return r["open_weights"] == "true"
    return None


def params_from_name(name: str) -> Decimal | None:
    if re.search(r"llama-?4", name):
        return None  # Llama 4 names state active parameters (maverick-17b is 400B total)
    tokens = name.split("-")
    if any(re.fullmatch(r"\d+e|\d+x\d+(\.\d+)?b", t) for t in tokens):
        return None  # experts count or MoE NxMb: total size is not in the name
    sizes = [m.group(1) for t in tokens if (m := re.fullmatch(r"(\d+(?:\.\d+)?)b", t))]
    return Decimal(sizes[0]) if len(sizes) == 1 else None


def date_in(key: str) -> date | None:
    m = _DATE.search(key)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def chat_entries(prices: Mapping[str, Any], log: list[dict[str, str]]) -> dict[str, dict]:
    """Chat keys: current entries, and the last priced event of keys LiteLLM removed."""
    out = {k: v for k, v in prices.items() if isinstance(v, dict) and v.get("mode") == "chat"}
    for e in log:
        if e["mode"] == "chat" and e["model_key"] not in prices and e["input_cost_per_token"]:
            out[e["model_key"]] = {**e, "removed": True}
    return out


def history(
    slug: str, keys: list[tuple[str, str]], log: list[dict[str, str]], author: str
) -> tuple[str, list[dict[str, str]]] | None:
    """(chosen key, its change-log events) for a model's price history."""
    own = {p for p, a in FIRST_PARTY.items() if a == author and not p.startswith("vertex_ai")}
    ranked = sorted(
        (
            (k == f"openrouter/{slug}", bool(rs._DATE_SUFFIX.search(k)), len(k), k)
            for k, p in keys
            if (k == f"openrouter/{slug}" or p in own) and "-latest" not in k
        )
    )
    if not ranked:
        return None
    key = ranked[0][-1]
    return key, [e for e in log if e["model_key"] == key]


def segments(events: list[dict[str, str]]) -> list[dict[str, str]]:
    """Price segments [valid_from, valid_to) from one key's events (log order)."""
    out: list[dict[str, str]] = []
    for e in events:
        if out and not out[-1]["valid_to"]:
            out[-1]["valid_to"] = e["date"]
        if e["event"] != "removed" and e["input_cost_per_token"]:
            if out and out[-1]["valid_to"] == e["date"] and out[-1]["valid_from"] == e["date"]:
                out.pop()  # two events on one day: the later one holds
            out.append({
                "valid_from": e["date"], "valid_to": "",
                **{k: e[k] for k in PRICE_KEYS},
            })
    merged: list[dict[str, str]] = []
    for s in (s for s in out if s["valid_to"] != s["valid_from"]):  # drop same-day removals
        # consecutive equal prices are one segment
        if merged and merged[-1]["valid_to"] == s["valid_from"] and all(
            merged[-1][k] == s[k] for k in PRICE_KEYS
        ):
            merged[-1]["valid_to"] = s["valid_to"]
        else:
            merged.append(s)
    return merged


def first_listed(log: list[dict[str, str]]) -> dict[str, date]:
    """Day each key was first added to the price file after the change log starts.

    Keys of the log's first snapshot (``initial``) have no such day: they were
    listed at some unknown earlier time.
    """
    out: dict[str, date] = {}
    for e in log:
        if e["event"] == "added":
            day = date.fromisoformat(e["date"])
            out[e["model_key"]] = min(out.get(e["model_key"], day), day)
    return out


def new_models(
    entries: dict[str, dict], names: rs.Names, rules: list[dict[str, str]], origins: set[str],
    listed: Mapping[str, date] | None = None,
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Catalog rows for attributable LiteLLM chat models the catalog lacks, and problems."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    problems: list[str] = []
    for key in sorted(entries):
        got = attribute(key, entries[key], names)
        if got is None:
            continue
        author, name = got
        hit = rs.resolve(key, names)
        if hit is not None:
            if hit.split("/", 1)[0] != author:
                problems.append(f"LiteLLM {key!r}: attributed to {author}, resolves to {hit}")
            continue
        if author not in origins:
            continue  # a lab without a cited origin is left out, not guessed
        groups.setdefault((author, rs.name_key(name)), []).append((key, name))
    rows: dict[str, dict[str, Any]] = {}
    for (author, _), members in sorted(groups.items()):
        fp = {p for p, a in FIRST_PARTY.items() if a == author}

        def rank(m: tuple[str, str], fp: set[str] = fp) -> tuple[bool, int, str]:
            return entries[m[0]]["litellm_provider"] not in fp, len(m[1]), m[1]

        key, name = min(members, key=rank)
        slug = f"{author}/{name}"
        if slug in rows or slug in names.models:
            problems.append(f"LiteLLM {key!r}: slug {slug} already taken")
            continue
        e = entries[key]
        ow = open_weights(author, name, rules)
        dates = sorted(d for k, _ in members if (d := date_in(k)))
        # No dated id: the day LiteLLM first priced the model, an upper bound on its
        # release (LiteLLM adds new models within days; older ones were in its first snapshot).
        dates = dates or sorted(listed[k] for k, _ in members if listed and k in listed)
        ctx = e.get("max_input_tokens") or e.get("max_tokens")
        rows[slug] = {
            "model": slug,
            "display_name": name,
            "open_weights": ow,
            "license": None,
            "reasoning": any(entries[k].get("supports_reasoning") is True for k, _ in members),
            "release_date": dates[0] if dates else None,
            "context_length": int(float(ctx)) if ctx not in (None, "") else None,
            "params_b": params_from_name(name) if ow else None,
            "litellm_key": key,
            **{
                col: _dec(e.get(k))
                for col, k in zip(("price_input", "price_output", "price_cache_read"), PRICE_KEYS,
                                  strict=True)
            },
        }
    return rows, problems


def _dec(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(repr(value) if isinstance(value, float) else str(value))
