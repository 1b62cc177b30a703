"""Giới thiệu: the Board's pages (functions and tasks, organisation, leadership, contact) at
/gioi-thieu and /gioi-thieu/<slug>.

A page is Markdown rendered once on save through cms.markup; the organisation page adds the
department list (cms.organisation) below its text, the contact page the site's address, phone and
e-mail (cms.site_settings). A reader sees a page only when it is
published and its publication time has come (`Page.public()`); the page cache follows the site
version and, for scheduled pages, `newest_publication`.
"""

from flask import Blueprint, abort, render_template, url_for
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from . import models
from .accounts import User
from .caching import cached_page
from .markup import render_markdown
from .migrations import register
from .models import Article, BaseModel, ShownOnPublicPages, unique_slug
from .organisation import Department
from .site import add_portal_section
from .text import nfc
from .timeutil import utcnow

PAGE_LIST_LIMIT = 50  # the index lists at most this many pages (a bounded request)


class EditorialFields(ShownOnPublicPages, BaseModel):
    """What the editorial workflow (admin.editorial) expects of a content kind: the articles'
    statuses, an owner, when it was published and a version for optimistic locking."""

    DRAFT, PENDING, PUBLISHED, ARCHIVED = Article.DRAFT, Article.PENDING, Article.PUBLISHED, Article.ARCHIVED
    STATUSES = Article.STATUSES

    status = CharField(max_length=20, default=DRAFT, choices=STATUSES, index=True)
    owner = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    published_at = DateTimeField(null=True)  # naive UTC
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    @classmethod
    def is_public_expr(cls):
        """Published, and its publication time has come (the workflow may schedule one)."""
        return (cls.status == cls.PUBLISHED) & (cls.published_at <= models.utcnow())

    @property
    def status_label(self):
        return dict(self.STATUSES).get(self.status, self.status)

    def stamp(self):
        """Before a save: updated now, and published_at set on the first publication."""
        self.updated_at = utcnow()
        if self.status == self.PUBLISHED and self.published_at is None:
            self.published_at = utcnow()


def newest_publication(model):
    """For cached_page(depends_on=...): the newest publication time of `model` already passed, so
    that a page scheduled by the workflow appears when its time comes, with no save to bump the
    site version (the articles' own rule is in cms.validator). One indexed query."""
    def state(app):
        return str(model.select(fn.MAX(model.published_at)).where(model.is_public_expr()).scalar())
    return state


class Page(EditorialFields):
    """A page of Giới thiệu."""

    search_kind = "page"  # cms.pages_search

    SHOWS_NOTHING, SHOWS_DEPARTMENTS, SHOWS_CONTACT = "", "departments", "contact"
    SHOWS = [(SHOWS_NOTHING, "Không"), (SHOWS_DEPARTMENTS, "Danh sách phòng, ban và người đứng đầu"),
             (SHOWS_CONTACT, "Địa chỉ, điện thoại, thư điện tử (lấy từ Thông tin trang)")]

    title = CharField(max_length=300)
    slug = CharField(max_length=100, unique=True)
    summary = TextField(default="")  # one or two sentences for the index
    body = TextField(default="")  # Markdown
    body_html = TextField(default="")  # sanitized render of body, refreshed on every save
    position = IntegerField(default=0)  # order in the index and the section's menu
    shows = CharField(max_length=30, default=SHOWS_NOTHING, choices=SHOWS)  # what follows the text

    class Meta:
        table_name = "intro_page"

    def __str__(self):
        return self.title

    @classmethod
    def public(cls):
        """Pages a reader may see, in the Board's order."""
        return cls.select().where(cls.is_public_expr()).order_by(cls.position, cls.title)

    @property
    def shows_departments(self):
        return self.shows == self.SHOWS_DEPARTMENTS

    @property
    def shows_contact(self):
        """The site's own address, phone and e-mail (cms.site_settings, as the footer shows them):
        typed once, in one place."""
        return self.shows == self.SHOWS_CONTACT

    def save(self, *args, **kwargs):
        self.title = nfc(self.title or "").strip()
        self.summary = nfc(self.summary or "").strip()
        self.body = nfc(self.body or "")
        self.body_html = render_markdown(self.body)
        self.slug = (self.slug or "").strip() or unique_slug(Page, self.title, exclude_id=self.id)
        self.stamp()
        return super().save(*args, **kwargs)


register("0150_intro_pages", lambda db: db.create_tables([Page], safe=True))


bp = Blueprint("pages", __name__)


def _public_pages():
    return list(Page.public().select(Page.id, Page.title, Page.slug, Page.summary, Page.position)
                .limit(PAGE_LIST_LIMIT))


@bp.route("/gioi-thieu")
@cached_page(depends_on=newest_publication(Page))
def index():
    return render_template("pages/index.html", pages=_public_pages())


@bp.route("/gioi-thieu/<slug>")
@cached_page(depends_on=newest_publication(Page))
def page(slug):
    item = Page.public().where(Page.slug == slug).first() or abort(404)
    departments = list(Department.listed()) if item.shows_departments else []
    return render_template("pages/page.html", page=item, pages=_public_pages(),
                           departments=departments)


def sitemap_urls():
    """(address, last change) of the section and every public page, for sitemap.xml (nothing
    while the section has no public page)."""
    rows = list(Page.public().select(Page.slug, Page.updated_at).tuples())
    if not rows:
        return []
    newest = max((updated for _, updated in rows), default=None)
    return [(url_for("pages.index", _external=True), newest)] + [
        (url_for("pages.page", slug=slug, _external=True), updated) for slug, updated in rows]


def init_app(app):
    app.register_blueprint(bp)
    add_portal_section(app, "Giới thiệu", "pages.index", 10)
