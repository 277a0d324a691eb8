"""What shapes the synthetic traffic: the simulator's own parameters, not model facts.

Facts about a model (open weights, origin, reasoning, release date, prices,
context length) come from :mod:`tokencensus.catalog`; this module only says how
popular each model is over time, what people use it for, how its users stay,
who hosts it and how its tokenizer compares with OpenRouter's. Numbers are
tuned so that the generated traffic reproduces the study's figures (STUDY.md,
the bracketed values); ``Truth.targets`` reports them next to what came out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

CATEGORIES: Final = (
    "programming", "roleplay", "technology", "science", "translation", "health", "finance",
    "academia", "legal", "marketing", "marketing/seo", "trivia", "other",
)
CAT: Final = {c: i for i, c in enumerate(CATEGORIES)}

# Source-group token shares (%), linearly interpolated between knots: the study's
# figure 1 (Chinese open 1.2% -> ~30% in peak weeks, open ~1/3 by late 2025).
GROUP_KNOTS: Final = (
    # date,        Chinese open, RoW open
    ("2024-11-01", 1.2, 11.5),
    ("2024-12-01", 1.8, 12.0),
    ("2025-01-01", 3.0, 12.0),
    ("2025-02-01", 10.0, 11.0),
    ("2025-03-01", 11.5, 11.0),
    ("2025-04-01", 12.5, 11.5),
    ("2025-05-01", 13.0, 12.0),
    ("2025-06-01", 14.0, 12.0),
    ("2025-07-01", 16.5, 12.0),
    ("2025-08-01", 21.0, 12.5),
    ("2025-09-01", 26.0, 12.5),
    ("2025-10-01", 24.0, 12.0),
    ("2025-11-01", 21.0, 12.0),
    ("2025-12-01", 20.5, 12.0),
)
CN_WEEKLY_NOISE: Final = 0.10  # lognormal sigma of the weekly Chinese-open wobble
REQUEST_GROWTH: Final = 3.0  # requests per day, last day / first day
WEEKEND_FACTOR: Final = 0.85
# UTC hour-of-day weights: the Americas' afternoon plus an Asian morning bump.
HOURLY: Final = (
    3.0, 3.2, 3.6, 3.8, 3.6, 3.2, 3.0, 3.2, 3.6, 4.0, 4.2, 4.4,
    4.6, 5.0, 5.4, 5.6, 5.6, 5.4, 5.0, 4.6, 4.2, 3.8, 3.4, 3.1,
)

# Request-space category mixes (%), in CATEGORIES order; a model is a blend of these.
PROFILES: Final = {
    #             prog  rp  tech sci trans hlth fin acad legal mkt seo trivia other
    "coding":    (60.0, 4.0, 12.0, 3.0, 1.0, 1.0, 1.0, 3.0, 1.0, 2.0, 1.0, 2.0, 9.0),
    "assistant": (10.0, 12.0, 12.0, 7.0, 7.0, 5.0, 5.0, 7.0, 3.0, 6.0, 3.0, 12.0, 11.0),
    "roleplay":  (2.0, 82.0, 2.0, 1.0, 1.0, 1.0, 0.5, 1.0, 0.5, 1.0, 0.5, 3.0, 4.5),
    "reasoning": (14.0, 22.0, 8.0, 14.0, 2.0, 4.0, 5.0, 10.0, 3.0, 2.0, 1.0, 8.0, 7.0),
    "utility":   (4.0, 8.0, 8.0, 3.0, 26.0, 3.0, 3.0, 3.0, 3.0, 11.0, 8.0, 8.0, 12.0),
}
PROGRAMMING_TREND: Final = 3.0  # programming weight at the end / at the start (profiles: end)

# Mean native tokens per request, (start, end), geometric in between; lognormal sigma.
PROMPT_MEAN: Final = {
    "programming": (3500, 20000), "roleplay": (2800, 5500), "technology": (800, 2200),
    "science": (700, 1800), "translation": (500, 900), "health": (400, 800),
    "finance": (600, 1500), "academia": (1200, 2800), "legal": (1500, 3500),
    "marketing": (600, 1200), "marketing/seo": (800, 1600), "trivia": (150, 300),
    "other": (800, 1900),
}
PROMPT_SIGMA: Final = 1.0
COMPLETION_MEAN: Final = {
    "programming": (170, 340), "roleplay": (130, 210), "technology": (160, 250),
    "science": (170, 270), "translation": (210, 300), "health": (160, 250),
    "finance": (160, 250), "academia": (210, 340), "legal": (200, 310),
    "marketing": (170, 250), "marketing/seo": (210, 310), "trivia": (40, 60),
    "other": (130, 200),
}
COMPLETION_SIGMA: Final = 0.8

# Per-category request behaviour: P(prompt-cache hit) start/end, P(tools declared)
# start/end, P(tool call | tools declared), P(streamed), P(cancelled | streamed).
CACHE_HIT: Final = {"programming": (0.45, 0.80), "roleplay": (0.25, 0.40)}
CACHE_HIT_DEFAULT: Final = (0.06, 0.15)
TOOLS_DECLARED: Final = {
    "programming": (0.30, 0.85), "technology": (0.12, 0.30), "other": (0.08, 0.20),
    "finance": (0.05, 0.15),
}
TOOLS_DECLARED_DEFAULT: Final = (0.03, 0.08)
TOOL_CALL_GIVEN_TOOLS: Final = {"programming": 0.55}
TOOL_CALL_DEFAULT: Final = 0.3
STREAMED: Final = {"roleplay": 0.92, "programming": 0.8}
STREAMED_DEFAULT: Final = 0.6
CANCELLED: Final = {"roleplay": 0.045}
CANCELLED_DEFAULT: Final = 0.015
P_ERROR: Final = 0.008
P_LENGTH: Final = 0.018
P_LENGTH_REASONING: Final = 0.035
P_CONTENT_FILTER: Final = {"roleplay": 0.008}
P_CONTENT_FILTER_DEFAULT: Final = 0.001
P_MEDIA: Final = 0.03
P_SEARCH: Final = 0.01

# One account's agentic burst (the study's May 2025 tool-call spike).
SPIKE_WEEK: Final = "2025-05-12"
SPIKE_SHARE: Final = 0.12  # extra requests, as a share of that week's requests
SPIKE_MODEL: Final = "openai/gpt-4.1"
SPIKE_PROMPT_MEAN: Final = 14000
SPIKE_CATEGORY: Final = "technology"

# Users: accounts arrive over the period (a share already active at its start),
# adopt a few models each and keep each for a heavy-tailed time.
USERS_PER_ROW: Final = 1 / 150
MIN_USERS: Final = 200
PRE_EXISTING: Final = 0.25
ARRIVAL_GROWTH: Final = 1.0  # log-growth of the arrival rate over the period
ACTIVITY_SIGMA: Final = 1.3  # lognormal sigma of per-user activity
EXTRA_ENGAGEMENT_P: Final = 0.45  # geometric: P(stop adding models)
MAX_ENGAGEMENTS: Final = 8
ADOPTION_GAP_DAYS: Final = 45.0
TRIAL_P: Final = 0.3
TRIAL_DAYS: Final = 5.0
STAY_MEDIAN_DAYS: Final = 50.0
STAY_SIGMA: Final = 1.0
LAUNCH_BOOST: Final = 2.0  # extra adoption right after a release, decays over LAUNCH_DAYS
LAUNCH_DAYS: Final = 14.0
BYOK_USERS: Final = 0.04
NO_APP_USERS: Final = 0.3
FREE_VARIANT_P: Final = 0.35  # engagements on a model with a free variant that use it


@dataclass(frozen=True)
class Cohort:
    """Adopters in [start, start+days) behave specially.

    ``sticky``: share that keep using the model to the end (a foundational cohort).
    ``returns``: share that leave and come back ``return_days`` later (a boomerang).
    """

    start: str
    days: int
    sticky: float = 0.0
    returns: float = 0.0
    return_days: float = 100.0
    boost: float = 0.0  # extra launch adoption for this cohort


@dataclass(frozen=True)
class ModelSim:
    """How one model's traffic is simulated (catalog facts are looked up, not kept here)."""

    weight: float  # token weight within its source group at full popularity
    mix: dict[str, float]  # PROFILES blend
    ramp_days: float = 14.0
    superseded_by: str | None = None  # popularity decays from that model's release on
    half_life_days: float = 60.0
    think: float = 1.0  # share of requests that reason (reasoning models only)
    think_ratio: float = 1.0  # mean reasoning tokens per visible output token
    free: bool = False  # has a `:free` variant
    cohort: Cohort | None = None
    providers: tuple[tuple[str, float], ...] = ()
    later_decay: tuple[str, float] | None = field(default=None)  # (date, half-life) fade-out


