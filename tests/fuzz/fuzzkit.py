"""Shared Hypothesis settings and text strategies for the fuzz tests (imported by name).

Every test runs with fixed settings: derandomized (the same examples on every run, so a failure in
CI is a failure on a laptop), no example database (nothing is written to the tree), no deadline
(the machine is shared; timing is not what these tests check). FUZZ_SCALE multiplies every test's
example count for a longer local run: `FUZZ_SCALE=20 .venv/bin/python -m pytest -q tests/fuzz`.
"""

import os
import unicodedata

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def fuzz_settings(max_examples):
    return settings(max_examples=max_examples * SCALE, derandomize=True, database=None, deadline=None,
                    print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def nfd(text):
    return unicodedata.normalize("NFD", text)


def nfc(text):
    return unicodedata.normalize("NFC", text)


# --- text ------------------------------------------------------------------------------------------

# Any code point except surrogates (which no UTF-8 text can hold).
any_char = st.characters(exclude_categories=("Cs",))

VIETNAMESE_WORDS = [
    "Đảng", "đảng viên", "cán bộ", "chi bộ", "Tỉnh ủy", "Tỉnh uỷ", "hòa", "hoà", "khỏe", "khoẻ",
    "thụy", "thuỵ", "quý", "quỳ", "già", "Nghệ An", "Kỳ Sơn", "Quỳnh Lưu", "nghị quyết", "ý",
    "2993-QĐ/TU", "132-QĐ/TW", "08/3/2018", "2020-2025", "ĐẢNG", "Ð", "ð", "Ɖ", "ɖ", "ệ", "ậ", "ẫ",
    "người", "đường", "dương", "kết nạp", "sinh hoạt", "Huy hiệu", "năm", "tuổi",
]
SPECIAL_CHARS = [
    "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b",  # combining marks
    "\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\t", "\n", "\r", "\u0085", "\u2028",  # controls
    "\u200b", "\u200d", "\ufeff", "\u00ad", "\ufffd", "\ufffe", "\uffff", "\ue000",  # format/specials
    "\u202e", "\u202c", "\u200f", "مرحبا", "שלום", "Ελλάδα", "Привет", "漢字", "한국어",  # RTL, scripts
    "🇻🇳", "👍🏽", "🧑‍💼", "😀", "\U0001f600\ufe0f",  # emoji
    "İ", "ß", "ẞ", "ǅ", "ﬁ", "Å", "K", "Ω", "①", "²", "½", "٣", "Ⅻ",  # case/compat oddities
    '"', "'", "-", "/", ".", "_", "*", "?", ":", "(", ")", "[", "]", "\\", "<", ">", "&", "%",
    " ", "  ", "AND", "OR", "NOT",
]

fragment = st.one_of(
    st.sampled_from(VIETNAMESE_WORDS),
    st.sampled_from(SPECIAL_CHARS),
    st.text(any_char, max_size=8),
    st.text(st.characters(codec="ascii"), max_size=8),
)


@st.composite
def texts(draw, max_fragments=24):
    """Text as people and machines produce it: Vietnamese words, codes, marks, controls, emoji, RTL,
    any Unicode; sometimes decomposed (NFD) as a whole."""
    parts = draw(st.lists(fragment, max_size=max_fragments))
    joiner = draw(st.sampled_from([" ", "", "-", "/", "\n"]))
    text = joiner.join(parts)
    if draw(st.booleans()):
        text = nfd(text)
    return text


@st.composite
def long_texts(draw):
    """About 10,000 characters: a drawn piece repeated (Hypothesis draws big text slowly)."""
    piece = draw(texts(max_fragments=12).filter(bool))
    return (piece * (10_000 // len(piece) + 1))[:10_000]


# --- Vietnamese syllables with two tone placements ---------------------------------------------------

TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
# Onsets before oa/oe/uy (never q: after q the u belongs to the consonant, "quý" has one placement).
ONSETS = ["", "h", "kh", "th", "x", "t", "l", "s", "ch", "tr", "ng", "nh", "đ", "b", "c", "d", "g", "n"]


@st.composite
def two_placements(draw):
    """(first, second): one syllable ending in oa, oe or uy (no final consonant), its tone mark on
    the first vowel and on the second, in any case and in NFC or NFD."""
    onset = draw(st.sampled_from(ONSETS))
    ending = draw(st.sampled_from(["oa", "oe", "uy"]))
    tone = draw(st.sampled_from(TONES))
    first = nfc(onset + ending[0] + tone + ending[1])
    second = nfc(onset + ending[0] + ending[1] + tone)
    case = draw(st.sampled_from(["lower", "upper", "title"]))
    first, second = (getattr(word, case)() for word in (first, second))
    if draw(st.booleans()):
        first = nfd(first)
    if draw(st.booleans()):
        second = nfd(second)
    return first, second
