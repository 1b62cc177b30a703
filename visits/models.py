"""Field-visit records (đi cơ sở): reference data, visits from plan to report, follow-ups, meetings.

Dates of visits are calendar dates in Vietnam (DateField); moments (created_at...) are naive UTC
like everywhere else. Text is stored NFC; `search_text` columns (and VisitSearchText for visits)
hold the folded text that the back office's filters search ("uy ban" finds "Ủy ban").
"""

import functools
import re

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from cms.accounts import User
from cms.db import database
from cms.migrations import add_column_if_missing, register
from cms.models import BaseModel, IndexTask, enqueue_index
from cms.organisation import RENAME_HOOKS as _DEPARTMENT_RENAME_HOOKS
from cms.organisation import Department  # re-exported: the one list of departments is the core's
from cms.text import fold, nfc, normalize_tones
from cms.timeutil import utcnow
from cms.trees import id_tree

from . import vocab
from .lineage import Lineage
from .rules import Lifetime

_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=200_000)
def _folded_word(word):
    return fold(normalize_tones(word))


def folded(*parts):
    """fold(normalize_tones(text)) of the parts joined, word by word with a cache (the syllable
    vocabulary is small, so long reports fold fast)."""
    text = nfc(" ".join(part or "" for part in parts))
    return _WORD.sub(lambda m: _folded_word(m.group(0)), text).lower()


def clean(text):
    return nfc(text or "").strip()


# --- staff search: every change that alters a search document records outbox rows in its own
# transaction. A visit has three kinds of documents (visits.search_source): its plan, its report and
# one per follow-up item. Bulk writes that bypass save() (visits.demo.write_plans) call
# enqueue_visits themselves. (The models below are only used when these are called.)

OUTBOX_BATCH = 500


def enqueue_visits(visit_ids, action=IndexTask.UPSERT):
    """Outbox rows for the visit, report and follow-up documents of these visits (call inside the
    transaction of the change; a deleted document is one whose source row is gone when applied)."""
    visit_ids = sorted({int(v) for v in visit_ids if v is not None})
    if not visit_ids:
        return
    enqueue_index("visit", visit_ids, action=action)
    enqueue_index("report", visit_ids, action=action)
    items = follow_up_ids(visit_ids)
    if items:
        enqueue_index("followup", items, action=action)


def follow_up_ids(visit_ids):
    visit_ids = list(visit_ids)
    ids = []
    for start in range(0, len(visit_ids), OUTBOX_BATCH):
        ids += [fid for (fid,) in FollowUp.select(FollowUp.id)
                .where(FollowUp.visit.in_(visit_ids[start:start + OUTBOX_BATCH])).tuples()]
    return ids


def visits_of_officials(official_ids):
    """Ids of the visits these officials lead or take part in."""
    official_ids = list(official_ids)
    led = Visit.select(Visit.id).where(Visit.lead.in_(official_ids))
    joined = (VisitParticipant.select(VisitParticipant.visit)
              .where(VisitParticipant.official.in_(official_ids)))
    return sorted({vid for (vid,) in (led | joined).tuples()})


def visits_of_localities(locality_ids):
    return sorted({vid for (vid,) in VisitLocality.select(VisitLocality.visit)
                   .where(VisitLocality.locality.in_(list(locality_ids))).tuples()})


def visits_of_department(department_id):
    """Visits whose plan is the department's or in which one of its officials takes part."""
    own = Visit.select(Visit.id).where(Visit.department == department_id)
    joined = (VisitParticipant.select(VisitParticipant.visit)
              .join(Official, on=(VisitParticipant.official == Official.id))
              .where(Official.department == department_id))
    return sorted({vid for (vid,) in (own | joined).tuples()})


def _changed(model, *names):
    """Whether a saved row's stored values differ from the model's for these fields (False when new)."""
    if model.id is None:
        return False
    cls = type(model)
    fields = [cls._meta.fields[name] for name in names]
    stored = cls.select(*fields).where(cls.id == model.id).tuples().first()
    if stored is None:
        return False
    current = tuple(getattr(model, f.object_id_name if isinstance(f, ForeignKeyField) else f.name)
                    for f in fields)
    return tuple(stored) != current


def _reindex_department_visits(department_id):
    """A department's name is in its visits' documents (called inside its renaming transaction)."""
    enqueue_visits(visits_of_department(department_id))


