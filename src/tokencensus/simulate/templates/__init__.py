"""Prompt templates per language and category, filled with realistic slot values.

>>> import random
>>> messages, subtag = render("en", "translation", random.Random(1))
>>> messages[-1]["role"], subtag in {"Foreign Language Resources", "Translation & Localization"}
('user', True)
"""

from __future__ import annotations

import random
from string import Formatter

from tokencensus.simulate.templates import code, en, es, more, ru, th, zh
from tokencensus.simulate.templates.base import Template

__all__ = ["TEMPLATES", "Template", "available", "render", "slot_names"]

TEMPLATES: dict[str, dict[str, tuple[Template, ...]]] = {
    "en": en.TEMPLATES, "zh": zh.TEMPLATES, "ru": ru.TEMPLATES, "es": es.TEMPLATES,
    "th": th.TEMPLATES, **{lang: pair[0] for lang, pair in more.LANGS.items()},
}
SLOTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": en.SLOTS, "zh": zh.SLOTS, "ru": ru.SLOTS, "es": es.SLOTS, "th": th.SLOTS,
    **{lang: pair[1] for lang, pair in more.LANGS.items()},
}
SHARED: dict[str, tuple[str, ...]] = {
    "snippet": code.SNIPPETS,
    "config": code.CONFIGS,
    "query": code.QUERIES,
    "file": tuple(f"`{path}`:\n\n```\n{body}```" for path, body in code.FILES),
}
_FORMAT = Formatter()


def available(lang: str, category: str) -> bool:
    """Whether prompts of ``category`` can be written in ``lang``."""
    return bool(TEMPLATES.get(lang, {}).get(category))


def slot_names(text: str) -> list[str]:
    """The ``{slot}`` fields a template text uses."""
    return [name for _, name, _, _ in _FORMAT.parse(text) if name]


def _pool(lang: str, name: str) -> tuple[str, ...]:
    pool = SLOTS[lang].get(name) or SHARED.get(name)
    if not pool:
        raise KeyError(f"Template slot {name!r} has no values for language {lang!r}.")
    return pool


def render(lang: str, category: str, rng: random.Random) -> tuple[list[dict[str, str]], str]:
    """Chat messages (system when the template has one, then user) and the sub-tag."""
    options = TEMPLATES[lang][category]
    template = rng.choices(options, weights=[t.weight for t in options])[0]
    values: dict[str, str] = {}

    def fill(text: str) -> str:
        for name in slot_names(text):
            if name not in values:
                values[name] = rng.choice(_pool(lang, name))
        return text.format(**values)

    messages = []
    if template.system:
        messages.append({"role": "system", "content": fill(template.system)})
    messages.append({"role": "user", "content": fill(template.user)})
    return messages, template.subtag