_CODE = {"coding": 1.0}
_RP = {"roleplay": 1.0}

MODELS: Final[dict[str, ModelSim]] = {
    "openai/gpt-4o-mini": ModelSim(1.3, {"assistant": .5, "utility": .4, "roleplay": .1},
                                   later_decay=("2024-11-01", 300)),
    "openai/gpt-4o": ModelSim(0.8, {"assistant": .6, "roleplay": .2, "coding": .2},
                              superseded_by="openai/gpt-4.1", half_life_days=120),
    "openai/gpt-4.1": ModelSim(0.8, {"coding": .5, "assistant": .4, "utility": .1},
                               superseded_by="openai/gpt-5", half_life_days=60),
    "openai/o3": ModelSim(0.3, {"reasoning": .6, "coding": .4}, think_ratio=2.0,
                          superseded_by="openai/gpt-5"),
    "openai/gpt-5": ModelSim(1.1, {"coding": .5, "reasoning": .3, "assistant": .2},
                             think_ratio=1.5),
    "anthropic/claude-3.5-sonnet": ModelSim(
        1.5, {"coding": .25, "roleplay": .5, "assistant": .25},
        superseded_by="anthropic/claude-3.7-sonnet", half_life_days=45),
    "anthropic/claude-3.7-sonnet": ModelSim(
        2.4, {"coding": .45, "roleplay": .35, "assistant": .2}, think=0.3, think_ratio=0.8,
        superseded_by="anthropic/claude-sonnet-4", half_life_days=40),
    "anthropic/claude-sonnet-4": ModelSim(
        3.0, {"coding": .75, "roleplay": .15, "assistant": .1}, ramp_days=7, think=0.3,
        think_ratio=0.8, superseded_by="anthropic/claude-sonnet-4.5", half_life_days=60,
        cohort=Cohort("2025-05-01", 61, sticky=0.3, boost=3.0)),
    "anthropic/claude-opus-4": ModelSim(0.5, {"coding": .7, "assistant": .2, "roleplay": .1},
                                        ramp_days=7, think=0.4, think_ratio=0.8,
                                        later_decay=("2025-08-05", 45)),
    "anthropic/claude-sonnet-4.5": ModelSim(3.2, {"coding": .8, "roleplay": .1,
                                                  "assistant": .1}, ramp_days=7, think=0.35,
                                            think_ratio=0.8),
    "anthropic/claude-haiku-4.5": ModelSim(0.8, {"coding": .6, "assistant": .3, "utility": .1},
                                           ramp_days=7, think=0.2, think_ratio=0.6),
    "google/gemini-2.0-flash-001": ModelSim(
        1.5, {"utility": .5, "assistant": .3, "roleplay": .2}, ramp_days=20,
        superseded_by="google/gemini-2.5-flash", half_life_days=90),
    "google/gemini-2.5-flash": ModelSim(1.8, {"utility": .35, "assistant": .3, "coding": .2,
                                              "roleplay": .15}, ramp_days=20, think=0.7),
    "google/gemini-2.5-pro": ModelSim(
        1.6, {"coding": .45, "reasoning": .25, "roleplay": .15, "assistant": .15},
        ramp_days=20, think_ratio=1.2,
        cohort=Cohort("2025-06-01", 30, sticky=0.3, boost=3.0)),
    "x-ai/grok-code-fast-1": ModelSim(1.5, _CODE, ramp_days=7, think_ratio=0.7),
    "x-ai/grok-4": ModelSim(0.4, {"reasoning": .4, "assistant": .3, "coding": .3},
                            think_ratio=1.5),
    "deepseek/deepseek-chat": ModelSim(
        2.0, {"roleplay": .6, "assistant": .25, "coding": .15}, ramp_days=7, free=True,
        superseded_by="deepseek/deepseek-chat-v3-0324", half_life_days=30),
    "deepseek/deepseek-r1": ModelSim(
        3.0, {"reasoning": .5, "roleplay": .4, "coding": .1}, ramp_days=7, think_ratio=1.8,
        free=True, superseded_by="deepseek/deepseek-r1-0528", half_life_days=45,
        cohort=Cohort("2025-01-20", 40, returns=0.55, return_days=105, boost=4.0)),
    "deepseek/deepseek-chat-v3-0324": ModelSim(
        3.0, {"roleplay": .6, "coding": .2, "assistant": .2}, ramp_days=7, free=True,
        superseded_by="deepseek/deepseek-chat-v3.1", half_life_days=60),
    "deepseek/deepseek-r1-0528": ModelSim(
        1.5, {"reasoning": .5, "roleplay": .35, "coding": .15}, ramp_days=7, think_ratio=1.6,
        free=True, superseded_by="deepseek/deepseek-chat-v3.1", half_life_days=60),
    "deepseek/deepseek-chat-v3.1": ModelSim(2.0, {"roleplay": .55, "coding": .25,
                                                  "assistant": .2}, ramp_days=7, think=0.3),
    "qwen/qwen-2.5-72b-instruct": ModelSim(
        1.0, {"assistant": .4, "utility": .3, "coding": .2, "roleplay": .1},
        superseded_by="qwen/qwen3-235b-a22b", half_life_days=60),
    "qwen/qwen3-235b-a22b": ModelSim(1.2, {"assistant": .3, "coding": .3, "roleplay": .2,
                                           "reasoning": .2}, free=True, think=0.5),
    "qwen/qwen3-coder": ModelSim(1.0, _CODE, ramp_days=7, free=True),
    "z-ai/glm-4.5": ModelSim(1.5, {"coding": .35, "roleplay": .45, "assistant": .2},
                             ramp_days=7, think=0.5),
    "moonshotai/kimi-k2": ModelSim(1.3, {"coding": .3, "roleplay": .5, "assistant": .2},
                                   ramp_days=7, free=True),
    "minimax/minimax-m2": ModelSim(1.5, {"coding": .5, "assistant": .25, "roleplay": .25},
                                   ramp_days=7,
                                   think_ratio=0.8),
    "meta-llama/llama-3.3-70b-instruct": ModelSim(
        2.0, {"roleplay": .5, "utility": .3, "assistant": .2}, free=True,
        later_decay=("2025-04-01", 200)),
    "meta-llama/llama-3.1-8b-instruct": ModelSim(1.0, {"utility": .6, "roleplay": .3,
                                                       "assistant": .1}),
    "meta-llama/llama-4-maverick": ModelSim(0.8, {"assistant": .5, "utility": .3,
                                                  "roleplay": .2}, ramp_days=5,
                                            later_decay=("2025-05-05", 60)),
    "mistralai/mistral-nemo": ModelSim(1.5, {"roleplay": .75, "utility": .25}, free=True),
    "mistralai/mistral-small-3.2-24b-instruct": ModelSim(
        0.8, {"utility": .5, "roleplay": .3, "assistant": .2}, free=True),
    "google/gemma-3-27b-it": ModelSim(0.8, {"utility": .4, "roleplay": .3, "assistant": .3},
                                      free=True),
    "openai/gpt-oss-120b": ModelSim(2.0, {"coding": .2, "assistant": .35, "utility": .35,
                                          "reasoning": .1}, ramp_days=7, think_ratio=0.7),
    "openai/gpt-oss-20b": ModelSim(1.0, {"utility": .5, "coding": .3, "assistant": .2},
                                   ramp_days=7, think_ratio=0.6, free=True),
    "sao10k/l3.3-euryale-70b": ModelSim(1.2, _RP),
    "microsoft/phi-4": ModelSim(0.3, {"utility": .6, "assistant": .4}),
}

