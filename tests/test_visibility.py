"""Only public articles (published, published_at passed) reach readers, anywhere on the site."""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from htmlpage import assert_not_found, get_page

from cms.models import Article
from cms.timeutil import utcnow

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HIDDEN_TITLE = "Bài không được lộ ra ngoài"
HIDDEN_SLUG = "bai-khong-duoc-lo"

STATES = {
    "draft": {"status": Article.DRAFT, "past": True},
    "pending": {"status": Article.PENDING, "past": True},
    "archived": {"status": Article.ARCHIVED, "past": True},
    "draft-undated": {"status": Article.DRAFT, "past": False},
    "scheduled": {"status": Article.PUBLISHED, "past": False},
}


@pytest.fixture(params=list(STATES))
def hidden(request, make_category, make_article):
    """One non-public article (in a subcategory, tagged, featured) next to public ones."""
    state = STATES[request.param]
    parent = make_category("Xây dựng Đảng")
    child = make_category("Đảng viên", parent=parent)
    now = utcnow()
    visible = make_article(title="Bài công khai", slug="bai-cong-khai", category=child,
                           featured=True, published_at=now - timedelta(days=1))
    visible.set_tags(["cơ sở"])
    make_article(title="Bài công khai khác", slug="bai-cong-khai-khac", category=child,
                 published_at=now - timedelta(days=2))
    if request.param == "scheduled":
        published_at = now + timedelta(hours=1)
    elif state["past"]:
        published_at = now - timedelta(minutes=10)  # newer than every public article
    else:
        published_at = None
    article = make_article(title=HIDDEN_TITLE, slug=HIDDEN_SLUG, category=child, featured=True,
                           status=state["status"], published_at=published_at,
                           lead="Sapo bí mật", body="Nội dung bí mật")
    article.set_tags(["cơ sở"])
    return article


def assert_hidden_in_html(page, url_may_echo=False):
    if not url_may_echo:
        assert HIDDEN_SLUG not in page.html
    assert HIDDEN_TITLE not in page.html
    assert "bí mật" not in page.html


def test_hidden_article_is_404_and_absent_from_pages(client, hidden):
    page = assert_not_found(client, f"/bai-viet/{HIDDEN_SLUG}")
    assert_hidden_in_html(page, url_may_echo=True)  # the 404 page names the URL asked for
    for url in ("/", "/chuyen-muc/xay-dung-dang", "/chuyen-muc/dang-vien", "/the/co-so",
                "/bai-viet/bai-cong-khai", "/bai-viet/bai-cong-khai-khac"):
        page = get_page(client, url)
        assert_hidden_in_html(page)
        # The public articles are listed, so the page was looked at with its lists filled.
        assert "bai-cong-khai-khac" in page.find("aside").article_slugs(), url
    home = get_page(client, "/")
    assert home.find("aside").find(cls="box").article_slugs() == ["bai-cong-khai", "bai-cong-khai-khac"]
    assert home.find("section", cls="featured").article_slugs() == ["bai-cong-khai"]
    related = get_page(client, "/bai-viet/bai-cong-khai").find("section", cls="same-category")
    assert related.article_slugs() == ["bai-cong-khai-khac"]


def test_hidden_article_is_absent_from_feeds_and_sitemap(client, hidden):
    for url in ("/rss.xml", "/chuyen-muc/xay-dung-dang/rss.xml", "/chuyen-muc/dang-vien/rss.xml"):
        response = client.get(url)
        assert response.status_code == 200
        channel = ET.fromstring(response.data).find("channel")
        links = [item.findtext("link") for item in channel.findall("item")]
        assert links == ["http://localhost/bai-viet/bai-cong-khai",
                         "http://localhost/bai-viet/bai-cong-khai-khac"], url
        assert HIDDEN_SLUG.encode() not in response.data
        assert HIDDEN_TITLE.encode() not in response.data
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.data)
    locs = [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]
    assert "http://localhost/bai-viet/bai-cong-khai" in locs
    assert not [loc for loc in locs if HIDDEN_SLUG in loc]
