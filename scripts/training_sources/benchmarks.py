"""Chatbot evaluation sets, labelled by their own category fields (MT-bench and its
translations, Vicuna-bench, self-instruct's user-oriented set, BELLE, Arena-Hard, AlignBench,
Rakuda, Tengu-Bench)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .snapshots import STORY, STORY_JA, TRANSLATE, item, jsonl, show, stride

MT_BENCH = "fastchat/llm_judge/data/mt_bench/question.jsonl"


def bench(path: str, source: str, repo: str = "lm-sys/FastChat",
          story: re.Pattern[str] = STORY) -> Iterator[dict[str, object]]:
    """MT-bench / Vicuna-bench questions (first turn only)."""
    rules = {"roleplay": "roleplay", "coding": "programming", "math": "science",
             "stem": "science", "generic": "other", "extraction": "other"}
    for row in jsonl(show(repo, path)):
        cat, text = row["category"], row["turns"][0]
        target = rules.get(cat)
        if cat == "writing" and story.search(text):
            target = "roleplay"
        if target:
            yield item(text, target, source, cat, repo)


def mt_bench() -> Iterator[dict[str, object]]:
    return bench(MT_BENCH, "mt_bench")


def vicuna_bench() -> Iterator[dict[str, object]]:
    return bench("fastchat/llm_judge/data/vicuna_bench/question.jsonl", "vicuna_bench")


def japanese_mt_bench() -> Iterator[dict[str, object]]:
    return bench("fastchat/llm_judge/data/japanese_mt_bench/question_full.jsonl", "mt_bench",
                 "Stability-AI/FastChat", STORY_JA)


def japanese_vicuna_bench() -> Iterator[dict[str, object]]:
    return bench("data/jp_bench/question.jsonl", "vicuna_bench",
                 "ku-nlp/ja-vicuna-qa-benchmark", STORY_JA)


def translated_mt_bench() -> Iterator[dict[str, object]]:
    """MT-bench translations (Russian, German, Spanish, French, Italian): each question takes
    the label its English original gets from ``bench`` (matched by question_id); maths/STEM
    (science) questions are left out so no language is mostly one category."""
    english_rows = jsonl(show("lm-sys/FastChat", MT_BENCH))
    qid_of = {r["turns"][0].strip(): r["question_id"] for r in english_rows}
    english = {qid_of[str(r["text"])]: r["category"] for r in bench(MT_BENCH, "mt_bench")}
    files = (("NLP-Core-Team/FastChat", "fastchat/llm_judge/data/ru_mt_bench/question.jsonl",
              "ru"),
             *(("Modalities/MT-Bench-X", f"data/mt_bench_{lang}/question.jsonl", lang.lower())
               for lang in ("DE", "ES", "FR", "IT")))
    for repo, path, lang in files:
        for r in jsonl(show(repo, path)):
            qid = int(str(r["question_id"]).split("_")[0])
            if english.get(qid, "science") != "science":
                yield item(r["turns"][0], english[qid], "mt_bench", f"{r['category']}/{lang}",
                           repo)


def self_instruct() -> Iterator[dict[str, object]]:
    """User-oriented instructions, labelled by the app that motivated them."""
    repo = "yizhongw/self-instruct"
    apps = {
        "programming": {"StackOverflow", "Leetcode", "GeeksforGeeks", "Github", "w3schools"},
        "academia": {"Overleaf", "Semantic Scholar", "Google Scholar", "Explainpaper"},
        "science": {"Wolfram alpha", "(Wolfram alpha)?"},
        "other": {"Gmail", "Messenger", "Netflix", "Tasty", "Spotify", "IMDB", "Yelp",
                  "yelp", "tripadvisor.com", "Instagram", "Twitter", "Goodreads"},
    }
    by_app = {a: c for c, names in apps.items() for a in names}
    for row in jsonl(show(repo, "human_eval/user_oriented_instructions.jsonl")):
        app, text = row["motivation_app"], row["instruction"]
        inp = (row.get("instances") or [{}])[0].get("input", "")
        full = text + ("\n\n" + inp if inp.strip() else "")
        if app == "Doulingo" and TRANSLATE.search(text):
            yield item(full, "translation", "self_instruct_user", app, repo)
        elif app in by_app:
            yield item(full, by_app[app], "self_instruct_user", app, repo)


def belle() -> Iterator[dict[str, object]]:
    """BELLE's 1,000-item Chinese eval set, by its ``class`` field."""
    repo = "LianjiaTech/BELLE"
    chores = {"brainstorming", "summarization", "extract", "classification", "generation"}
    caps = {"science": 40, "other": 120}
    seen: dict[str, int] = {}
    for row in jsonl(show(repo, "eval/eval_set.json")):
        cls, text = row["class"].replace("\xa0", " "), row["question"].replace("\xa0", " ")
        if cls == "rewrite" and TRANSLATE.search(text):
            target = "translation"
        elif cls == "code":
            target = "programming"
        elif cls == "math":
            target = "science"
        elif cls in chores and not TRANSLATE.search(text):
            target = "roleplay" if cls == "generation" and STORY.search(text) else "other"
        else:
            continue
        seen[target] = seen.get(target, 0) + 1
        if seen[target] <= caps.get(target, 10_000):
            yield item(text, target, "belle_eval_set", cls, repo)


