"""Intent, QA and task datasets, labelled by intent, domain, category or file (CLINC150,
GSM8K, nl2bash, HumanEval, NLU-Evaluation-Corpora, RoleBench, TruthfulQA-multi, HWU64)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from .snapshots import item, jsonl, show, stride


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


def clinc_chores() -> Iterator[dict[str, object]]:
    """CLINC150 everyday requests: the kitchen_and_dining and travel domains (recipes,
    meal and travel suggestions, bookings, visas, luggage) without ``translate`` and
    ``exchange_rate``. Source name ``clinc150``, so the folds keep CLINC in one piece."""
    repo = "clinc/oos-eval"
    data = json.loads(show(repo, "data/data_full.json"))
    domains = json.loads(show(repo, "data/domains.json"))
    intents = set(domains["kitchen_and_dining"]) | set(domains["travel"])
    intents -= {"translate", "exchange_rate"}
    rows = [r for split in ("train", "val", "test") for r in data[split] if r[1] in intents]
    for text, intent in stride(rows, 150):
        yield item(text, "other", "clinc150", intent, repo)


# TruthfulQA categories (the dataset's own) that name a study category.
TRUTHFULQA_CATEGORIES = {"Law": "legal", "Health": "health", "Nutrition": "health",
                         "Economics": "finance", "Finance": "finance", "History": "trivia",
                         "Misconceptions": "trivia"}


def truthfulqa() -> Iterator[dict[str, object]]:
    """TruthfulQA questions in English and its professional Spanish, Catalan, Galician and
    Basque translations, by ``category``; fixed-stride 100 per study category over all
    five languages."""
    repo = "hitz-zentroa/truthfulqa-multi"
    rows = [(lang, r) for lang in ("en", "es", "ca", "gl", "eu")
            for r in json.loads(show(repo, f"data/{lang}/validation.json"))
            if r["category"] in TRUTHFULQA_CATEGORIES]
    for target in dict.fromkeys(TRUTHFULQA_CATEGORIES.values()):
        picked = [x for x in rows if TRUTHFULQA_CATEGORIES[x[1]["category"]] == target]
        for lang, r in stride(picked, 100):
            yield item(r["question"], target, "truthfulqa", f"{r['category']}/{lang}", repo)


HWU64_FOLDS = ("CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/"
               "CrossValidation/KFold_{}/testset/csv/{}.csv")
# HWU64 intents (scenario_intent) that name a study category, with their caps.
HWU64_INTENTS = {"qa_factoid": ("trivia", 150), "cooking_recipe": ("other", 80),
                 "email_sendemail": ("other", 40), "recommendation_events": ("other", 30),
                 "recommendation_locations": ("other", 30), "qa_currency": ("finance", 40)}


def hwu64() -> Iterator[dict[str, object]]:
    """HWU64 home-assistant utterances (the ten cross-validation test folds together are
    the whole annotated set), by intent; the user's own spelling (``answer_from_user``)."""
    repo = "xliuhw/NLU-Evaluation-Data"
    for intent, (target, cap) in HWU64_INTENTS.items():
        texts = [r["answer_from_user"] for fold in range(1, 11)
                 for r in csv.DictReader(io.StringIO(show(repo, HWU64_FOLDS.format(fold, intent))),
                                         delimiter=";")]
        for text in stride(texts, cap):
            yield item(text, target, "hwu64", intent, repo)
