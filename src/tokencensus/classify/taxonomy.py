"""The study's task taxonomy: 12 categories plus ``other``, their sub-tags, the mapping
from Google Cloud Natural Language content-category paths, and a coarse macro view.

Source rules (STUDY.md): the study classified ~0.25% of prompts with Google's
``classifyText`` (hierarchical paths such as ``/Computers & Electronics/Programming``;
labels under 0.5 confidence dropped) and mapped the paths to 12 public categories.
Sub-tags keep the finer path; the study reports roleplay → Roleplaying Games (~58%),
Writers Resources (15.6%), Adult (15.4%); programming → Programming/Other (>2/3),
Development Tools (26.4%); science → Machine Learning & AI (80.4%); translation →
Foreign Language Resources (51.1%). A Google path maps by its longest listed prefix;
a path no prefix matches is ``other``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

OTHER: Final = "other"
MACROS: Final = ("code", "data", "agent", "general")


@dataclass(frozen=True)
class Category:
    name: str
    definition: str
    examples: tuple[str, ...]
    subtags: tuple[str, ...]  # first one is the default
    macro: str


CATEGORIES: Final[tuple[Category, ...]] = (
    Category(
        "programming",
        "Writing, reading, debugging or running code; software development tools and "
        "coding agents (agent transcripts with tool calls count here).",
        ("Fix this TypeError in my React component", "Write a Python function that merges "
         "two sorted lists", "You are Claude Code ... <tool_call>"),
        ("Programming", "Development Tools", "Python", "JavaScript", "Java", "C/C++",
         "SQL", "Shell", "Go", "Rust", "C#", "PHP", "Other Languages"),
        "code",
    ),
    Category(
        "roleplay",
        "Fiction played or written with the model: character cards and personas, "
        "interactive stories, creative and adult fiction.",
        ("{{char}} is a tired knight guarding the gate...", "Pretend you are Sherlock "
         "Holmes and stay in character", "Write a short story about a lighthouse keeper"),
        ("Roleplaying Games", "Writers Resources", "Adult"),
        "general",
    ),
    Category(
        "technology",
        "Computers, devices, networks, IT support and consumer software, without "
        "writing code.",
        ("My laptop won't connect to Wi-Fi after the update", "What is the difference "
         "between RAM and storage?", "How does a firewall stop port scans?"),
        ("Computers & Electronics", "Internet & Telecom", "Computer Security",
         "Consumer Electronics"),
        "general",
    ),
    Category(
        "science",
        "Natural sciences, mathematics, statistics and machine learning as subjects.",
        ("Derive the kinetic energy of a rotating disc", "What is a p-value?",
         "Explain attention in transformers"),
        ("Machine Learning & Artificial Intelligence", "Mathematics", "Physics",
         "Chemistry", "Biological Sciences", "Astronomy", "Earth Sciences"),
        "data",
    ),
    Category(
        "translation",
        "Requests to translate text between languages (or about foreign-language use).",
        ("Translate into French: the meeting is moved to Monday", "请把这段话翻译成英文",
         "Переведи на английский: ..."),
        ("Foreign Language Resources", "Translation Tools & Resources"),
        "general",
    ),
    Category(
        "health",
        "Medicine, symptoms, drugs, nutrition, fitness and mental health.",
        ("What are the side effects of metformin?", "A 45-year-old presents with chest "
         "pain...", "How much protein should I eat a day?"),
        ("Health Conditions", "Medical Facilities & Services", "Pharmacy", "Nutrition",
         "Mental Health", "Fitness"),
        "general",
    ),
    Category(
        "finance",
        "Banking, investing, accounting, economics and personal finance.",
        ("Why was my card payment declined?", "Is an index fund better than a savings "
         "account?", "Compute the NPV of these cash flows"),
        ("Banking", "Investing", "Accounting & Auditing", "Economics", "Credit & Lending",
         "Insurance"),
        "data",
    ),
    Category(
        "academia",
        "Academic work: writing and reviewing papers, theses, essays, citations and "
        "study help for education.",
        ("Improve the abstract of my paper", "Write a literature review outline on "
         "microplastics", "Format these references in APA"),
        ("Education", "Academic Writing", "Colleges & Universities", "Standardized Tests"),
        "general",
    ),
    Category(
        "legal",
        "Law, contracts, regulation, rights and legal procedure.",
        ("Is a verbal agreement binding in California?", "Summarise the termination "
         "clause of this contract", "What does GDPR require for consent?"),
        ("Legal", "Contracts", "Government & Regulation", "Intellectual Property"),
        "general",
    ),
    Category(
        "marketing",
        "Advertising, branding, market research, sales and marketing copy.",
        ("Write three ad headlines for a vegan bakery", "Draft a product launch email",
         "Who is the target audience for a budget smartwatch?"),
        ("Advertising & Marketing", "Sales", "Public Relations", "Social Media"),
        "general",
    ),
    Category(
        "marketing/seo",
        "Search-engine optimisation: keywords, meta descriptions, SEO articles and "
        "link building.",
        ("Give me 20 long-tail keywords for 'trail running shoes'", "Write a meta "
         "description under 160 characters", "How do I get backlinks?"),
        ("Search Engine Optimization & Marketing", "Web Content"),
        "general",
    ),
    Category(
        "trivia",
        "General-knowledge questions and quizzes: history, geography, entertainment, "
        "sports, facts.",
        ("Who wrote One Hundred Years of Solitude?", "What is the capital of Australia?",
         "Which band released Abbey Road?"),
        ("General Reference", "Trivia & Quizzes", "History", "Geography",
         "Arts & Entertainment", "Sports"),
        "general",
    ),
    Category(
        OTHER,
        "Everything else: small talk, summarising or rewriting chores, personal advice, "
        "and prompts too short, empty or unreadable to classify.",
        ("Summarise this email in two lines", "hi", "Give me ideas for a birthday party"),
        ("Other",),
        "general",
    ),
)
BY_NAME: Final = {c.name: c for c in CATEGORIES}
NAMES: Final = tuple(c.name for c in CATEGORIES)
STUDY_CATEGORIES: Final = tuple(n for n in NAMES if n != OTHER)

# Google content-category path prefix -> (category, sub-tag). Longest prefix wins.
GOOGLE_PATHS: Final[dict[str, tuple[str, str]]] = {
    "/Computers & Electronics/Programming": ("programming", "Programming"),
    "/Computers & Electronics/Programming/Development Tools": (
        "programming", "Development Tools"),
    "/Computers & Electronics/Software/Development Tools": (
        "programming", "Development Tools"),
    "/Computers & Electronics/Programming/Java (Programming Language)": ("programming", "Java"),
    "/Computers & Electronics/Programming/C & C++": ("programming", "C/C++"),
    "/Computers & Electronics/Programming/Scripting Languages": ("programming", "Programming"),
    "/Games/Roleplaying Games": ("roleplay", "Roleplaying Games"),
    "/Books & Literature/Writers Resources": ("roleplay", "Writers Resources"),
    "/Adult": ("roleplay", "Adult"),
    "/Computers & Electronics": ("technology", "Computers & Electronics"),
    "/Computers & Electronics/Consumer Electronics": ("technology", "Consumer Electronics"),
    "/Computers & Electronics/Computer Security": ("technology", "Computer Security"),
    "/Internet & Telecom": ("technology", "Internet & Telecom"),
    "/Internet & Telecom/Web Services/Search Engine Optimization & Marketing": (
        "marketing/seo", "Search Engine Optimization & Marketing"),
    "/Science": ("science", "Mathematics"),
    "/Science/Computer Science/Machine Learning & Artificial Intelligence": (
        "science", "Machine Learning & Artificial Intelligence"),
    "/Science/Mathematics": ("science", "Mathematics"),
    "/Science/Physics": ("science", "Physics"),
    "/Science/Chemistry": ("science", "Chemistry"),
    "/Science/Biological Sciences": ("science", "Biological Sciences"),
    "/Science/Astronomy": ("science", "Astronomy"),
    "/Science/Earth Sciences": ("science", "Earth Sciences"),
    "/Reference/Language Resources/Foreign Language Resources": (
        "translation", "Foreign Language Resources"),
    "/Reference/Language Resources/Foreign Language Resources/Translation Tools & Resources": (
        "translation", "Translation Tools & Resources"),
    "/Health": ("health", "Health Conditions"),
    "/Health/Pharmacy": ("health", "Pharmacy"),
    "/Health/Nutrition": ("health", "Nutrition"),
    "/Health/Mental Health": ("health", "Mental Health"),
    "/Health/Medical Facilities & Services": ("health", "Medical Facilities & Services"),
    "/Beauty & Fitness/Fitness": ("health", "Fitness"),
    "/Finance": ("finance", "Investing"),
    "/Finance/Banking": ("finance", "Banking"),
    "/Finance/Investing": ("finance", "Investing"),
    "/Finance/Accounting & Auditing": ("finance", "Accounting & Auditing"),
    "/Finance/Credit & Lending": ("finance", "Credit & Lending"),
    "/Finance/Insurance": ("finance", "Insurance"),
    "/Business & Industrial/Business Finance": ("finance", "Investing"),
    "/News/Business News/Economy News": ("finance", "Economics"),
    "/Jobs & Education/Education": ("academia", "Education"),
    "/Jobs & Education/Education/Colleges & Universities": (
        "academia", "Colleges & Universities"),
    "/Jobs & Education/Education/Standardized & Admissions Tests": (
        "academia", "Standardized Tests"),
    "/Law & Government/Legal": ("legal", "Legal"),
    "/Law & Government/Government": ("legal", "Government & Regulation"),
    "/Business & Industrial/Advertising & Marketing": ("marketing", "Advertising & Marketing"),
    "/Business & Industrial/Advertising & Marketing/Sales": ("marketing", "Sales"),
    "/Business & Industrial/Advertising & Marketing/Public Relations": (
        "marketing", "Public Relations"),
    "/Reference/General Reference": ("trivia", "General Reference"),
    "/Reference/Trivia & Quizzes": ("trivia", "Trivia & Quizzes"),
    "/Games/Puzzles & Brainteasers": ("trivia", "Trivia & Quizzes"),
    "/Reference/Humanities/History": ("trivia", "History"),
    "/Reference/Geographic Reference": ("trivia", "Geography"),
}


def map_google_path(path: str) -> tuple[str, str]:
    """(category, sub-tag) for a Google content-category path; ``other`` if unmapped."""
    best = ""
    for prefix in GOOGLE_PATHS:
        if (path == prefix or path.startswith(prefix + "/")) and len(prefix) > len(best):
            best = prefix
    return GOOGLE_PATHS[best] if best else (OTHER, "Other")


def macro(category: str) -> str:
    """Coarse view: code / data / agent / general (``agent`` is set by subtag, see below)."""
    found = BY_NAME.get(category)
    return found.macro if found else "general"


def macro_of(category: str, subtag: str | None) -> str:
    """Macro with agent work split out: coding-agent tool transcripts are ``agent``."""
    if category == "programming" and subtag == "Development Tools":
        return "agent"
    return macro(category)
