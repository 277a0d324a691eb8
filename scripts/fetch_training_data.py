"""Rebuild ``data/classifier/extra_prompts.jsonl``: labelled prompts that fill the gaps
of the starting corpus (``shared/data/prompts/train_prompts.jsonl``).

usage: python scripts/fetch_training_data.py SNAPSHOT_DIR [OUT_JSONL]

SNAPSHOT_DIR holds one folder per repository named ``owner+name`` with a bare git
directory in ``owner+name/repo`` (what the search tool's ``fetch`` leaves). Every file
is read with ``git show <pinned commit>:<path>``; nothing is downloaded, and the
selection is rule-based and deterministic, so reruns give the same file.
Sources, licences and mapping rules: ``data/classifier/SOURCES.md``.
"""

from __future__ import annotations

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
}
LICENCES = {
    "lm-sys/FastChat": "Apache-2.0",
    "yizhongw/self-instruct": "Apache-2.0",
    "LianjiaTech/BELLE": "Apache-2.0 (code); ODC-By (DATA_LICENSE)",
    "adambernard55/knowledge": "no licence file",
}
# Creative writing counts as roleplay (the study's roleplay sub-tag "Writers Resources").
STORY = re.compile(r"story|poem|fiction|novel|fairy tale|script|小说|故事|诗|童话|剧本", re.I)
TRANSLATE = re.compile(r"翻译|translat", re.I)
STANDALONE_SNAPSHOTS: Path = Path(".")


def show(repo: str, path: str) -> str:
    git_dir = STANDALONE_SNAPSHOTS / repo.replace("/", "+") / "repo"
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{COMMITS[repo]}:{path}"],
        check=True,
        capture_output=True,
    )
    return out.stdout.decode("utf-8")


def item(text: str, category: str, source: str, label: str, repo: str) -> dict[str, object]:
    return {
        "text": text.strip(),
        "category": category,
        "subtag": None,
        "source": source,
        "source_label": label,
        "license": LICENCES[repo],
    }


def jsonl(text: str) -> Iterator[dict]:
    return (json.loads(line) for line in text.splitlines() if line.strip())


def bench(path: str, source: str) -> Iterator[dict[str, object]]:
    """MT-bench / Vicuna-bench questions (first turn only)."""
    repo = "lm-sys/FastChat"
    rules = {"roleplay": "roleplay", "coding": "programming", "math": "science",
             "stem": "science", "generic": "other", "extraction": "other"}
    for row in jsonl(show(repo, path)):
        cat, text = row["category"], row["turns"][0]
        target = rules.get(cat)
        if cat == "writing" and STORY.search(text):
            target = "roleplay"
        if target:
            yield item(text, target, source, cat, repo)


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
    ]
    seen: set[str] = set()
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            key = re.sub(r"\W+", " ", str(row["text"]).lower()).strip()
            if len(key) < 8 or key in seen:
                continue
            seen.add(key)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(seen)} items to {out}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv)
