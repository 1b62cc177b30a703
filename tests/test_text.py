"""Vietnamese text helpers (cms/text.py): one tone placement, folding, slugs."""

import unicodedata

import pytest

from cms.text import fold, nfc, normalize_tones, slugify


def nfd(text):
    return unicodedata.normalize("NFD", text)


# --- normalize_tones -------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "expected"), [
    ("hoà", "hòa"), ("hòa", "hòa"),
    ("hoá", "hóa"), ("hoả", "hỏa"), ("hoã", "hõa"), ("hoạ", "họa"),
    ("khoẻ", "khỏe"), ("khỏe", "khỏe"), ("xoè", "xòe"),
    ("uỷ", "ủy"), ("ủy", "ủy"), ("tuỳ", "tùy"), ("thuý", "thúy"), ("huỹ", "hũy"),
    ("thuỵ", "thụy"), ("thụy", "thụy"),
])
def test_normalize_tones_puts_the_mark_on_the_first_vowel(written, expected):
    assert normalize_tones(written) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("Hoà Bình", "Hòa Bình"),
    ("HOÀ BÌNH", "HÒA BÌNH"),
    ("Uỷ ban", "Ủy ban"),
    ("UỶ BAN", "ỦY BAN"),
    ("Thuỵ Khê", "Thụy Khê"),
    ("Tỉnh uỷ Nghệ An", "Tỉnh ủy Nghệ An"),
])
def test_normalize_tones_handles_capitals(written, expected):
    assert normalize_tones(written) == expected


@pytest.mark.parametrize("word", ["quý", "Quý", "QUÝ", "quỳ", "quỷ", "quỹ", "quỵ", "già"])
def test_normalize_tones_leaves_qu_and_gi_alone(word):
    assert normalize_tones(word) == word


@pytest.mark.parametrize("word", ["hoàn", "thuyền", "khoán", "hoặc", "ngoài", "xoáy", "Nghệ", "đảng"])
def test_normalize_tones_leaves_syllables_with_one_placement(word):
    assert normalize_tones(word) == word


def test_normalize_tones_accepts_decomposed_input_and_returns_nfc():
    result = normalize_tones(nfd("Ban Tổ chức Tỉnh uỷ Thanh Hoá"))
    assert result == "Ban Tổ chức Tỉnh ủy Thanh Hóa"
    assert unicodedata.is_normalized("NFC", result)


def test_normalize_tones_makes_both_styles_equal():
    assert normalize_tones("Tỉnh uỷ, hoà giải, thuỵ") == normalize_tones("Tỉnh ủy, hòa giải, thụy")


def test_normalize_tones_keeps_punctuation_numbers_and_document_numbers():
    text = "Quyết định số 2993-QĐ/TU (hoà giải), 12/05/2024!"
    assert normalize_tones(text) == "Quyết định số 2993-QĐ/TU (hòa giải), 12/05/2024!"


@pytest.mark.parametrize("empty", ["", None])
def test_normalize_tones_of_nothing_is_empty(empty):
    assert normalize_tones(empty) == ""


# --- fold ------------------------------------------------------------------------------------

def test_fold_drops_diacritics_and_case():
    assert fold("Tỉnh ủy Đà Nẵng") == "tinh uy da nang"


@pytest.mark.parametrize("d_like", ["Đ", "đ", "\u00d0", "\u00f0", "\u0189", "\u0256"])
def test_fold_maps_d_and_its_homoglyphs_to_d(d_like):
    assert fold(d_like + "ảng") == "dang"


@pytest.mark.parametrize(("text", "expected"), [
    ("ệ", "e"), ("Ệ", "e"), ("ậ", "a"), ("ẫ", "a"), ("ổ", "o"), ("ừ", "u"), ("ợ", "o"),
    ("Nghệ An", "nghe an"), ("Người lao động", "nguoi lao dong"),
])
def test_fold_removes_double_marks(text, expected):
    assert fold(text) == expected


def test_fold_accepts_decomposed_input():
    assert fold(nfd("Đổi mới nâng cao chất lượng")) == "doi moi nang cao chat luong"


def test_fold_makes_both_tone_styles_equal():
    assert fold("Thanh Hoá, Tỉnh uỷ") == fold("Thanh Hóa, Tỉnh ủy") == "thanh hoa, tinh uy"


def test_fold_of_nothing_is_empty():
    assert fold(None) == ""
    assert fold("") == ""


# --- slugify ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "slug"), [
    ("Đổi mới, nâng cao chất lượng", "doi-moi-nang-cao-chat-luong"),
    ("Xây dựng Đảng", "xay-dung-dang"),
    ("Ðảng bộ tỉnh", "dang-bo-tinh"),  # U+00D0, typed for Đ
    ("Quyết định 2993-QĐ/TU", "quyet-dinh-2993-qd-tu"),
    ("  --Tỉnh uỷ!!  ", "tinh-uy"),
    ("Công tác cán bộ: “đúng người, đúng việc”", "cong-tac-can-bo-dung-nguoi-dung-viec"),
])
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_slugify_is_the_same_for_nfd_and_both_tone_styles():
    assert slugify(nfd("Tỉnh uỷ Thanh Hoá")) == slugify("Tỉnh ủy Thanh Hóa") == "tinh-uy-thanh-hoa"


def test_slugify_of_punctuation_only_is_empty():
    assert slugify("!!! ... ???") == ""


def test_slugify_cuts_long_titles_at_a_word_boundary():
    title = "Nâng cao năng lực lãnh đạo và sức chiến đấu của tổ chức cơ sở đảng " * 3
    slug = slugify(title)
    assert 60 < len(slug) <= 80
    words = slug.split("-")
    assert words == slugify(title, max_length=500).split("-")[:len(words)]


def test_nfc_composes_and_keeps_none():
    assert nfc(nfd("Đảng")) == "Đảng"
    assert nfc(None) is None


def test_nfc_replaces_control_characters_xml_forbids():
    """A vertical tab (Word's soft line break) or form feed must not reach pages and feeds."""
    assert nfc("Dòng một\x0bdòng hai\x0cdòng ba\x00") == "Dòng một dòng hai dòng ba "
    assert nfc("Tab\tvà\nxuống dòng\r\n") == "Tab\tvà\nxuống dòng\r\n"
