"""Category pages (order, paging, subcategories), the home page and tag pages, as a reader sees them."""

from datetime import datetime, timedelta

import pytest
from htmlpage import assert_not_found, get_page

from cms.models import Article
from cms.timeutil import utcnow


def list_slugs(page):
    """Article slugs of the page's main list (not the sidebar), in order."""
    return page.find(cls="list").article_slugs()


@pytest.fixture
def category(make_category):
    return make_category("Xây dựng Đảng")


@pytest.fixture
def many_articles(make_article, category):
    """21 public articles; "bai-01" is the newest, "bai-21" the oldest."""
    now = utcnow()
    return [make_article(title=f"Bài {n:02d}", slug=f"bai-{n:02d}", category=category,
                         published_at=now - timedelta(days=n))
            for n in range(21, 0, -1)]


# --- category: order and paging ----------------------------------------------------------

def test_category_lists_newest_first_by_published_at(client, make_article, category):
    now = utcnow()
    # Created in an order that differs from publication order.
    make_article(title="Giữa", slug="giua", category=category, published_at=now - timedelta(days=2))
    make_article(title="Cũ nhất", slug="cu-nhat", category=category,
                 published_at=now - timedelta(days=30))
    make_article(title="Mới nhất", slug="moi-nhat", category=category,
                 published_at=now - timedelta(minutes=5))
    page = get_page(client, "/chuyen-muc/xay-dung-dang")
    assert list_slugs(page) == ["moi-nhat", "giua", "cu-nhat"]
    assert page.find("h1").text == "Xây dựng Đảng"


def test_category_shows_local_dates(client, make_article, category):
    make_article(title="Hội nghị tối thứ Bảy", category=category,
                 published_at=datetime(2024, 5, 11, 18, 30))  # UTC: already 12/05 in Vietnam
    page = get_page(client, "/chuyen-muc/xay-dung-dang")
    assert page.find(cls="list").times() == ["12/05/2024"]


def test_category_pages_hold_20_articles(client, many_articles):
    first = get_page(client, "/chuyen-muc/xay-dung-dang")
    assert list_slugs(first) == [f"bai-{n:02d}" for n in range(1, 21)]
    second = get_page(client, "/chuyen-muc/xay-dung-dang?page=2")
    assert list_slugs(second) == ["bai-21"]
    assert "Trang 2" in second.find("title").text


def test_category_pagination_links(client, many_articles):
    first = get_page(client, "/chuyen-muc/xay-dung-dang")
    nav = first.find(cls="pagination")
    assert "/chuyen-muc/xay-dung-dang?page=2" in nav.links()
    assert nav.find("a", rel="next").attrs["href"] == "/chuyen-muc/xay-dung-dang?page=2"
    assert nav.find("a", rel="prev") is None
    assert nav.find("span", cls="current").text == "1"

    second = get_page(client, "/chuyen-muc/xay-dung-dang?page=2")
    nav = second.find(cls="pagination")
    assert nav.find("a", rel="prev").attrs["href"] == "/chuyen-muc/xay-dung-dang?page=1"
    assert nav.find("a", rel="next") is None


def test_no_pagination_when_everything_fits(client, make_article, category):
    make_article(category=category)
    page = get_page(client, "/chuyen-muc/xay-dung-dang")
    assert page.find(cls="pagination") is None


def test_out_of_range_page_is_a_vietnamese_404(client, many_articles):
    for number in ("3", "0", "-1", "99999999999999999999"):
        assert_not_found(client, f"/chuyen-muc/xay-dung-dang?page={number}")


def test_non_numeric_page_shows_the_first_page(client, many_articles):
    for number in ("abc", "", "1.5", "2abc", "%20"):
        page = get_page(client, f"/chuyen-muc/xay-dung-dang?page={number}")
        assert list_slugs(page) == [f"bai-{n:02d}" for n in range(1, 21)], number