# Arena-Hard v0.1 topic clusters (the source's own labels) that name a study category;
# clusters that mix topics are not used.
ARENA_CLUSTERS = {
    "technology": (
        "AWS Cloud Services Essentials", "Acrobat PDF Management Tips",
        "Archive Formats and Encryption", "DDR4 RAM Specifications 32GB",
        "GPU Performance and Selection", "Keyboard Key Functions & Layout",
        "Linux Package Management Issues", "Local LLM Deployment & Specs",
        "Network Configuration & Security", "Networking, IP Subnets, VLANs",
        "Password Creation & Security", "Smart Home Automation Controls",
        "WiFi Security and Hacking", "Cybersecurity Research and Trends",
        "XSS and CVE Vulnerabilities", "Video Downloading Techniques",
        "Subtitle Encoding and Conversion", "SAP Systems & Functions",
        "Sensor and Radar Technologies", "JPEG Compression Fundamentals"),
    "marketing": ("Marketing Strategy Essentials", "Digital Advertising Insights",
                  "Innovative Online Market Models"),
    "marketing/seo": ("SEO for Home Services",),
    "translation": ("Bug-Related German Translation", "Lojban Language Translation"),
    "academia": ("Teaching & Learning Assessment", "Library Science Research Trends"),
    "health": ("Medical Conditions and Procedures",),
    "finance": ("Investment Growth Calculations", "Investment Growth and Taxes",
                "Options Trading Strategies", "Taxation Knowledge and Queries",
                "Stock Market Strategies & Outcomes", "Finance and Banking Operations"),
    "roleplay": ("RPG Character Interactions", "Text-Based RPG Creation",
                 "Magic Crystals & RPG Mechanics"),
    "science": ("Electromagnetic Phenomena and Theorems", "Circular Motion and Revolutions",
                "Proving Square Root Irrationality", "Real Analysis Continuity",
                "Probability Distributions & Statistics",
                "Advanced Algebra and Number Theory", "Triangle Geometry Analysis",
                "Dice Probability Calculations", "Transformers & Attention Mechanism",
                "Batch Size in Deep Learning", "Machine Learning Evaluation"),
}
# Clusters named after a language, framework or coding task.
ARENA_CODE = re.compile(
    r"Python|JavaScript|TypeScript|React|SQL|Rust|Kotlin|PHP|Django|Flask|Laravel|Swift|"
    r"C\+\+|CSS|Streamlit|Gradio|Tkinter|Shiny App|Code|Coding|Development|Scripting|Regex|"
    r"Linked List|String Reversal|VBA|Matplotlib|PyTorch|CUDA|HDL|Tidyverse|WPF|Symfony|"
    r"Odoo|Awk/Sed|Docker|Kubernetes|Algorithms|Web Scraping|Mocking|Monads|Assembly")


