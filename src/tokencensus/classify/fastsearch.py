"""``re`` searches with an exact, quicker path for ASCII text (see :class:`FastSearch`).

The signal and sub-tag patterns of the built-in classifier run on every sampled prompt;
most never match, and a plain ``pattern.search`` still walks the whole text. Here each
pattern's literals are read from the standard library's own parse (``re._parser``, a
private module: the tests check the anchors it gives against Hypothesis' ``from_regex``,
so a Python upgrade that changes it fails them rather than changing any answer).
"""

from __future__ import annotations

import re
import re._parser as sre  # the stdlib's own parse, to read a pattern's literals
from collections.abc import Callable
from functools import cache
from typing import Final


def _lower_literals(source: str) -> str:
    """``source`` with its literal characters lower-cased (escapes such as ``\\S`` kept)."""
    out, i = [], 0
    while i < len(source):
        if source[i] == "\\":
            if source[i + 1 : i + 2] in ("x", "u", "U", "N"):
                raise ValueError(f"Cannot lower-case the escape in {source!r}; spell it out.")
            out.append(source[i : i + 2])
            i += 2
            continue
        if not source[i].isascii() and source[i].lower() != source[i]:
            raise ValueError(f"Write {source[i]!r} in lower case in {source!r}.")
        out.append(source[i].lower())
        i += 1
    return "".join(out)


def _alternatives(source: str) -> list[str]:
    """The top-level ``|`` branches of a pattern's source."""
    out, depth, in_class, i, start = [], 0, False, 0, 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 1
        elif in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            i += source[i + 1 : i + 2] == "^"
            i += source[i + 1 : i + 2] == "]"  # a leading "]" is a member, not the end
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    return [*out, source[start:]]


_MAX_ANCHORS: Final = 64


def _anchors(items: list, flags: int) -> tuple[str, ...] | None:  # items: re._parser nodes
    """Lower-case strings one of which every ASCII match of ``items`` contains (None: none
    found). Runs of literals, literal classes and all-literal branches multiply out
    (``in[- ]character`` needs "in character" or "in-character"); the most selective
    set wins."""
    options: list[tuple[str, ...]] = []
    run: list[str] | None = [""]

    def close() -> None:
        if run and all(run):
            options.append(tuple(run))

    for op, av in items:
        chars = _literal_set(op, av, flags)
        if op is sre.AT:
            continue
        if chars is not None and run is not None and len(run) * len(chars) <= _MAX_ANCHORS:
            run = [r + c for r in run for c in chars]
            continue
        close()
        run = [""] if chars is None else list(chars)
        if op is sre.BRANCH:
            each = [_anchors(list(b), flags) for b in av[1]]
            if all(each):
                options.append(tuple(a for e in each if e for a in e))
        elif op is sre.SUBPATTERN or (op is sre.MAX_REPEAT or op is sre.MIN_REPEAT) and av[0]:
            inner = _anchors(list(av[-1]), flags)
            if inner:
                options.append(inner)
    close()
    usable = [o for o in options if all(_usable(a, flags) for a in o)]
    return max(usable, key=lambda o: min(map(len, o))) if usable else None


def _literal_set(op: object, av: object, flags: int) -> tuple[str, ...] | None:
    """The strings a literal, a literal class or an all-literal branch can match."""
    if op is sre.LITERAL:
        return (chr(av).lower(),)  # type: ignore[arg-type]
    if op is sre.IN and all(o is sre.LITERAL for o, _ in av):  # type: ignore[attr-defined]
        return tuple(chr(a).lower() for _, a in av)  # type: ignore[attr-defined]
    if op is sre.BRANCH:
        whole: list[str] = []
        for branch in av[1]:  # type: ignore[index]
            strings: list[str] = [""]
            for o, a in branch:
                chars = _literal_set(o, a, flags)
                if chars is None or len(strings) * len(chars) > _MAX_ANCHORS:
                    return None
                strings = [s + c for s in strings for c in chars]
            whole += strings
        return tuple(whole)
    return None


@cache
def _usable(anchor: str, flags: int) -> bool:
    """False when a non-ASCII character of ``anchor`` can match an ASCII one (Kelvin sign,
    long s, dotted and dotless i under IGNORECASE): the lower-cased text would miss it."""
    return not any(not c.isascii() and any(re.fullmatch(re.escape(c), chr(x), flags)
                                           for x in range(128)) for c in anchor)


class FastSearch:
    """``pattern.search`` (or ``.match`` when ``at_start``) with a quicker path for ASCII text.

    Same answer on every ``str``, by four rules:
    - A match of ``A|B`` is a match of ``A`` or of ``B``, so each top-level branch is
      searched on its own, and only when one of its anchors occurs.
    - Anchors are strings the branch cannot match without (its literals, read from the
      parsed pattern; the tests check them against Hypothesis' ``from_regex``). Checked
      on the lower-cased text, they skip the regex for almost every prompt.
    - On ASCII text ``re.IGNORECASE`` only pairs A-Z with a-z (its other pairs, such as
      k with the Kelvin sign, need a non-ASCII character in the text), so a branch with
      its literals lower-cased and no flag, run on the lower-cased text, matches exactly
      where the original does, and faster: a case-insensitive pattern cannot skip ahead
      to its first character.
    - A branch that opens with ``\\b`` cannot skip ahead either (it was 40 times slower
      than the same branch without it), so the rest of the branch finds the candidate
      starts and the whole branch is tried only there (``match`` at a position still
      sees the character before it).
    Other text takes the original pattern.
    """

    def __init__(self, pattern: re.Pattern[str], at_start: bool = False) -> None:
        flags = pattern.flags
        self.pattern = pattern
        self.on_lower = bool(flags & re.I)
        self._find = pattern.match if at_start else pattern.search
        self.branches: list[tuple[tuple[str, ...] | None, Callable[[str], bool]]] = []
        for source in [pattern.pattern] if at_start else _alternatives(pattern.pattern):
            fast = _lower_literals(source) if self.on_lower else source
            whole = re.compile(fast, flags & ~re.I)
            if at_start:
                find = _matches(whole)
            elif fast.startswith("\\b") and len(fast) > 2:
                find = _located(re.compile(fast[2:], flags & ~re.I), whole)
            else:
                find = _searches(whole)
            self.branches.append((_anchors(list(sre.parse(source, flags)), flags), find))

    def found(self, text: str, low: str) -> bool:
        """Whether the pattern occurs in ``text``; ``low`` is ``text.lower()``."""
        if not text.isascii():
            return self._find(text) is not None
        target = low if self.on_lower else text
        has = low.__contains__
        return any((anchors is None or any(map(has, anchors))) and find(target)
                   for anchors, find in self.branches)


def _matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: pattern.match(text) is not None


def _searches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: pattern.search(text) is not None


def _located(rest: re.Pattern[str], whole: re.Pattern[str]) -> Callable[[str], bool]:
    """Search for ``whole`` by trying it only where ``rest`` (``whole`` without its
    leading ``\\b``) matches: every match of ``whole`` starts at such a place."""
    def find(text: str) -> bool:
        at = rest.search(text)
        while at is not None:
            if whole.match(text, at.start()) is not None:
                return True
            at = rest.search(text, at.start() + 1)
        return False
    return find