def test_empty_category_has_a_page_but_no_page_2(client, category):
    page = get_page(client, "/chuyen-muc/xay-dung-dang")
    assert "Chuyên mục này chưa có bài viết." in page.find("main").text
    assert_not_found(client, "/chuyen-muc/xay-dung-dang?page=2")


def test_unknown_category_is_a_vietnamese_404(client, category):
    assert_not_found(client, "/chuyen-muc/khong-co-chuyen-muc-nay")


# --- subcategories -------------------------------------------------------------------------

@pytest.fixture
def tree(make_category, make_article):
    """Xây dựng Đảng > {Đảng viên, Tổ chức cơ sở}, plus an unrelated Công tác cán bộ."""
    parent = make_category("Xây dựng Đảng")
    members = make_category("Đảng viên", parent=parent, position=1)
    units = make_category("Tổ chức cơ sở", parent=parent, position=2)
    other = make_category("Công tác cán bộ")
    now = utcnow()
    make_article(title="Bài của mục cha", slug="bai-cha", category=parent,
                 published_at=now - timedelta(hours=3))
    make_article(title="Bài về đảng viên", slug="bai-dang-vien", category=members,
                 published_at=now - timedelta(hours=1))
    make_article(title="Bài về tổ chức cơ sở", slug="bai-co-so", category=units,
                 published_at=now - timedelta(hours=2))
    make_article(title="Bài cán bộ", slug="bai-can-bo", category=other,
                 published_at=now - timedelta(minutes=30))
    return parent, members, units, other


def test_parent_category_lists_articles_of_its_subcategories(client, tree):
    page = get_page(client, "/chuyen-muc/xay-dung-dang")
    assert list_slugs(page) == ["bai-dang-vien", "bai-co-so", "bai-cha"]


def test_parent_category_links_its_subcategories(client, tree):
    page = get_page(client, "/chuyen-muc/xay-dung-dang")
    nav = page.find(cls="subcategories")
    assert nav.links() == ["/chuyen-muc/dang-vien", "/chuyen-muc/to-chuc-co-so"]
    assert [link.text for link in nav.find_all("a")] == ["Đảng viên", "Tổ chức cơ sở"]


def test_subcategory_lists_only_its_own_articles_with_a_breadcrumb(client, tree):
    page = get_page(client, "/chuyen-muc/dang-vien")
    assert list_slugs(page) == ["bai-dang-vien"]
    crumbs = page.find(cls="breadcrumb")
    assert crumbs.links() == ["/", "/chuyen-muc/xay-dung-dang"]
    assert crumbs.text == "Trang chủ Xây dựng Đảng Đảng viên"
    assert page.find(cls="subcategories") is None


def test_menu_shows_top_level_categories_only(client, tree):
    page = get_page(client, "/")
    menu = page.find("nav", cls="menu")
    assert "/chuyen-muc/xay-dung-dang" in menu.links()
    assert "/chuyen-muc/cong-tac-can-bo" in menu.links()
    assert "/chuyen-muc/dang-vien" not in menu.links()


# --- home page ---------------------------------------------------------------------------

def home_sections(page):
    """{section heading: [article slugs]} of the per-category sections, in page order."""
    return {section.find("h2").text: section.article_slugs()
            for section in page.find_all("section", cls="section")}


def test_home_shows_featured_articles_newest_first(client, make_article, category):
    now = utcnow()
    make_article(title="Nổi bật cũ", slug="noi-bat-cu", featured=True,
                 published_at=now - timedelta(days=2))
    make_article(title="Nổi bật mới", slug="noi-bat-moi", featured=True, lead="Sapo nổi bật",
                 published_at=now - timedelta(days=1))
    make_article(title="Bình thường", slug="binh-thuong", published_at=now - timedelta(hours=1))
    page = get_page(client, "/")
    featured = page.find("section", cls="featured")
    assert featured.article_slugs() == ["noi-bat-moi", "noi-bat-cu"]
    assert featured.find("h2").text == "Nổi bật mới"
    assert "Sapo nổi bật" in featured.text
    assert "Xây dựng Đảng" in featured.text  # its category