if _reindex_department_visits not in _DEPARTMENT_RENAME_HOOKS:
    _DEPARTMENT_RENAME_HOOKS.append(_reindex_department_visits)


class Official(BaseModel):
    """A member of staff (cán bộ) who follows localities; optionally linked to a login account.

    An account linked to an Official is "field staff": it plans visits and sees its department's.
    """

    code = CharField(max_length=30, unique=True)
    full_name = CharField(max_length=200)
    title = CharField(max_length=200, default="")  # chức vụ
    department = ForeignKeyField(Department, backref="officials", on_delete="RESTRICT")
    user = ForeignKeyField(User, null=True, unique=True, backref="officials", on_delete="SET NULL")
    active = BooleanField(default=True)
    search_text = TextField(default="")

    class Meta:
        table_name = "visit_official"

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.code, self.full_name, self.title = clean(self.code), clean(self.full_name), clean(self.title)
        self.search_text = folded(self.full_name, self.title, self.code)
        with database.atomic():
            # Its name is in its visits' documents; its department decides who sees them.
            changed = _changed(self, "full_name", "department")
            result = super().save(*args, **kwargs)
            if changed:
                enqueue_visits(visits_of_officials([self.id]))
            return result


class Locality(Lifetime, BaseModel):
    """A locality followed by the Board (địa bàn): the province, former district-level units,
    communes and wards, and the Party committees directly under the Provincial Committee."""

    code = CharField(max_length=30, unique=True)
    name = CharField(max_length=200)
    kind = CharField(max_length=30, choices=vocab.LOCALITY_KINDS)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    mountainous = BooleanField(default=False)  # miền núi
    remote = BooleanField(default=False)  # vùng sâu, vùng xa
    position = IntegerField(default=0)
    active = BooleanField(default=True)
    search_text = TextField(default="")
    # The unit's lifetime (blank: before our records / still exists). A unit that ended went into
    # the units of its LocalitySuccession rows.
    valid_from = DateField(null=True)
    valid_to = DateField(null=True)

    class Meta:
        table_name = "visit_locality_unit"

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return vocab.LOCALITY_KIND_LABELS.get(self.kind, self.kind)

    def save(self, *args, **kwargs):
        self.code, self.name = clean(self.code), clean(self.name)
        self.search_text = folded(self.name, self.code)
        with database.atomic():
            # Names are in the documents; the parent decides which filters find them.
            changed = _changed(self, "name", "parent")
            lifetime = _changed(self, "valid_from", "valid_to")
            result = super().save(*args, **kwargs)
            if changed:
                enqueue_visits(visits_of_localities(Locality.subtree_ids(self.id)))
            if changed or lifetime:
                # Visits to the units before and after it carry its name too.
                enqueue_visits(visits_of_localities(_lineage_related_ids([self.id])))
            return result

    @classmethod
    def subtree_ids(cls, locality_id):
        """Ids of a locality and of every unit under it (one query)."""
        return id_tree(cls).descendant_ids(locality_id)

    @classmethod
    def lineage(cls):
        """The whole succession graph in memory (visits.lineage.Lineage), in two queries."""
        return Lineage.from_rows(
            cls.select(cls.id, cls.name, cls.valid_from, cls.valid_to).tuples(),
            LocalitySuccession.select(LocalitySuccession.old, LocalitySuccession.new,
                                      LocalitySuccession.share).order_by(LocalitySuccession.id).tuples())

    @classmethod
    def existing_on(cls, day):
        """The units that existed on `day` (a query)."""
        return cls.select().where((cls.valid_from.is_null() | (cls.valid_from <= day))
                                  & (cls.valid_to.is_null() | (cls.valid_to >= day)))


class LocalitySuccession(BaseModel):
    """What an ended unit went into: one row per successor. `share` is the part of the old unit
    that went to this successor (blank: the whole of it, or its main successor)."""

    old = ForeignKeyField(Locality, backref="successor_links", on_delete="CASCADE")
    new = ForeignKeyField(Locality, backref="predecessor_links", on_delete="CASCADE")
    share = FloatField(null=True)

    class Meta:
        table_name = "visit_locality_succession"
        indexes = ((("old", "new"), True), (("new", "old"), False))

    def save(self, *args, **kwargs):
        with database.atomic():
            result = super().save(*args, **kwargs)
            # Visits are found by the names of their units' successors and predecessors.
            _enqueue_succession(self)
            return result

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            _enqueue_succession(self)  # before: the chain through this row is still there
            return super().delete_instance(*args, **kwargs)


