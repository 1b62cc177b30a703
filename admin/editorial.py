"""The editorial workflow and revisions of every kind of published content.

Articles, documents, pages, schedule weeks and albums all go draft -> pending -> published ->
archived, with the same steps for the same roles, and keep the same history: every step is a
WorkflowEvent, every save a Revision, both written in the transaction of the change (with its
audit entry). A kind joins by declaring itself once:

    register_kind(ContentKind("document", "văn bản", Document, ("number", "summary", "body")))

`name` is the kind's area in cms.roles.RULES (who may edit, who may publish) and its audit
object type; `text_fields` are the fields a revision keeps, restores and compares (the first one is
its title). The model has `status` (cms.models.Article's values), `owner` (a User, may be null),
`published_at`, `version`. The back-office side, the same endpoints for every kind, is
admin.views.editorial_view.EditorialViewMixin.
"""

import difflib
import json
from dataclasses import dataclass

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from cms import audit
from cms.accounts import User
from cms.db import database
from cms.migrations import register
from cms.models import Article, BaseModel
from cms.roles import RULES, role_of
from cms.timeutil import utcnow

DRAFT, PENDING, PUBLISHED, ARCHIVED = (Article.DRAFT, Article.PENDING, Article.PUBLISHED,
                                       Article.ARCHIVED)
STATUS_LABELS = dict(Article.STATUSES)
STATUSES = Article.STATUSES


@dataclass(frozen=True)
class ContentKind:
    name: str  # its area in cms.roles.RULES and its audit object type
    label: str  # "bài viết", "văn bản": as a sentence names one
    model: type
    text_fields: tuple  # what a revision keeps, restores and compares; the first is its title


_KINDS = {}


def register_kind(kind):
    _KINDS[kind.model] = kind
    return kind


def kind_of(item):
    kind = _KINDS.get(type(item))
    if kind is None:
        raise LookupError(f"{type(item).__name__} is not an editorial kind (register_kind)")
    return kind


ARTICLE = register_kind(ContentKind("article", "bài viết", Article, ("title", "lead", "body")))


class Transition:
    """One step. Who may take it comes from the kind's rules: the roles that may publish take the
    editor's steps; the roles that may only edit submit and withdraw their own items."""

    def __init__(self, name, label, sources, target, by_publishers, by_writers=False):
        self.name, self.label, self.sources, self.target = name, label, sources, target
        self.by_publishers = by_publishers  # every role that may publish the kind
        self.by_writers = by_writers  # roles that may edit but not publish: on their own items only

    def allowed_for(self, item, user):
        if item.status not in self.sources:
            return False
        rules = RULES[kind_of(item).name]
        role = role_of(user)
        if role in rules["publish"]:
            return self.by_publishers
        return self.by_writers and role in rules["edit"] and item.owner_id == user.id


TRANSITIONS = {t.name: t for t in [
    Transition("submit", "Gửi duyệt", {DRAFT}, PENDING, by_publishers=True, by_writers=True),
    Transition("withdraw", "Rút lại để sửa", {PENDING}, DRAFT, by_publishers=False, by_writers=True),
    Transition("return", "Trả lại để sửa", {PENDING}, DRAFT, by_publishers=True),
    Transition("publish", "Xuất bản / lên lịch", {DRAFT, PENDING}, PUBLISHED, by_publishers=True),
    Transition("unpublish", "Gỡ xuống (về bản nháp)", {PUBLISHED}, DRAFT, by_publishers=True),
    Transition("archive", "Lưu trữ", {PUBLISHED, DRAFT}, ARCHIVED, by_publishers=True),
    Transition("restore", "Đưa về bản nháp", {ARCHIVED}, DRAFT, by_publishers=True),
]}


class TransitionError(Exception):
    """A step the user may not take, with a message to show them."""


class WorkflowEvent(BaseModel):
    kind = CharField(max_length=30)
    object_id = IntegerField()
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    from_status = CharField(max_length=20)
    to_status = CharField(max_length=20)
    comment = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "content_event"
        indexes = ((("kind", "object_id"), False),)

    @classmethod
    def of(cls, item):
        return cls.select().where((cls.kind == kind_of(item).name) & (cls.object_id == item.id))


