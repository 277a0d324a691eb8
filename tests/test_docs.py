"""Every registered analysis, format and command is documented in the README."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tokencensus.analyses.base import all_analyses
from tokencensus.cli import _register_commands, app
from tokencensus.ingest.base import readers

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_every_analysis_is_in_the_readme_table() -> None:
    for a in all_analyses():
        figures = ", ".join(map(str, a.study_figures))
        assert f"| `{a.name}` | {figures} |" in README, a.name
        assert a.description, f"{a.name} has no description"


def test_every_format_is_in_the_readme_table() -> None:
    for name in readers():
        assert f"| `{name}` |" in README, name


def test_every_command_is_shown_in_the_readme() -> None:
    _register_commands()
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    assert {"ingest", "analyze", "report", "simulate", "demo", "formats"} <= names
    for name in names:
        assert f"tokencensus {name}" in README or f"make {name}" in README, name


def test_readme_tables_are_generated_from_the_registries() -> None:
    script = Path(__file__).parents[1] / "scripts" / "readme_tables.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