def _lineage_related_ids(locality_ids):
    """The localities and every unit before or after them."""
    lineage = Locality.lineage()
    ids = set(locality_ids)
    for lid in locality_ids:
        ids |= lineage.related_ids(lid)
    return ids


def _enqueue_succession(link):
    """A succession row changes what the visits of its whole chain are found by."""
    enqueue_visits(visits_of_localities(_lineage_related_ids([link.old_id, link.new_id])))


class Assignment(BaseModel):
    """Who follows a locality (phân công theo dõi), from when to when. A rotation is a new row; the
    old one is closed, never edited away, so a locality's history stays."""

    official = ForeignKeyField(Official, backref="assignments", on_delete="RESTRICT")
    locality = ForeignKeyField(Locality, backref="assignments", on_delete="RESTRICT")
    start_date = DateField()
    end_date = DateField(null=True)  # open: still following
    note = CharField(max_length=300, default="")

    class Meta:
        table_name = "visit_assignment"
        indexes = ((("locality", "start_date"), False), (("official", "start_date"), False))

    def __str__(self):
        return f"{self.official.full_name} - {self.locality.name}"

    def is_current(self, day):
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class Visit(BaseModel):
    """One field visit (đợt đi cơ sở), from plan to report."""

    title = CharField(max_length=300)
    lead = ForeignKeyField(Official, backref="led_visits", on_delete="RESTRICT")
    # The lead's department when the plan was made: whose plan it is, for visibility and stats.
    department = ForeignKeyField(Department, backref="visits", on_delete="RESTRICT")
    start_date = DateField()
    end_date = DateField()
    main_topic = CharField(max_length=40, default="")  # code of the topic marked main
    partners = TextField(default="")  # whom to work with (đối tượng làm việc)
    methods = CharField(max_length=400, default="")  # method codes, comma separated
    plan_text = TextField(default="")
    state = CharField(max_length=20, default=vocab.DRAFT, choices=vocab.STATES)
    return_comment = TextField(default="")  # the leader's comment of the last return
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    submitted_at = DateTimeField(null=True)
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    completed_at = DateTimeField(null=True)
    merged_into = ForeignKeyField("self", null=True, backref="merged_visits", on_delete="SET NULL")
    version = IntegerField(default=1)
    import_key = CharField(max_length=60, null=True, unique=True)  # demo and bench rows

    class Meta:
        table_name = "visit"
        indexes = (
            # Covering for the dashboards' aggregates (done visits by dates, lead, department,
            # and the id their joins to localities and participants need).
            (("state", "start_date", "end_date", "lead", "department", "id"), False),
            (("start_date", "id"), False),  # the list's default order
            (("id", "department"), False),  # joins from follow-ups etc. without reading wide rows
            (("department", "start_date"), False),
            (("lead", "start_date"), False),
        )

    def __str__(self):
        return self.title

    @property
    def state_label(self):
        return vocab.STATE_LABELS.get(self.state, self.state)

    @property
    def method_codes(self):
        return [code for code in (self.methods or "").split(",") if code]

    @property
    def days(self):
        return (self.end_date - self.start_date).days + 1

    def save(self, *args, **kwargs):
        self.title = clean(self.title)
        self.partners = clean(self.partners)
        self.plan_text = nfc(self.plan_text or "").strip()
        self.updated_at = utcnow()
        with database.atomic():
            result = super().save(*args, **kwargs)
            enqueue_visits([self.id])
            return result

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            enqueue_visits([self.id], action=IndexTask.DELETE)
            return super().delete_instance(*args, **kwargs)


class VisitSearchText(BaseModel):
    """A visit's folded text (plan, people, places, report, follow-ups) for the back office's search.
    Kept apart from the visit row so that the row stays narrow for the dashboards' scans."""

    visit = ForeignKeyField(Visit, primary_key=True, backref="search_texts", on_delete="CASCADE")
    text = TextField(default="")

    class Meta:
        table_name = "visit_search_text"


class VisitParticipant(BaseModel):
    """An official going on a visit besides its lead."""

    visit = ForeignKeyField(Visit, backref="participant_links", on_delete="CASCADE")
    official = ForeignKeyField(Official, backref="participations", on_delete="RESTRICT")

    class Meta:
        table_name = "visit_participant"
        indexes = ((("visit", "official"), True), (("official", "visit"), False))


