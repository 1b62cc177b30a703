"""Page weight: what a reader downloads for the home page, and how list pages load their images."""

import gzip
import io
import re
import sys
from pathlib import Path

import pytest
from htmlpage import parse
from peewee import fn
from perfkit import another_worker
from PIL import Image

from admin.media import save_upload
from cms.db import database
from cms.models import Article, Category

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import generate_site  # noqa: E402

HOME_BUDGET = 150 * 1024  # HTML + CSS + JS, uncompressed, images aside
YEAR = 365 * 24 * 3600


@pytest.fixture
def site(app):
    """A generated site of 1,000 articles (a third with a cover image), and a worker on it."""
    with database.connection_context():
        generate_site(1000, seed=5)
    return another_worker(app)


def assets_of(page):
    """URLs of the page's stylesheets and scripts."""
    styles = [link.attrs["href"] for link in page.find_all("link")
              if "stylesheet" in (link.attrs.get("rel") or "").split()]
    scripts = [script.attrs["src"] for script in page.find_all("script") if script.attrs.get("src")]
    return styles + scripts


def test_home_page_html_css_and_js_stay_under_150_kb(site):
    client = site.test_client()
    home = client.get("/")
    assert home.status_code == 200 and "Content-Encoding" not in home.headers
    weights = {"/": len(home.data)}
    for url in assets_of(parse(home.get_data(as_text=True))):
        asset = client.get(url)
        assert asset.status_code == 200, url
        weights[url] = len(asset.data)
    assert sum(weights.values()) < HOME_BUDGET, weights


def test_assets_have_hashed_urls_cached_for_a_year(site):
    client = site.test_client()
    urls = assets_of(parse(client.get("/").get_data(as_text=True)))
    assert urls, "no stylesheet found"
    for url in urls:
        assert re.match(r"^/assets/[0-9a-f]{12}/", url), url
        response = client.get(url)
        assert response.headers["Cache-Control"] == f"public, max-age={YEAR}, immutable", url


@pytest.mark.parametrize("path", ["/", "/rss.xml", "/sitemap.xml"])
def test_text_responses_are_gzipped_for_browsers_that_accept_it(site, path):
    client = site.test_client()
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 3


def list_pages(client):
    with database.connection_context():
        busiest = (Category.select(Category.slug).join(Article).where(Article.is_public_expr())
                   .group_by(Category.slug).order_by(fn.COUNT(Article.id).desc()).scalar())
    return ["/", f"/chuyen-muc/{busiest}", f"/chuyen-muc/{busiest}?page=2", "/tim-kiem?q=chi+bo"]


def test_images_on_list_pages_have_dimensions_and_load_lazily_below_the_fold(site):
    client = site.test_client()
    seen = 0
    for path in list_pages(client):
        response = client.get(path)
        assert response.status_code == 200, path
        main = parse(response.get_data(as_text=True)).find("main")
        for image in main.find_all("img"):
            seen += 1
            assert image.attrs.get("width") and image.attrs.get("height"), (path, image)
            lead = "featured-main" in (image.parent.parent.classes if image.parent.parent else [])
            if lead:  # the first thing a reader sees: loaded at once (lazy would delay it)
                assert image.attrs.get("loading") != "lazy", (path, image)
            else:
                assert image.attrs.get("loading") == "lazy", (path, image)
    assert seen >= 10, "the generated site should show cover images on its list pages"


def image_width(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Image.open(io.BytesIO(response.data)).width


@pytest.mark.xfail(strict=True, reason=(
    "List items show covers in a 240x135 slot (templates/_macros.html, article_item), but the cover "
    "is the article-width rendition (960 px): admin/views/articles.py on_model_change stores "
    "media.url('article') in cover_image and the template uses it as is, so every list page "
    "downloads images four times wider than their slot while the 400-px thumbnail made at upload "
    "goes unused. Fix: give list items the thumbnail (e.g. a cover_url(article, 'thumb') helper "
    "that swaps the -article suffix for -thumb, or keep the Media id on the article), and srcset "
    "for the featured slot."))
def test_cover_images_on_list_pages_come_in_a_rendition_sized_for_their_slot(app, make_article):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (180, 40, 40)).save(buffer, format="JPEG")
    media = save_upload(app, buffer.getvalue(), "hoi-nghi.jpg", "Hội nghị")
    # What the back office stores when a cover is uploaded with the article (on_model_change).
    article = make_article(title="Bài có ảnh đại diện", cover_image=media.url("article"))
    make_article(title="Bài nổi bật", featured=True)
    database.close()
    client = app.test_client()
    page = parse(client.get(f"/chuyen-muc/{article.category.slug}").get_data(as_text=True))
    covers = page.find("main").find_all("img")
    assert covers, "the cover should be shown in the list"
    for image in covers:
        slot = int(image.attrs["width"])
        assert image_width(client, image.attrs["src"]) <= 2 * slot, image.attrs["src"]
