"""search_index.analysis on its own: what a reader treats as equal, the index treats as equal."""

import pickle
import unicodedata

import pytest

from search_index.analysis import (
    MAX_TOKEN_LENGTH,
    exact_analyzer,
    exact_form,
    folded_analyzer,
    folded_form,
    has_diacritics,
    split_tokens,
)


def nfd(text):
    return unicodedata.normalize("NFD", text)


def exact_tokens(text):
    return [token.text for token in exact_analyzer()(text)]


def folded_tokens(text):
    return [token.text for token in folded_analyzer()(text)]


def details(analyzer, text):
    return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)]


# --- tone-mark placement ----------------------------------------------------------------------------
@pytest.mark.parametrize("first, second", [
    ("hòa", "hoà"), ("hóa", "hoá"), ("hỏa", "hoả"), ("hõa", "hoã"), ("họa", "hoạ"),
    ("hòe", "hoè"), ("khỏe", "khoẻ"), ("xòe", "xoè"),
    ("ủy", "uỷ"), ("thúy", "thuý"), ("thủy", "thuỷ"), ("tùy", "tuỳ"), ("lũy", "luỹ"), ("thụy", "thuỵ"),
    ("HÒA", "HOÀ"), ("Hòa", "Hoà"), ("ỦY", "UỶ"), ("Ủy", "Uỷ"), ("THÚY", "THUÝ"), ("KHỎE", "KHOẺ"),
    ("Tỉnh ủy", "Tỉnh uỷ"), ("sức khỏe", "sức khoẻ"),
])
def test_both_tone_placements_are_one_word(first, second):
    assert exact_form(first) == exact_form(second)
    assert exact_tokens(first) == exact_tokens(second)
    assert folded_form(first) == folded_form(second)


@pytest.mark.parametrize("word", ["quý", "quỳ", "quỷ", "già", "giả", "hoàn", "khoáng", "thuyền", "quyết",
                                  "huỳnh"])
def test_syllables_with_a_single_placement_are_left_alone(word):
    """qu and gi are consonants, a final consonant leaves one placement: nothing to move."""
    assert exact_form(word) == word
    assert exact_form(word.upper()) == word


def test_case_is_folded_in_both_views():
    assert exact_tokens("ĐẢNG VIÊN Kỳ Sơn") == ["đảng", "viên", "kỳ", "sơn"]
    assert folded_tokens("ĐẢNG VIÊN Kỳ Sơn") == ["dang", "vien", "ky", "son"]


def test_different_tones_stay_different_in_the_exact_view():
    forms = {exact_form(word) for word in ["đường", "dương", "đương", "đưởng"]}
    assert len(forms) == 4
    assert {folded_form(word) for word in ["đường", "dương", "đương", "đưởng"]} == {"duong"}


# --- NFC / NFD ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["Kỳ Sơn", "bảo vệ chính trị nội bộ", "Nghệ An", "Ủy ban", "hoà khí",
                                  "Quyết định 2993-QĐ/TU", "Quỳnh Lưu"])
def test_decomposed_text_gives_the_same_tokens(text):
    assert nfd(text) != text
    assert exact_tokens(nfd(text)) == exact_tokens(text)
    assert folded_tokens(nfd(text)) == folded_tokens(text)
    assert exact_form(nfd(text)) == exact_form(text)
    assert folded_form(nfd(text)) == folded_form(text)


def test_decomposed_words_are_not_split_at_their_marks():
    assert exact_tokens(nfd("Kỳ Sơn hoà")) == ["kỳ", "sơn", "hòa"]


# --- folding ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, folded", [
    ("Đảng", "dang"), ("đường", "duong"), ("ĐÀ NẴNG", "da nang"),
    ("Ðảng", "dang"), ("ðảng", "dang"), ("Ɖảng", "dang"), ("ɖảng", "dang"),  # look-alikes of Đ/đ
    ("ệ ậ ẫ ợ ừ ỷ", "e a a o u y"),  # two marks on one letter
    ("Nguyễn Thị Thuỷ", "nguyen thi thuy"),
    ("Tỉnh ủy", "tinh uy"), ("Tỉnh uỷ", "tinh uy"),
])
def test_folding_drops_every_diacritic_including_d_bar(text, folded):
    assert folded_form(text) == folded
    assert " ".join(folded_tokens(text)) == folded


