"""Rebuild ``data/classifier/extra_prompts.jsonl``: labelled prompts that fill the gaps
of the starting corpus (``data/upstream/prompts/train_prompts.jsonl``).

usage: python scripts/fetch_training_data.py SNAPSHOT_DIR [OUT_JSONL]

SNAPSHOT_DIR holds one folder per repository named ``owner+name`` with a bare git
directory in ``owner+name/repo`` (what the search tool's ``fetch`` leaves). Every file
is read with ``git show <pinned commit>:<path>``; nothing is downloaded, and the
selection is rule-based and deterministic, so reruns give the same file.
Sources, licences and mapping rules: ``data/classifier/SOURCES.md``.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

COMMITS = {
    "lm-sys/FastChat": "0e6d3e4beaab66f4d3f93db72541a4abab8af28d",
    "yizhongw/self-instruct": "0b26ccaa415992100fa32df62d41b994cf928e23",
    "LianjiaTech/BELLE": "645084d36454cdeb4e7f1ce9b2f3426bac39f1f9",
    "adambernard55/knowledge": "894eae1702da8e3974a4edb8b4032add768e18b0",
    "lmarena/arena-hard-auto": "196f6b826783b3da7310e361a805fa36f0be83f3",
    "THUDM/AlignBench": "5b79d4a84e566db26e755c719935c62a0e1b0527",
    "clinc/oos-eval": "828f8093932c8fe6ca7936c3d2e52903b1c523de",
    "openai/grade-school-math": "3101c7d5072418e28b9008a6636bde82a006892c",
    "TellinaTool/nl2bash": "466c5fe873ab08c7cc0112ea1521cc6ad9c20992",
    "openai/human-eval": "6d43fb980f9fee3c892a914eda09951f772ad10d",
    "ashwathr1008/LLM-biologist-prompt-library": "079c09b4318a1a93070b2c8e2ee1c63479b07d0a",
    "kaleid11/ai-workshop-landing": "417954a800e5dc9443512a7a33394e42fff24ce2",
    "sderosiaux/marketing-prompts-for-founders": "a9c27f7942e2ab452b6b8b234819ecbfbcc82f00",
    "sebischair/NLU-Evaluation-Corpora": "9bac08b980f0f570c4166e2d7243c2971df50d8f",
    "Stability-AI/FastChat": "e37eb28ee490480f6f4989274ed47c55f7dfce82",
    "rolellm/RoleBench": "cd4d18f5abaef48d57326bcd0c8c07f38c71a62b",
    "B1ueD0g/B1ueD0g.github.io": "f40c33791673795754ccc02f6d8757f5eef6be10",
    "NLP-Core-Team/FastChat": "a19736c35122b45e1e2b553bed6685b9d12cb442",
    "Modalities/MT-Bench-X": "f8972dc70595a7e981ada7f2ac5e7c191ab12441",
    "ku-nlp/ja-vicuna-qa-benchmark": "128a862da6a4478c3e80ab3c3b716d1417380751",
}
LICENCES = {
    "lm-sys/FastChat": "Apache-2.0",
    "yizhongw/self-instruct": "Apache-2.0",
    "LianjiaTech/BELLE": "Apache-2.0 (code); ODC-By (DATA_LICENSE)",
    "adambernard55/knowledge": "no licence file",
    "lmarena/arena-hard-auto": "Apache-2.0",
    "THUDM/AlignBench": "no licence file",
    "clinc/oos-eval": "CC-BY-3.0",
    "openai/grade-school-math": "MIT",
    "TellinaTool/nl2bash": "GPL-3.0",
    "openai/human-eval": "MIT",
    "ashwathr1008/LLM-biologist-prompt-library": "MIT / CC-BY-4.0",
    "kaleid11/ai-workshop-landing": "no licence file",
    "sderosiaux/marketing-prompts-for-founders": "no licence file",
    "sebischair/NLU-Evaluation-Corpora": "CC-BY-SA-3.0",
    "Stability-AI/FastChat": "Apache-2.0",
    "rolellm/RoleBench": "no licence file",
    "B1ueD0g/B1ueD0g.github.io": "no licence file",
    "NLP-Core-Team/FastChat": "Apache-2.0",
    "Modalities/MT-Bench-X": "Apache-2.0",
    "ku-nlp/ja-vicuna-qa-benchmark": "Apache-2.0",
}
# Creative writing counts as roleplay (the study's roleplay sub-tag "Writers Resources").
STORY = re.compile(r"story|poem|fiction|novel|fairy tale|script|小说|故事|诗|童话|剧本", re.I)
# Japanese spellings (小説, 詩, 物語, 脚本), used only for the Japanese MT-/Vicuna-bench.
STORY_JA = re.compile(STORY.pattern + r"|小説|詩|物語|脚本", re.I)
TRANSLATE = re.compile(r"翻译|translat", re.I)
STANDALONE_SNAPSHOTS: Path = Path(".")


def show(repo: str, path: str) -> str:
    git_dir = STANDALONE_SNAPSHOTS / repo.replace("/", "+") / "repo"
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{COMMITS[repo]}:{path}"],
        check=True,
        capture_output=True,
    ).stdout
    return (gzip.decompress(out) if path.endswith(".gz") else out).decode("utf-8")


def stride(rows: list, cap: int) -> list:
    """A fixed-stride sample of at most ``cap`` rows (deterministic, spread over the file)."""
    if len(rows) <= cap:
        return rows
    step = len(rows) / cap
    return [rows[int(i * step)] for i in range(cap)]


def item(text: str, category: str, source: str, label: str, repo: str) -> dict[str, object]:
    return {
        "text": text.strip(),
        "category": category,
        "subtag": None,
        "source": source,
        "source_label": label,
        "license": LICENCES[repo],
    }


def json_line(row: dict) -> str:
    """One JSON line that ``str.splitlines`` cannot break (U+2028, U+2029, U+0085 escaped)."""
    text = json.dumps(row, ensure_ascii=False)
    for ch in ("\u2028", "\u2029", "\x85"):
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text + "\n"


def jsonl(text: str) -> Iterator[dict]:
    # split("\n"), not splitlines(): JSON strings may hold raw U+2028 separators.
    return (json.loads(line) for line in text.split("\n") if line.strip())


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


def translated_mt_bench() -> Iterator[dict[str, object]]:
    """MT-bench translations (Russian, German, Spanish, French, Italian): each question takes
    the label its English original gets from ``bench`` (matched by question_id); maths/STEM
    (science) questions are left out so no language is mostly one category."""
    path = "fastchat/llm_judge/data/mt_bench/question.jsonl"
    english_rows = jsonl(show("lm-sys/FastChat", path))
    qid_of = {r["turns"][0].strip(): r["question_id"] for r in english_rows}
    english = {qid_of[str(r["text"])]: r["category"] for r in bench(path, "mt_bench")}
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


def marketing_guide() -> Iterator[dict[str, object]]:
    """``- **Name:** prompt`` bullets of a marketing prompt guide, by section."""
    repo = "adambernard55/knowledge"
    section = ""
    for line in show(repo, "kb/GROWTH/05_chatgpt-prompts.md").splitlines():
        if line.startswith("## "):
            section = line
        m = re.match(r"^- \*\*(.+?):\*\*\s*(.+)", line)
        if m and "Prompts for" in section:
            cat = "marketing/seo" if "SEO" in section else "marketing"
            yield item(m.group(2), cat, "marketing_prompt_guide", m.group(1), repo)


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


def clinc() -> Iterator[dict[str, object]]:
    """CLINC150 assistant queries: translate intent, banking / credit-card domains, chit-chat."""
    repo = "clinc/oos-eval"
    data = json.loads(show(repo, "data/data_full.json"))
    domains = json.loads(show(repo, "data/domains.json"))
    rows = [r for split in ("train", "val", "test") for r in data[split]]
    intent_cat = {i: "finance" for d in ("banking", "credit_cards") for i in domains[d]}
    intent_cat.update({i: "other" for i in domains["small_talk"]})
    intent_cat["translate"] = "translation"
    for target, cap in (("translation", 150), ("finance", 150), ("other", 150)):
        picked = [r for r in rows if intent_cat.get(r[1]) == target]
        for text, intent in stride(picked, cap):
            yield item(text, target, "clinc150", intent, repo)


def gsm8k() -> Iterator[dict[str, object]]:
    """Grade-school maths word problems (test split)."""
    repo = "openai/grade-school-math"
    rows = list(jsonl(show(repo, "grade_school_math/data/test.jsonl")))
    for r in stride(rows, 200):
        yield item(r["question"], "science", "gsm8k", "math", repo)


def nl2bash() -> Iterator[dict[str, object]]:
    """English descriptions of shell commands ("find all .txt files and ...")."""
    repo = "TellinaTool/nl2bash"
    lines = [x for x in show(repo, "data/bash/all.nl").splitlines() if x.strip()]
    for text in stride(lines, 200):
        yield item(text, "programming", "nl2bash", "bash", repo)


def human_eval() -> Iterator[dict[str, object]]:
    """HumanEval function stubs with docstrings (code-completion prompts)."""
    repo = "openai/human-eval"
    for r in stride(list(jsonl(show(repo, "data/HumanEval.jsonl.gz"))), 100):
        yield item(r["prompt"], "programming", "human_eval", r["task_id"], repo)


def biologist_prompts() -> Iterator[dict[str, object]]:
    """Quoted prompt bullets of a research prompt library, by file."""
    repo = "ashwathr1008/LLM-biologist-prompt-library"
    files = {"Literature-Review.md": "academia", "Cell-Biology.md": "science",
             "Molecular-Biology.md": "science", "Genetics-and-Genomics.md": "science",
             "Immunology.md": "science"}
    for path, target in files.items():
        found = re.findall(r'^\s*\* "(.+)"\s*$', show(repo, path), re.M)
        for text in stride(found, 50 if target == "academia" else 20):
            yield item(text, target, "biologist_prompt_library", path, repo)



def seo_library() -> Iterator[dict[str, object]]:
    """Quoted ``> **Prompt:**`` blocks of an SEO prompt library."""
    repo = "adambernard55/knowledge"
    path = "kb/SEO/4_ai-and-automation/1_using-ai-for-seo/09_seo-prompt-library.md"
    for block in re.split(r"\n(?=### )", show(repo, path)):
        m = re.search(r'> \*\*Prompt:\*\*\s*\n((?:>.*\n?)+)', block)
        if m:
            text = "\n".join(line[1:].strip() for line in m.group(1).splitlines())
            yield item(text.strip().strip('"'), "marketing/seo", "marketing_prompt_guide",
                       block.splitlines()[0].lstrip("# "), repo)


def workshop_guides() -> Iterator[dict[str, object]]:
    """Fenced prompts of a workshop's marketing and coding prompt libraries, by section."""
    repo = "kaleid11/ai-workshop-landing"
    files = {"Marketing-Prompt-Library.md": "marketing", "5-ChatGPT-Marketing-Prompts.md":
             "marketing", "Coding-Prompt-Library.md": "programming"}
    for name, target in files.items():
        section = ""
        for part in re.split(r"^(## .*)$", show(repo, f"client/public/guides/{name}"), flags=re.M):
            if part.startswith("## "):
                section = part
                continue
            for block in re.findall(r"^```\w*\n(.*?)^```", part, re.M | re.S):
                cat = "marketing/seo" if target == "marketing" and "SEO" in section else target
                yield item(block, cat, "workshop_prompt_guides", f"{name} {section}", repo)


