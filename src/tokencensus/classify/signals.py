"""High-precision signals: patterns that name a category almost on their own.

Each signal is a reserved feature column the linear model learns a weight for, and
the strongest (``RULES``) also override the model: a Python traceback is programming,
a ``{{char}}`` card is roleplay and "translate the following into French" is
translation, whatever the rest of the prompt says. Patterns are multilingual where
users are (figure 33: English, Chinese, Russian, Spanish, Thai and others). Only the
first ``SCAN_HEAD`` and last ``SCAN_TAIL`` characters are scanned, so a 2 MB prompt costs
no more than a short page: the regex scans were over half of the classifier's time when
they read 20,000 characters. A prompt is scanned once (:func:`scan`) for both
the model's signal columns and the rules, and ASCII prompts take a quicker, equivalent
path (:class:`~tokencensus.classify.fastsearch.FastSearch`).
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

import numpy as np

from tokencensus.classify.fastsearch import FastSearch

SCAN_HEAD: Final = 4_000
SCAN_TAIL: Final = 1_000


_LANGS = (
    r"english|chinese|mandarin|cantonese|japanese|korean|russian|spanish|french|german|"
    r"italian|portuguese|arabic|hindi|thai|vietnamese|indonesian|turkish|dutch|polish|"
    r"swedish|ukrainian|hebrew|greek|persian|czech|romanian|hungarian|malay|bengali|urdu"
)
# name -> (cheap lower-case substrings, one of which must occur; then the regex, if any).
# The substring test is C-fast and skips the regex for almost every prompt.
_SIGNALS: Final[dict[str, tuple[tuple[str, ...], re.Pattern[str] | None]]] = {
    "code_fence": (("```", "~~~"), None),
    "traceback": (
        ("traceback", "exception", "error", "panic: ", "segmentation fault", "file \""),
        re.compile(
            r"Traceback \(most recent call last\)|Exception in thread|"
            r"^\s+at [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)|"
            r"\w+Error: .+\n|error\[E\d{4}\]|panic: |Segmentation fault|"
            r"npm ERR!|Uncaught \w*Error|at Object\.<anonymous>|File \".+\", line \d+",
            re.M,
        ),
    ),
    "code_syntax": (
        ("def ", "class ", "import ", "#include", "public ", "function", "const ", "let ",
         "var ", "select ", "package ", "fn ", "func ", "<?php", "<div", "<html", "$ "),
        re.compile(
            r"^\s*(?:def |class |import |from \S+ import |#include|public (?:static )?\w+|"
            r"function\s*\w*\(|const \w+ = |let \w+ = |var \w+ = |SELECT .+ FROM|"
            r"package \w+|fn \w+\(|func \w+\(|<\?php|<div|<html|\$ (?:pip|npm|git|cd) )",
            re.M | re.I,
        ),
    ),
    "code_punct": (
        (";", "{", "=>", "->", "::", "==="),
        re.compile(r"[;{}][ \t]*\n(?:.*[;{}][ \t]*\n){2}|\)\s*\{|=>|->|::|!==|==="),
    ),
    "agent_tools": (
        ("<tool_call>", "<function_calls>", '"tool_calls"', "<invoke ", "tool_use",
         "you are claude code", "you are an interactive cli tool", "apply_patch",
         "str_replace_editor"),
        None,
    ),
    "persona_card": (
        ("{{char}}", "{{user}}", "<start>", "first_mes", "character", "personality",
         "scenario", "roleplay", "role-play", "role play", "扮演", "ролев"),
        re.compile(
            r"\{\{char\}\}|\{\{user\}\}|<START>|\bfirst_mes\b|character card|"
            r"\b(?:personality|scenario)\s*:|\[character|\bin[- ]character\b|"
            r"\bstay in character\b|\broleplay\b|\brole[- ]play\b|扮演|ролев",
            re.I,
        ),
    ),
    "persona_you_are": (
        ("you", "act as", "pretend", "imagine", "embody", "role", "part of", "你", "ты",
         "eres"),
        re.compile(
            r"\s*(?:you are|you're|you will (?:be|play)|pretend (?:to be|you are)|"
            r"imagine you are|act as|embody|take on the role|assume the role|"
            r"play the (?:role|part) of|i want you to (?:act as|play|pretend|be (?:a|an|my)\b)|"
            r"你是|你现在是|"
            r"ты\s|eres\s|tú eres)",
            re.I,
        ),
    ),
    "action_asterisks": (("*",), re.compile(r"\*[a-z][^*\n]{2,60}\*", re.I)),
    "story_request": (
        ("story", "tale", "poem", "fanfic", "fan fiction", "scene", "chapter", "narrative",
         "[wp]", "song", "lyric", "haiku", "limerick", "sonnet", "rap ", "故事", "小说", "诗",
         "续写", "歌词"),
        re.compile(
            r"\b(?:write|continue|tell|compose) (?:me )?(?:a |an |the )?(?:short |funny )?"
            r"(?:story|tale|poem|fanfic|fan fiction|scene|chapter|narrative|song|lyrics|"
            r"haiku|limerick|sonnet|rap)\b|"
            r"\[WP\]|写(?:一个|一篇|一首)?(?:故事|小说|诗|歌词)|续写",
            re.I,
        ),
    ),
    # Topic lexicons: a device or IT-support problem, marketing work, academic work.
    "device_help": (
        ("laptop", "wifi", "wi-fi", "router", "printer", "bluetooth", "windows 1", "macbook",
         "iphone", "android phone", "bios", "ssd", "graphics card", "antivirus", "电脑", "手机"),
        re.compile(
            r"\b(?:my|the|a) (?:laptop|pc|computer|phone|iphone|router|printer|monitor|"
            r"macbook|graphics card|ssd|hard drive)\b|\bwi-?fi\b|\bbluetooth\b|"
            r"\bwindows 1[01]\b|\bBIOS\b|\bantivirus\b|电脑|手机|路由器",
            re.I,
        ),
    ),
    "marketing_work": (
        ("marketing", "brand", "campaign", "audience", "ad copy", "newsletter", "conversion",
         "social media", "营销", "品牌", "广告"),
        re.compile(
            r"\bmarketing\b|\bbrand (?:voice|identity|awareness|strategy)\b|"
            r"\b(?:ad|ads|email|marketing) campaigns?\b|\btarget audience\b|\bad copy\b|"
            r"\bnewsletter\b|\bconversion rate\b|\bsocial media (?:post|content|strategy)|"
            r"营销|品牌|广告",
            re.I,
        ),
    ),
    "academic_work": (
        ("thesis", "dissertation", "essay", "abstract", "literature review", "citation",
         "apa", "mla", "research paper", "peer review", "论文", "综述"),
        re.compile(
            r"\b(?:thesis|dissertation|literature review|research paper|peer review|"
            r"research proposal|academic (?:writing|paper|essay))\b|\b(?:APA|MLA) (?:style|format)|"
            r"\bthe abstract\b|\bmy (?:essay|paper|manuscript)\b|论文|综述",
            re.I,
        ),
    ),
    "translate": (
        ("translat", "翻译", "翻譯", "翻訳", "번역", "перев", "tradu", "übersetz", "vertaal",
         "tłumacz", "แปล", "dịch"),
        re.compile(
            r"\btranslat(?:e|ion|ing)\b[^\n]{0,80}\b(?:into|to|from)\s+(?:" + _LANGS + r")\b|"
            r"^\s*translate\b|\bin (?:" + _LANGS + r")\b[^\n]{0,40}\btranslat|"
            r"翻译|翻譯|翻訳|번역|перев(?:еди|ести|од)|traduc[ei]|tradu(?:is|ire|za|zca)|"
            r"übersetz|vertaal|tłumacz|แปล|dịch",
            re.I | re.M,
        ),
    ),
    "seo": (
        ("seo", "meta description", "keyword", "backlink", "search engine", "serp",
         "title tag"),
        re.compile(
            r"\bSEO\b|meta description|keyword research|backlinks?|search engine|SERP|"
            r"long[- ]tail keywords?|title tags?",
            re.I,
        ),
    ),
    "choices": (("a. ", "a) "), re.compile(r"^\s*[A-D][.)]\s", re.M)),
}
SIGNAL_NAMES: Final = tuple(_SIGNALS)
# Further cues that fire a signal's column, each behind its own needles: their common
# words ("say", "word") would otherwise send most prompts through the column's long main
# pattern (on the bench mix, translate cost 48 us a prompt with these inside it; 28
# behind their own needles, 19 without them). A needle that opens with a space, newline,
# tab, quote or bracket must start a word ("say", not "essay"); every needle is checked
# against the lower-cased text with a space in front, so a prompt may start with one.
_MORE_CUES: Final[dict[str, tuple[tuple[str, ...], re.Pattern[str]]]] = {
    # Asking how something is said, or for another language's word: "how do I say
    # thank you in French", "the Spanish word for pasta", "¿cómo se dice?".
    "translate": (
        (" say", "\nsay", "\tsay", "'say", '"say', "(say", " said", "\nsaid", "\tsaid",
         "'said", '"said', "(said", "mean in", "word for", "words for",
         "phrase for", "term for", "expression for", "equivalent for", "怎么说", "怎麼說",
         "как сказать", "se dice", "dit-on", "sagt man", "se diz"),
        re.compile(
            r"\b(?:say|said)\b[^\n.?!]{0,60}\bin (?:" + _LANGS + r")\b|"
            r"\b(?:" + _LANGS + r") (?:word|words|phrase|term|expression|equivalent) for\b|"
            # "mean in English?" but not "mean in English literature"
            r"\bmean in (?:" + _LANGS + r")\b(?!\s+[a-z])|"
            r"怎么说|怎麼說|как сказать|c[oó]mo se dice|comment dit-on|wie sagt man|como se diz",
            re.I,
        ),
    ),
}
# persona_you_are is anchored at the start of the prompt.
_SEARCHES: Final = {
    name: FastSearch(pattern, at_start=name == "persona_you_are")
    for name, (_, pattern) in _SIGNALS.items() if pattern is not None
}
_MORE_SEARCHES: Final = {name: FastSearch(pattern) for name, (_, pattern) in _MORE_CUES.items()}
# Each signal's cues as (needles, search or None: the needles alone decide).
_CUES: Final = {
    name: ((needles, _SEARCHES.get(name)),
           *(((_MORE_CUES[name][0], _MORE_SEARCHES[name]),) if name in _MORE_CUES else ()))
    for name, (needles, _) in _SIGNALS.items()
}

# Signals strong enough to decide the category by themselves (checked in this order).
RULES: Final[tuple[tuple[str, str, str], ...]] = (
    ("traceback", "programming", "Programming"),
    ("agent_tools", "programming", "Development Tools"),
)
# A translation request must also be short relative to what it translates; checked
# separately because a long agent prompt may mention translation in passing.
_TRANSLATE_HEAD: Final = re.compile(
    r"^\s*(?:please\s+)?(?:translate|translation)\b|^\s*(?:请|請)?(?:将|把)?.{0,20}翻译|"
    r"^\s*(?:переведи|traduce|traduis|traduza|übersetze|แปล)",
    re.I,
)
_CARD: Final = FastSearch(re.compile(r"\{\{char\}\}|\{\{user\}\}|\bfirst_mes\b|<START>", re.I))


def _fires(name: str, window: str, low: str, padded: str) -> bool:
    """Whether a cue of signal ``name`` occurs; ``padded`` is " " + ``low``."""
    return any(any(map(padded.__contains__, needles))
               and (search is None or search.found(window, low))
               for needles, search in _CUES[name])


def _window(text: str) -> str:
    """The part of a prompt the signals read: its head and, when long, its tail."""
    if len(text) <= SCAN_HEAD + SCAN_TAIL:
        return text
    return text[:SCAN_HEAD] + "\n" + text[-SCAN_TAIL:]


class Scan(NamedTuple):
    """What the signals say about one prompt."""

    fired: frozenset[str]  # names of the signals that fire
    decided: tuple[str, str] | None  # (category, subtag) when a rule decides


def scan(text: str) -> Scan:
    """The signals that fire on ``text`` and the rule's decision, from one read."""
    window = _window(text)
    low = window.lower()
    padded = " " + low
    fired = frozenset(n for n in SIGNAL_NAMES if _fires(n, window, low, padded))
    return Scan(fired, _decide(text, window, low, fired))


