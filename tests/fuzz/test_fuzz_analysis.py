"""Fuzzing the Vietnamese analyzer (search_index/analysis.py): any text gives tokens, never an error,
and the two views of a text agree with each other and with what readers treat as equal."""

import re

from fuzzkit import fuzz_settings, long_texts, nfc, nfd, texts, two_placements
from hypothesis import example, given
from hypothesis import strategies as st

from cms.text import fold
from search_index.analysis import (
    MAX_TOKEN_LENGTH,
    exact_analyzer,
    exact_form,
    folded_analyzer,
    folded_form,
    has_diacritics,
)

EXACT, FOLDED = exact_analyzer(), folded_analyzer()


def tokens(analyzer, text):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in analyzer(text, positions=True, chars=True)]


def texts_of(analyzer, text):
    return [t.text for t in analyzer(text)]


def check_tokens(text, found):
    assert all(isinstance(word, str) and word for word, *_ in found), found
    # Positions never go back; offsets point into the NFC text the tokenizer read.
    positions = [pos for _, pos, _, _ in found]
    assert positions == sorted(positions)
    length = len(nfc(text))
    assert all(0 <= start < end <= length for _, _, start, end in found), found


@fuzz_settings(400)
@given(texts())
@example("İstanbul İ")  # lower() of İ adds a combining dot: folding must still drop it
@example("\u0345\u0300")  # combining marks alone are no word
@example("Ǆ ǅ ǆ ﬁ ß ẞ")
def test_any_text_gives_tokens(text):
    for analyzer in (EXACT, FOLDED):
        check_tokens(text, tokens(analyzer, text))


@fuzz_settings(15)
@given(long_texts())
def test_ten_thousand_characters_give_tokens(text):
    assert len(text) == 10_000
    for analyzer in (EXACT, FOLDED):
        check_tokens(text, tokens(analyzer, text))


@fuzz_settings(400)
@given(texts())
@example("İ")
@example("Ǆ")
def test_folding_is_idempotent(text):
    once = fold(text)
    assert fold(once) == once
    assert folded_form(folded_form(text)) == folded_form(text)
    assert exact_form(exact_form(text)) == exact_form(text)


@fuzz_settings(300)
@given(texts())
@example("İ ǅ")
def test_exact_and_folded_views_agree_token_by_token(text):
    """One tokenizer, two filters: same count, same positions and offsets; each folded token is the
    fold of its exact token."""
    exact, folded = tokens(EXACT, text), tokens(FOLDED, text)
    assert len(exact) == len(folded)
    assert [t[1:] for t in exact] == [t[1:] for t in folded]
    assert [folded_form(word) for word, *_ in exact] == [word for word, *_ in folded]
    assert not any(has_diacritics(word) for word, *_ in folded)


@fuzz_settings(300)
@given(texts())
def test_nfc_and_nfd_give_the_same_tokens(text):
    for analyzer in (EXACT, FOLDED):
        assert texts_of(analyzer, nfd(text)) == texts_of(analyzer, nfc(text))


@fuzz_settings(200)
@given(two_placements(), st.sampled_from(["{}", "Tỉnh {} Nghệ An", "{}, {}", "2993-QĐ/{}", "\n{}\t"]))
@example(("hòa", "hoà"), "{}")
@example(("Ủy", "Uỷ"), "Tỉnh {} Nghệ An")
def test_both_tone_placements_give_the_same_tokens(pair, template):
    first, second = pair
    for analyzer in (EXACT, FOLDED):
        assert texts_of(analyzer, template.format(first, first)) == texts_of(
            analyzer, template.format(second, second))
    assert exact_form(first) == exact_form(second)
    assert folded_form(first) == folded_form(second)


@fuzz_settings(200)
@given(texts())
def test_folded_tokens_are_lower_case_without_marks(text):
    for word in texts_of(FOLDED, text):
        assert fold(word) == word
        assert not re.search(r"[\u0300-\u036f]", nfd(word)), word
        assert "đ" not in word and "Đ" not in word


def test_overlong_tokens_are_cut():
    word = "x" * (MAX_TOKEN_LENGTH * 3)
    assert [len(w) for w in texts_of(EXACT, word)] == [MAX_TOKEN_LENGTH]