def founder_marketing() -> Iterator[dict[str, object]]:
    """Marketing slash-command prompts for an agent (one per file; SEO ones apart)."""
    repo = "sderosiaux/marketing-prompts-for-founders"
    names = ("ads", "affiliates", "audit", "competitors", "content", "cro", "email",
             "free-tools", "growth", "icp", "influencer", "journey", "landing-page", "launch",
             "llm-seo", "metrics", "outreach", "pricing", "reddit", "research", "review",
             "seo", "social", "validate", "write")
    for name in names:
        text = show(repo, f".claude/commands/marketing/{name}.md")
        body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
        cat = "marketing/seo" if name.endswith("seo") else "marketing"
        yield item(body, cat, "founder_marketing_commands", name, repo)


def stackexchange_intents() -> Iterator[dict[str, object]]:
    """NLU-Evaluation-Corpora: AskUbuntu and Web Applications StackExchange questions (every
    one is an IT-support / consumer-software question, whatever its intent)."""
    repo = "sebischair/NLU-Evaluation-Corpora"
    for path in ("AskUbuntuCorpus.json", "WebApplicationsCorpus.json"):
        for r in json.loads(show(repo, path))["sentences"]:
            yield item(r["text"], "technology", "nlu_eval_corpora", f"{path} {r['intent']}", repo)


