"""Map the model names that logs carry to canonical catalog slugs.

A raw name resolves to a canonical ``author/name`` slug or to ``None``; a name
the rules cannot tie to exactly one model is never guessed, so ``tokencensus
models unknown`` can list it with its token volume and the user can add an
override. Matching ignores case and surrounding whitespace. In order:

1. ``exact`` / ``alias``: the canonical slug, or a name in the alias table
   (OpenRouter dated ``canonical_slug`` values, ``~author/...-latest`` aliases,
   Hugging Face ids of OpenRouter models, user overrides); OpenRouter variant
   suffixes (``:free``, ``:thinking``, ``:nitro``, ...) are dropped first.
2. ``parse``: gateway and host prefixes are dropped (``openrouter/``,
   ``bedrock/``, ``vertex_ai/``, ``fireworks_ai/accounts/fireworks/models/``,
   ``cloudflare/@cf/``, ...), then the name is read as
   ``[org/]name``, a Bedrock id ``[region.]vendor.name-vN:M``, a Vertex id
   ``name@version``, or an Ollama tag ``name:tag`` (quantization such as
   ``q4_K_M``, ``fp16``, ``-GGUF`` dropped). The org, when it is a known lab,
   must agree with the model's author; unknown orgs (quantizers such as
   ``bartowski``) do not vote.
3. ``key``: the name is compared with catalog names by a key that ignores case,
   separators and the ``v``/``p`` spellings of versions (``claude-3-5-sonnet``,
   ``claude-3.5-sonnet``, ``llama-v3p1-8b`` and ``Meta-Llama-3.1-8B`` all
   match). Dates (``-20241022``, ``-2024-08-06``), ``-latest``, ``-maas`` and
   Bedrock ``-v2:0`` suffixes are dropped only when the full name matches
   nothing. A last, looser key also ignores word order and the words
   ``instruct``/``it``/``chat``/``turbo``; every key must point at exactly one
   model (of the org's author, when there is one).

>>> resolve("DeepSeek/DeepSeek-R1:free")
'deepseek/deepseek-r1'
>>> resolve("openai/gpt-4.1-2025-04-14")
'openai/gpt-4.1'
>>> resolve("us.anthropic.claude-3-7-sonnet-20250219-v1:0")
'anthropic/claude-3.7-sonnet'
>>> resolve("no-such/model") is None
True
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Final

VARIANT_SEP: Final = ":"
#: OpenRouter variant suffixes: routing or pricing options of one model, not models.
VARIANT_SUFFIXES: Final = frozenset(
    {"free", "thinking", "beta", "extended", "nitro", "floor", "online", "batch", "exacto"}
)
#: Leading path segments that name a gateway, host or API route, never a lab.
GATEWAYS: Final = frozenset(
    (
        "openrouter", "bedrock", "bedrock_converse", "bedrock_mantle", "converse", "invoke",
        "vertex_ai", "vertex", "vertex_ai_beta", "azure", "azure_ai", "groq", "together_ai",
        "fireworks_ai", "accounts", "fireworks", "models", "deepinfra", "novita", "nebius",
        "hyperbolic", "nscale", "wandb", "baseten", "crusoe", "tensormesh", "publicai",
        "featherless_ai", "sambanova", "cerebras", "lambda_ai", "ovhcloud", "scaleway",
        "llamagate", "gradient_ai", "anyscale", "replicate", "cloudflare", "@cf", "@hf",
        "snowflake", "databricks", "oci", "watsonx", "github_copilot", "gmi",
        "vercel_ai_gateway", "ollama", "ollama_chat", "lm_studio", "hosted_vllm", "vllm",
        "friendliai", "heroku", "libertai", "pinstripes", "ps", "lemonade", "darkbloom",
        "tencent", "hf:", "hf.co", "huggingface.co", "modelscope.cn", "1-month-commitment",
        "6-month-commitment", "litellm_proxy", "litellm", "openai_compatible",
        "text-completion-openai", "meta_llama", "amazon-nova", "nvidia_nim", "sagemaker",
    )
)
BEDROCK_REGIONS: Final = frozenset({"us", "eu", "apac", "ap", "global", "jp", "au", "ca", "us-gov"})
#: Quantization, format and host-speed tokens of builds (q4_K_M, fp8, GGUF, -cloud).
_QUANT = (
    r"(?:i?q\d(?:_[a-z0-9]+)*|f16|fp16|bf16|f32|fp8|fp4|nvfp4|mxfp4?|int4|int8|awq|gptq|gguf"
    r"|mlx|\d+bit|cloud|tput|mtp|dynamic|nitro|ud)"
)
_QUANT_SUFFIX: Final = re.compile(rf"(?:[-_.]{_QUANT})+$")
_QUANT_TAG: Final = re.compile(rf"^{_QUANT}$")
#: Dates in ids: -20241022, -2024-08-06, @20240620, -09-2025, Volcano Engine's -251201.
_DATE_SUFFIX: Final = re.compile(
    r"[-_@](?:20\d\d-?[01]\d-?[0-3]\d|[01]\d-20\d\d|2[4-9][01]\d[0-3]\d)$"
)
_LATE_SUFFIX: Final = re.compile(r"(?:@.*|-latest|-maas|-v?\d+:\d+(?::\d+k)?|-v\d+|:\d+k?)$")
#: AWS / Azure region path segments (bedrock/us-west-2/..., azure/eu/...).
_REGION: Final = re.compile(r"^(?:[a-z]{2}(?:-gov)?-[a-z]+-\d|eu|us|global)$")
_TOKENS: Final = re.compile(r"[a-z]+|\d+")
#: Words the loose key ignores: chat/instruct tunes and hosts' speed labels of one model.
LOOSE_WORDS: Final = frozenset({"instruct", "it", "chat", "hf", "turbo", "instant", "versatile"})


def _read_data(filename: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def name_key(name: str) -> str:
    """Separator-, case- and version-spelling-blind key of a model name.

    >>> name_key("Meta-Llama-3.1-8B-Instruct") == name_key("llama-v3p1-8b-instruct")
    True
    """
    s = re.sub(r"(?<=\d)p(?=\d)", ".", name.lower())  # Fireworks spells 3.1 as 3p1
    s = s.replace("gpt-35", "gpt-3.5")  # Azure OpenAI's spelling
    tokens = _TOKENS.findall(s)
    out: list[str] = []
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if t == "v" and nxt.isdigit():
            continue  # v3 == 3
        if t == "meta" and nxt == "llama":
            continue  # Meta-Llama-3 == llama-3
        out.append(t)
    return "-".join(out)


def loose_key(name: str) -> str:
    """:func:`name_key` without word order and the words in :data:`LOOSE_WORDS`."""
    return "-".join(sorted(t for t in name_key(name).split("-") if t not in LOOSE_WORDS))


def _index(
    pairs: Iterable[tuple[str, str]], key: Callable[[str], str]
) -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    for name, slug in pairs:
        out.setdefault(key(name), set()).add(slug)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@dataclass(frozen=True, eq=False)
class Names:
    """The names a raw model name can resolve to.

    ``models``: canonical slugs; ``aliases``: lower-case alias -> slug;
    ``orgs``: lower-case org or vendor spelling -> the catalog authors it stands for.
    """

    models: frozenset[str]
    aliases: Mapping[str, str]
    orgs: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def lookup(self, name: str) -> str | None:
        """The canonical slug for a canonical slug or a known alias, else ``None``."""
        if name in self.models:
            return name
        return self.aliases.get(name)

    def _pairs(self) -> Iterator[tuple[str, str]]:
        """(name part, slug) of every model and of every alias but ``~...-latest`` pointers."""
        for slug in self.models:
            yield slug.split("/", 1)[1], slug
        for alias, slug in self.aliases.items():
            if not alias.startswith("~"):
                yield alias.rsplit("/", 1)[-1], slug

    @cached_property
    def strict(self) -> dict[str, tuple[str, ...]]:
        return _index(self._pairs(), name_key)

    @cached_property
    def loose(self) -> dict[str, tuple[str, ...]]:
        return _index(self._pairs(), loose_key)

    @cached_property
    def authors(self) -> frozenset[str]:
        return frozenset(m.split("/", 1)[0] for m in self.models)

    def authors_of_org(self, org: str | None) -> frozenset[str] | None:
        """The catalog authors an org spelling stands for; ``None`` if it is not a known lab."""
        if not org:
            return None
        if org in self.orgs:
            return self.orgs[org]
        return frozenset({org}) if org in self.authors else None


def _split_variants(name: str) -> tuple[str, list[str]]:
    """``a/b:free:online`` -> (``a/b``, [``free``, ``online``]) for known suffixes only."""
    suffixes: list[str] = []
    while True:
        base, sep, suffix = name.rpartition(VARIANT_SEP)
        if not sep or suffix not in VARIANT_SUFFIXES:
            return name, suffixes
        suffixes.insert(0, suffix)
        name = base


def _strip_quant(name: str) -> str:
    name = name.removesuffix(".gguf")
    return _QUANT_SUFFIX.sub("", name) or name


def _parse(name: str, names: Names) -> tuple[str | None, str]:
    """(org, model name) of a name without gateway prefixes, Bedrock and Ollama forms read."""
    parts = [p for p in name.split("/") if p]
    while len(parts) > 1 and (parts[0] in GATEWAYS or _REGION.match(parts[0])):
        parts.pop(0)
    org = parts[-2] if len(parts) > 1 else None
    model = parts[-1] if parts else ""
    if org is None and "." in model:
        pieces = model.split(".")
        if pieces[0] in BEDROCK_REGIONS and len(pieces) > 2:
            pieces.pop(0)
        if len(pieces) > 1 and names.authors_of_org(pieces[0]) and not pieces[0][-1:].isdigit():
            org, model = pieces[0], ".".join(pieces[1:])  # Bedrock: vendor.model-v1:0
            # Bedrock's oldest Claude ids: claude-v2:1 is Claude 2.1, claude-instant-v1 Instant 1.
            model = re.sub(r"^(claude(?:-instant)?)-v(\d)(?::(\d))?$",
                           lambda m: f"{m[1]}-{m[2]}" + (f".{m[3]}" if m[3] else ""), model)
    if model.startswith("ft:"):
        model = model.split(VARIANT_SEP)[1]  # OpenAI fine-tune: ft:base:org::id
    if VARIANT_SEP in model and not re.search(r"-v?\d+:\d+", model):
        base, _, tag = model.partition(VARIANT_SEP)  # Ollama: name:tag
        tag = "-".join(t for t in tag.split("-") if not _QUANT_TAG.match(t))
        model = base if tag in ("", "latest") else f"{base}-{tag}"
    return org, model


def _org_in_name(model: str, names: Names) -> tuple[str, str] | None:
    """Hosts that spell the lab into the name: anthropic-claude-3, zai-glm-4.6, databricks-x."""
    head, sep, rest = model.partition("-")
    if not sep or not rest[:1].isalpha():
        return None
    if head == "databricks":
        return _org_in_name(rest, names) or ("", rest)
    return (head, rest) if names.authors_of_org(head) else None


def _candidates(model: str) -> Iterator[str]:
    """The name, then without quantization, then without dates and late suffixes."""
    seen: set[str] = set()
    current = model
    for step in (lambda s: s, _strip_quant, lambda s: _DATE_SUFFIX.sub("", s),
                 lambda s: _LATE_SUFFIX.sub("", s), lambda s: _DATE_SUFFIX.sub("", s)):
        current = step(current)
        if current and current not in seen:
            seen.add(current)
            yield current


def _allowed(slug: str, authors: frozenset[str] | None) -> bool:
    return authors is None or slug.split("/", 1)[0] in authors


def _pick(slugs: tuple[str, ...], authors: frozenset[str] | None) -> str | None:
    slugs = tuple(s for s in slugs if _allowed(s, authors))
    return slugs[0] if len(slugs) == 1 else None


def _match(org: str | None, model: str, names: Names) -> str | None:
    authors = names.authors_of_org(org)
    cands = list(_candidates(model))
    if org and authors and not model.startswith(org):
        cands += _candidates(f"{org}-{model}")  # Bedrock drops the lab: deepseek.r1-v1:0
    for cand in cands:
        for full in (f"{org}/{cand}" if org else "", cand):
            if full and (hit := names.lookup(full)) is not None and _allowed(hit, authors):
                return hit
    for index, key in ((names.strict, name_key), (names.loose, loose_key)):
        for cand in cands:
            if (hit := _pick(index.get(key(cand), ()), authors)) is not None:
                return hit
    return None


def _by_key(name: str, names: Names) -> str | None:
    org, model = _parse(name, names)
    if (hit := _match(org, model, names)) is not None:
        return hit
    if org is None and (split := _org_in_name(model, names)) is not None:
        return _match(split[0] or None, split[1], names)
    return None


@cache
def bundled_names() -> Names:
    """Canonical slugs, aliases and org spellings of the bundled catalog (read once)."""
    models = frozenset(r["model"] for r in _read_data("models.csv"))
    aliases = {r["alias"]: r["model"] for r in _read_data("aliases.csv")}
    orgs: dict[str, set[str]] = {}
    for r in _read_data("orgs.csv"):
        orgs.setdefault(r["org"], set()).add(r["author"])
    return Names(models=models, aliases=aliases, orgs={k: frozenset(v) for k, v in orgs.items()})


def normalize(raw: str) -> str:
    """The form every rule sees: stripped and lower-cased."""
    return raw.strip().lower()


def resolve(raw: str | None, names: Names | None = None) -> str | None:
    """Canonical ``author/name`` slug for a raw model name, or ``None`` if unknown.

    ``names`` defaults to the bundled catalog; pass another :class:`Names` (see
    :class:`tokencensus.catalog.Catalog`) to resolve with user overrides.
    """
    if raw is None:
        return None
    name = normalize(raw)
    if not name:
        return None
    known = names if names is not None else bundled_names()
    if (hit := known.lookup(name)) is not None:
        return hit
    base, suffixes = _split_variants(name)
    if suffixes and (hit := known.lookup(base)) is not None:
        return hit
    return _by_key(base, known)


def is_free_variant(raw: str) -> bool:
    """True for OpenRouter's ``:free`` variants, which are billed at zero.

    >>> is_free_variant("meta-llama/llama-3.3-70b-instruct:free")
    True
    """
    return "free" in _split_variants(normalize(raw))[1]
