"""The taxonomy is complete and maps the study's Google paths."""

from __future__ import annotations

import pytest

from tokencensus.classify import taxonomy as tx


def test_twelve_study_categories_plus_other() -> None:
    assert tx.STUDY_CATEGORIES == (
        "programming", "roleplay", "technology", "science", "translation", "health",
        "finance", "academia", "legal", "marketing", "marketing/seo", "trivia")
    assert tx.NAMES[-1] == tx.OTHER


@pytest.mark.parametrize("category", tx.CATEGORIES, ids=lambda c: c.name)
def test_every_category_is_documented(category: tx.Category) -> None:
    assert len(category.definition) > 30
    assert len(category.examples) >= 2
    assert category.subtags and all(category.subtags)
    assert category.macro in tx.MACROS


@pytest.mark.parametrize(("path", "expected"), [
    # The paths STUDY.md reports as sub-tags.
    ("/Games/Roleplaying Games", ("roleplay", "Roleplaying Games")),
    ("/Books & Literature/Writers Resources", ("roleplay", "Writers Resources")),
    ("/Adult", ("roleplay", "Adult")),
    ("/Computers & Electronics/Programming", ("programming", "Programming")),
    ("/Computers & Electronics/Programming/Development Tools",
     ("programming", "Development Tools")),
    ("/Science/Computer Science/Machine Learning & Artificial Intelligence",
     ("science", "Machine Learning & Artificial Intelligence")),
    ("/Reference/Language Resources/Foreign Language Resources",
     ("translation", "Foreign Language Resources")),
    # Longest prefix wins; deeper unknown paths inherit their parent's mapping.
    ("/Computers & Electronics/Programming/Java (Programming Language)", ("programming", "Java")),
    ("/Computers & Electronics/Programming/Databases/SQL", ("programming", "Programming")),
    ("/Computers & Electronics/Networking", ("technology", "Computers & Electronics")),
    ("/Internet & Telecom/Web Services/Search Engine Optimization & Marketing",
     ("marketing/seo", "Search Engine Optimization & Marketing")),
    ("/Health/Pharmacy/Drugs & Medications", ("health", "Pharmacy")),
    ("/Law & Government/Legal/Contracts", ("legal", "Legal")),
    ("/Food & Drink/Cooking & Recipes", ("other", "Other")),
    ("/Computers & Electronics Extra", ("other", "Other")),  # a prefix of a word is no match
])
def test_google_paths_map_to_categories(path: str, expected: tuple[str, str]) -> None:
    assert tx.map_google_path(path) == expected


def test_every_mapped_subtag_belongs_to_its_category() -> None:
    for category, subtag in tx.GOOGLE_PATHS.values():
        assert subtag in tx.BY_NAME[category].subtags, (category, subtag)


def test_macro_view() -> None:
    assert tx.macro("programming") == "code"
    assert tx.macro("finance") == "data"
    assert tx.macro_of("programming", "Development Tools") == "agent"
    assert tx.macro("roleplay") == tx.macro("unknown") == "general"