def rolebench() -> Iterator[dict[str, object]]:
    """RoleBench role-specific questions put to a character (English and Chinese test sets)."""
    repo = "rolellm/RoleBench"
    files = {"rolebench-eng/role-generalization/role_specific/test.jsonl": 150,
             "rolebench-zh/role_specific/test.jsonl": 60}
    for path, cap in files.items():
        for r in stride(list(jsonl(show(repo, path))), cap):
            yield item(r["question"], "roleplay", "rolebench", r["role"], repo)


def academic_handbook() -> Iterator[dict[str, object]]:
    """Chinese/English academic-writing prompt handbook: every quoted 【中文 Prompt】 /
    【English Prompt】 paragraph; section 3.1 (paper translation, 6 prompts) is left out."""
    repo = "B1ueD0g/B1ueD0g.github.io"
    path = "content/posts/archive/科研总结系列/科研总结系列｜2-GPT学术写作提示词集锦手册.md"
    section = ""
    for part in re.split(r"^(### .*)$", show(repo, path), flags=re.M):
        if part.startswith("### "):
            section = part[4:].strip()
            continue
        if "翻译" in section:
            continue
        for lang, text in re.findall(r"^\*\*【(中文|English) Prompt】\*\*\s*\n\s*\n“(.+?)”\s*$",
                                     part, re.M | re.S):
            yield item(text, "academia", "academic_prompt_handbook", f"{section} ({lang})", repo)