# Hosts per author (the model's own `providers` override them) and their speed.
_OPEN_HOSTS = (("DeepInfra", .25), ("Together", .2), ("Groq", .15), ("Lambda", .1),
               ("Nebius", .1), ("Novita", .1), ("Cerebras", .05), ("Parasail", .05))
PROVIDERS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "openai": (("OpenAI", .85), ("Azure", .15)),
    "anthropic": (("Anthropic", .6), ("Amazon Bedrock", .25), ("Google Vertex", .15)),
    "google": (("Google AI Studio", .55), ("Google Vertex", .45)),
    "x-ai": (("xAI", 1.0),),
    "deepseek": (("DeepSeek", .35), ("Chutes", .2), ("DeepInfra", .15), ("Together", .1),
                 ("Fireworks", .1), ("Novita", .1)),
    "qwen": (("Alibaba", .25), ("DeepInfra", .2), ("Chutes", .2), ("Together", .15),
             ("Parasail", .1), ("Novita", .1)),
    "z-ai": (("Z.AI", .5), ("Chutes", .25), ("DeepInfra", .25)),
    "moonshotai": (("Moonshot AI", .5), ("Groq", .2), ("Together", .15), ("Chutes", .15)),
    "minimax": (("MiniMax", .7), ("DeepInfra", .3)),
    "mistralai": (("Mistral", .5), ("DeepInfra", .25), ("Nebius", .25)),
    "sao10k": (("Infermatic", .5), ("DeepInfra", .25), ("Novita", .25)),
}
OPEN_PROVIDERS: Final = _OPEN_HOSTS
GPT_OSS_PROVIDERS: Final = (("Groq", .2), ("Cerebras", .1), ("DeepInfra", .2), ("Together", .15),
                            ("Fireworks", .15), ("Nebius", .1), ("Parasail", .1))
