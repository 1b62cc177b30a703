"""The documents register (Văn bản): Party documents with their number, kind, issuer and files.

A document's number and symbol ("2993-QĐ/TU") is stored as typed (NFC) and as a lookup key
(`number_key`, "2993-qd-tu"): the key drops diacritics, case and the choice of separators, so
"2993-QD/TU", "2993 qd tu" and "2993-QĐ/TU" name the same document. `Document.public()` is the one
rule of what readers see (published, its time come). Articles that write a known number link to
its page (cms.markup's HTML filter, at the article's save) and are listed on it ("Bài viết dẫn
chiếu") from the `DocumentCitation` table, which follows the article outbox (catch_up_citations).
"""

import re

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from .accounts import User
from .db import database
from .markup import add_html_filter, render_markdown
from .migrations import register
from .models import Article, BaseModel, IndexTask, bump_site_version, enqueue_index, search_words, unique_slug
from .text import fold, nfc
from .timeutil import utcnow


class Kind:
    """A kind of document: its key (URL and database), its name, the abbreviation symbols use."""

    def __init__(self, key, name, abbreviation):
        self.key, self.name, self.abbreviation = key, name, abbreviation


# The kinds, in the order lists show them: the one list (forms, filters, labels, demo).
KINDS = [
    Kind("nghi-quyet", "Nghị quyết", "NQ"),
    Kind("chi-thi", "Chỉ thị", "CT"),
    Kind("quy-dinh", "Quy định", "QĐ"),
    Kind("quyet-dinh", "Quyết định", "QĐ"),
    Kind("huong-dan", "Hướng dẫn", "HD"),
    Kind("ket-luan", "Kết luận", "KL"),
    Kind("ke-hoach", "Kế hoạch", "KH"),
    Kind("thong-bao", "Thông báo", "TB"),
    Kind("bao-cao", "Báo cáo", "BC"),
    Kind("cong-van", "Công văn", "CV"),
]
KIND_BY_KEY = {kind.key: kind for kind in KINDS}
KIND_CHOICES = [(kind.key, kind.name) for kind in KINDS]

# Whether a document still applies (its legal standing, beside its editorial status).
IN_FORCE, REPLACED, EXPIRED = "in_force", "replaced", "expired"
LEGAL_STATUSES = [(IN_FORCE, "Còn hiệu lực"), (REPLACED, "Đã được thay thế"), (EXPIRED, "Hết hiệu lực")]
LEGAL_STATUS_LABELS = dict(LEGAL_STATUSES)

# A document number as articles and readers write it: digits (a year after a slash, as state
# documents have it: 42/2022/NĐ-CP), then the symbol's letters joined by - or /. Dates (08/3/2018)
# have no letters and are left alone.
NUMBER_RE = re.compile(r"(?<![\w/.-])(\d{1,5}(?:/\d{4})?[-/][^\W\d_]{1,8}(?:[-/][^\W\d_]{1,12}){1,3})"
                       r"(?![\w/-])")
_PART_RE = re.compile(r"\w+")


def number_key(number):
    """The lookup key of a number however it is typed: '2993-QĐ/TU', '2993-QD/TU', '2993 qd tu' ->
    '2993-qd-tu'."""
    return "-".join(_PART_RE.findall(fold(nfc(number or ""))))


def numbers_in(text):
    """Keys of the document numbers written in `text` (in order, without repeats)."""
    return list(dict.fromkeys(number_key(match) for match in NUMBER_RE.findall(text or "")))


