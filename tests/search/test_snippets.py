"""Snippets read as a quotation: from the start of a sentence (or a clause of a long one), within
one block (a heading never runs into the paragraph after it, table cells stay apart), around the
stretch with most of the typed words, the words marked however they were typed."""

from cms.markup import html_to_text, render_markdown
from search_index.snippets import make_snippet

BODY = render_markdown(
    "## Kết quả nổi bật\n\n"
    "Trong năm 2024, toàn tỉnh kết nạp 3.500 đảng viên mới. Các chi bộ cơ sở chú trọng tạo nguồn từ "
    "đoàn viên thanh niên, nhất là ở vùng đồng bào dân tộc thiểu số, nơi việc đi lại còn khó khăn, "
    "trình độ học vấn chưa đồng đều và tập quán sinh hoạt khác nhau giữa các bản. Ban Tổ chức Tỉnh ủy "
    "hướng dẫn cụ thể từng bước.\n\n"
    "| Huyện | Đảng viên mới |\n|---|---|\n| Kỳ Sơn | 120 |\n| Tương Dương | 98 |\n")
TEXT = html_to_text(BODY)


def plain(snippet):
    return snippet.replace("<mark>", "").replace("</mark>", "")


def test_a_snippet_starts_where_the_sentence_holding_the_words_starts():
    snippet = make_snippet(TEXT, ["ban", "to", "chuc"])
    assert plain(snippet).startswith("Ban Tổ chức Tỉnh ủy hướng dẫn")
    assert "<mark>Ban</mark> <mark>Tổ</mark> <mark>chức</mark>" in snippet


def test_in_a_long_sentence_it_starts_at_a_clause_or_says_it_was_cut():
    snippet = plain(make_snippet(TEXT, ["tập", "quán"]))
    assert snippet.startswith("… ") or snippet.startswith("trình độ")
    assert "tập quán sinh hoạt" in snippet


def test_a_heading_is_set_apart_from_the_text_after_it():
    snippet = plain(make_snippet(TEXT, ["ket", "qua"]))
    assert snippet.startswith("Kết quả nổi bật — Trong năm 2024")


def test_table_cells_do_not_run_together():
    assert "Kỳ Sơn · 120" in TEXT
    snippet = plain(make_snippet(TEXT, ["Tương", "Dương"]))
    assert "Tương Dương · 98" in snippet and "Kỳ Sơn 120" not in snippet


def test_the_passage_with_most_of_the_words_is_chosen():
    text = ("Chi bộ họp định kỳ. " * 20 + "Đảng ủy xã Nghi Phong tổ chức hội nghị đảng viên. "
            + "Chi bộ họp định kỳ. " * 20)
    snippet = make_snippet(text, ["nghi", "phong", "hội", "nghị"])
    assert plain(snippet).startswith("Đảng ủy xã Nghi Phong tổ chức hội nghị")


def test_no_typed_word_in_the_text_gives_the_opening_line():
    assert make_snippet(TEXT, ["xyzq"]) == "Kết quả nổi bật …"
    assert "&lt;b&gt;" in make_snippet("<b>Thông báo</b> về lịch họp", ["xyzq"])
