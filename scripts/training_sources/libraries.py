"""Prompt libraries, labelled by their own sections, files or category fields (marketing
and SEO guides, workshop guides, founder marketing commands, a biologist's library, an
academic-writing handbook, Promptare)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .snapshots import item, show, stride


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


# Promptare categories (the library's own) that name a study category.
PROMPTARE_CATEGORIES = {"Marketing": "marketing", "Email Campaigns": "marketing",
                        "Sales": "marketing", "Education": "academia", "Teachers": "academia",
                        "Healthcare & Wellbeing": "health", "Trading Strategy": "finance",
                        "Travel & Tourism": "other"}


def promptare() -> Iterator[dict[str, object]]:
    """Promptare's sample prompts (``prompt:`` / ``category:`` pairs in a JS constant)."""
    repo = "mdazlaanzubair/Promptare"
    pattern = re.compile(r'prompt:\s*"((?:[^"\\]|\\.)*)",.*?category:\s*"([^"]+)"', re.S)
    for text, category in pattern.findall(show(repo, "utils/constants.js")):
        target = PROMPTARE_CATEGORIES.get(category)
        if target:
            yield item(text.replace('\\"', '"'), target, "promptare", category, repo)