class Revision(BaseModel):
    kind = CharField(max_length=30)
    object_id = IntegerField()
    number = IntegerField()
    title = CharField(max_length=300)
    fields = TextField(default="{}")  # JSON: the kind's text_fields as saved
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")
    note = CharField(max_length=300, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "content_revision"
        indexes = ((("kind", "object_id", "number"), True),)

    @classmethod
    def of(cls, item):
        return cls.select().where((cls.kind == kind_of(item).name) & (cls.object_id == item.id))

    @property
    def values(self):
        return json.loads(self.fields or "{}")

    def value(self, name):
        return self.values.get(name, "")


def available_transitions(item, user):
    return [t for t in TRANSITIONS.values() if t.allowed_for(item, user)]


def apply_transition(item, name, user, comment="", published_at=None):
    """Move the item along the workflow, recording who, when, from, to and why."""
    kind = kind_of(item)
    transition = TRANSITIONS.get(name)
    if transition is None or not transition.allowed_for(item, user):
        raise TransitionError(f"Bạn không có quyền thực hiện bước này với {kind.label} "
                              "ở trạng thái hiện tại.")
    before = item.status
    with database.atomic():
        item.status = transition.target
        if name == "publish":
            item.published_at = published_at or item.published_at or utcnow()
        item.version += 1
        item.save()
        WorkflowEvent.create(kind=kind.name, object_id=item.id, actor=user.id, from_status=before,
                             to_status=item.status, comment=comment or "")
        details = {"từ": STATUS_LABELS[before], "sang": STATUS_LABELS[item.status]}
        if name == "publish":
            details["thời điểm đăng"] = item.published_at
        if comment:
            details["ghi chú"] = comment
        audit.record("transition", kind.name, item, details, actor=user)
    return transition


def is_scheduled(item, now=None):
    return item.status == PUBLISHED and item.published_at and item.published_at > (now or utcnow())


def status_label(item):
    return "Đã lên lịch" if is_scheduled(item) else STATUS_LABELS.get(item.status, item.status)


def _text_values(item, kind):
    return {name: getattr(item, name) or "" for name in kind.text_fields}


def save_revision(item, user, note=""):
    kind = kind_of(item)
    last = Revision.of(item).select(Revision.number).order_by(Revision.number.desc()).scalar() or 0
    values = _text_values(item, kind)
    return Revision.create(kind=kind.name, object_id=item.id, number=last + 1,
                           title=str(values[kind.text_fields[0]])[:300],
                           fields=json.dumps(values, ensure_ascii=False, default=str),
                           author=user.id if user else None, note=note)


def restore_revision(item, revision, user):
    """Bring back an old revision's text; the restore is itself a new revision."""
    kind = kind_of(item)
    with database.atomic():
        saved = revision.values
        for name in kind.text_fields:
            if name in saved:
                setattr(item, name, saved[name])
        item.version += 1
        item.save()
        save_revision(item, user, note=f"Khôi phục từ phiên bản {revision.number}")
        audit.record("restore", kind.name, item, {"phiên bản": revision.number}, actor=user)


def forget_history(item):
    """Delete an item's revisions and workflow steps, with the item (its audit entries stay)."""
    Revision.delete().where((Revision.kind == kind_of(item).name) & (Revision.object_id == item.id)).execute()
    WorkflowEvent.delete().where((WorkflowEvent.kind == kind_of(item).name)
                                 & (WorkflowEvent.object_id == item.id)).execute()


def _lines(kind, version):
    """The lines a diff compares: a revision, an item or a dict of submitted fields."""
    if isinstance(version, Revision):
        values = version.values
    elif isinstance(version, dict):
        values = version
    else:
        values = _text_values(version, kind)
    title, *rest = kind.text_fields
    lines = [f"# {values.get(title) or ''}"]
    for name in rest:
        lines += [""] + str(values.get(name) or "").splitlines()
    return lines


def diff_html(kind, old, new, old_label, new_label):
    """A side-by-side table of what changed between two versions of an item of `kind`."""
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        _lines(kind, old), _lines(kind, new), old_label, new_label, context=True, numlines=2)
    return table.replace('nowrap="nowrap"', "")


def _create_tables(db):
    db.create_tables([WorkflowEvent, Revision], safe=True)


def _move_article_history(db):
    """Sites made before every kind had a workflow kept articles' steps and revisions in tables of
    their own (workflow_event, revision): move them into the shared ones, then drop the old."""
    _create_tables(db)
    tables = set(db.get_tables())
    if "workflow_event" in tables:
        rows = db.execute_sql("SELECT article_id, actor_id, from_status, to_status, comment, created_at"
                              " FROM workflow_event ORDER BY id").fetchall()
        for article_id, actor_id, from_status, to_status, comment, created_at in rows:
            WorkflowEvent.insert(kind="article", object_id=article_id, actor=actor_id,
                                 from_status=from_status, to_status=to_status, comment=comment or "",
                                 created_at=WorkflowEvent.created_at.python_value(created_at)).execute()
        db.execute_sql("DROP TABLE workflow_event")
    if "revision" in tables:
        rows = db.execute_sql("SELECT article_id, number, title, lead, body, author_id, note, created_at"
                              " FROM revision ORDER BY id").fetchall()
        for article_id, number, title, lead, body, author_id, note, created_at in rows:
            values = {"title": title, "lead": lead or "", "body": body or ""}
            Revision.insert(kind="article", object_id=article_id, number=number, title=title,
                            fields=json.dumps(values, ensure_ascii=False), author=author_id, note=note or "",
                            created_at=Revision.created_at.python_value(created_at)).execute()
        db.execute_sql("DROP TABLE revision")


register("0120_editorial", _create_tables)
register("0135_editorial_any_kind", _move_article_history)
