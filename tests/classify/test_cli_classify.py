"""`tokencensus classify --texts` end to end in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tokencensus", *args], capture_output=True,
                          text=True, timeout=300)


def test_texts_to_json_lines(tmp_path: Path) -> None:
    src = tmp_path / "prompts.jsonl"
    rows = [{"id": 1, "text": "Fix this: TypeError: 'NoneType' object is not subscriptable"},
            {"id": "b", "text": "Переведи на английский: я люблю программировать."},
            {"id": 3, "text": ""}]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n",
                   encoding="utf-8")
    done = run("classify", "--texts", str(src))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b", 3]
    assert all(set(o) == {"id", "category", "subtag", "confidence", "language"} for o in out)
    assert out[0]["category"] == "programming"
    assert (out[1]["category"], out[1]["language"]) == ("translation", "ru")
    assert (out[2]["category"], out[2]["language"], out[2]["confidence"]) == ("other", "und", 0)


def test_bad_line_is_a_one_line_input_error(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": 1, "text": "ok"}\nnot json\n', encoding="utf-8")
    done = run("classify", "--texts", str(src))
    assert done.returncode == 2
    assert "bad.jsonl:2" in done.stderr and done.stdout.count("\n") <= 1


def test_unknown_classifier_lists_the_known_ones(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    src.write_text('{"id": 1, "text": "hi"}\n', encoding="utf-8")
    done = run("classify", "--texts", str(src), "--classifier", "nope")
    assert done.returncode == 2
    assert "builtin" in done.stderr
