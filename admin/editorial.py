"""Editorial workflow and revisions of articles.

draft -> pending -> published -> archived, with the roles allowed for each step; every step is a
WorkflowEvent, every save a Revision. Both are written in the transaction of the change.
"""

import difflib

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from cms import audit
from cms.accounts import User
from cms.db import database
from cms.migrations import register
from cms.models import Article, BaseModel
from cms.roles import ADMIN, EDITOR, STAFF, role_of
from cms.timeutil import utcnow

DRAFT, PENDING, PUBLISHED, ARCHIVED = (Article.DRAFT, Article.PENDING, Article.PUBLISHED,
                                       Article.ARCHIVED)
STATUS_LABELS = dict(Article.STATUSES)


class Transition:
    def __init__(self, name, label, sources, target, roles, own_only_roles=()):
        self.name, self.label, self.sources, self.target = name, label, sources, target
        self.roles = set(roles)
        self.own_only_roles = set(own_only_roles)  # these roles only on articles they own

    def allowed_for(self, article, user):
        role = role_of(user)
        if article.status not in self.sources or role not in self.roles:
            return False
        return role not in self.own_only_roles or article.owner_id == user.id


TRANSITIONS = {t.name: t for t in [
    Transition("submit", "Gửi duyệt", {DRAFT}, PENDING, {ADMIN, EDITOR, STAFF}, {STAFF}),
    Transition("withdraw", "Rút lại để sửa", {PENDING}, DRAFT, {STAFF}, {STAFF}),
    Transition("return", "Trả lại để sửa", {PENDING}, DRAFT, {ADMIN, EDITOR}),
    Transition("publish", "Xuất bản / lên lịch", {DRAFT, PENDING}, PUBLISHED, {ADMIN, EDITOR}),
    Transition("unpublish", "Gỡ xuống (về bản nháp)", {PUBLISHED}, DRAFT, {ADMIN, EDITOR}),
    Transition("archive", "Lưu trữ", {PUBLISHED, DRAFT}, ARCHIVED, {ADMIN, EDITOR}),
    Transition("restore", "Đưa về bản nháp", {ARCHIVED}, DRAFT, {ADMIN, EDITOR}),
]}


class TransitionError(Exception):
    """A step the user may not take, with a message to show them."""


class WorkflowEvent(BaseModel):
    article = ForeignKeyField(Article, backref="workflow_events", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    from_status = CharField(max_length=20)
    to_status = CharField(max_length=20)
    comment = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "workflow_event"


class Revision(BaseModel):
    article = ForeignKeyField(Article, backref="revisions", on_delete="CASCADE")
    number = IntegerField()
    title = CharField(max_length=300)
    lead = TextField(default="")
    body = TextField(default="")
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")
    note = CharField(max_length=300, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "revision"
        indexes = ((("article", "number"), True),)


def available_transitions(article, user):
    return [t for t in TRANSITIONS.values() if t.allowed_for(article, user)]


def apply_transition(article, name, user, comment="", published_at=None):
    """Move the article along the workflow, recording who, when, from, to and why."""
    transition = TRANSITIONS.get(name)
    if transition is None or not transition.allowed_for(article, user):
        raise TransitionError("Bạn không có quyền thực hiện bước này với bài viết ở trạng thái hiện tại.")
    before = article.status
    with database.atomic():
        article.status = transition.target
        if name == "publish":
            article.published_at = published_at or article.published_at or utcnow()
        article.version += 1
        article.save()
        WorkflowEvent.create(article=article, actor=user.id, from_status=before,
                             to_status=article.status, comment=comment or "")
        details = {"từ": STATUS_LABELS[before], "sang": STATUS_LABELS[article.status]}
        if name == "publish":
            details["thời điểm đăng"] = article.published_at
        if comment:
            details["ghi chú"] = comment
        audit.record("transition", "article", article, details, actor=user)
    return transition


def is_scheduled(article, now=None):
    return article.status == PUBLISHED and article.published_at and article.published_at > (now or utcnow())


def save_revision(article, user, note=""):
    last = (Revision.select(Revision.number).where(Revision.article == article)
            .order_by(Revision.number.desc()).scalar()) or 0
    return Revision.create(article=article, number=last + 1, title=article.title, lead=article.lead,
                           body=article.body, author=user.id if user else None, note=note)


def restore_revision(article, revision, user):
    """Bring back an old revision's text; the restore is itself a new revision."""
    with database.atomic():
        article.title, article.lead, article.body = revision.title, revision.lead, revision.body
        article.version += 1
        article.save()
        save_revision(article, user, note=f"Khôi phục từ phiên bản {revision.number}")
        audit.record("restore", "article", article, {"phiên bản": revision.number}, actor=user)


def _lines(revision_or_fields):
    get = (revision_or_fields.get if isinstance(revision_or_fields, dict)
           else lambda key: getattr(revision_or_fields, key))
    return ([f"# {get('title')}", ""] + (get("lead") or "").splitlines() + [""]
            + (get("body") or "").splitlines())


def diff_html(old, new, old_label, new_label):
    """A side-by-side table of what changed between two versions (title, lead, body)."""
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        _lines(old), _lines(new), old_label, new_label, context=True, numlines=2)
    return table.replace('nowrap="nowrap"', "")


register("0120_editorial", lambda db: db.create_tables([WorkflowEvent, Revision], safe=True))
