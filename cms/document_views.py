"""Public pages of the documents register: /van-ban (filtered, paged), a document's page, its files,
its feed; and its entries of the sitemap. Every page through the page cache, queries fixed in number."""

import html
from datetime import UTC
from email.utils import format_datetime as rfc2822
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file, url_for

from .caching import cached_page
from .document_files import download_name, file_path, hide_document_files
from .documents import KIND_BY_KEY, KINDS, Document, DocumentFile, catch_up_citations, citing_articles
from .models import search_words
from .pagination import Page
from .site import add_portal_section, per_site_state
from .text import nfc, slugify
from .timeutil import utcnow

bp = Blueprint("documents", __name__)

PER_PAGE = 20
FEED_SIZE = 30
FILTER_ARGS = ("page", "loai", "co-quan", "linh-vuc", "nam", "q")
MAX_QUERY_WORDS = 8


class FilterOptions:
    """The values the list's filters offer: only those some public document has (one query of the
    distinct combinations, kept per state of the site)."""

    def __init__(self, rows):
        kinds, bodies, fields, years = set(), {}, {}, set()
        for kind, body, field, year in rows:
            kinds.add(kind)
            bodies.setdefault(slugify(body), body)
            if field:
                fields.setdefault(slugify(field), field)
            years.add(year)
        self.kinds = [(k.key, k.name) for k in KINDS if k.key in kinds]
        self.bodies = sorted(bodies.items(), key=lambda item: item[1])
        self.fields = sorted(fields.items(), key=lambda item: item[1])
        self.years = sorted(years, reverse=True)


def filter_options():
    def build():
        rows = (Document.select(Document.kind, Document.issuing_body, Document.field, Document.year)
                .where(Document.is_public_expr()).distinct().tuples())
        return FilterOptions(list(rows))
    return per_site_state("document_filter_options", build)


@bp.route("/van-ban")
@cached_page(key_args=FILTER_ARGS)
def index():
    options = filter_options()
    chosen = {name: request.args.get(name, "").strip() for name in FILTER_ARGS if name != "page"}
    query = Document.public()
    if chosen["loai"] in KIND_BY_KEY:
        query = query.where(Document.kind == chosen["loai"])
    bodies, fields = dict(options.bodies), dict(options.fields)
    if chosen["co-quan"] in bodies:
        query = query.where(Document.issuing_body == bodies[chosen["co-quan"]])
    if chosen["linh-vuc"] in fields:
        query = query.where(Document.field == fields[chosen["linh-vuc"]])
    if chosen["nam"].isdigit() and int(chosen["nam"]) in options.years:
        query = query.where(Document.year == int(chosen["nam"]))
    text = nfc(chosen["q"])[:200]
    # Whole folded words of number, kind, issuer, summary: "2993 qd tu", "2993-QĐ/TU" and "2993"
    # all find 2993-QĐ/TU.
    for word in search_words(text)[:MAX_QUERY_WORDS]:
        query = query.where(Document.search_text.contains(f" {word} "))
    page = Page(query, PER_PAGE)
    filtered = any(chosen.values())
    return render_template("documents/index.html", page=page, options=options, chosen=chosen,
                           filtered=filtered, page_args={k: v for k, v in chosen.items() if v})


def _public_document(slug):
    return Document.public().where(Document.slug == slug).first() or abort(404)


@bp.route("/van-ban/<slug>")
@cached_page
def detail(slug):
    document = _public_document(slug)
    catch_up_citations()
    replaced_by = None
    if document.replaced_by_id:
        replaced_by = Document.public().where(Document.id == document.replaced_by_id).first()
    replaces = list(Document.public().where(Document.replaced_by == document.id).limit(20))
    return render_template("documents/detail.html", document=document, files=document.files(),
                           replaced_by=replaced_by, replaces=replaces,
                           citing=citing_articles(document))


@bp.route("/van-ban/<slug>/tep/<int:file_id>")
def download(slug, file_id):
    """A file of a public document, with its type and its Vietnamese name (never from /media/)."""
    document = _public_document(slug)
    row = DocumentFile.get_or_none((DocumentFile.id == file_id) & (DocumentFile.document == document.id))
    path = file_path(current_app, row) if row else None
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=row.content_type, as_attachment=True,
                         download_name=download_name(row), max_age=24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/van-ban/rss.xml")
@cached_page
def feed():
    name = current_app.config["CMS_SITE_NAME"]
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = f"Văn bản - {name}"
    ET.SubElement(channel, "link").text = url_for("documents.index", _external=True)
    ET.SubElement(channel, "description").text = f"Văn bản mới đăng của {name}"
    ET.SubElement(channel, "language").text = "vi"
    ET.SubElement(channel, "lastBuildDate").text = rfc2822(utcnow().replace(tzinfo=UTC))
    newest = Document.public().order_by(Document.published_at.desc(), Document.id.desc()).limit(FEED_SIZE)
    for document in newest:
        url = url_for("documents.detail", slug=document.slug, _external=True)
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = document.title
        ET.SubElement(item, "link").text = url
        ET.SubElement(item, "guid", isPermaLink="true").text = url
        ET.SubElement(item, "description").text = html.escape(document.summary, quote=False)
        ET.SubElement(item, "category").text = document.kind_name
        ET.SubElement(item, "pubDate").text = rfc2822(document.published_at.replace(tzinfo=UTC))
    body = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/rss+xml")


def sitemap_entries():
    """(url, last change) of /van-ban and every public document, for cms.feeds' sitemap (nothing while
    the register has no public document)."""
    rows = list(Document.select(Document.slug, Document.updated_at, Document.published_at)
                .where(Document.is_public_expr()).order_by(Document.published_at.desc()).tuples())
    if rows:
        yield url_for("documents.index", _external=True), None
    for slug, updated_at, published_at in rows:
        yield url_for("documents.detail", slug=slug, _external=True), max(updated_at, published_at)


def init_app(app):
    from .cli import add_demo_loader
    from .documents_demo import load_demo

    app.register_blueprint(bp)
    add_demo_loader(app, load_demo)
    add_portal_section(app, "Văn bản", "documents.index", 20)
    hide_document_files(app)
    app.jinja_env.globals["document_kinds"] = KINDS
