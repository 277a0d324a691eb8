"""Request bodies: chat messages for sampled rows and the tools a request declares."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from tokencensus.simulate import calibration as cal
from tokencensus.simulate.templates import render


def _fn(name: str, description: str, props: dict[str, dict[str, Any]],
        required: list[str]) -> dict[str, Any]:
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": props, "required": required}}}


_S = {"type": "string"}
CODING_TOOLS = (
    _fn("read_file", "Read a file from the workspace.",
        {"path": {**_S, "description": "Path relative to the repository root."}}, ["path"]),
    _fn("write_file", "Create or overwrite a file.", {"path": _S, "content": _S},
        ["path", "content"]),
    _fn("run_command", "Run a shell command in the repository and return stdout/stderr.",
        {"command": _S, "timeout_s": {"type": "integer"}}, ["command"]),
    _fn("list_directory", "List files under a directory.",
        {"path": _S, "recursive": {"type": "boolean"}}, ["path"]),
    _fn("search_code", "Search the codebase with a regular expression.",
        {"pattern": _S, "glob": _S}, ["pattern"]),
    _fn("apply_patch", "Apply a unified diff to the workspace.", {"diff": _S}, ["diff"]),
)
GENERAL_TOOLS = (
    _fn("web_search", "Search the web and return the top results.",
        {"query": _S, "max_results": {"type": "integer"}}, ["query"]),
    _fn("fetch_url", "Download a web page and return its text.", {"url": _S}, ["url"]),
    _fn("get_weather", "Current weather for a city.",
        {"city": _S, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, ["city"]),
    _fn("query_database", "Run a read-only SQL query against the analytics warehouse.",
        {"sql": _S}, ["sql"]),
    _fn("send_email", "Send an email on the user's behalf.",
        {"to": _S, "subject": _S, "body": _S}, ["to", "subject", "body"]),
    _fn("create_calendar_event", "Create a calendar event.",
        {"title": _S, "start": {**_S, "format": "date-time"}, "duration_min":
         {"type": "integer"}}, ["title", "start"]),
    _fn("get_stock_quote", "Latest price for a ticker symbol.", {"symbol": _S}, ["symbol"]),
    _fn("lookup_order", "Find an order by its number.", {"order_id": _S}, ["order_id"]),
)


def _tool_sets(tools: tuple[dict[str, Any], ...], seed: int) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    sets = []
    for _ in range(16):
        k = rng.randint(1, 4)
        sets.append(rng.sample(list(tools), k))
    return sets


TOOL_SETS = (_tool_sets(CODING_TOOLS, 1), _tool_sets(GENERAL_TOOLS, 2))
_PROGRAMMING = cal.CAT["programming"]


def tool_set_index(category: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which precomputed tool set each request declares (coding tools for programming)."""
    return rng.integers(0, 16, len(category)) + np.where(category == _PROGRAMMING, 0, 16)


def tools_for(index: int) -> list[dict[str, Any]]:
    return TOOL_SETS[index // 16][index % 16]


def messages(seed: int, row: int, language: str, category: str) -> tuple[list[dict[str, str]],
                                                                          str]:
    """The request's chat messages and their sub-tag, reproducible from (seed, row)."""
    return render(language, category, random.Random(seed * 1_000_003 + row))