class Document(BaseModel):
    DRAFT, PENDING, PUBLISHED, ARCHIVED = Article.DRAFT, Article.PENDING, Article.PUBLISHED, Article.ARCHIVED
    STATUSES = Article.STATUSES

    number = CharField(max_length=100)  # "2993-QĐ/TU", as typed (NFC)
    number_key = CharField(max_length=100, index=True)  # "2993-qd-tu" (number_key())
    kind = CharField(max_length=30, choices=KIND_CHOICES)
    issuing_body = CharField(max_length=200)
    signer = CharField(max_length=200, default="")
    date_issued = DateField()
    date_effective = DateField(null=True)
    year = IntegerField(index=True)  # of date_issued: the year filter reads it without SQL dialects
    summary = TextField()  # trích yếu
    field = CharField(max_length=200, default="")  # lĩnh vực
    body = TextField(default="")  # an optional note or full text (Markdown)
    body_html = TextField(default="")
    legal_status = CharField(max_length=20, default=IN_FORCE, choices=LEGAL_STATUSES)
    replaced_by = ForeignKeyField("self", null=True, backref="replaces", on_delete="SET NULL")
    slug = CharField(max_length=120, unique=True)
    # The editorial fields every content kind shares (admin.editorial).
    status = CharField(max_length=20, default=DRAFT, choices=STATUSES)
    owner = ForeignKeyField(User, null=True, on_delete="SET NULL")
    published_at = DateTimeField(null=True)  # naive UTC
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    search_text = TextField(default="")  # folded words of number, kind, body, summary: /van-ban's filter

    class Meta:
        table_name = "document"
        indexes = ((("status", "published_at"), False), (("status", "date_issued"), False))

    def __str__(self):
        return f"{self.kind_name} {self.number}"

    @property
    def kind_name(self):
        kind = KIND_BY_KEY.get(self.kind)
        return kind.name if kind else self.kind

    @property
    def title(self):
        """'Quy định 2993-QĐ/TU': how lists, search and links name it."""
        return f"{self.kind_name} {self.number}"

    @property
    def legal_status_label(self):
        return LEGAL_STATUS_LABELS.get(self.legal_status, self.legal_status)

    # --- what a query means -------------------------------------------------------------
    @classmethod
    def is_public_expr(cls, now=None):
        return (cls.status == cls.PUBLISHED) & (cls.published_at <= (now or utcnow()))

    @classmethod
    def public(cls, now=None):
        """Documents a reader may see: published, and published_at has passed; newest issued first."""
        return (cls.select().where(cls.is_public_expr(now))
                .order_by(cls.date_issued.desc(), cls.id.desc()))

    @property
    def is_public(self):
        return (self.status == self.PUBLISHED and self.published_at is not None
                and self.published_at <= utcnow())

    def files(self):
        return list(DocumentFile.select().where(DocumentFile.document == self.id)
                    .order_by(DocumentFile.position, DocumentFile.id))

    # --- saving ---------------------------------------------------------------------------
    def save(self, *args, **kwargs):
        """Keep text NFC, the key and search words in step, the slug unique; bump the site version,
        index it, and re-render the articles that write its number (their links follow it)."""
        for name in ("number", "issuing_body", "signer", "summary", "field", "body"):
            setattr(self, name, nfc(getattr(self, name) or "").strip())
        self.number = re.sub(r"\s+", "", self.number)
        old_key = None
        if self.id is not None:
            old_key = Document.select(Document.number_key).where(Document.id == self.id).scalar()
        self.number_key = number_key(self.number)
        self.year = self.date_issued.year if self.date_issued else utcnow().year
        self.body_html = render_markdown(self.body)
        self.search_text = " " + " ".join(search_words(" ".join(
            (self.number, self.kind_name, self.issuing_body, self.signer, self.field, self.summary,
             self.body)))) + " "
        self.updated_at = utcnow()
        if self.status == self.PUBLISHED and self.published_at is None:
            self.published_at = utcnow()
        if not self.slug:
            self.slug = unique_slug(Document, f"{self.kind_name} {self.number}", exclude_id=self.id)
        with database.atomic():
            result = super().save(*args, **kwargs)
            enqueue_index("document", [self.id])
            bump_site_version()
            relink_articles({self.number_key, old_key} - {None})
            return result

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            enqueue_index("document", [self.id], action=IndexTask.DELETE)
            bump_site_version()
            key = self.number_key
            result = super().delete_instance(*args, **kwargs)
            relink_articles({key})
            return result


class DocumentFile(BaseModel):
    """A file of a document (PDF, Word), checked by content (cms.document_files) and stored under
    uploads/documents/ with a generated name; served only through the document's download URL."""

    document = ForeignKeyField(Document, backref="file_rows", on_delete="CASCADE")
    file_name = CharField(max_length=300)  # relative to the uploads dir
    original_name = CharField(max_length=200)
    kind = CharField(max_length=10)  # "pdf", "docx"
    content_type = CharField(max_length=120)
    size_bytes = IntegerField()
    position = IntegerField(default=0)
    uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "document_file"

    @property
    def size_label(self):
        kb = self.size_bytes / 1024
        return f"{kb / 1024:.1f} MB".replace(".", ",") if kb >= 1024 else f"{max(1, round(kb))} KB"


class DocumentCitation(BaseModel):
    """An article writes a document's number (by its key, so it holds before the document exists)."""

    article = ForeignKeyField(Article, on_delete="CASCADE")
    number_key = CharField(max_length=100)

    class Meta:
        table_name = "document_citation"
        indexes = ((("number_key", "article"), True),)


class CitationPosition(BaseModel):
    """One row: the last outbox row (cms.models.IndexTask) whose articles' citations are recorded."""

    id = IntegerField(primary_key=True)
    position = IntegerField(default=0)

    class Meta:
        table_name = "document_citation_position"


# --- articles writing document numbers ---------------------------------------------------------
_TAG_SPLIT_RE = re.compile(r"(<[^>]+>)")