def main(argv: list[str]) -> None:
    global STANDALONE_SNAPSHOTS
    STANDALONE_SNAPSHOTS = Path(argv[1])
    root = Path(__file__).resolve().parents[1]
    out = Path(argv[2]) if len(argv) > 2 else root / "data/classifier/extra_prompts.jsonl"
    rows = [
        *bench("fastchat/llm_judge/data/mt_bench/question.jsonl", "mt_bench"),
        *bench("fastchat/llm_judge/data/vicuna_bench/question.jsonl", "vicuna_bench"),
        *self_instruct(),
        *belle(),
        *marketing_guide(),
        *arena_hard(),
        *alignbench(),
        *clinc(),
        *gsm8k(),
        *nl2bash(),
        *human_eval(),
        *biologist_prompts(),
        *seo_library(),
        *workshop_guides(),
        *founder_marketing(),
        # Translated MT-/Vicuna-bench questions keep the English source names, so the
        # source-held-out folds never train on one language version and test on another.
        *bench("fastchat/llm_judge/data/japanese_mt_bench/question_full.jsonl", "mt_bench",
               "Stability-AI/FastChat", STORY_JA),
        *stackexchange_intents(),
        *rolebench(),
        *academic_handbook(),
        *translated_mt_bench(),
        *bench("data/jp_bench/question.jsonl", "vicuna_bench", "ku-nlp/ja-vicuna-qa-benchmark",
               STORY_JA),
    ]
    seen: set[str] = set()
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            key = re.sub(r"\W+", " ", str(row["text"]).lower()).strip()
            if len(key) < 8 or key in seen:
                continue
            seen.add(key)
            f.write(json_line(row))
    print(f"wrote {len(seen)} items to {out}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv)
