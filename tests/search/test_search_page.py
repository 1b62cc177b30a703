"""/tim-kiem as a reader sees it, and /api/search as README.md ("Public URLs") gives it.

These tests only read, so the module arranges one site (searchkit.Site) for all of them. Each group
of articles uses words of its own, so the groups do not show up in each other's results.
"""

import re
from datetime import datetime

import pytest
from htmlpage import parse
from searchkit import Site, result_slugs

from search_index.analysis import folded_form


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("search-page"))
    with site.arranging():
        site.article(
            "Kết nạp đảng viên ở vùng biên", slug="ket-nap-vung-bien",
            category=site.category("Phát triển đảng viên"),
            published_at=datetime(2025, 3, 4, 1, 15),  # 08:15 on 4 March 2025 in Vietnam
            lead="Năm nay, huyện Kỳ Sơn kết nạp nhiều đảng viên mới là người dân tộc thiểu số.",
            body="Các chi bộ bản đã **bồi dưỡng** quần chúng ưu tú theo Quyết định số 2993-QĐ/TU.\n\n"
                 "Nhiều cơ sở đảng có số liệu tốt.")
        # 25 articles on "truyền thống", a day apart, and an old one that says it most.
        news = site.category("Tin hoạt động")
        for n in range(25):
            site.article(f"Tin số {n}", slug=f"tin-{n:02d}", category=news,
                         published_at=datetime(2025, 1, 1 + n, 2, 0),
                         body=f"Giữ gìn truyền thống của quê hương, bài {n}.")
        site.article("Truyền thống quê hương", slug="tin-cu", category=news,
                     published_at=datetime(2020, 1, 1), body="Truyền thống, truyền thống và truyền thống.")
        # A category tree.
        parent = site.category("Xây dựng Đảng")
        child = site.category("Chi bộ thôn", parent=parent)
        site.article("Bài ở mục con", slug="muc-con", category=child, body="Sinh hoạt chi bộ.")
        site.article("Bài ở mục cha", slug="muc-cha", category=parent, body="Sinh hoạt chi bộ.")
        site.article("Bài ở mục khác", slug="muc-khac", category=news, body="Sinh hoạt chi bộ.")
        # Either side of a new year, in UTC and in Vietnam.
        site.article("Đêm giao thừa", slug="giao-thua", body="Chúc mừng năm mới.",
                     published_at=datetime(2024, 12, 31, 18, 0))  # 01:00 on 1 January 2025 in Vietnam
        site.article("Giữa năm", slug="giua-nam", body="Chúc mừng năm mới.",
                     published_at=datetime(2024, 6, 1, 3, 0))
        # Hostile text in every field a snippet or a result line is made of.
        site.article('Tiêu đề <b onmouseover="alert(1)">cán bộ</b>', slug="doc-hai",
                     lead='Sapo <script>alert("sapo")</script> cán bộ & <img src=x onerror=alert(2)>',
                     body='Thân bài `<script>alert("code")</script>` cán bộ '
                          '&lt;iframe src=javascript:alert(3)&gt;')
    return site


def page_of(site, url, **options):
    response = site.get(url, **options)
    assert response.status_code == 200, url
    page = parse(response.get_data(as_text=True))
    page.html = response.get_data(as_text=True)
    return page


def search_page(site, q, **params):
    return page_of(site, "/tim-kiem", query_string={"q": q, **params})


def items(page):
    listing = page.find("div", cls="list")
    return listing.find_all("article", cls="item") if listing else []


def item_slugs(page):
    return [item.find("h2", cls="item-title").article_slugs()[0] for item in items(page)]


def selected(page, select_id):
    options = page.find("select", id=select_id).find_all("option")
    return [option.attrs["value"] for option in options if "selected" in option.attrs]


def snippets_html(html):
    return re.findall(r'<p class="item-lead snippet">(.*?)</p>', html, flags=re.S)


def test_a_result_shows_title_category_date_snippet_and_total(site):
    page = search_page(site, "dang vien")
    assert "Tìm kiếm: dang vien" in page.find("title").text
    assert page.find("p", cls="search-summary").text == "Tìm thấy 1 bài viết."
    [item] = items(page)
    title = item.find("h2", cls="item-title")
    assert title.text == "Kết nạp đảng viên ở vùng biên"
    assert title.links() == ["/bai-viet/ket-nap-vung-bien"]
    meta = item.find("p", cls="item-meta")
    assert meta.find("a").text == "Phát triển đảng viên"
    assert meta.links() == ["/chuyen-muc/phat-trien-dang-vien"]
    assert meta.times() == ["04/03/2025"]
    assert meta.find("time").attrs["datetime"] == "2025-03-04T08:15:00+07:00"
    [snippet] = snippets_html(page.html)
    assert "<mark>đảng</mark> <mark>viên</mark>" in snippet  # matched through folding, marked as written


