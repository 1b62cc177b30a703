"""Public pages of the photo albums: /thu-vien-anh (the list), /thu-vien-anh/<slug> (a grid of
thumbnails) and /thu-vien-anh/<slug>/<n> (one photo, large, with its caption and previous/next:
the page a thumbnail opens without JavaScript; static/js/albums.js shows the same in a dialog).

Also the album strip of an article: a paragraph of an article body holding only a link to an album
(`[Xem album ảnh](/thu-vien-anh/<slug>)`, the Markdown shortcut) is shown as a strip of that album's
first photos (the `album_strips` filter, applied to body_html when the page is drawn, so the strip
follows the album's changes). And `cover_figure(article)`, an article's cover with its caption.
"""

import re

from flask import Blueprint, abort, render_template, url_for
from markupsafe import Markup

from .albums import Album, covers, first_photos, photo_counts
from .caching import cached_page
from .markup import figure_html
from .media import Media
from .pagination import Page
from .site import add_portal_section

bp = Blueprint("albums", __name__)

ALBUMS_PER_PAGE = 12
STRIP_PHOTOS = 4
STRIPS_PER_ARTICLE = 3  # bounded work per article page however many links it holds
# <p><a href="/thu-vien-anh/slug">text</a></p> as markup.render_markdown writes it.
_ALBUM_LINK_PARAGRAPH = re.compile(
    r'<p><a href="(?:https?://[^/"]+)?/thu-vien-anh/([a-z0-9-]+)/?"[^>]*>([^<]*)</a></p>')


def _public_album(slug):
    return Album.public().where(Album.slug == slug).first() or abort(404)


@bp.route("/thu-vien-anh")
@cached_page
def index():
    page = Page(Album.public(), ALBUMS_PER_PAGE)
    ids = [album.id for album in page.items]
    return render_template("albums/index.html", page=page, covers=covers(page.items),
                           counts=photo_counts(ids))


@bp.route("/thu-vien-anh/<slug>")
@cached_page
def album(slug):
    item = _public_album(slug)
    return render_template("albums/album.html", album=item, photos=item.photos())


@bp.route("/thu-vien-anh/<slug>/<int:number>")
@cached_page
def photo(slug, number):
    item = _public_album(slug)
    photos = item.photos()
    if not 1 <= number <= len(photos):
        abort(404)
    return render_template("albums/photo.html", album=item, photos=photos, number=number,
                           photo=photos[number - 1])


def album_strips(body_html):
    """body_html with each album-link paragraph shown as that album's strip (two queries at most)."""
    html = str(body_html or "")
    slugs = list(dict.fromkeys(_ALBUM_LINK_PARAGRAPH.findall(html)))[:STRIPS_PER_ARTICLE]
    if not slugs:
        return Markup(html)
    albums = {album.slug: album for album in Album.public().where(Album.slug.in_([s for s, _ in slugs]))}
    firsts = first_photos([album.id for album in albums.values()], STRIP_PHOTOS)
    counts = photo_counts([album.id for album in albums.values()])

    def strip(match):
        found = albums.get(match.group(1))
        if found is None:  # a link to an album readers cannot see: left as the plain link it is
            return match.group(0)
        return render_template("albums/_strip.html", album=found, photos=firsts[found.id],
                               count=counts.get(found.id, 0))

    return Markup(_ALBUM_LINK_PARAGRAPH.sub(strip, html))


def cover_figure(article):
    """An article's cover as a figure, its caption under it: the caption is the image's own in the
    library ("Chú thích ảnh" of Thư viện ảnh, where an uploaded cover lands), unless it only
    repeats the article's title. One query; for a cover from elsewhere, no caption."""
    if not article.cover_image:
        return Markup("")
    media = Media.for_url(article.cover_image)
    caption = media.title if media and media.title.strip() != article.title.strip() else ""
    size = media.rendition_size("article") if media else None
    return Markup(figure_html(article.cover_image, caption, size=size))


def sitemap_entries():
    """(url, last change) of the album list and every public album, for cms.feeds' sitemap (nothing
    while no album is public: the list would be an empty page)."""
    rows = list(Album.public().select(Album.slug, Album.updated_at).tuples())
    if not rows:
        return []
    return [(url_for("albums.index", _external=True), max(updated for _, updated in rows))] + [
        (url_for("albums.album", slug=slug, _external=True), updated_at) for slug, updated_at in rows]


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_filter(album_strips, "album_strips")
    app.add_template_global(cover_figure, "cover_figure")
    add_portal_section(app, "Thư viện ảnh", "albums.index", 40)
