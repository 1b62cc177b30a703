"""The reader's path in Chromium, at desktop (1280x800) and phone (390x844) widths: home, a category,
an article with its "Tin cùng chuyên mục" and "Bài viết liên quan" lists, a related link followed,
search from the header's box with and without diacritics, marked results, pagination, and the
suggestion when nothing is found. No page scrolls sideways, no image is broken, no script fails."""

import re
from urllib.parse import parse_qs, urlsplit

from browserkit import broken_images, horizontal_overflow, words
from playwright.sync_api import expect

from cms.text import fold


def assert_page_sound(page):
    assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways at {page.viewport_size}"
    assert broken_images(page) == [], page.url
    assert page.errors == [], page.errors


def test_home_category_article_and_related_lists(reader):
    page = reader
    page.goto("/")
    expect(page).to_have_title(re.compile("Ban Tổ chức Tỉnh ủy Nghệ An"))
    expect(page.locator(".featured-main h2 a")).to_be_visible()
    assert page.locator(".section .item").count() >= 5
    assert_page_sound(page)

    # A category from the menu (on a phone the menu scrolls sideways inside itself).
    page.get_by_role("navigation", name="Chuyên mục").get_by_role("link", name="Xây dựng Đảng").click()
    page.wait_for_url("**/chuyen-muc/xay-dung-dang")
    expect(page.locator("h1")).to_contain_text(re.compile("Xây dựng Đảng", re.I))
    menu_item = page.get_by_role("navigation", name="Chuyên mục").get_by_role("link", name="Xây dựng Đảng")
    expect(menu_item).to_have_attribute("aria-current", "page")
    assert_page_sound(page)

    # The first article of the category.
    first = page.locator(".content .item-title a").first
    title = words(first.inner_text())
    first.click()
    page.wait_for_url("**/bai-viet/**")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_role("navigation", name="Đường dẫn")).to_contain_text("Xây dựng Đảng")
    assert_page_sound(page)

    same = page.locator("section.same-category")
    expect(same.get_by_role("heading", name="Tin cùng chuyên mục")).to_be_visible()
    same_titles = [words(t) for t in same.locator("li a").all_inner_texts()]
    assert same_titles and title not in same_titles

    related = page.locator("section.related")
    expect(related.get_by_role("heading", name="Bài viết liên quan")).to_be_visible()
    related_links = related.locator("li a")
    assert related_links.count() >= 1
    related_titles = [words(t) for t in related_links.all_inner_texts()]
    assert title not in related_titles

    # Follow a related link: its article opens, with lists of its own.
    target = related_links.first
    target_title = words(target.inner_text())
    target.click()
    page.wait_for_url("**/bai-viet/**")
    expect(page.locator("h1")).to_have_text(target_title)
    expect(page.locator("section.same-category li a").first).to_be_visible()
    assert_page_sound(page)

    # And one of "Tin cùng chuyên mục": an article of the same category.
    category = words(page.locator(".breadcrumb li").nth(1).inner_text())
    page.locator("section.same-category li a").first.click()
    page.wait_for_url("**/bai-viet/**")
    expect(page.locator(".breadcrumb li").nth(1)).to_have_text(category)


def _search_from_header(page, text):
    page.goto("/")
    box = page.get_by_role("search").get_by_role("searchbox")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url("**/tim-kiem?**")
    assert parse_qs(urlsplit(page.url).query)["q"] == [text]


def _total(page):
    summary = page.locator(".search-summary strong")
    expect(summary).to_be_visible()
    return int(summary.inner_text())


def _marked(page):
    return {fold(words(m)) for m in page.locator(".snippet mark").all_inner_texts()}


def test_search_with_and_without_diacritics(reader):
    page = reader
    _search_from_header(page, "cán bộ")
    with_marks = _total(page)
    assert with_marks > 10
    assert {"can", "bo"} <= _marked(page) or "can bo" in _marked(page)
    page_one = [words(t) for t in page.locator(".list .item-title a").all_inner_texts()]
    assert len(page_one) == 10
    assert_page_sound(page)

    # Pagination keeps the query and moves on to other articles.
    page.get_by_role("link", name="Trang sau »").click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator(".pagination .current")).to_contain_text("Trang 2 /")
    page_two = [words(t) for t in page.locator(".list .item-title a").all_inner_texts()]
    assert page_two and not set(page_two) & set(page_one)
    expect(page.locator("#q")).to_have_value("cán bộ")
    assert_page_sound(page)

    # Typed without diacritics: the same words are found and marked in their accented form.
    _search_from_header(page, "can bo")
    assert _total(page) >= with_marks
    marks = page.locator(".snippet mark").all_inner_texts()
    assert any(m.lower() in ("cán", "bộ", "cán bộ") for m in marks), marks
    assert_page_sound(page)

    # Opening a result reaches the article.
    result = page.locator(".list .item-title a").first
    title = words(result.inner_text())
    result.click()
    expect(page.locator("h1")).to_have_text(title)


def test_search_suggestion_and_no_results(reader):
    page = reader
    _search_from_header(page, "đảng viênn")
    suggestion = page.get_by_role("link", name="đảng viên", exact=True)
    expect(suggestion).to_be_visible()
    suggestion.click()
    page.wait_for_url(re.compile(r"q=%C4%91%E1%BA%A3ng"))
    assert _total(page) > 0
    assert "đảng" in {m.lower() for m in page.locator(".snippet mark").all_inner_texts()}

    _search_from_header(page, "xyzqwv")
    empty = page.locator(".empty-search")
    expect(empty).to_contain_text("Không tìm thấy bài viết nào phù hợp với “xyzqwv”")
    expect(empty).to_contain_text("thử gõ không dấu")
    assert page.locator(".list .item").count() == 0
    assert_page_sound(page)


def test_unknown_page_is_a_friendly_404(reader):
    response = reader.goto("/bai-viet/khong-co-bai-nay")
    assert response.status == 404
    expect(reader.locator("h1")).to_be_visible()
    expect(reader.get_by_role("search")).to_be_visible()
    assert horizontal_overflow(reader) <= 0