MARKED = [
    ("ky son", "<mark>Kỳ</mark> <mark>Sơn</mark>"),
    ("KỲ SƠN", "<mark>Kỳ</mark> <mark>Sơn</mark>"),
    ("Ky\u0300 So\u031bn", "<mark>Kỳ</mark> <mark>Sơn</mark>"),  # typed decomposed (NFD)
    ("2993-qd/tu", "<mark>2993-QĐ/TU</mark>"),
    ("2993", "<mark>2993</mark>"),
    ('"dân tộc thiểu số"', "<mark>dân</mark> <mark>tộc</mark> <mark>thiểu</mark> <mark>số</mark>"),
    ("boi duong", "<mark>bồi</mark> <mark>dưỡng</mark>"),  # the body's Markdown (**bồi dưỡng**) as text
]


def test_the_snippet_marks_the_words_however_they_were_typed(site):
    for typed, marked in MARKED:
        [snippet] = snippets_html(search_page(site, typed).html)
        assert marked in snippet, (typed, snippet)


def test_a_word_typed_with_diacritics_is_marked_where_it_stands_as_typed(site):
    [snippet] = snippets_html(search_page(site, "cơ sở").html)
    assert "<mark>cơ</mark> <mark>sở</mark>" in snippet
    assert "<mark>có</mark>" not in snippet and "<mark>số</mark>" not in snippet


def test_the_api_gives_the_designed_shape(site):
    data = site.api("Kỳ Sơn")
    assert data["query"] == "Kỳ Sơn"
    assert (data["total"], data["page"], data["per_page"]) == (1, 1, 10)
    [result] = data["results"]
    assert set(result) == {"title", "url", "category", "published_at", "snippet"}
    assert result["title"] == "Kết nạp đảng viên ở vùng biên"
    assert result["url"] == "/bai-viet/ket-nap-vung-bien"
    assert result["category"] == "Phát triển đảng viên"
    assert result["published_at"] == "2025-03-04T08:15:00+07:00"
    assert "<mark>Kỳ</mark> <mark>Sơn</mark>" in result["snippet"]
    assert site.api("truyền thống", per_page=3)["per_page"] == 3
    assert len(site.api("truyền thống", per_page=3)["results"]) == 3


