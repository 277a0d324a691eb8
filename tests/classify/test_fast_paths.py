"""The classifier's fast paths give exactly what the plain computations give.

The shipped model was trained on features from one ``tokenizer.encode`` per prompt, one
``pattern.search`` per signal, per-prompt numpy hashing and py3langid as it comes; the
cached, batched and gated paths must not move a single bit, or the model is stale.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokencensus.classify import embeddings, fastsearch, features, language, signals
from tokencensus.classify.builtin import _SUBTAGS, BuiltinClassifier, subtag_for
from tokencensus.classify.evaluation import benchmark_texts

HELDOUT = Path(__file__).parent / "data" / "heldout.jsonl"
_PIECES = ["hello world ", "Translate into French: ", "你好世界", "привет мир ", "สวัสดี",
           "def f(x): return x\n", "```", "{{char}}", "[CLS]", "[MASK]", "\ud800", "\u202e",
           "\x00", "\x0b", "\x1c", "\xa0", "\u3000", "🙂", "İ" * 3, "ı", "ſ", "K", "Σ", "ΑΣ ",
           "e\u0301", "ﬁ", "Straße", " \t\r\n", "Traceback (most recent call last):\n",
           "  File \"a.py\", line 3\n", "ValueError: x\n", "SEO keyword research ",
           "in character ", "write me a story ", "http://x.y ", "a@b.c ", "<b>", "`x` "]
_texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(_PIECES), max_size=60).map("".join),
    st.binary(max_size=600).map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=600),
)
_settings = settings(max_examples=200, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


def _corpus() -> list[str]:
    rows = [json.loads(line)["text"] for line in HELDOUT.read_text("utf-8").splitlines()]
    return rows + benchmark_texts(100) + ["".join(_PIECES), "", " ", "x" * 6000]


# Embeddings: the chunk cache against one tokenizer call per prompt.


def _reference_embedding(text: str) -> np.ndarray:
    _, table = embeddings.load_embeddings()
    ids = embeddings.reference_token_ids(text)
    if not ids:
        return np.zeros(embeddings.EMBEDDING_DIMS, np.float32)
    v = table[ids].sum(axis=0)
    norm = float(np.sqrt(np.dot(v, v)))
    return v / norm if norm > 0 else v


@_settings
@given(_texts)
def test_cached_token_ids_equal_one_tokenizer_call(text: str) -> None:
    assert embeddings.token_ids(text) == embeddings.reference_token_ids(text)
    assert embeddings.token_ids(text) == embeddings.reference_token_ids(text)  # cache hit


def test_batched_embeddings_are_bit_identical() -> None:
    texts = [features.clip(t) for t in _corpus()]
    for text, got in zip(texts, embeddings.embed_batch(texts), strict=True):
        assert np.array_equal(got, _reference_embedding(text))


# Hashed features: the batch against an independent, plain-Python reading of the rules.

_M = 0x100000001B3
_WRAP = (1 << 64) - 1


def _mix(h: int) -> int:
    h = (h * 0x9E3779B97F4A7C15) & _WRAP
    return (h ^ (h >> 29)) & (features.N_HASHED - 1)


def _is_word(c: int) -> bool:
    return bool(features._WORD_TABLE[min(c, 0xFFFF)])  # past the BMP: a word char


def _poly(cps: list[int]) -> int:
    h = 0
    for c in cps:
        h = (h * _M + c) & _WRAP
    return h


def _word_hash(cps: list[int]) -> int:
    return sum(c * pow(_M, k, 1 << 64) for k, c in enumerate(cps)) & _WRAP  # first char: M^0


def _reference_hashes(text: str) -> tuple[list[int], list[int]]:
    """Raw salted hashes of ``text``'s char 2-4-grams and of its word uni/bigrams."""
    cp = list(np.frombuffer(features._codepoints(features.clip(text)), "<u4").tolist())
    chars = []
    for n in (2, 3, 4):
        salt = (n * 0x9E3779B97F4A7C15) & _WRAP
        chars += [(_poly(cp[i : i + n]) + salt) & _WRAP for i in range(len(cp) - n + 1)]
    out: list[int] = []
    words, run = [], []
    for c in [*cp, 32]:
        if _is_word(c):
            run.append(c)
            continue
        if run and len(run) <= 30:
            words.append(_word_hash(run))
        run = []
    out += [(w + 0x51ED27) & _WRAP for w in words]
    out += [(a * _M + b + 0xB16A) & _WRAP for a, b in itertools.pairwise(words)]
    return chars, out


