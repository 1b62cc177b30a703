"""RSS 2.0 feeds, sitemap.xml and robots.txt, built with ElementTree so they are always valid XML."""

import html
from datetime import UTC
from email.utils import format_datetime as rfc2822
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, abort, current_app, url_for

from . import pages, schedule
from .albums_views import sitemap_entries as album_sitemap_entries
from .caching import cached_page
from .document_views import sitemap_entries as document_sitemap_entries
from .models import Article
from .site import category_tree
from .timeutil import to_local, utcnow

bp = Blueprint("feeds", __name__)

FEED_SIZE = 30


def _xml_response(root):
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/xml" if root.tag == "urlset"
                    else "application/rss+xml")


def _rss(title, link, description, articles):
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = link
    ET.SubElement(channel, "description").text = description
    ET.SubElement(channel, "language").text = "vi"
    ET.SubElement(channel, "lastBuildDate").text = rfc2822(utcnow().replace(tzinfo=UTC))
    for article in articles:
        url = url_for("public.article", slug=article.slug, _external=True)
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = article.title
        ET.SubElement(item, "link").text = url
        ET.SubElement(item, "guid", isPermaLink="true").text = url
        # RSS readers render <description> as HTML: the lead is plain text, so it goes in escaped
        # (a lead "<script>..." must reach the reader as words, not markup).
        ET.SubElement(item, "description").text = html.escape(article.lead or "", quote=False)
        ET.SubElement(item, "category").text = article.category.name
        ET.SubElement(item, "pubDate").text = rfc2822(to_local(article.published_at))
    return _xml_response(rss)


@bp.route("/rss.xml")
@cached_page
def site_feed():
    name = current_app.config["CMS_SITE_NAME"]
    return _rss(name, url_for("public.home", _external=True), f"Tin mới nhất của {name}",
                Article.public().limit(FEED_SIZE))


@bp.route("/chuyen-muc/<slug>/rss.xml")
@cached_page
def category_feed(slug):
    tree = category_tree()
    category = tree.by_slug.get(slug) or abort(404)
    articles = (Article.public().where(Article.category.in_(tree.descendant_ids(category)))
                .limit(FEED_SIZE))
    return _rss(f"{category.name} - {current_app.config['CMS_SITE_NAME']}",
                url_for("public.category", slug=slug, _external=True),
                category.description or f"Tin mới nhất chuyên mục {category.name}", articles)


@bp.route("/sitemap.xml")
@cached_page
def sitemap():
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")

    def add(loc, lastmod=None):
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = loc
        if lastmod is not None:
            ET.SubElement(url, "lastmod").text = to_local(lastmod).date().isoformat()

    add(url_for("public.home", _external=True))
    for category in category_tree().all:
        add(url_for("public.category", slug=category.slug, _external=True))
    # Only the columns the sitemap needs: it lists every public article.
    rows = (Article.select(Article.slug, Article.updated_at, Article.published_at)
            .where(Article.is_public_expr()).order_by(Article.published_at.desc()).tuples())
    for slug, updated_at, published_at in rows:
        add(url_for("public.article", slug=slug, _external=True), max(updated_at, published_at))
    for section in (pages, schedule):  # the portal's sections: each lists its own addresses
        for loc, lastmod in section.sitemap_urls():
            add(loc, lastmod)
    for loc, lastmod in document_sitemap_entries():
        add(loc, lastmod)
    for loc, lastmod in album_sitemap_entries():
        add(loc, lastmod)
    return _xml_response(urlset)


@bp.route("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /dang-nhap",
        "Disallow: /dang-xuat",
        "Disallow: /tim-kiem",
        "Disallow: /api/",
        f"Sitemap: {url_for('feeds.sitemap', _external=True)}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
