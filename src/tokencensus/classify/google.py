"""Google Cloud Natural Language ``classifyText``, the classifier the study used.

Request and response follow Google's REST reference (recorded examples and
their sources in ``tests/data/google_nl/SOURCES.md``):

* ``POST https://language.googleapis.com/v1/documents:classifyText`` with
  ``{"document": {"type": "PLAIN_TEXT", "content": ...},
  "classificationModelOptions": {"v2Model": {"contentCategoriesVersion": "V2"}}}``
  (the default: the V2 model with Version 2 content categories), or
  ``api_version="v2"``: ``POST .../v2/documents:classifyText`` with the
  document only (v2 always uses the newer categories and also answers
  ``languageCode``).
* The answer is ``{"categories": [{"name": "/Computers & Electronics/...",
  "confidence": 0.9}, ...]}``; one request per document, as Google requires.

Mapping, as in the study: categories under 0.5 confidence are dropped, the most
confident remaining path is mapped to the taxonomy with
:func:`tokencensus.classify.taxonomy.map_google_path` (longest listed prefix;
unmapped paths are ``other``), and a prompt with no category left is ``other``.
A document Google refuses (HTTP 400, e.g. too few words or an unsupported
language) is ``other`` with confidence 0 and counted in ``rejected``; any other
failure, after retries, fails the pipeline batch. The language is Google's
``languageCode`` when v2 gives one, else :func:`~tokencensus.classify.language.detect_language`.

Authentication: an API key from ``GOOGLE_API_KEY`` (sent as ``X-Goog-Api-Key``)
or an OAuth access token from ``GOOGLE_ACCESS_TOKEN`` (``Authorization:
Bearer``, e.g. ``$(gcloud auth application-default print-access-token)``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Final, Literal

from tokencensus.classify import taxonomy
from tokencensus.classify.base import UNDETERMINED_LANGUAGE, Classifier, Label
from tokencensus.classify.http import JsonClient, RequestRejected, RetryPolicy
from tokencensus.classify.language import detect_language
from tokencensus.errors import InputError

ENDPOINT: Final = "https://language.googleapis.com"
ENV_URL: Final = "TOKENCENSUS_GOOGLE_NL_URL"
ENV_KEY: Final = "GOOGLE_API_KEY"
ENV_TOKEN: Final = "GOOGLE_ACCESS_TOKEN"
THRESHOLD: Final = 0.5  # the study dropped labels under 0.5
MAX_CHARS: Final = 6_000  # Google bills per 1,000 characters; the head carries the task


def map_categories(categories: Any, threshold: float = THRESHOLD) -> tuple[str, str | None,
                                                                             float]:
    """(category, sub-tag, confidence) for a ``categories`` list of a classifyText answer."""
    best_name, best_conf = None, 0.0
    top_conf = 0.0
    for item in categories if isinstance(categories, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        conf = item.get("confidence")
        conf = float(conf) if isinstance(conf, int | float) else 0.0
        top_conf = max(top_conf, conf)
        if conf >= threshold and conf > best_conf:
            best_name, best_conf = item["name"], conf
    if best_name is None:
        return taxonomy.OTHER, None, top_conf
    category, subtag = taxonomy.map_google_path(best_name)
    return category, subtag, best_conf


class GoogleNLClassifier(Classifier):
    """Google Cloud Natural Language content classification (see the module docstring)."""

    name: ClassVar[str] = "google"
    version: ClassVar[str] = "1"
    batch_size: ClassVar[int] = 64

    def __init__(self, *, api_version: Literal["v1", "v2"] = "v1", endpoint: str | None = None,
                 concurrency: int = 8, policy: RetryPolicy | None = None,
                 threshold: float = THRESHOLD) -> None:
        key, token = os.environ.get(ENV_KEY), os.environ.get(ENV_TOKEN)
        if not key and not token:
            raise InputError(f"The Google classifier needs credentials: set {ENV_KEY} to an API "
                             f"key, or {ENV_TOKEN} to an OAuth access token (gcloud auth "
                             "application-default print-access-token).")
        headers = {"X-Goog-Api-Key": key} if key else {"Authorization": f"Bearer {token}"}
        base = (endpoint or os.environ.get(ENV_URL) or ENDPOINT).rstrip("/")
        self.api_version = api_version
        self.url = f"{base}/{api_version}/documents:classifyText"
        self.threshold = threshold
        self.concurrency = max(1, concurrency)
        self.client = JsonClient(self.tag, policy or RetryPolicy(timeout=30.0), headers)
        self.rejected = 0
        self._lock = threading.Lock()

    def classify(self, texts: Sequence[str]) -> list[Label]:
        if self.concurrency == 1 or len(texts) <= 1:
            return [self._one(t) for t in texts]
        with ThreadPoolExecutor(min(self.concurrency, len(texts))) as pool:
            return list(pool.map(self._one, texts))

    def request_body(self, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {"document": {"type": "PLAIN_TEXT", "content": text[:MAX_CHARS]}}
        if self.api_version == "v1":
            body["classificationModelOptions"] = {"v2Model": {"contentCategoriesVersion": "V2"}}
        return body

    def _one(self, text: str) -> Label:
        if not text.strip():
            return Label(taxonomy.OTHER, None, 0.0, UNDETERMINED_LANGUAGE)
        try:
            answer = self.client.post(self.url, self.request_body(text), _check)
        except RequestRejected as e:
            if e.status != 400:
                raise
            with self._lock:
                self.rejected += 1
            return Label(taxonomy.OTHER, None, 0.0, detect_language(text))
        category, subtag, confidence = map_categories(answer.get("categories"), self.threshold)
        language = answer.get("languageCode")
        if not isinstance(language, str) or not language:
            language = detect_language(text)
        # Google answers BCP-47 ("zh-Hant"); labels keep ISO 639-1.
        return Label(category, subtag, confidence, language.split("-")[0].lower())


def _check(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ValueError("the answer is not a JSON object")
    if "categories" in payload and not isinstance(payload["categories"], list):
        raise ValueError("`categories` is not a list")
    return payload
