"""Fuzzing slug generation (cms/text.py slugify, and the fallbacks of the models that use it)."""

import re

from fuzzkit import fuzz_settings, long_texts, nfc, nfd, texts, two_placements
from hypothesis import example, given
from hypothesis import strategies as st
from searchkit import connected

from cms.models import Article, unique_slug
from cms.text import slugify

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_slug(slug, max_length=80):
    assert slug == "" or SLUG_RE.fullmatch(slug), slug  # ASCII, no leading/trailing/double dash
    assert len(slug) <= max_length


@fuzz_settings(500)
@given(texts(), st.sampled_from([80, 100, 10, 1]))
@example("Đổi mới, nâng cao chất lượng", 80)
@example("İstanbul ǅ ﬁ ß ẞ ① ² Ⅻ", 80)
@example("a" * 79 + "-bc", 80)
@example("a-" * 60, 80)
@example("--Đ--", 1)
def test_slugs_are_ascii_words_joined_by_single_dashes(text, max_length):
    slug = slugify(text, max_length=max_length)
    check_slug(slug, max_length)
    assert slugify(slug, max_length=max_length) == slug  # idempotent


@fuzz_settings(15)
@given(long_texts())
def test_long_text_gives_a_bounded_slug(text):
    check_slug(slugify(text))


@fuzz_settings(400)
@given(texts())
@example("hoà thuỵ Tỉnh uỷ")
def test_equivalent_forms_give_the_same_slug(text):
    """NFC and NFD, upper and lower case, tone on either vowel: the same slug."""
    assert slugify(nfd(text)) == slugify(nfc(text)) == slugify(text)
    assert slugify(text.lower()) == slugify(text)


@fuzz_settings(150)
@given(two_placements())
def test_both_tone_placements_give_the_same_slug(pair):
    first, second = pair
    assert slugify(f"Tỉnh {first} họp") == slugify(f"Tỉnh {second} họp")


@fuzz_settings(100)
@given(st.text(st.sampled_from("漢字한국어🇻🇳 \u0300-_/.!?…“”«»"), max_size=20))
@example("")
@example("漢字")
@example("---")
def test_text_without_latin_letters_gets_the_defined_fallback(site, text):
    """slugify gives "" for such text; the models fall back to a fixed slug, never an empty one."""
    assert slugify(text) == ""
    site._bind()
    with site.app.app_context(), connected():
        assert unique_slug(Article, text).startswith("bai-viet")
