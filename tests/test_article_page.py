"""The article page: breadcrumb, title, local date, lead, body, byline and "Tin cùng chuyên mục"."""

from datetime import datetime, timedelta

import pytest
from htmlpage import assert_not_found, get_page

from cms.models import Article
from cms.timeutil import utcnow

BODY = """## Nhịp cầu với cơ sở

Mỗi chuyên viên **phụ trách** một đến hai đảng bộ trực thuộc.

- Nắm tình hình chi bộ
- Hướng dẫn nghiệp vụ
"""


@pytest.fixture
def article(make_category, make_article):
    parent = make_category("Xây dựng Đảng")
    child = make_category("Tổ chức cơ sở đảng", parent=parent)
    return make_article(
        title="Đổi mới cán bộ theo dõi địa bàn", slug="doi-moi-can-bo", category=child,
        published_at=datetime(2024, 5, 11, 18, 30),  # UTC; 01:30 on 12/05/2024 in Vietnam
        lead="Người chuyên viên theo dõi địa bàn là nhịp cầu với cơ sở.",
        body=BODY, author="Nguyễn Văn Hùng", source="Ban Tổ chức Tỉnh ủy")


def test_article_shows_title_lead_and_body(client, article):
    page = get_page(client, "/bai-viet/doi-moi-can-bo")
    main = page.find("article", cls="article")
    assert main.find("h1").text == "Đổi mới cán bộ theo dõi địa bàn"
    assert main.find(cls="article-lead").text == "Người chuyên viên theo dõi địa bàn là nhịp cầu với cơ sở."
    body = main.find(cls="article-body")
    assert body.find("h2").text == "Nhịp cầu với cơ sở"
    assert body.find("strong").text == "phụ trách"
    assert [li.text for li in body.find_all("li")] == ["Nắm tình hình chi bộ", "Hướng dẫn nghiệp vụ"]
    assert "Đổi mới cán bộ theo dõi địa bàn" in page.find("title").text


def test_article_date_is_shown_in_vietnam_time(client, article):
    page = get_page(client, "/bai-viet/doi-moi-can-bo")
    time = page.find(cls="article-meta").find("time")
    assert time.text == "12/05/2024"
    assert time.attrs["datetime"] == "2024-05-12T01:30:00+07:00"


def test_article_breadcrumb_goes_from_home_through_parent_categories(client, article):
    crumbs = get_page(client, "/bai-viet/doi-moi-can-bo").find(cls="breadcrumb")
    assert crumbs.links() == ["/", "/chuyen-muc/xay-dung-dang", "/chuyen-muc/to-chuc-co-so-dang"]
    assert [li.text for li in crumbs.find_all("li")] == ["Trang chủ", "Xây dựng Đảng",
                                                         "Tổ chức cơ sở đảng"]


def test_byline_comes_at_the_end_of_the_article(client, article):
    main = get_page(client, "/bai-viet/doi-moi-can-bo").find("article", cls="article")
    byline = main.find(cls="byline")
    assert byline.text == "Nguyễn Văn Hùng · Nguồn: Ban Tổ chức Tỉnh ủy"
    text = main.text
    assert text.index("Hướng dẫn nghiệp vụ") < text.index("Nguyễn Văn Hùng")
    assert text.index("Người chuyên viên") < text.index("Nhịp cầu với cơ sở")  # lead before body


def test_article_without_author_or_source_has_no_byline(client, make_article):
    make_article(title="Không tác giả", slug="khong-tac-gia")
    page = get_page(client, "/bai-viet/khong-tac-gia")
    assert page.find(cls="byline") is None


def test_article_names_its_canonical_url(client, article):
    page = get_page(client, "/bai-viet/doi-moi-can-bo")
    assert page.find("link", rel="canonical").attrs["href"] == "http://localhost/bai-viet/doi-moi-can-bo"


def test_unknown_article_is_a_vietnamese_404(client, article):
    assert_not_found(client, "/bai-viet/khong-co-bai-nay")


# --- Tin cùng chuyên mục ---------------------------------------------------------------------

def same_category(page):
    section = page.find("section", cls="same-category")
    return section.article_slugs() if section else []


def test_same_category_lists_other_public_articles_of_the_category_newest_first(
        client, make_category, make_article):
    here = make_category("Xây dựng Đảng")
    sub = make_category("Đảng viên", parent=here)
    elsewhere = make_category("Công tác cán bộ")
    now = utcnow()
    make_article(title="Đang đọc", slug="dang-doc", category=here, published_at=now - timedelta(days=5))
    make_article(title="Cũ", slug="cu", category=here, published_at=now - timedelta(days=9))
    make_article(title="Mới", slug="moi", category=here, published_at=now - timedelta(days=1))
    make_article(title="Mới hơn nữa", slug="moi-hon", category=here,
                 published_at=now - timedelta(hours=1))
    make_article(title="Chuyên mục khác", slug="khac", category=elsewhere)
    make_article(title="Chuyên mục con", slug="con", category=sub)
    for status in (Article.DRAFT, Article.PENDING, Article.ARCHIVED):
        make_article(title=f"Không công khai {status}", slug=f"an-{status}", category=here,
                     status=status, published_at=now - timedelta(hours=2))
    make_article(title="Hẹn giờ", slug="hen-gio", category=here, published_at=now + timedelta(hours=2))

    page = get_page(client, "/bai-viet/dang-doc")
    assert same_category(page) == ["moi-hon", "moi", "cu"]
    assert page.find("section", cls="same-category").find("h2").text == "Tin cùng chuyên mục"


def test_same_category_shows_dates(client, make_article):
    make_article(title="Đang đọc", slug="dang-doc")
    make_article(title="Khác", slug="khac", published_at=datetime(2024, 5, 11, 18, 30))
    section = get_page(client, "/bai-viet/dang-doc").find("section", cls="same-category")
    assert section.times() == ["12/05/2024"]
    assert "Khác" in section.text


def test_same_category_shows_at_most_15(client, make_article):
    now = utcnow()
    make_article(title="Đang đọc", slug="dang-doc", published_at=now - timedelta(days=100))
    for n in range(1, 21):
        make_article(slug=f"bai-{n:02d}", published_at=now - timedelta(days=n))
    page = get_page(client, "/bai-viet/dang-doc")
    assert same_category(page) == [f"bai-{n:02d}" for n in range(1, 16)]


def test_no_same_category_section_for_a_lone_article(client, make_article):
    make_article(title="Một mình", slug="mot-minh")
    page = get_page(client, "/bai-viet/mot-minh")
    assert page.find("section", cls="same-category") is None
    assert "Tin cùng chuyên mục" not in page.html
