"""Models of the public site: categories, articles, tags and old slugs.

Query helpers say what a query means (Article.public(), Category.ordered()) so that views never
re-state the rule of what a reader may see.
"""

import re

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from .db import database
from .markup import render_markdown
from .text import fold, nfc, normalize_tones, slugify
from .timeutil import utcnow
from .trees import id_tree

_SYLLABLE_RE = re.compile(r"\w+")
# A cover image is a path on this site or an http(s) address: never javascript:, data: or a
# protocol-relative //host, and nothing that could leave the attribute it is written into.
_IMAGE_URL_RE = re.compile(r"^(/(?![/\\])|https?://)[^\s\"'<>\\`]*$", re.IGNORECASE)


def is_safe_image_url(url):
    return not url or bool(_IMAGE_URL_RE.match(url))


class BaseModel(Model):
    class Meta:
        database = database


def unique_slug(model, text, exclude_id=None):
    """A slug for `text` not used by another row of `model`: doi-moi, doi-moi-2, doi-moi-3..."""
    base = slugify(text) or "bai-viet"
    taken_query = model.select(model.slug).where(
        (model.slug == base) | (model.slug.startswith(base + "-")))
    if exclude_id is not None:
        taken_query = taken_query.where(model.id != exclude_id)
    taken = {row.slug for row in taken_query}
    if model is Article:
        taken |= {row.old_slug for row in SlugHistory.select(SlugHistory.old_slug).where(
            (SlugHistory.old_slug == base) | (SlugHistory.old_slug.startswith(base + "-")))
            if exclude_id is None or row.article_id != exclude_id}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def search_words(text):
    """Folded syllables of `text` (the back office's fallback search matches whole ones)."""
    return _SYLLABLE_RE.findall(fold(normalize_tones(text)))


