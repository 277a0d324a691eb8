"""Google Cloud NL classifyText backend, against recorded answers served locally.

The answers in tests/data/google_nl/ come from Google's documentation (see its
SOURCES.md); a local server returns them by the text it is asked about.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from chat_server import running

from tokencensus.classify.google import GoogleNLClassifier, map_categories
from tokencensus.classify.http import RetryPolicy
from tokencensus.classify.pipeline import BackendError
from tokencensus.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "google_nl"
ANDROID = ("Google, headquartered in Mountain View, unveiled the new Android phone at the "
           "Consumer Electronic Show. Sundar Pichai said in his keynote that users love their "
           "new Android phones.")
BASEBALL = ("Rafael Montero Shines in Mets' Victory Over the Reds. Montero, who was demoted at "
            "midseason, took a one-hitter into the ninth inning as the Mets continued to "
            "dominate Cincinnati with a win at Great American Ball Park.")
SHORT = "hi"
FAST = RetryPolicy(timeout=5.0, retries=1, backoff=0.001)


def recorded(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


class Google:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.down = False


@pytest.fixture
def google() -> Iterator[tuple[Google, str]]:
    state = Google()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.bodies.append(body)
            state.paths.append(self.path)
            state.headers.append(dict(self.headers))
            text = body["document"]["content"]
            v2 = self.path.startswith("/v2/")
            status, answer = 200, recorded("classify_v1_empty.json")
            if state.down:
                status, answer = 503, {"error": {"code": 503, "message": "unavailable"}}
            elif text == ANDROID:
                answer = recorded("classify_v2_android.json" if v2 else "classify_v1_android.json")
            elif text == BASEBALL:
                answer = recorded("classify_v1_baseball.json")
            elif text == SHORT:
                status, answer = 400, recorded("error_400.json")
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    with running(Handler) as url:
        yield state, url


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "test-key")
    monkeypatch.delenv("GOOGLE_ACCESS_TOKEN", raising=False)


def test_v1_request_shape_threshold_and_mapping(google: tuple[Google, str]) -> None:
    state, url = google
    labels = GoogleNLClassifier(endpoint=url, policy=FAST).classify([ANDROID, BASEBALL, "x y z"])
    # 0.61 >= 0.5 keeps /Computers & Electronics -> technology; the 0.53 paths lose to it.
    assert (labels[0].category, labels[0].subtag) == ("technology", "Computers & Electronics")
    assert labels[0].confidence == pytest.approx(0.61)
    # No taxonomy path for sports: other, as the study's unmapped tail.
    assert (labels[1].category, labels[1].confidence) == ("other", pytest.approx(0.99))
    assert (labels[2].category, labels[2].confidence) == ("other", 0.0)
    assert labels[0].language == "en"
    body = next(b for b in state.bodies if b["document"]["content"] == ANDROID)
    assert body == {"document": {"type": "PLAIN_TEXT", "content": ANDROID},
                    "classificationModelOptions": {"v2Model": {"contentCategoriesVersion": "V2"}}}
    assert set(state.paths) == {"/v1/documents:classifyText"}
    assert all(h["X-Goog-Api-Key"] == "test-key" for h in state.headers)


def test_v2_endpoint_and_language_code(google: tuple[Google, str]) -> None:
    state, url = google
    label = GoogleNLClassifier(api_version="v2", endpoint=url, policy=FAST).classify([ANDROID])[0]
    assert (label.category, label.language) == ("technology", "en")
    assert state.paths == ["/v2/documents:classifyText"]
    assert "classificationModelOptions" not in state.bodies[0]


def test_threshold_drops_low_confidence_paths() -> None:
    answer = recorded("classify_v1_android.json")
    assert map_categories(answer["categories"], threshold=0.7) == ("other", None,
                                                                    pytest.approx(0.61))
    assert map_categories([{"name": "/Computers & Electronics/Programming/Development Tools",
                            "confidence": 0.8}]) == ("programming", "Development Tools",
                                                     pytest.approx(0.8))
    assert map_categories(None) == ("other", None, 0.0)


def test_refused_text_is_other_and_counted(google: tuple[Google, str]) -> None:
    _, url = google
    g = GoogleNLClassifier(endpoint=url, policy=FAST, concurrency=1)
    labels = g.classify([SHORT, ANDROID, ""])
    assert [lab.category for lab in labels] == ["other", "technology", "other"]
    assert g.rejected == 1


def test_service_down_fails_the_batch_with_a_clear_error(google: tuple[Google, str]) -> None:
    state, url = google
    state.down = True
    with pytest.raises(BackendError, match=r"google@1 failed 2 times .*HTTP 503: unavailable"):
        GoogleNLClassifier(endpoint=url, policy=FAST).classify([ANDROID])


def test_bearer_token_and_missing_credentials(google: tuple[Google, str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    state, url = google
    monkeypatch.delenv("GOOGLE_API_KEY")
    with pytest.raises(InputError, match="GOOGLE_API_KEY"):
        GoogleNLClassifier(endpoint=url)
    monkeypatch.setenv("GOOGLE_ACCESS_TOKEN", "ya29.token")
    GoogleNLClassifier(endpoint=url, policy=FAST).classify([ANDROID])
    assert state.headers[-1]["Authorization"] == "Bearer ya29.token"