def _decide(text: str, window: str, low: str, fired: frozenset[str]) -> tuple[str, str] | None:
    if _CARD.found(window, low):
        return "roleplay", "Roleplaying Games"
    for name, category, subtag in RULES:
        if name in fired:
            return category, subtag
    if _TRANSLATE_HEAD.search(window) and len(text) < 8_000:
        return "translation", "Foreign Language Resources"
    return None


def vector(fired: frozenset[str]) -> np.ndarray:
    """1.0 where a signal fired, else 0.0 (same order as ``SIGNAL_NAMES``)."""
    return np.array([1.0 if n in fired else 0.0 for n in SIGNAL_NAMES], np.float32)

# Topic words per study category in the languages users write in (figure 33). Each
# category's words share one feature column (``features.py``), so a prompt that uses a
# word no training prompt used still lands near its topic, in any of these languages.
# Latin-script entries match whole words (two-word entries as a bigram); CJK entries
# (2-4 characters) match anywhere.
TOPIC_TERMS: Final[dict[str, tuple[str, ...]]] = {
    "programming": (
        "python", "javascript", "typescript", "java", "rust", "golang", "function", "code",
        "coding", "compile", "compiler", "debug", "bug", "api", "regex", "json", "sql",
        "github", "repository", "variable", "algorithm", "script", "npm", "pip", "django",
        "react", "dockerfile", "kubernetes", "unit test", "stack trace", "refactor",
        "代码", "编程", "程序", "算法", "报错", "код", "программу", "código", "programa"),
    "roleplay": (
        "roleplay", "character", "characters", "story", "poem", "novel", "fiction",
        "fantasy", "dragon", "villain", "hero", "princess", "kingdom", "tavern", "quest",
        "dialogue", "lyrics", "song", "haiku", "sonnet", "narrator", "protagonist", "plot",
        "chapter", "角色", "扮演", "故事", "小说", "诗歌", "剧本", "人物", "история",
        "historia", "cuento", "personaje"),
    "technology": (
        "laptop", "computer", "smartphone", "iphone", "android", "wifi", "router",
        "bluetooth", "printer", "windows", "macos", "ubuntu", "driver", "drivers", "bios",
        "ssd", "gpu", "cpu", "ram", "usb", "hdmi", "monitor", "keyboard", "firmware", "vpn",
        "antivirus", "malware", "browser", "chrome", "电脑", "手机", "路由器", "软件", "硬件",
        "网络", "芯片", "компьютер", "ordenador", "computadora"),
    "science": (
        "physics", "chemistry", "biology", "equation", "theorem", "molecule", "atom",
        "quantum", "velocity", "gravity", "cell", "dna", "protein", "enzyme", "experiment",
        "hypothesis", "calculus", "integral", "derivative", "probability", "algebra",
        "geometry", "triangle", "物理", "化学", "生物", "数学", "方程", "分子", "细胞", "概率",
        "几何", "实验", "физика", "física", "química"),
    "translation": (
        "translate", "translation", "translated", "translator", "spanish", "french",
        "german", "italian", "japanese", "korean", "russian", "portuguese", "翻译", "译成",
        "翻譯", "перевод", "переведи", "traducir", "traduce", "traduction", "traduire",
        "übersetzen", "übersetzung"),
    "health": (
        "symptom", "symptoms", "disease", "doctor", "patient", "treatment", "medication",
        "medicine", "pain", "diagnosis", "cancer", "diabetes", "blood", "pregnancy",
        "vaccine", "infection", "therapy", "surgery", "dose", "症状", "医生", "治疗", "疾病",
        "药物", "患者", "医院", "健康", "болезнь", "врач", "síntomas", "médico", "enfermedad"),
    "finance": (
        "bank", "loan", "mortgage", "interest rate", "credit", "invest", "investment",
        "stock", "stocks", "portfolio", "tax", "taxes", "budget", "savings", "retirement",
        "dividend", "inflation", "payment", "crypto", "bitcoin", "银行", "贷款", "投资", "股票",
        "利率", "理财", "经济", "金融", "信用卡", "банк", "кредит", "préstamo", "banco"),
    "academia": (
        "thesis", "dissertation", "essay", "abstract", "literature review", "citation",
        "citations", "bibliography", "journal", "professor", "university", "academic",
        "research paper", "research question", "manuscript", "apa", "mla", "论文", "学术",
        "综述", "摘要", "文献", "毕业", "大学", "диссертация", "tesis", "ensayo"),
    "legal": (
        "law", "legal", "lawyer", "attorney", "court", "contract", "clause", "statute",
        "lawsuit", "sue", "plaintiff", "defendant", "liability", "tenant", "landlord",
        "copyright", "patent", "trademark", "jurisdiction", "judge", "法律", "合同", "律师",
        "法院", "起诉", "条款", "法规", "закон", "ley", "abogado", "contrato"),
    "marketing": (
        "marketing", "brand", "branding", "campaign", "advertising", "ads", "audience",
        "customers", "newsletter", "social media", "instagram", "linkedin", "tiktok",
        "influencer", "slogan", "tagline", "copywriting", "engagement", "promotion",
        "营销", "品牌", "广告", "推广", "文案", "市场"),
    "marketing/seo": (
        "seo", "keyword", "keywords", "backlink", "backlinks", "serp", "meta description",
        "ranking", "search engine", "organic traffic", "title tag", "关键词", "搜索引擎"),
    "trivia": (
        "history", "historical", "war", "king", "president", "century", "capital", "movie",
        "film", "actor", "band", "album", "football", "olympic", "world cup", "famous",
        "历史", "首都", "国家", "电影", "世界杯"),
}