class Category(BaseModel):
    name = CharField(max_length=200)
    slug = CharField(max_length=100, unique=True)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    position = IntegerField(default=0)
    description = TextField(default="")

    class Meta:
        table_name = "category"

    def __str__(self):
        return self.name

    @classmethod
    def ordered(cls):
        return cls.select().order_by(cls.position, cls.name)

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            bump_site_version()
            return super().delete_instance(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.name = nfc(self.name).strip()
        self.description = nfc(self.description or "")
        if not self.slug:
            self.slug = unique_slug(Category, self.name, exclude_id=self.id)
        with database.atomic():
            before = None
            if self.id is not None:
                before = Category.select(Category.name, Category.parent).where(Category.id == self.id).first()
            result = super().save(*args, **kwargs)
            bump_site_version()
            if before is not None and (before.name != self.name or before.parent_id != self.parent_id):
                # Indexed articles carry the category's name and its place in the tree.
                affected = Article.select(Article.id).where(
                    Article.category.in_(category_and_descendant_ids(self.id)))
                enqueue_index("article", [article.id for article in affected])
            return result


class Tag(BaseModel):
    name = CharField(max_length=100)
    slug = CharField(max_length=100, unique=True)

    class Meta:
        table_name = "tag"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with database.atomic():
            bump_site_version()
            renamed = self.id is not None and Tag.select().where(
                (Tag.id == self.id) & (Tag.name != self.name)).exists()
            result = super().save(*args, **kwargs)
            if renamed:  # tag names are indexed with their articles
                enqueue_index("article", self._article_ids())
            return result

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            bump_site_version()
            enqueue_index("article", self._article_ids())
            return super().delete_instance(*args, **kwargs)

    def _article_ids(self):
        links = ArticleTag.select(ArticleTag.article).where(ArticleTag.tag == self.id)
        return [link.article_id for link in links]

    @classmethod
    def get_or_create_by_name(cls, name):
        name = nfc(name).strip()
        slug = slugify(name) or "the"
        tag = cls.get_or_none(cls.slug == slug)
        return tag or cls.create(name=name, slug=slug)


class Article(BaseModel):
    DRAFT, PENDING, PUBLISHED, ARCHIVED = "draft", "pending", "published", "archived"
    STATUSES = [
        (DRAFT, "Bản nháp"),
        (PENDING, "Chờ duyệt"),
        (PUBLISHED, "Đã xuất bản"),
        (ARCHIVED, "Lưu trữ"),
    ]

    title = CharField(max_length=300)
    slug = CharField(max_length=100, unique=True)
    lead = TextField(default="")
    body = TextField(default="")
    body_html = TextField(default="")  # sanitized render of body, refreshed on every save
    author = CharField(max_length=200, default="", index=True)  # the back office filters on it
    source = CharField(max_length=300, default="")
    category = ForeignKeyField(Category, backref="articles", on_delete="RESTRICT")
    cover_image = CharField(max_length=500, default="")
    status = CharField(max_length=20, default=DRAFT, choices=STATUSES)
    published_at = DateTimeField(null=True)  # naive UTC
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    view_count = IntegerField(default=0)
    featured = BooleanField(default=False)
    # Optimistic locking: a save must name the version it started from (see admin editing).
    version = IntegerField(default=1)
    # The back-office account that created it (cms.accounts.User); cms knows accounts by id only.
    owner_id = IntegerField(null=True, index=True)
    # Folded title, lead, byline and body ("uy ban" finds "Ủy ban") for back-office filtering.
    search_text = TextField(default="")

    class Meta:
        table_name = "article"
        indexes = (
            # Public lists filter on status and order by published_at, by category or not.
            (("status", "published_at", "category"), False),
            (("category", "status", "published_at"), False),
            (("featured", "status", "published_at"), False),
        )

    def __str__(self):
        return self.title

    # --- what a query means -------------------------------------------------------------
    @classmethod
    def is_public_expr(cls, now=None):
        return (cls.status == cls.PUBLISHED) & (cls.published_at <= (now or utcnow()))

    @classmethod
    def public(cls, now=None):
        """Articles a reader may see: published, and published_at has passed (no cron needed)."""
        return (cls.select(cls, Category).join(Category)
                .where(cls.is_public_expr(now))
                .order_by(cls.published_at.desc(), cls.id.desc()))

    @classmethod
    def listed(cls, now=None):
        """Public articles with only what a list shows (title, lead, cover, date, category), not
        their bodies: lists read many rows, and a body is most of a row."""
        return (cls.select(cls.id, cls.title, cls.slug, cls.lead, cls.cover_image, cls.published_at,
                           cls.category, cls.featured, Category)
                .join(Category).where(cls.is_public_expr(now))
                .order_by(cls.published_at.desc(), cls.id.desc()))

    @property
    def is_public(self):
        return (self.status == self.PUBLISHED and self.published_at is not None
                and self.published_at <= utcnow())

    def tag_list(self):
        return list(Tag.select().join(ArticleTag).where(ArticleTag.article == self)
                    .order_by(Tag.name))

    def set_tags(self, names):
        bump_site_version()
        ArticleTag.delete().where(ArticleTag.article == self).execute()
        seen = set()
        for name in names:
            if not str(name).strip():
                continue
            tag = Tag.get_or_create_by_name(str(name))
            if tag.id not in seen:
                seen.add(tag.id)
                ArticleTag.create(article=self, tag=tag)

    # --- saving ---------------------------------------------------------------------------
    def save(self, *args, **kwargs):
        """Keep stored text NFC, the HTML in step with the body, and old slugs redirecting."""
        self.title = nfc(self.title).strip()
        self.lead = nfc(self.lead or "").strip()
        self.body = nfc(self.body or "")
        self.author = nfc(self.author or "").strip()
        self.source = nfc(self.source or "").strip()
        self.cover_image = (self.cover_image or "").strip()
        if not is_safe_image_url(self.cover_image):
            self.cover_image = ""  # the editor's form says why; imports and scripts lose it silently
        self.body_html = render_markdown(self.body)
        self.search_text = " " + " ".join(search_words(
            " ".join((self.title, self.lead, self.author, self.source, self.body)))) + " "
        self.updated_at = utcnow()
        if self.status == self.PUBLISHED and self.published_at is None:
            self.published_at = utcnow()
        if not self.slug:
            self.slug = unique_slug(Article, self.title, exclude_id=self.id)
        with database.atomic():
            if self.id is not None:
                old_slug = (Article.select(Article.slug).where(Article.id == self.id)
                            .scalar())
                if old_slug and old_slug != self.slug:
                    SlugHistory.delete().where(SlugHistory.old_slug == self.slug).execute()
                    _remember_slug(old_slug, self.id)
            result = super().save(*args, **kwargs)
            enqueue_index("article", [self.id])
            bump_site_version()
            return result

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            enqueue_index("article", [self.id], action=IndexTask.DELETE)
            bump_site_version()
            return super().delete_instance(*args, **kwargs)


def _remember_slug(old_slug, article_id):
    existing = SlugHistory.get_or_none(SlugHistory.old_slug == old_slug)
    if existing:
        existing.article = article_id
        existing.save()
    else:
        SlugHistory.create(old_slug=old_slug, article=article_id)


class ArticleTag(BaseModel):
    article = ForeignKeyField(Article, on_delete="CASCADE")
    tag = ForeignKeyField(Tag, backref="article_links", on_delete="CASCADE")

    class Meta:
        table_name = "article_tag"
        indexes = ((("article", "tag"), True),)


class SlugHistory(BaseModel):
    """An article's former slug; its old URL answers with a 301 to the current one."""

    old_slug = CharField(max_length=100, unique=True)
    article = ForeignKeyField(Article, backref="old_slugs", on_delete="CASCADE")
    changed_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "slug_history"


class SiteState(BaseModel):
    """One row: a counter bumped in the transaction of every change public pages can show.

    Every worker's page cache compares against it (one indexed read per request), so a save in
    one process invalidates the cached pages of all of them at once.
    """

    id = IntegerField(primary_key=True)
    version = IntegerField(default=0)
    changed_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "site_state"


def bump_site_version():
    """Mark public pages out of date; call inside the transaction of the change."""
    updated = (SiteState.update(version=SiteState.version + 1, changed_at=utcnow())
               .where(SiteState.id == 1).execute())
    if not updated:
        SiteState.insert(id=1, version=1, changed_at=utcnow()).on_conflict_ignore().execute()


class ShownOnPublicPages:
    """A model whose rows public pages show (albums, pages, links, library images...): every save
    and delete bumps the site version in its own transaction, so cached pages follow at once; a
    model found by public search (`search_kind`) also writes its outbox row there. Mixed in before
    BaseModel; a model's own save() normalizes its fields, then calls super()."""

    search_kind = None  # the kind of its documents in the public index, if it has any

    def search_documents(self):
        """(kind, id) of the search documents this row's change alters."""
        return [(self.search_kind, self.id)] if self.search_kind else []

    def save(self, *args, **kwargs):
        with database.atomic():
            result = super().save(*args, **kwargs)
            for kind, doc_id in self.search_documents():
                enqueue_index(kind, [doc_id])
            bump_site_version()
            return result

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            bump_site_version()
            changed = self.search_documents()
            result = super().delete_instance(*args, **kwargs)
            for kind, doc_id in changed:
                enqueue_index(kind, [doc_id])  # the source finds nothing public: the index drops it
            return result


class IndexTask(BaseModel):
    """The search outbox: "document X changed", written in the transaction of the change.

    Whoever gets the index writer applies the rows in order (search_index.sync), so a crash between
    the database commit and the index write loses nothing and a failing index never blocks a save.
    Rows are not consumed: each index copy remembers the last row it applied, so a second server
    with its own copy can follow the same outbox.
    """

    UPSERT, DELETE = "upsert", "delete"

    id = AutoField()
    doc_type = CharField(max_length=30)  # "article", "visit", ...
    doc_id = IntegerField()
    action = CharField(max_length=10, default=UPSERT)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "index_task"


def enqueue_index(doc_type, doc_ids, action=IndexTask.UPSERT):
    """Record that these documents changed; call inside the transaction of the change."""
    rows = [{"doc_type": doc_type, "doc_id": int(doc_id), "action": action} for doc_id in doc_ids]
    with database.atomic():
        for start in range(0, len(rows), 500):
            IndexTask.insert_many(rows[start:start + 500]).execute()


def category_and_descendant_ids(category_id):
    return id_tree(Category).descendant_ids(category_id)


CORE_MODELS = [Category, Tag, Article, ArticleTag, SlugHistory, IndexTask, SiteState]
