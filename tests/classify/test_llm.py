"""The LLM judge against a local OpenAI-compatible server the test starts (conftest.py)."""

from __future__ import annotations

import pytest
from chat_server import ChatServer

from tokencensus.classify import taxonomy
from tokencensus.classify.http import RetryPolicy
from tokencensus.classify.llm import LLMJudge
from tokencensus.classify.pipeline import BackendError
from tokencensus.errors import InputError

FAST = RetryPolicy(timeout=5.0, retries=2, backoff=0.001, max_backoff=0.01)
TEXTS = ["Traceback (most recent call last): KeyError 'id'", "please translate this to French",
         "*the knight draws his sword*", "hello there"] * 5


def judge(server: ChatServer, **kw: object) -> LLMJudge:
    options: dict[str, object] = {"per_request": 8, "policy": FAST, **kw}
    return LLMJudge(base_url=server.url, model="test-model", **options)  # type: ignore[arg-type]


def test_batches_labels_tokens_and_cost(chat_server: ChatServer,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKENCENSUS_LLM_API_KEY", "sk-test-123")
    j = judge(chat_server, price_input_per_m=2.0, price_output_per_m=10.0)
    labels = j.classify(TEXTS)
    assert [lab.category for lab in labels[:4]] == ["programming", "translation", "roleplay",
                                                    "other"]
    assert len(labels) == 20 and all(lab.language == "en" for lab in labels)
    assert len(chat_server.requests) == 3  # 8 + 8 + 4 prompts
    assert j.usage.requests == 3 and j.usage.retries == 0
    assert (j.usage.prompt_tokens, j.usage.completion_tokens) == (300, 60)
    assert j.usage.cost_usd == pytest.approx((300 * 2.0 + 60 * 10.0) / 1e6)
    assert all(h["Authorization"] == "Bearer sk-test-123" for h in chat_server.headers)
    body = chat_server.requests[0]
    schema = body["response_format"]["json_schema"]["schema"]
    assert body["response_format"]["type"] == "json_schema"
    assert schema["properties"]["labels"]["items"]["properties"]["category"]["enum"] == \
        list(taxonomy.NAMES)
    # Prompts are fenced as data, numbered from 0 in each request.
    assert "<prompt 0>\nTraceback" in body["messages"][-1]["content"]
    assert j.tag == "llm@1:test-model"


def test_transient_errors_are_retried_with_backoff(chat_server: ChatServer) -> None:
    chat_server.script = [500, 429, "garbage"]
    j = judge(chat_server, policy=RetryPolicy(timeout=5.0, retries=3, backoff=0.001),
              concurrency=1)
    labels = j.classify(TEXTS[:3])
    assert [lab.category for lab in labels] == ["programming", "translation", "roleplay"]
    assert j.usage.requests == 4 and j.usage.retries == 3


def test_timeout_then_clear_error(chat_server: ChatServer) -> None:
    chat_server.default = 0.6  # seconds before answering
    j = judge(chat_server, policy=RetryPolicy(timeout=0.15, retries=1, backoff=0.001))
    with pytest.raises(BackendError, match=r"failed 2 times .*no answer within 0.15s"):
        j.classify(TEXTS[:2])


def test_servers_without_json_schema_get_json_object(chat_server: ChatServer) -> None:
    chat_server.default = "no_schema"
    j = judge(chat_server, concurrency=1)
    assert j.classify(TEXTS[:2])[0].category == "programming"
    assert [r.get("response_format", {}).get("type") for r in chat_server.requests] == \
        ["json_schema", "json_object"]
    j.classify(TEXTS[:2])  # remembered: no second refusal
    assert chat_server.requests[-1]["response_format"]["type"] == "json_object"
    assert len(chat_server.requests) == 3


def test_invalid_category_and_low_confidence_become_other(chat_server: ChatServer) -> None:
    j = judge(chat_server)
    label = j.classify(["a cooking question"])[0]
    assert (label.category, label.confidence) == ("other", 0.0)
    assert j.usage.invalid == 1
    chat_server.confidence = 0.3
    low = j.classify(["Traceback: boom"])[0]
    assert (low.category, low.confidence) == ("other", pytest.approx(0.3))


def test_incomplete_answers_are_retried_then_fail(chat_server: ChatServer) -> None:
    chat_server.default = "incomplete"
    with pytest.raises(BackendError, match=r"no label for prompt\(s\) \[1\]"):
        judge(chat_server).classify(TEXTS[:2])
    assert len(chat_server.requests) == 3  # first try + 2 retries


def test_refused_request_is_not_retried(chat_server: ChatServer) -> None:
    chat_server.default = 401
    with pytest.raises(BackendError, match="HTTP 401: scripted 401"):
        judge(chat_server).classify(TEXTS[:1])
    assert len(chat_server.requests) == 1


def test_missing_configuration_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOKENCENSUS_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("TOKENCENSUS_LLM_MODEL", raising=False)
    with pytest.raises(InputError, match="TOKENCENSUS_LLM_BASE_URL"):
        LLMJudge()


def test_configuration_from_environment(chat_server: ChatServer,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKENCENSUS_LLM_BASE_URL", chat_server.url + "/")
    monkeypatch.setenv("TOKENCENSUS_LLM_MODEL", "env-model")
    monkeypatch.delenv("TOKENCENSUS_LLM_API_KEY", raising=False)
    j = LLMJudge(policy=FAST)
    assert j.classify(["Traceback"])[0].category == "programming"
    assert chat_server.requests[0]["model"] == "env-model"
    assert "Authorization" not in chat_server.headers[0]