def test_snippets_and_echoed_queries_escape_hostile_text(site):
    page = search_page(site, "cán bộ")
    assert item_slugs(page) == ["doc-hai"]
    [snippet] = snippets_html(page.html)
    without_marks = re.sub(r"</?mark>", "", snippet)
    assert "<" not in without_marks and ">" not in without_marks
    assert "&lt;script&gt;" in snippet
    assert "<script>alert" not in page.html and "<img src=x" not in page.html
    assert "<b onmouseover" not in page.html
    [result] = site.api("cán bộ")["results"]
    assert "<" not in re.sub(r"</?mark>", "", result["snippet"])
    echoed = site.get("/tim-kiem", query_string={"q": '"><script>alert(1)</script>'}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in echoed


def test_results_are_paged_ten_at_a_time(site):
    seen = []
    for number in (1, 2, 3):
        page = search_page(site, "truyền thống", page=number)
        assert page.find("p", cls="search-summary").text == "Tìm thấy 26 bài viết."
        nav = page.find("nav", cls="pagination")
        assert nav.find("span", cls="current").text == f"Trang {number} / 3"
        next_link, prev_link = nav.find("a", rel="next"), nav.find("a", rel="prev")
        assert (next_link is None) == (number == 3) and (prev_link is None) == (number == 1)
        if next_link:
            assert f"page={number + 1}" in next_link.attrs["href"] and "q=" in next_link.attrs["href"]
        seen += item_slugs(page)
    assert len(seen) == 26
    assert set(seen) == {f"tin-{n:02d}" for n in range(25)} | {"tin-cu"}


def test_sort_by_date_gives_the_newest_first(site):
    assert result_slugs(site.api("truyền thống"))[0] == "tin-cu"  # says it most, but is the oldest
    by_date = result_slugs(site.api("truyền thống", sort="date", per_page=50))
    assert by_date == [f"tin-{n:02d}" for n in reversed(range(25))] + ["tin-cu"]
    page = search_page(site, "truyền thống", sort="date")
    assert item_slugs(page)[:2] == ["tin-24", "tin-23"]
    assert selected(page, "sort") == ["date"]


def test_category_filter_includes_subcategories(site):
    def filtered(slug):
        return set(result_slugs(site.api("sinh hoạt", **{"chuyen-muc": slug})))
    assert filtered("") == {"muc-con", "muc-cha", "muc-khac"}
    assert filtered("xay-dung-dang") == {"muc-con", "muc-cha"}  # the parent finds its child's article
    assert filtered("chi-bo-thon") == {"muc-con"}
    assert filtered("tin-hoat-dong") == {"muc-khac"}
    page = search_page(site, "sinh hoạt", **{"chuyen-muc": "chi-bo-thon"})
    assert item_slugs(page) == ["muc-con"]
    assert selected(page, "chuyen-muc") == ["chi-bo-thon"]


def test_year_filter_uses_the_vietnamese_calendar_year(site):
    assert result_slugs(site.api("chúc mừng", nam=2025)) == ["giao-thua"]
    assert result_slugs(site.api("chúc mừng", nam=2024)) == ["giua-nam"]
    assert site.api("chúc mừng", nam=2023)["results"] == []
    page = search_page(site, "chúc mừng", nam=2025)
    assert item_slugs(page) == ["giao-thua"] and items(page)[0].times() == ["01/01/2025"]
    assert selected(page, "nam") == ["2025"]


def test_a_year_without_articles_counts_none(site):
    assert site.api("chúc mừng", nam=2023)["total"] == 0
    assert site.api("truyền thống", nam=2019)["total"] == 0
    page = search_page(site, "chúc mừng", nam=2023)
    assert "Không tìm thấy bài viết nào" in page.text


def test_no_results_says_so_kindly(site):
    page = search_page(site, "xyzzy")
    empty = page.find("div", cls="empty-search")
    assert "Không tìm thấy bài viết nào phù hợp với “xyzzy”" in empty.text
    assert "Có phải bạn muốn tìm" not in empty.text
    assert not items(page)


@pytest.mark.parametrize("typed, meant", [
    ("truyenf", "truyền"),  # typed with Telex while the Vietnamese keyboard was off
    ("thoongs", "thống"),
    ("muwngf", "mừng"),
    ("truyeen", "truyền"),
])
def test_a_misspelt_word_gets_a_suggestion_that_finds_something(site, typed, meant):
    page = search_page(site, typed)
    empty = page.find("div", cls="empty-search")
    assert "Không tìm thấy bài viết nào" in empty.text
    assert f"Có phải bạn muốn tìm: {meant}" in empty.text
    [link] = empty.links()
    assert items(page_of(site, link))  # the suggestion itself finds articles


def test_a_typo_beside_a_real_word_gets_a_suggestion(demo):
    response = demo.get("/tim-kiem?q=dang+vein")
    page = parse(response.get_data(as_text=True))
    assert "gần đúng" in page.find("p", cls="search-summary").text
    assert "Có phải bạn muốn tìm: đảng viên" in page.text


def test_search_suggests_for_a_typo_beside_a_real_word(demo):
    """What the page above should show is computed: the closest matches, and a suggestion."""
    found = demo.page("dang vein")
    assert found.partial and found.total
    assert found.suggestion == "đảng viên"
    assert demo.page(found.suggestion).total and not demo.page(found.suggestion).partial


@pytest.mark.parametrize("corpus, typed, meant", [
    ("demo", "ky sonn", "kỳ sơn"), ("demo", "quynh luuu", "quỳnh lưu"),
    ("site", "bienn", "biên"),  # suggests "viên"
    ("site", "tocj", "tộc"),  # suggests "tốt"
    ("site", "sonw", "sơn"),  # suggests "động"
])
def test_the_suggestion_is_the_closest_word(request, corpus, typed, meant):
    search = request.getfixturevalue(corpus).service.public.search
    # The closest word is the point; which accented form of it is offered is the commonest one.
    assert folded_form(search(typed).suggestion) == folded_form(meant)


def test_an_empty_query_shows_the_search_help(site):
    for url in ("/tim-kiem", "/tim-kiem?q=", "/tim-kiem?q=+++"):
        page = page_of(site, url)
        assert "Nhập từ khóa để tìm" in page.text
        assert not items(page) and not page.find("div", cls="empty-search")


def test_a_suggestion_costs_a_bounded_number_of_searches_whatever_is_typed(demo, monkeypatch):
    """Sixteen single letters once cost about 800 phrase searches (1.4 s) on the demo site."""
    from whoosh.searching import Searcher

    from search_index.public import SUGGEST_BUDGET
    calls = []
    original = Searcher.search
    monkeypatch.setattr(Searcher, "search", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    letters = "b c d f g h j k l m n p q r s t"
    page = demo.page(letters)
    assert page.total == 0 and page.suggestion == ""
    calls.clear()
    found = demo.page("dang vein bienn tocj sonw muwngf")  # six words, four to correct
    assert len(calls) <= 2 * 2 + SUGGEST_BUDGET.phrase_checks + 1  # two passes, the checks, the proof
    assert found.total
    response = demo.get("/tim-kiem?q=" + "+".join(letters.split() * 2))
    assert response.status_code == 200 and "Không tìm thấy" in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", [
    "t s r q p n m l k j h g f d c b",  # the letters reordered: nothing kept answers it
    ("cán bộ đảng viên chi bộ tổ chức cơ sở công tác huyện xã tỉnh kết nạp sinh hoạt nghị quyết " * 4)[:300],
    "ca* b? đả*ng vi?n ch* b? t?* ch*c c? s?",
    "canq boz dangx vienw chiq boz",
])
def test_an_expensive_query_answers_a_page_at_a_bounded_number_of_searches(demo, monkeypatch, typed):
    """Queries chosen to cost (many letters, 300 characters of common words, wildcards, misspellings)
    each get their page, and no more than the suggestion's budget of look-ups (bench/search_hostile.py
    shows their time, and pages under eight clients sending them)."""
    from whoosh.searching import Searcher

    from search_index.public import SUGGEST_BUDGET
    calls = []
    original = Searcher.search
    monkeypatch.setattr(Searcher, "search", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    response = demo.get("/tim-kiem", query_string={"q": typed})
    assert response.status_code == 200
    assert len(calls) <= SUGGEST_BUDGET.phrase_checks + 2
    assert demo.get("/api/search", query_string={"q": typed}).status_code == 200


def test_when_every_cold_search_slot_is_taken_a_new_query_is_told_to_retry_and_kept_ones_answer(
        demo, monkeypatch):
    import search_index.public as public_search
    monkeypatch.setattr(public_search, "COLD_SEARCH_WAIT_SECONDS", 0.01)
    assert demo.page("đảng viên").total  # asked once: its matches are kept
    slots = demo.service.public._cold_slots
    taken = 0
    while slots.acquire(blocking=False):
        taken += 1
    try:
        assert taken == public_search.COLD_SEARCHES_PER_WORKER
        response = demo.get("/tim-kiem?q=chi+bo+kiem+tra")
        assert response.status_code == 200
        assert "Đang có nhiều lượt tìm kiếm cùng lúc" in response.get_data(as_text=True)
        api = demo.get("/api/search?q=chi+bo+kiem+tra")
        assert api.status_code == 503 and api.headers["Retry-After"] == "2"
        assert "nhiều lượt tìm kiếm" in api.get_json()["error"]
        assert demo.page("đảng viên").total  # a kept query takes no slot
    finally:
        for _ in range(taken):
            slots.release()
    again = demo.get("/tim-kiem?q=chi+bo+kiem+tra").get_data(as_text=True)  # the busy answer was not kept
    assert "Đang có nhiều lượt" not in again and "Tìm thấy" in again


def test_the_year_filter_offers_only_years_with_results_and_the_total_reads_as_vietnamese(demo):
    found = demo.page("đảng viên")
    assert found.years and found.years == sorted(found.years, reverse=True)
    html = demo.get("/tim-kiem?q=%C4%91%E1%BA%A3ng+vi%C3%AAn").get_data(as_text=True)
    options = re.findall(r'<option value="(\d{4})"', html)
    assert [int(year) for year in options] == found.years
    for year in found.years:  # each year offered finds something
        assert demo.page("đảng viên", year=year).total
    assert "2011" not in options  # no demo article is that old
    assert "<option value=\"2011\" selected>" in demo.get(
        "/tim-kiem?q=dang+vien&nam=2011").get_data(as_text=True)  # the one chosen stays shown


def test_a_total_in_thousands_is_written_with_a_dot(site):
    from flask import render_template_string

    with site.app.test_request_context():
        assert render_template_string("{{ 98000|so }}") == "98.000"
