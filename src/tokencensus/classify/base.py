"""The classifier protocol and registry every backend (built-in or plugin) joins.

A classifier turns prompt texts, in memory, into labels; it never sees or keeps
anything else, and nothing it is given is written anywhere. Backends register
through the ``tokencensus.classifiers`` entry point group::

    [project.entry-points."tokencensus.classifiers"]
    mine = "my_package.classifier:MyClassifier"
"""

from __future__ import annotations

import importlib.metadata
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from tokencensus.errors import UnknownNameError

UNDETERMINED_LANGUAGE = "und"


@dataclass(frozen=True)
class Label:
    """What a classifier says about one prompt."""

    category: str  # one of the study's 12 categories or "other"
    subtag: str | None
    confidence: float  # 0-1
    language: str  # ISO 639-1, or "und"


class Classifier(ABC):
    """One classification backend."""

    name: ClassVar[str]
    version: ClassVar[str]

    @property
    def tag(self) -> str:
        """``name@version``, stored with every label it produced."""
        return f"{self.name}@{self.version}"

    @abstractmethod
    def classify(self, texts: Sequence[str]) -> list[Label]:
        """One label per text, in order; must not raise on empty, huge or binary text."""


_REGISTRY: dict[str, type[Classifier]] = {}
_loaded = False


def register(cls: type[Classifier]) -> type[Classifier]:
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"Classifier name {cls.name!r} is registered twice; rename one.")
    _REGISTRY[cls.name] = cls
    return cls


def classifiers() -> dict[str, type[Classifier]]:
    """Registered classifier classes by name (entry points loaded on first use)."""
    global _loaded
    if not _loaded:
        _loaded = True
        for ep in importlib.metadata.entry_points(group="tokencensus.classifiers"):
            register(ep.load())
    return dict(sorted(_REGISTRY.items()))


def get_classifier_class(name: str) -> type[Classifier]:
    found = classifiers()
    if name not in found:
        raise UnknownNameError("classifier", name, found)
    return found[name]
