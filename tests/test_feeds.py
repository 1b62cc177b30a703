"""RSS feeds, sitemap.xml and robots.txt: valid XML, the right items, public ones only."""

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree as ET

import pytest

from cms.models import Article
from cms.timeutil import utcnow

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def fetch_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, ET.fromstring(response.data)  # fails on anything but well-formed XML


def feed_items(client, url):
    response, root = fetch_xml(client, url)
    assert root.tag == "rss" and root.attrib["version"] == "2.0"
    assert response.mimetype == "application/rss+xml"
    channel = root.find("channel")
    return channel, channel.findall("item")


@pytest.fixture
def site(make_category, make_article):
    """Two top-level categories, one with a subcategory; public and hidden articles."""
    now = utcnow()
    party = make_category("Xây dựng Đảng", description="Tin về công tác xây dựng Đảng")
    members = make_category("Đảng viên", parent=party)
    cadres = make_category("Công tác cán bộ")
    make_article(title="Hội nghị Ban Chấp hành", slug="hoi-nghi", category=party,
                 lead="Sapo hội nghị", published_at=datetime(2024, 5, 11, 18, 30))
    make_article(title="Kết nạp đảng viên mới", slug="ket-nap", category=members,
                 lead="Sapo kết nạp", published_at=now - timedelta(days=1))
    make_article(title="Luân chuyển cán bộ", slug="luan-chuyen", category=cadres,
                 published_at=now - timedelta(hours=1))
    make_article(title="Bản nháp", slug="ban-nhap", category=party, status=Article.DRAFT)
    make_article(title="Hẹn giờ", slug="hen-gio", category=members, published_at=now + timedelta(days=1))


# --- site feed -------------------------------------------------------------------------------

def test_site_feed_lists_public_articles_newest_first(client, site):
    channel, items = feed_items(client, "/rss.xml")
    assert [item.findtext("link") for item in items] == [
        "http://localhost/bai-viet/luan-chuyen",
        "http://localhost/bai-viet/ket-nap",
        "http://localhost/bai-viet/hoi-nghi",
    ]
    assert channel.findtext("title") == "Ban Tổ chức Tỉnh ủy Nghệ An"
    assert channel.findtext("link") == "http://localhost/"
    assert channel.findtext("language") == "vi"


def test_feed_item_fields(client, site):
    _, items = feed_items(client, "/rss.xml")
    item = {i.findtext("title"): i for i in items}["Hội nghị Ban Chấp hành"]
    assert item.findtext("description") == "Sapo hội nghị"
    assert item.findtext("category") == "Xây dựng Đảng"
    guid = item.find("guid")
    assert guid.text == "http://localhost/bai-viet/hoi-nghi"
    assert guid.attrib["isPermaLink"] == "true"
    published = parsedate_to_datetime(item.findtext("pubDate"))
    assert published.utcoffset() == timedelta(hours=7)
    assert (published.year, published.month, published.day, published.hour, published.minute) == \
        (2024, 5, 12, 1, 30)


def test_feed_holds_the_30_latest(client, make_article):
    now = utcnow()
    for n in range(1, 33):
        make_article(slug=f"bai-{n:02d}", published_at=now - timedelta(hours=n))
    _, items = feed_items(client, "/rss.xml")
    assert [item.findtext("link").rsplit("/", 1)[1] for item in items] == \
        [f"bai-{n:02d}" for n in range(1, 31)]


def test_empty_site_has_a_valid_empty_feed(client, db):
    channel, items = feed_items(client, "/rss.xml")
    assert items == []
    assert channel.findtext("title")


def test_feed_escapes_markup_in_titles_and_leads(client, make_article):
    make_article(title='Hỏi & đáp <về> "đảng viên"', slug="hoi-dap",
                 lead="A < B & C <script>alert(1)</script>")
    _, items = feed_items(client, "/rss.xml")
    assert items[0].findtext("title") == 'Hỏi & đáp <về> "đảng viên"'
    # <description> is HTML to a feed reader: the plain-text lead arrives escaped, shown as typed.
    assert items[0].findtext("description") == "A &lt; B &amp; C &lt;script&gt;alert(1)&lt;/script&gt;"


def test_feed_stays_valid_xml_with_control_characters(client, make_article):
    make_article(title="Hội nghị\x0btổng kết", slug="hoi-nghi-tong-ket",
                 lead="Dòng một\x0bdòng hai\x0cdòng ba")
    _, items = feed_items(client, "/rss.xml")
    assert items[0].findtext("link") == "http://localhost/bai-viet/hoi-nghi-tong-ket"


def test_pages_advertise_the_feed(client, site):
    html = client.get("/").get_data(as_text=True)
    assert 'type="application/rss+xml"' in html and 'href="/rss.xml"' in html


# --- category feed ---------------------------------------------------------------------------

def test_category_feed_includes_subcategories_and_nothing_else(client, site):
    channel, items = feed_items(client, "/chuyen-muc/xay-dung-dang/rss.xml")
    assert [item.findtext("link") for item in items] == [
        "http://localhost/bai-viet/ket-nap",
        "http://localhost/bai-viet/hoi-nghi",
    ]
    assert channel.findtext("title").startswith("Xây dựng Đảng")
    assert channel.findtext("link") == "http://localhost/chuyen-muc/xay-dung-dang"
    assert channel.findtext("description") == "Tin về công tác xây dựng Đảng"


def test_subcategory_feed(client, site):
    _, items = feed_items(client, "/chuyen-muc/dang-vien/rss.xml")
    assert [item.findtext("link") for item in items] == ["http://localhost/bai-viet/ket-nap"]


def test_category_page_advertises_its_feed(client, site):
    html = client.get("/chuyen-muc/dang-vien").get_data(as_text=True)
    assert 'href="/chuyen-muc/dang-vien/rss.xml"' in html


def test_unknown_category_feed_is_404(client, site):
    response = client.get("/chuyen-muc/khong-co/rss.xml")
    assert response.status_code == 404


# --- sitemap ---------------------------------------------------------------------------------

def test_sitemap_lists_home_categories_and_public_articles(client, site):
    response, root = fetch_xml(client, "/sitemap.xml")
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    assert response.mimetype == "application/xml"
    locs = [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]
    assert len(locs) == len(set(locs))
    assert set(locs) == {
        "http://localhost/",
        "http://localhost/chuyen-muc/xay-dung-dang",
        "http://localhost/chuyen-muc/dang-vien",
        "http://localhost/chuyen-muc/cong-tac-can-bo",
        "http://localhost/bai-viet/hoi-nghi",
        "http://localhost/bai-viet/ket-nap",
        "http://localhost/bai-viet/luan-chuyen",
    }


def test_sitemap_lastmod_is_a_date(client, site):
    _, root = fetch_xml(client, "/sitemap.xml")
    for url in root.findall("sm:url", SITEMAP_NS):
        if "/bai-viet/" in url.findtext("sm:loc", namespaces=SITEMAP_NS):
            lastmod = url.findtext("sm:lastmod", namespaces=SITEMAP_NS)
            assert datetime.strptime(lastmod, "%Y-%m-%d")


def test_empty_sitemap_is_valid(client, db):
    _, root = fetch_xml(client, "/sitemap.xml")
    assert [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)] == ["http://localhost/"]


# --- robots.txt ------------------------------------------------------------------------------

def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the public site stays open to crawlers
