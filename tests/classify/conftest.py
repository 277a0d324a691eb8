"""Fixtures of the classifier tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chat_server import ChatServer, serve


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    yield from serve()