def _reference_sparse(text: str) -> dict[int, float]:
    """Hashed, signal and topic columns before normalising, per the module's rules."""
    chars, words = _reference_hashes(text)
    raw = chars + words
    found: dict[int, float] = Counter()
    for kind, weight in ((chars, features.CHAR_WEIGHT), (words, features.WORD_WEIGHT)):
        for c, n in Counter(map(_mix, kind)).items():
            found[c] += weight * (1.0 + float(np.log(np.float32(n))))
    fired = signals.scan(text).fired
    for k, name in enumerate(signals.SIGNAL_NAMES):
        if name in fired:
            found[features.N_HASHED + k] = 1.0
    keys = dict(zip(features._TOPIC_KEYS.tolist(), features._TOPIC_OF.tolist(), strict=True))
    topics = Counter(keys[h] for h in raw if h in keys)
    for t, n in topics.items():
        found[features.N_HASHED + len(signals.SIGNAL_NAMES) + t] = 1.0 + float(np.log(n))
    return found


def _check_against_reference(text: str, cols: np.ndarray, vals: np.ndarray) -> None:
    sparse = _reference_sparse(text)
    norm = float(np.sqrt(sum(v * v for v in sparse.values()))) or 1.0
    dense = _reference_embedding(features.clip(text))
    want = {c: v / norm for c, v in sparse.items()}
    want.update({features.N_SPARSE + i: float(dense[i]) for i in np.flatnonzero(dense)})
    assert cols.tolist() == sorted(want)
    assert np.allclose(vals, [want[c] for c in sorted(want)], rtol=1e-5, atol=1e-6)


@_settings
@given(_texts)
def test_features_follow_the_rules(text: str) -> None:
    cols, vals = features.featurize(text)
    _check_against_reference(text, cols, vals)


def test_a_batch_gives_each_prompt_its_own_features() -> None:
    texts = _corpus()
    batch = features.featurize_batch(texts)
    for text, (cols, vals) in zip(texts, batch, strict=True):
        alone_cols, alone_vals = features.featurize(text)
        assert np.array_equal(cols, alone_cols) and cols.dtype == np.int64
        assert np.array_equal(vals, alone_vals) and vals.dtype == np.float32
    for text, (cols, vals) in list(zip(texts, batch, strict=True))[::25]:
        _check_against_reference(text, cols, vals)


def test_a_column_both_kinds_hit_adds_their_weights() -> None:
    # Raw hashes 7 (char, twice; then word once), 9 (word) for prompt 0; 7 (word) for prompt 1.
    raw = np.array([7, 7, 7, 9, 7], np.uint64)
    owner = np.array([0, 0, 0, 0, 1])
    keys, weights = features._hashed_weights(raw, owner, 2, 2)
    seven, nine = (int(features._finish(np.array([h], np.uint64))[0]) for h in (7, 9))
    n = features.N_HASHED
    got = dict(zip(keys.tolist(), weights.tolist(), strict=True))
    assert len(got) == 3 and got[n + seven] == pytest.approx(features.WORD_WEIGHT)
    assert got[seven] == pytest.approx(features.CHAR_WEIGHT * (1 + np.log(2))
                                       + features.WORD_WEIGHT)
    assert got[nine] == pytest.approx(features.WORD_WEIGHT)
    empty = features._hashed_weights(np.zeros(0, np.uint64), np.zeros(0, np.int64), 0, 1)
    assert len(empty[0]) == len(empty[1]) == 0