def arena_hard() -> Iterator[dict[str, object]]:
    """Chatbot Arena prompts: v2.0 by (sub)category, v0.1 by topic cluster."""
    repo = "lmarena/arena-hard-auto"
    v2 = {"coding": "programming", "creative_writing": "roleplay", "math": "science"}
    rows = list(jsonl(show(repo, "data/arena-hard-v2.0/question.jsonl")))
    for sub, target in v2.items():
        picked = [r for r in rows if r["subcategory"] == sub]
        for r in stride(picked, 150 if target == "science" else 260):
            yield item(r["prompt"], target, "arena_hard", sub, repo)
    by_cluster = {c: cat for cat, cs in ARENA_CLUSTERS.items() for c in cs}
    for r in jsonl(show(repo, "data/arena-hard-v0.1/question.jsonl")):
        cluster = r["cluster"]
        target = by_cluster.get(cluster) or ("programming" if ARENA_CODE.search(cluster)
                                             else None)
        if target:
            yield item(r["prompt"], target, "arena_hard", cluster, repo)


def alignbench() -> Iterator[dict[str, object]]:
    """AlignBench (Chinese), by its category and subcategory fields."""
    repo = "THUDM/AlignBench"
    subs = {"法律": "legal", "生物医学": "health", "经济": "finance", "计算机": "technology",
            "物理": "science", "化学": "science", "天文": "science", "历史": "trivia",
            "地理": "trivia", "体育": "trivia", "音乐": "trivia", "常识知识": "trivia",
            "翻译": "translation", "创意文体写作": "roleplay", "寻求建议": "other",
            "信息抽取": "other", "实用文体写作": "other"}
    rows = list(jsonl(show(repo, "data/data_v1.1_release.jsonl")))
    for r in rows:
        cat, sub = r["category"], r["subcategory"]
        target = "roleplay" if cat == "角色扮演" else subs.get(sub)
        if target:
            yield item(r["question"].replace("\xa0", " "), target, "alignbench",
                       f"{cat}/{sub}", repo)
    for r in stride([r for r in rows if r["category"] == "数学计算"], 60):
        yield item(r["question"].replace("\xa0", " "), "science", "alignbench",
                   f"数学计算/{r['subcategory']}", repo)


def rakuda() -> Iterator[dict[str, object]]:
    """Rakuda v2 (Japanese questions about Japan): geography and history → trivia."""
    repo = "yuzu-ai/japanese-llm-ranking"
    for r in jsonl(show(repo, "jrank/data/rakuda_v2/questions.jsonl")):
        if r["category"] in ("地理", "歴史"):
            yield item(r["turns"][0], "trivia", "rakuda", r["category"], repo)


# Tengu-Bench categories (the benchmark's own) that name a study category.
TENGU_CATEGORIES = {"翻訳": "translation", "法律判断": "legal", "日本": "trivia",
                    "会話要約": "other", "長い文書要約（千トークン以上）": "other",
                    "雑談": "other", "アイデア生成": "other", "敬語": "other"}


def tengu_bench() -> Iterator[dict[str, object]]:
    """Tengu-Bench (Japanese, 120 questions), read from shaberi's judged answers of one
    model; only the ``Category`` and ``Question`` fields are used."""
    repo = "shisa-ai/shaberi"
    path = ("data/judgements/judge_gpt-4-turbo-preview/lightblue__tengu_bench/"
            "CohereForAI__aya-23-35b.json")
    for r in jsonl(show(repo, path)):
        target = TENGU_CATEGORIES.get(r["Category"])
        if target:
            yield item(r["Question"], target, "tengu_bench", r["Category"], repo)