def link_numbers(html):
    """Article HTML with each known public document's number linked to its page (a cms.markup HTML
    filter: run on the sanitized render at each save). Text inside links is left alone."""
    if not html or not NUMBER_RE.search(html) or database.is_closed():
        return html
    keys = numbers_in(html)
    slugs = dict(Document.public().select(Document.number_key, Document.slug)
                 .where(Document.number_key.in_(keys)).tuples()) if keys else {}
    if not slugs:
        return html

    def link(match):
        slug = slugs.get(number_key(match.group(1)))
        if slug is None:
            return match.group(0)
        return f'<a class="document-link" href="/van-ban/{slug}">{match.group(1)}</a>'

    pieces, in_link = _TAG_SPLIT_RE.split(html), 0
    for i, piece in enumerate(pieces):
        if piece.startswith("<"):
            lowered = piece[:3].lower()
            in_link += 1 if lowered.startswith("<a ") or lowered == "<a>" else -1 if lowered == "</a" else 0
        elif not in_link:
            pieces[i] = NUMBER_RE.sub(link, piece)
    return "".join(pieces)


add_html_filter(link_numbers)


def relink_articles(keys):
    """Re-render the articles that write these numbers (a document was published, renumbered,
    withdrawn): their links follow, with their index entries. Called inside the document's save."""
    keys = [key for key in keys if key]
    if not keys:
        return
    words = {key: " " + " ".join(key.split("-")) + " " for key in keys}
    condition = None
    for folded in words.values():
        clause = Article.search_text.contains(folded)
        condition = clause if condition is None else condition | clause
    changed = []
    for article in Article.select(Article.id, Article.body, Article.body_html).where(condition):
        html = render_markdown(article.body)
        if html != article.body_html:
            Article.update(body_html=html).where(Article.id == article.id).execute()
            changed.append(article.id)
    if changed:
        enqueue_index("article", changed)


def record_citations(article_ids):
    """Record which numbers these articles write (replacing what was recorded)."""
    article_ids = list(article_ids)
    if not article_ids:
        return
    with database.atomic():
        DocumentCitation.delete().where(DocumentCitation.article.in_(article_ids)).execute()
        rows = []
        for article_id, title, lead, body in (Article.select(Article.id, Article.title, Article.lead,
                                                             Article.body)
                                              .where(Article.id.in_(article_ids)).tuples()):
            rows += [{"article": article_id, "number_key": key}
                     for key in numbers_in("\n".join((title, lead, body)))]
        for start in range(0, len(rows), 500):
            DocumentCitation.insert_many(rows[start:start + 500]).on_conflict_ignore().execute()


def catch_up_citations(batch=2000, max_batches=5):
    """Record the citations of the articles changed since the last call (the outbox says which).

    One query when nothing changed, so the document page calls it before listing its citing
    articles; at most `max_batches` batches per call (a request's work stays bounded; the next call
    goes on). The work is idempotent, so two workers doing it at once do no harm."""
    position = fn.COALESCE(CitationPosition.select(CitationPosition.position)
                           .where(CitationPosition.id == 1), 0)
    pending = list(IndexTask.select(IndexTask.id, IndexTask.doc_type, IndexTask.doc_id)
                   .where(IndexTask.id > position).order_by(IndexTask.id).limit(batch).tuples())
    for _ in range(max_batches):
        if not pending:
            break
        record_citations({doc_id for _, doc_type, doc_id in pending if doc_type == "article"})
        last = pending[-1][0]
        with database.atomic():
            if not CitationPosition.update(position=last).where(
                    (CitationPosition.id == 1) & (CitationPosition.position < last)).execute():
                CitationPosition.insert(id=1, position=last).on_conflict_ignore().execute()
        if len(pending) < batch:
            break
        pending = list(IndexTask.select(IndexTask.id, IndexTask.doc_type, IndexTask.doc_id)
                       .where(IndexTask.id > last).order_by(IndexTask.id).limit(batch).tuples())


def citing_articles(document, limit=50):
    """'Bài viết dẫn chiếu': public articles writing the document's number, newest first."""
    # Read from the citations' side: joined, SQLite walked every public article to probe them.
    citing = DocumentCitation.select(DocumentCitation.article).where(
        DocumentCitation.number_key == document.number_key)
    return list(Article.listed().where(Article.id.in_(citing)).limit(limit))


DOCUMENT_MODELS = [Document, DocumentFile, DocumentCitation, CitationPosition]


def _create_tables(db):
    """The tables, and the citations of the articles written before the register existed (read
    here once, so that no reader's request has to catch up on a whole site's outbox)."""
    db.create_tables(DOCUMENT_MODELS, safe=True)
    newest = IndexTask.select(fn.MAX(IndexTask.id)).scalar() or 0
    ids = [article_id for (article_id,) in Article.select(Article.id).order_by(Article.id).tuples()]
    for start in range(0, len(ids), 500):
        record_citations(ids[start:start + 500])
    CitationPosition.insert(id=1, position=newest).on_conflict_ignore().execute()


register("0140_documents", _create_tables)