FAST_HOSTS: Final = frozenset({"Groq", "Cerebras"})
# OpenRouter's normalized token count / the model's native count, per author.
TOKENIZER: Final = {
    "anthropic": 0.87, "google": 0.95, "openai": 1.0, "x-ai": 1.02, "deepseek": 1.06,
    "qwen": 1.08, "z-ai": 1.05, "moonshotai": 1.04, "minimax": 1.05, "meta-llama": 0.98,
    "mistralai": 0.93, "sao10k": 0.98, "microsoft": 1.0,
}

# Billing countries: (ISO code, token share %, prompt language, share of prompts in it).
COUNTRIES: Final = (
    ("US", 45.6, "en", 1.0), ("CA", 1.3, "en", 1.0), ("MX", 0.3, "es", 0.8),
    ("SG", 9.2, "zh", 0.1), ("CN", 6.0, "zh", 0.5), ("KR", 2.9, "ko", 0.35),
    ("JP", 1.8, "ja", 0.55), ("IN", 1.6, "en", 1.0), ("HK", 1.4, "zh", 0.5),
    ("TW", 0.9, "zh", 0.6), ("VN", 0.8, "en", 1.0), ("TH", 1.3, "th", 0.9),
    ("ID", 0.7, "en", 1.0), ("IL", 0.5, "en", 1.0), ("AE", 0.5, "en", 1.0),
    ("TR", 0.4, "en", 1.0), ("PH", 0.4, "en", 1.0), ("MY", 0.4, "en", 1.0),
    ("DE", 7.5, "de", 0.13), ("NL", 2.65, "en", 1.0), ("GB", 2.5, "en", 1.0),
    ("FR", 1.6, "fr", 0.4), ("RU", 2.6, "ru", 0.9), ("ES", 0.9, "es", 0.75),
    ("PL", 0.7, "en", 1.0), ("SE", 0.5, "en", 1.0), ("CH", 0.5, "de", 0.15),
    ("IT", 0.6, "en", 1.0), ("UA", 0.5, "ru", 0.4), ("IE", 0.3, "en", 1.0),
    ("FI", 0.2, "en", 1.0), ("CZ", 0.25, "en", 1.0), ("BR", 0.7, "pt", 0.65),
    ("AR", 0.25, "es", 0.8), ("CO", 0.15, "es", 0.8), ("CL", 0.11, "es", 0.8),
    ("AU", 1.0, "en", 1.0), ("NZ", 0.18, "en", 1.0), ("ZA", 0.2, "en", 1.0),
    ("NG", 0.12, "en", 1.0), ("EG", 0.08, "en", 1.0), ("KE", 0.06, "en", 1.0),
)
ASIA: Final = frozenset({"SG", "CN", "KR", "JP", "IN", "HK", "TW", "VN", "TH", "ID", "IL", "AE",
                         "TR", "PH", "MY"})
