"""JSON over HTTP for the remote classifier backends (LLM judge, Google Cloud NL).

Standard library only (``urllib``), so no HTTP dependency is added. Rules:

* Every request has a timeout.
* Transient failures are retried with exponential backoff (``backoff * 2**attempt``,
  capped): HTTP 408, 409, 429 and 5xx, timeouts and connection errors. A
  ``Retry-After`` header (seconds) is honoured up to the cap.
* Any other 4xx is the caller's mistake and is not retried: it raises
  :class:`RequestRejected` with the status and the server's message, so a
  backend can react (the LLM judge drops ``response_format`` for servers that
  reject it; Google rejects texts it cannot classify).
* After the last retry, :class:`~tokencensus.classify.pipeline.BackendError`
  says what failed and how often; the pipeline turns it into one failed batch.
* Secrets travel in headers only and are never part of a message.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from tokencensus.classify.pipeline import BackendError

RETRY_STATUS: Final = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for one answer and how to retry a failed one."""

    timeout: float = 60.0
    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 20.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        wait = min(self.backoff * 2 ** attempt, self.max_backoff)
        if retry_after is not None:
            wait = min(max(wait, retry_after), self.max_backoff)
        return wait


class RequestRejected(BackendError):
    """The server answered with a non-retryable 4xx."""

    def __init__(self, backend: str, url: str, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(backend, f"was refused by {url} (HTTP {status}: {message})",
                         "check the request options (model name, endpoint, key)")


class JsonClient:
    """POSTs JSON and returns the decoded answer; counts requests and retries (thread-safe)."""

    def __init__(self, backend: str, policy: RetryPolicy, headers: Mapping[str, str],
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.backend = backend
        self.policy = policy
        self.headers = {"Content-Type": "application/json", "Accept": "application/json",
                        **headers}
        self.sleep = sleep
        self.requests = 0
        self.retries = 0
        self._lock = threading.Lock()

    def _count(self, retry: bool) -> None:
        with self._lock:
            self.requests += 1
            self.retries += retry

    def post(self, url: str, body: Mapping[str, Any],
             check: Callable[[Any], Any] | None = None) -> Any:
        """The JSON answer of ``url`` (through ``check``, whose ValueError is retried too)."""
        data = json.dumps(body).encode()
        last = ""
        for attempt in range(self.policy.retries + 1):
            self._count(attempt > 0)
            retry_after = None
            try:
                request = urllib.request.Request(url, data=data, headers=self.headers,
                                                 method="POST")
                with urllib.request.urlopen(request, timeout=self.policy.timeout) as response:
                    payload = json.loads(response.read())
                return check(payload) if check else payload
            except urllib.error.HTTPError as e:
                message = _error_message(e)
                if e.code not in RETRY_STATUS:
                    raise RequestRejected(self.backend, url, e.code, message) from None
                last = f"HTTP {e.code}: {message}"
                retry_after = _seconds(e.headers.get("Retry-After") if e.headers else None)
            except TimeoutError:
                last = f"no answer within {self.policy.timeout:g}s"
            except urllib.error.URLError as e:
                if isinstance(e.reason, TimeoutError | socket.timeout):
                    last = f"no answer within {self.policy.timeout:g}s"
                else:
                    last = f"cannot connect ({e.reason})"
            except (ConnectionError, OSError) as e:
                last = f"connection failed ({e})"
            except ValueError as e:  # bad JSON, or an answer ``check`` refused
                last = f"unusable answer ({e})"
            if attempt < self.policy.retries:
                self.sleep(self.policy.delay(attempt, retry_after))
        raise BackendError(self.backend, f"failed {self.policy.retries + 1} times on {url}: "
                           f"{last}", "check that the endpoint is up, or lower the batch size "
                           "or raise --timeout")


def _error_message(e: urllib.error.HTTPError) -> str:
    """The server's own message: OpenAI-style and Google-style errors nest it under ``error``."""
    try:
        raw = e.read()
    except OSError:
        return e.reason if isinstance(e.reason, str) else "no message"
    try:
        body = json.loads(raw)
    except ValueError:
        return raw[:300].decode("utf-8", "replace").strip() or str(e.reason)
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])[:300]
    if isinstance(error, str):
        return error[:300]
    return json.dumps(body)[:300]


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