class VisitLocality(BaseModel):
    visit = ForeignKeyField(Visit, backref="locality_links", on_delete="CASCADE")
    locality = ForeignKeyField(Locality, backref="visit_links", on_delete="RESTRICT")

    class Meta:
        table_name = "visit_locality"
        indexes = ((("visit", "locality"), True), (("locality", "visit"), False))


class VisitTopic(BaseModel):
    """A topic of a visit; several per visit, exactly one marked main."""

    visit = ForeignKeyField(Visit, backref="topic_links", on_delete="CASCADE")
    topic = CharField(max_length=40)
    is_main = BooleanField(default=False)

    class Meta:
        table_name = "visit_topic"
        indexes = ((("visit", "topic"), True), (("topic", "visit"), False))

    @property
    def label(self):
        return vocab.TOPIC_LABELS.get(self.topic, self.topic)


class VisitEvent(BaseModel):
    """A workflow step: who moved the visit from which state to which, and why."""

    visit = ForeignKeyField(Visit, backref="events", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    action = CharField(max_length=30)
    from_state = CharField(max_length=20)
    to_state = CharField(max_length=20)
    comment = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "visit_event"


class PlanChange(BaseModel):
    """A change made to an approved plan: the only way such a plan is edited."""

    visit = ForeignKeyField(Visit, backref="plan_changes", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    reason = TextField()
    changes = TextField(default="")  # JSON: {field label: [before, after]}
    state_before = CharField(max_length=20)
    state_after = CharField(max_length=20)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "visit_plan_change"


class VisitReport(BaseModel):
    """What the visit found and proposes, written after the trip."""

    visit = ForeignKeyField(Visit, backref="reports", unique=True, on_delete="CASCADE")
    findings = TextField(default="")  # kết quả, tình hình nắm được
    proposals = TextField(default="")  # kiến nghị, đề xuất
    lessons = TextField(default="")  # bài học kinh nghiệm
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "visit_report"

    def save(self, *args, **kwargs):
        self.findings = nfc(self.findings or "").strip()
        self.proposals = nfc(self.proposals or "").strip()
        self.lessons = nfc(self.lessons or "").strip()
        self.updated_at = utcnow()
        with database.atomic():
            result = super().save(*args, **kwargs)
            enqueue_index("report", [self.visit_id])
            return result

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            enqueue_index("report", [self.visit_id], action=IndexTask.DELETE)
            return super().delete_instance(*args, **kwargs)


class Attachment(BaseModel):
    """A file of a visit's report, checked by content; served only through the back office."""

    visit = ForeignKeyField(Visit, backref="attachments", on_delete="CASCADE")
    file_name = CharField(max_length=200, unique=True)  # generated, relative to uploads/
    original_name = CharField(max_length=255, default="")
    kind = CharField(max_length=10)  # pdf, docx, xlsx, jpeg, png, webp
    content_type = CharField(max_length=100)
    size_bytes = IntegerField()
    uploaded_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "visit_attachment"

    def __str__(self):
        return self.original_name or self.file_name


class FollowUp(BaseModel):
    """An item to follow after a visit: who does what by when."""

    visit = ForeignKeyField(Visit, backref="follow_ups", on_delete="CASCADE")
    responsible = CharField(max_length=300)  # who carries it out (a committee, a person)
    official = ForeignKeyField(Official, null=True, backref="follow_ups", on_delete="SET NULL")
    description = TextField()
    due_date = DateField()
    status = CharField(max_length=20, default=vocab.FOLLOWUP_OPEN, choices=vocab.FOLLOWUP_STATUSES)
    done_date = DateField(null=True)
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "visit_follow_up"
        indexes = ((("status", "due_date", "visit"), False),)

    def __str__(self):
        return self.description[:80]

    @property
    def status_label(self):
        return vocab.FOLLOWUP_STATUS_LABELS.get(self.status, self.status)

    def save(self, *args, **kwargs):
        self.responsible = clean(self.responsible)
        self.description = nfc(self.description or "").strip()
        self.note = nfc(self.note or "").strip()
        with database.atomic():
            result = super().save(*args, **kwargs)
            enqueue_index("followup", [self.id])
            return result

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            enqueue_index("followup", [self.id], action=IndexTask.DELETE)
            return super().delete_instance(*args, **kwargs)


class ReviewMeeting(BaseModel):
    """A department's quarterly experience-sharing meeting (họp rút kinh nghiệm)."""

    department = ForeignKeyField(Department, backref="review_meetings", on_delete="RESTRICT")
    year = IntegerField()
    quarter = IntegerField()
    meeting_date = DateField()
    attendees = TextField(default="")  # names, one per line or comma separated
    notes = TextField(default="")
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "visit_review_meeting"
        indexes = ((("department", "year", "quarter"), False),)

    def __str__(self):
        return f"Họp rút kinh nghiệm quý {self.quarter}/{self.year}"

    def save(self, *args, **kwargs):
        self.attendees = nfc(self.attendees or "").strip()
        self.notes = nfc(self.notes or "").strip()
        return super().save(*args, **kwargs)


class ReviewMeetingVisit(BaseModel):
    meeting = ForeignKeyField(ReviewMeeting, backref="visit_links", on_delete="CASCADE")
    visit = ForeignKeyField(Visit, backref="meeting_links", on_delete="CASCADE")

    class Meta:
        table_name = "visit_review_meeting_visit"
        indexes = ((("meeting", "visit"), True),)


class CalendarDay(BaseModel):
    """A day that breaks the weekday rule in a year: a public holiday on a weekday, or a weekend
    day worked to make up for one (ngày làm bù). Working days = weekdays - holidays + make-up days."""

    day = DateField(unique=True)
    kind = CharField(max_length=20, choices=vocab.CALENDAR_KINDS, default=vocab.HOLIDAY)
    name = CharField(max_length=200, default="")

    class Meta:
        table_name = "visit_calendar_day"

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.name}"


class JointProposal(BaseModel):
    """One planner's proposal to combine their plan with an overlapping plan of another department
    into one joint visit. Nothing of either plan changes until the other side accepts.

    `keep` says which plan becomes the joint visit ("proposer": the proposer's own plan, "target": the
    other one); the fingerprints are of the two plans as proposed, so that an answer never applies
    to plans that changed since."""

    proposer_visit = ForeignKeyField(Visit, backref="+", on_delete="CASCADE")
    target_visit = ForeignKeyField(Visit, backref="+", on_delete="CASCADE")
    keep = CharField(max_length=10, default="proposer")
    message = TextField(default="")
    state = CharField(max_length=20, default=vocab.JOINT_PENDING, choices=vocab.JOINT_STATES)
    proposed_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    proposed_at = DateTimeField(default=utcnow)
    proposer_fingerprint = CharField(max_length=64)  # of each plan as it was proposed on
    target_fingerprint = CharField(max_length=64)
    answered_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    answered_at = DateTimeField(null=True)
    answer = TextField(default="")  # the reason given with a refusal, or a note with the acceptance

    class Meta:
        table_name = "visit_joint_proposal"
        indexes = ((("target_visit", "state"), False), (("proposer_visit", "state"), False))

    @property
    def state_label(self):
        return vocab.JOINT_STATE_LABELS.get(self.state, self.state)


VISIT_MODELS = [
    Department, Official, Locality, LocalitySuccession, Assignment, Visit, VisitSearchText, VisitParticipant,
    VisitLocality, VisitTopic,
    VisitEvent, PlanChange, VisitReport, Attachment, FollowUp, ReviewMeeting, ReviewMeetingVisit,
    CalendarDay,
]

register("0200_visits_tables", lambda db: db.create_tables(VISIT_MODELS, safe=True))


def _dashboard_index_with_id(db):
    """The dashboards' covering index also holds the id (a PostgreSQL dashboard read the whole
    visit table to join it to its localities)."""
    db.execute_sql('CREATE INDEX IF NOT EXISTS "visit_state_start_date_end_date_lead_id_department_id_id" '
                   'ON "visit" ("state", "start_date", "end_date", "lead_id", "department_id", "id")')
    db.execute_sql('DROP INDEX IF EXISTS "visit_state_start_date_end_date_lead_id_department_id"')


register("0210_visit_dashboard_index", _dashboard_index_with_id)


register("0220_joint_proposals", lambda db: db.create_tables([JointProposal], safe=True))


def _locality_lifetimes(db):
    add_column_if_missing(db, "visit_locality_unit", "valid_from", DateField(null=True))
    add_column_if_missing(db, "visit_locality_unit", "valid_to", DateField(null=True))
    db.create_tables([LocalitySuccession], safe=True)


register("0230_locality_lifetimes", _locality_lifetimes)