ASIA_TREND: Final = (0.5, 1.45)  # Asian accounts' weight among new users, start -> end
LANGUAGES: Final = ("en", "zh", "ru", "es", "th", "de", "fr", "ja", "ko", "pt")

# Apps (HTTP referers), heavy-tailed within each kind.
APPS: Final = {
    "coding": ("https://patchpilot.dev/", "https://forgeagent.ai/", "https://kodeloop.io/",
               "https://terminalmate.sh/", "https://diffsmith.dev/", "https://refactory.app/",
               "https://shipyard-agent.dev/", "https://byteworks.tools/",
               "https://nightlycoder.com/", "https://vimcraft.ai/"),
    "roleplay": ("https://tavernlight.app/", "https://storyweaver.chat/",
                 "https://velvetquill.ai/", "https://dungeonscribe.gg/",
                 "https://kindred-characters.com/", "https://moonlit-rp.net/",
                 "https://personaforge.ai/", "https://talesmith.app/"),
    "general": ("https://chatdeck.app/", "https://openpanel.chat/", "https://notably.ai/",
                "https://lexiflow.io/", "https://polyglot-bridge.com/", "https://mailmuse.app/",
                "https://sheetsense.ai/", "https://seowright.io/", "https://adcopylab.com/",
                "https://docuparse.ai/", "https://studybuddy.academy/",
                "https://ledgerlens.finance/", "https://clauseguard.legal/",
                "https://medinfo-helper.org/", "https://triviatime.fun/",
                "https://briefly.news/"),
}
APP_ZIPF: Final = 1.1


def day(iso: str) -> dt.date:
    """A calibration date."""
    return dt.date.fromisoformat(iso)
