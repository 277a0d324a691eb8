"""What an analysis is, and the registry every analysis (built-in or plugin) joins.

An analysis is three pure functions:

* :meth:`Analysis.compute` builds an Ibis expression from a :class:`~tokencensus.engine.Census`;
  it never executes anything, and never asks which engine it runs on;
* :meth:`Analysis.chart` turns the executed result into an Altair chart;
* :meth:`Analysis.findings` turns it into sentences with numbers.

Only ``report/`` and ``cli/`` execute expressions. Built-in analyses register
through the ``tokencensus.analyses`` entry point group, exactly as a plugin would::

    [project.entry-points."tokencensus.analyses"]
    mine = "my_package.my_analyses"      # a module whose classes use @register

>>> sorted(a.name for a in all_analyses())[:2]
['completion_length', 'continent_share']
"""

from __future__ import annotations

import importlib.metadata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal, TypeVar, get_args

from tokencensus.errors import UnknownNameError

if TYPE_CHECKING:
    import altair as alt
    import ibis.expr.types as ir
    import pandas as pd

    from tokencensus.engine import Census

Measure = Literal["tokens", "requests", "spend"]
MEASURES: tuple[str, ...] = get_args(Measure)
Section = Literal[
    "Open vs closed", "Agentic inference", "Categories", "Geography and language",
    "Retention", "Cost vs usage", "Beyond the study",
]
SECTIONS: tuple[str, ...] = get_args(Section)


@dataclass(frozen=True)
class Params:
    """Options every analysis accepts.

    ``measure`` picks what a share is a share of (the study uses tokens);
    ``exclude_users`` drops accounts that would distort a figure (the study saw
    one account dominate tool-call tokens for a week).
    """

    measure: Measure = "tokens"
    exclude_users: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    top_n: int = 10
    extra: dict[str, object] = field(default_factory=dict)


class Analysis(ABC):
    """One figure or table of the study (or beyond it)."""

    name: ClassVar[str]
    title: ClassVar[str]
    section: ClassVar[Section]
    study_figures: ClassVar[tuple[int, ...]] = ()
    #: Canonical request columns that must hold values for the analysis to mean anything.
    requires: ClassVar[frozenset[str]] = frozenset()
    #: Tables of the Census it reads besides requests ("labels", "models", "countries").
    needs_tables: ClassVar[frozenset[str]] = frozenset()
    description: ClassVar[str] = ""

    @abstractmethod
    def compute(self, census: Census, params: Params) -> ir.Table:
        """Build (never run) the expression whose rows are the analysis result."""

    @abstractmethod
    def chart(self, result: pd.DataFrame) -> alt.TopLevelMixin:
        """Chart of an executed result."""

    @abstractmethod
    def findings(self, result: pd.DataFrame) -> list[str]:
        """Plain sentences with the numbers a reader should take away."""

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "section": self.section,
            "study_figures": list(self.study_figures),
            "requires": sorted(self.requires),
        }


_REGISTRY: dict[str, type[Analysis]] = {}
_loaded_entry_points = False

A = TypeVar("A", bound=type[Analysis])


def register(cls: A) -> A:
    """Class decorator adding an analysis to the registry; names must be unique."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(
            f"Analysis name {cls.name!r} is registered twice: by "
            f"{_REGISTRY[cls.name].__module__} and {cls.__module__}. Rename one."
        )
    _REGISTRY[cls.name] = cls
    return cls


def _load_entry_points() -> None:
    global _loaded_entry_points
    if _loaded_entry_points:
        return
    _loaded_entry_points = True
    for ep in importlib.metadata.entry_points(group="tokencensus.analyses"):
        ep.load()


def all_analyses() -> list[Analysis]:
    """Every registered analysis, in the study's order (section, then first figure)."""
    _load_entry_points()

    def order(cls: type[Analysis]) -> tuple[int, int, str]:
        first = min(cls.study_figures) if cls.study_figures else 999
        return (SECTIONS.index(cls.section), first, cls.name)

    return [cls() for cls in sorted(_REGISTRY.values(), key=order)]


def get_analysis(name: str) -> Analysis:
    _load_entry_points()
    if name not in _REGISTRY:
        raise UnknownNameError("analysis", name, _REGISTRY)
    return _REGISTRY[name]()