def test_home_shows_at_most_five_featured(client, make_article, category):
    now = utcnow()
    for n in range(1, 8):
        make_article(slug=f"noi-bat-{n}", featured=True, published_at=now - timedelta(hours=n))
    featured = get_page(client, "/").find("section", cls="featured")
    assert featured.article_slugs() == [f"noi-bat-{n}" for n in range(1, 6)]


def test_home_without_featured_has_no_featured_block(client, make_article, category):
    make_article()
    assert get_page(client, "/").find("section", cls="featured") is None


def test_home_lists_latest_five_per_top_level_category(client, make_article, tree):
    parent, members, units, other = tree
    now = utcnow()
    for n in range(1, 7):
        make_article(slug=f"can-bo-{n}", category=other, published_at=now - timedelta(days=n))
    sections = home_sections(get_page(client, "/"))
    assert sections["Xây dựng Đảng"] == ["bai-dang-vien", "bai-co-so", "bai-cha"]
    assert sections["Công tác cán bộ"] == ["bai-can-bo", "can-bo-1", "can-bo-2", "can-bo-3",
                                           "can-bo-4"]
    # Subcategories have no section of their own: their articles are in the parent's.
    assert set(sections) == {"Xây dựng Đảng", "Công tác cán bộ"}


def test_home_section_links_its_category(client, tree):
    page = get_page(client, "/")
    headings = [section.find("h2") for section in page.find_all("section", cls="section")]
    assert {h.text: h.links()[0] for h in headings} == {
        "Xây dựng Đảng": "/chuyen-muc/xay-dung-dang",
        "Công tác cán bộ": "/chuyen-muc/cong-tac-can-bo",
    }


def test_home_skips_categories_without_public_articles(client, make_article, make_category, tree):
    empty = make_category("Chuyển đổi số")
    make_article(title="Nháp chuyển đổi số", category=empty, status=Article.DRAFT)
    assert "Chuyển đổi số" not in home_sections(get_page(client, "/"))


def test_empty_home_says_so(client, db):
    page = get_page(client, "/")
    assert "Chưa có bài viết nào được xuất bản." in page.find("main").text


def test_sidebar_lists_the_eight_latest(client, make_article, category):
    now = utcnow()
    for n in range(1, 11):
        make_article(slug=f"bai-{n}", published_at=now - timedelta(hours=n))
    sidebar = get_page(client, "/chuyen-muc/xay-dung-dang").find("aside")
    assert sidebar.find(cls="box").article_slugs() == [f"bai-{n}" for n in range(1, 9)]


# --- tag pages ---------------------------------------------------------------------------

def test_tag_page_lists_tagged_articles_newest_first(client, make_article, category):
    now = utcnow()
    older = make_article(title="Cũ", slug="cu", published_at=now - timedelta(days=3))
    newer = make_article(title="Mới", slug="moi", published_at=now - timedelta(days=1))
    untagged = make_article(title="Không gắn thẻ", slug="khong-gan")
    older.set_tags(["Đảng viên", "cơ sở"])
    newer.set_tags(["đảng viên"])
    untagged.set_tags(["cơ sở"])
    page = get_page(client, "/the/dang-vien")
    assert page.find(cls="list").article_slugs() == ["moi", "cu"]
    assert "Chủ đề: Đảng viên" in page.find("h1").text


def test_article_links_its_tags(client, make_article, category):
    article = make_article(title="Có thẻ", slug="co-the")
    article.set_tags(["Đảng viên", "Cơ sở"])
    tags = get_page(client, "/bai-viet/co-the").find(cls="tags")
    assert tags.links() == ["/the/co-so", "/the/dang-vien"]


def test_unknown_tag_is_a_vietnamese_404(client, db):
    assert_not_found(client, "/the/khong-co")