def test_has_diacritics_counts_d_bar_and_not_case():
    assert has_diacritics("đang")
    assert has_diacritics("Kỳ")
    assert not has_diacritics("dang")
    assert not has_diacritics("DANG")
    assert not has_diacritics("2993")


@pytest.mark.parametrize("homoglyph", ["Ðảng", "ðảng", "Ɖảng", "ɖảng"])
def test_look_alike_d_is_the_same_letter_in_the_exact_view(homoglyph):
    assert exact_form(homoglyph) == exact_form("Đảng")


# --- words Vietnamese needs (the English stop list and length limits would drop them) ----------------
def test_short_and_english_looking_syllables_are_kept():
    assert exact_tokens("Nghệ An, ý kiến, to lớn, in ấn, may mắn, cán bộ, A") == [
        "nghệ", "an", "ý", "kiến", "to", "lớn", "in", "ấn", "may", "mắn", "cán", "bộ", "a"]


def test_overlong_tokens_are_cut():
    assert [len(token) for token in exact_tokens("x" * 500)] == [MAX_TOKEN_LENGTH]


def test_analyzers_survive_pickling():
    """Whoosh pickles the schema with its analyzers into the index."""
    for make in (exact_analyzer, folded_analyzer):
        analyzer = pickle.loads(pickle.dumps(make()))
        assert [t.text for t in analyzer("Tỉnh uỷ")] == [t.text for t in make()("Tỉnh ủy")]


# --- document numbers and codes ---------------------------------------------------------------------
def test_a_code_is_kept_whole_and_in_parts_with_positions_and_offsets():
    text = "Quyết định số 2993-QĐ/TU của Tỉnh uỷ"
    assert details(exact_analyzer(), text) == [
        ("quyết", 0, 0, 5), ("định", 1, 6, 10), ("số", 2, 11, 13),
        ("2993-qđ/tu", 3, 14, 24), ("2993", 3, 14, 18), ("qđ", 4, 19, 21), ("tu", 5, 22, 24),
        ("của", 6, 25, 28), ("tỉnh", 7, 29, 33), ("ủy", 8, 34, 36),
    ]
    for token, _, start, end in details(exact_analyzer(), text):
        assert exact_form(text[start:end]) == token  # offsets point at the original characters


def test_a_code_is_folded_whole_and_in_parts():
    assert folded_tokens("132-QĐ/TW") == ["132-qd/tw", "132", "qd", "tw"]
    assert folded_tokens("132-qd/tw") == folded_tokens("132-QĐ/TW")
    assert folded_tokens(nfd("132-QĐ/TW")) == folded_tokens("132-QĐ/TW")


@pytest.mark.parametrize("code, parts", [
    ("08/3/2018", ["08", "3", "2018"]),
    ("2020-2025", ["2020", "2025"]),
    ("08-KL/TW", ["08", "KL", "TW"]),
    ("2993-QĐ/TU", ["2993", "QĐ", "TU"]),
])
def test_split_tokens_gives_codes_with_their_parts(code, parts):
    [(token, start, end, found_parts)] = list(split_tokens(f"{code}"))
    assert (token, start, end) == (code, 0, len(code))
    assert [part for part, _, _ in found_parts] == parts
    for part, part_start, part_end in found_parts:
        assert code[part_start:part_end] == part


def test_words_around_a_code_keep_consecutive_part_positions():
    tokens = details(folded_analyzer(), "ngày 08/3/2018 của Bộ")
    positions = {text: pos for text, pos, _, _ in tokens}
    assert positions["ngay"] == 0
    assert [positions[part] for part in ("08", "3", "2018")] == [1, 2, 3]
    assert positions["cua"] == 4  # "2018 của" are neighbours, as in the text


def test_punctuation_and_trailing_separators_are_not_words():
    assert exact_tokens("«Đảng» — (viên)! 2993-QĐ/TU- ...") == [
        "đảng", "viên", "2993-qđ/tu", "2993", "qđ", "tu"]
    assert exact_tokens("!!! ??? --- /// ...") == []
