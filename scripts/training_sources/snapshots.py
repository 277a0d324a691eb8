"""Pinned git snapshots and the helpers every source reader shares.

A snapshot folder holds one ``owner+name/repo`` bare git directory per repository (what
the search tool's ``fetch`` leaves); files are read with ``git show <commit>:<path>``.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
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
    "hitz-zentroa/truthfulqa-multi": "11fe747386ff73f332c16fb7e05a924283212c0d",
    "xliuhw/NLU-Evaluation-Data": "f6071b496b17d71e6eb43f543af0707f4ff30557",
    "yuzu-ai/japanese-llm-ranking": "fae1ee79c69b0c3acf8e8a1994e43c7952e7bd9c",
    "shisa-ai/shaberi": "f8cd7a040397cf37b2cd23ef224cfc97095ef756",
    "mdazlaanzubair/Promptare": "94a438966213915ecdf06d7ed9ef9f312252db02",
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
    "hitz-zentroa/truthfulqa-multi": "Apache-2.0",
    "xliuhw/NLU-Evaluation-Data": "CC-BY-4.0",
    "yuzu-ai/japanese-llm-ranking": "Apache-2.0",
    "shisa-ai/shaberi": "Apache-2.0",
    "mdazlaanzubair/Promptare": "no licence file",
}
# Creative writing counts as roleplay (the study's roleplay sub-tag "Writers Resources").
STORY = re.compile(r"story|poem|fiction|novel|fairy tale|script|小说|故事|诗|童话|剧本", re.I)
# Japanese spellings (小説, 詩, 物語, 脚本), used only for the Japanese MT-/Vicuna-bench.
STORY_JA = re.compile(STORY.pattern + r"|小説|詩|物語|脚本", re.I)
TRANSLATE = re.compile(r"翻译|translat", re.I)
_snapshot_dir = Path(".")


def use_snapshots(path: Path) -> None:
    """Read every later ``show`` from the snapshot folder ``path``."""
    global _snapshot_dir
    _snapshot_dir = path


def show(repo: str, path: str) -> str:
    """The text of ``path`` at the pinned commit of ``repo`` (``.gz`` files decompressed)."""
    git_dir = _snapshot_dir / repo.replace("/", "+") / "repo"
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
    """One output row; ``source`` is what the training script's folds hold out whole."""
    return {
        "text": text.strip(),
        "category": category,
        "subtag": None,
        "source": source,
        "source_label": label,
        "license": LICENCES[repo],
    }


def jsonl(text: str) -> Iterator[dict]:
    # split("\n"), not splitlines(): JSON strings may hold raw U+2028 separators.
    return (json.loads(line) for line in text.split("\n") if line.strip())
