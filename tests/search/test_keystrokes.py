"""A query typed with the Vietnamese input method off, in Telex or VNI keystrokes, is read back as
Vietnamese: the page offers "Có phải bạn muốn tìm: cán bộ", and that reading finds what it finds."""

import pytest

from search_index.keystrokes import from_keystrokes, read_keystrokes


@pytest.mark.parametrize(("typed", "meant"), [
    ("cans", "cán"), ("booj", "bộ"), ("ddangr", "đảng"), ("vieetj", "việt"), ("nguwowif", "người"),
    ("quyeets", "quyết"), ("giaos", "giáo"), ("hoaf", "hòa"), ("tuwf", "từ"), ("chuwcs", "chức"),
    ("Thuowngf", "Thường"), ("tinhr", "tỉnh"), ("uyr", "ủy"),  # Telex
    ("ca1n", "cán"), ("bo65", "bộ"), ("d9a3ng", "đảng"), ("vie65t", "việt"), ("ngu7o72i", "người"),
    ("quye61t", "quyết"), ("hoa2", "hòa"), ("tu72", "từ"),  # VNI
])
def test_telex_and_vni_words_read_as_vietnamese(typed, meant):
    assert from_keystrokes(typed) == meant


@pytest.mark.parametrize("typed", ["dang", "can", "bo", "2993", "hello", "đảng", "QĐ", "2993-QĐ/TU",
                                   "a1b2c3"])
def test_plain_words_numbers_and_codes_are_left_alone(typed):
    assert from_keystrokes(typed) is None


def test_a_query_is_read_only_when_one_of_its_words_changes():
    assert read_keystrokes(["cans", "booj", "xã"]) == ["cán", "bộ", "xã"]
    assert read_keystrokes(["can", "bo"]) is None


@pytest.mark.parametrize(("typed", "meant"), [
    ("cans booj", "cán bộ"), ("ca1n bo65", "cán bộ"), ("ddangr vieen", "đảng viên"),
    ("khuyeenhs", "khuyếnh"),
])
def test_the_search_page_offers_the_vietnamese_reading(demo, typed, meant):
    found = demo.page(typed)
    if meant == "khuyếnh":  # not a word of the corpus: nothing invented
        assert found.suggestion != meant
        return
    assert found.suggestion == meant
    reading = demo.page(found.suggestion)
    assert reading.total and not reading.partial
    assert reading.ids[:5] == demo.page(meant).ids[:5]
    page = demo.get("/tim-kiem", query_string={"q": typed}).get_data(as_text=True)
    assert "Có phải bạn muốn tìm:" in page and f"<strong>{meant}</strong>" in page