# Signals: FastSearch against plain ``pattern.search`` / ``.match``.


def _plain_fired(text: str) -> frozenset[str]:
    window = signals._window(text)
    low = window.lower()
    fired = set()
    padded = " " + low  # needles may ask for a word start (see signals._MORE_CUES)
    for name, (needles, pattern) in [*signals._SIGNALS.items(), *signals._MORE_CUES.items()]:
        if not any(n in padded for n in needles):
            continue
        find = pattern.match if name == "persona_you_are" else pattern.search if pattern else None
        if find is None or find(window):
            fired.add(name)
    return frozenset(fired)


@_settings
@given(_texts)
def test_signals_equal_plain_regex_search(text: str) -> None:
    assert signals.scan(text).fired == _plain_fired(text)
    window = signals._window(text)
    assert signals._CARD.found(window, window.lower()) == bool(signals._CARD.pattern.search(window))
    for category, rules in _SUBTAGS.items():
        plain = next((tag for p, tag in rules if p.search(text[:4000])), None)
        assert plain in (None, subtag_for(category, text))


_ALL_SEARCHES = [*signals._SEARCHES.values(), *signals._MORE_SEARCHES.values(), signals._CARD,
                 *(fastsearch.FastSearch(p) for rules in _SUBTAGS.values() for p, _ in rules)]
_BRANCHES = [(search, k, source) for search in _ALL_SEARCHES for k, source in enumerate(
    [search.pattern.pattern] if len(search.branches) == 1
    else fastsearch._alternatives(search.pattern.pattern))]


@pytest.mark.parametrize(("search", "k", "source"), _BRANCHES, ids=lambda v: str(v)[:25])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_ascii_match_contains_an_anchor(search: fastsearch.FastSearch, k: int, source: str,
                                              data: st.DataObject) -> None:
    anchors, find = search.branches[k]
    pattern = re.compile(source, search.pattern.flags)
    if anchors is not None and not any(a.isascii() for a in anchors):
        # The branch is never tried on ASCII text: it must need a non-ASCII character.
        assert not data.draw(st.from_regex(pattern)).isascii()
        return
    ascii_only = st.characters(max_codepoint=127)  # fullmatch: also a match at the start
    text = data.draw(st.from_regex(pattern, fullmatch=True, alphabet=ascii_only))
    low = text.lower()
    assert anchors is None or any(a in low for a in anchors)
    assert find(low if search.on_lower else text)


def test_branches_split_at_top_level_bars_only() -> None:
    assert fastsearch._alternatives(r"a(?:b|c)|[|x]|\||d") == ["a(?:b|c)", "[|x]", r"\|", "d"]


# Language: cached automaton walks and widened float16 rows against py3langid itself.


@lru_cache(maxsize=2)
def _plain_identifier(restricted: bool):  # -> py3langid's own LanguageIdentifier
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    plain = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restricted:
        plain.set_languages(list(language.COMMON))
    return plain


@_settings
@given(_texts)
def test_langid_scores_are_bit_identical(text: str) -> None:
    for restricted in (False, True):
        fast, plain = language._identifier(restricted), _plain_identifier(restricted)
        assert np.array_equal(fast._decide(text[:240]), plain._decide(text[:240]))


def test_letter_table_is_the_letter_rule() -> None:
    cp = np.arange(0x110000, dtype=np.uint32)
    classes = language._CLASS[np.minimum(cp, language._LAST)] * (cp < language._BEYOND)
    letters = language._is_letter(cp)
    assert np.array_equal(classes > 0, letters)
    for i, (first, last, _) in enumerate(language._SCRIPTS):
        assert np.array_equal(classes == 2 + i, letters & (cp >= first) & (cp <= last))


# The classifier as a whole: a batch labels each prompt as it would alone.


def test_batch_labels_equal_single_labels() -> None:
    clf = BuiltinClassifier()
    texts = _corpus()
    assert clf.classify(texts) == [clf.classify([t])[0] for t in texts]
