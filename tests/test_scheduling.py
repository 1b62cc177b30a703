"""Scheduled articles appear by themselves once their time has come: no cron, no re-save.

The `clock` fixture moves what the site takes as "now"; nothing sleeps.
"""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from htmlpage import assert_not_found, get_page

from cms.db import database
from cms.models import Article, Category

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def scheduled(clock, make_article, make_category):
    make_category("Xây dựng Đảng")
    make_article(title="Bài đã đăng", slug="bai-da-dang", published_at=clock.now - timedelta(days=1))
    article = make_article(title="Bài hẹn giờ đăng", slug="bai-hen-gio", featured=True,
                           published_at=clock.now + timedelta(hours=1))
    article.set_tags(["hẹn giờ"])
    return article


def public_everywhere(client):
    """Where the scheduled article shows up, by place."""
    places = {}
    article = client.get("/bai-viet/bai-hen-gio")
    places["article page"] = article.status_code == 200
    home = get_page(client, "/")
    places["home sections"] = "bai-hen-gio" in home.find("main").article_slugs()
    places["sidebar"] = "bai-hen-gio" in home.find("aside").article_slugs()
    places["category"] = "bai-hen-gio" in get_page(client, "/chuyen-muc/xay-dung-dang").find(
        cls="list").article_slugs()
    places["tag"] = "bai-hen-gio" in get_page(client, "/the/hen-gio").find(cls="list").article_slugs()
    for feed in ("/rss.xml", "/chuyen-muc/xay-dung-dang/rss.xml"):
        links = [item.findtext("link") for item in ET.fromstring(client.get(feed).data).iter("item")]
        places[feed] = "http://localhost/bai-viet/bai-hen-gio" in links
    locs = [loc.text for loc in ET.fromstring(client.get("/sitemap.xml").data)
            .findall("sm:url/sm:loc", SITEMAP_NS)]
    places["sitemap"] = "http://localhost/bai-viet/bai-hen-gio" in locs
    return places


def test_scheduled_article_is_hidden_before_its_time(client, scheduled, clock):
    clock.advance(minutes=59)
    assert not any(public_everywhere(client).values())
    assert_not_found(client, "/bai-viet/bai-hen-gio")


def test_scheduled_article_appears_everywhere_once_its_time_passes(client, scheduled, clock):
    clock.advance(hours=2)
    places = public_everywhere(client)
    assert places == dict.fromkeys(places, True)


def test_scheduled_article_appears_at_exactly_its_time(client, scheduled, clock):
    clock.advance(hours=1)
    assert client.get("/bai-viet/bai-hen-gio").status_code == 200


def test_scheduled_article_takes_its_place_by_published_at(client, scheduled, clock, make_article):
    make_article(title="Đăng sớm hơn", slug="dang-som-hon", published_at=clock.now + timedelta(minutes=30))
    clock.advance(hours=3)
    page = get_page(client, "/chuyen-muc/xay-dung-dang")
    assert page.find(cls="list").article_slugs() == ["bai-hen-gio", "dang-som-hon", "bai-da-dang"]
    assert page.find("aside").find(cls="box").article_slugs() == ["bai-hen-gio", "dang-som-hon",
                                                                   "bai-da-dang"]


def test_pages_seen_before_the_time_do_not_stick(app, clock):
    """The sidebar is kept for one request only: the next request after the time shows the article."""
    # Arranged without the `db` fixture, whose app context every request of the test would share
    # (and with it the per-request cache on `g`); here each request has its own, as in production.
    category = Category.create(name="Xây dựng Đảng")
    Article.create(title="Bài hẹn giờ đăng", slug="bai-hen-gio", category=category,
                   status=Article.PUBLISHED, published_at=clock.now + timedelta(hours=1))
    database.close()
    client = app.test_client()
    assert "bai-hen-gio" not in get_page(client, "/").html
    clock.advance(hours=1, seconds=1)
    assert "bai-hen-gio" in get_page(client, "/").find("aside").article_slugs()


def test_related_list_of_an_older_article_picks_up_the_scheduled_one(client, scheduled, clock):
    assert "bai-hen-gio" not in get_page(client, "/bai-viet/bai-da-dang").html
    clock.advance(days=1)
    section = get_page(client, "/bai-viet/bai-da-dang").find("section", cls="same-category")
    assert section.article_slugs() == ["bai-hen-gio"]


def test_draft_with_a_past_date_never_appears(client, clock, make_article):
    make_article(title="Bản nháp", slug="ban-nhap", status=Article.DRAFT,
                 published_at=clock.now - timedelta(days=1))
    clock.advance(days=365)
    assert_not_found(client, "/bai-viet/ban-nhap")
