"""A local OpenAI-compatible chat server the LLM-judge tests start and script.

The ``chat_server`` fixture (see conftest.py) starts one per test.

Answers have the shape OpenAI documents for ``POST /v1/chat/completions``
(``choices[0].message.content`` and ``usage.prompt_tokens`` /
``completion_tokens``). The "model" labels by keywords so tests know the answer.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PROMPT = re.compile(r"<prompt (\d+)>\n(.*?)\n</prompt \1>", re.S)
KEYWORDS = (("Traceback", "programming"), ("translate", "translation"),
            ("knight", "roleplay"), ("cooking", "cuisine"))


def keyword_category(text: str) -> str:
    return next((cat for word, cat in KEYWORDS if word in text), "other")


@dataclass
class ChatServer:
    """Scripted behaviour: each entry of ``script`` serves one request, then ``default``."""

    url: str = ""
    script: list[Any] = field(default_factory=list)
    default: Any = "ok"
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    confidence: float = 0.9
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_action(self) -> Any:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


def _answer(server: ChatServer, body: dict[str, Any], drop_last: bool) -> dict[str, Any]:
    user = body["messages"][-1]["content"]
    labels = [{"index": int(i), "category": keyword_category(text), "subtag": "",
               "confidence": server.confidence, "language": "en"}
              for i, text in _PROMPT.findall(user)]
    if drop_last:
        labels = labels[:-1]
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0,
            "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant",
                                     "content": json.dumps({"labels": labels})}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with server.lock:
                server.requests.append(body)
                server.headers.append(dict(self.headers))
            action = server.next_action()
            fmt = (body.get("response_format") or {}).get("type")
            if action == "no_schema" and fmt == "json_schema":
                self._send(400, {"error": {"message": "response_format json_schema is not "
                                           "supported", "type": "invalid_request_error"}})
            elif isinstance(action, int):
                self._send(action, {"error": {"message": f"scripted {action}"}},
                           {"Retry-After": "0"} if action == 429 else None)
            elif isinstance(action, float):
                time.sleep(action)
                self._send(200, _answer(server, body, False))
            elif action == "garbage":
                self._send(200, {"choices": [{"message": {"content": "I think it's code"}}]})
            else:
                self._send(200, _answer(server, body, drop_last=action == "incomplete"))

    return Handler


@contextlib.contextmanager
def running(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free local port; yields ``http://127.0.0.1:PORT``."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def serve() -> Iterator[ChatServer]:
    """A scripted chat server for one test."""
    server = ChatServer()
    with running(_handler(server)) as url:
        server.url = url + "/v1"
        yield server
