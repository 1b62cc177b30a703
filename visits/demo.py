"""Demo data for field visits: the reference CSVs of content/visits/ and about 300 generated visits
over the last two years (and the next two months), in every state, with reports, follow-ups and
quarterly review meetings. Idempotent: reference rows are matched by code, visits by import_key.

generate_plans() and write_plans() are also what bench/visits.py uses for its 50,000 visits.
"""

import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from peewee import PostgresqlDatabase, fn

from cms.db import database
from cms.text import nfc
from cms.timeutil import local_to_utc
from cms.trees import Tree

from . import demo_text as T
from . import vocab
from .calendar import today_local
from .importer import import_csv
from .models import (
    Department,
    FollowUp,
    Locality,
    Official,
    ReviewMeeting,
    ReviewMeetingVisit,
    Visit,
    VisitEvent,
    VisitLocality,
    VisitParticipant,
    VisitReport,
    VisitSearchText,
    VisitTopic,
    enqueue_visits,
    folded,
)

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content" / "visits"
# Localities: the units up to the 2025 reorganisation (with their lifetimes), the units since, then
# what each ended unit went into (both files must be in first); see content/visits/LOCALITIES-2025.md.
REFERENCE_FILES = [("departments", "departments.csv"), ("officials", "officials.csv"),
                   ("localities", "localities_history.csv"), ("localities", "localities_2025.csv"),
                   ("successors", "locality_successors.csv"), ("assignments", "assignments.csv"),
                   ("holidays", "holidays.csv")]
TWO_LEVEL_FROM = date(2025, 7, 1)  # two-level local government: communes directly under the province
DEMO_VISITS = 300
DEMO_SEED = 4


@dataclass
class Plan:
    """One generated visit with everything that hangs off it (plain values, no rows yet)."""

    key: str
    title: str
    lead: Official
    department_id: int
    start: object
    end: object
    main_topic: str
    topics: list
    methods: list
    partners: str
    plan_text: str
    state: str
    participants: list = field(default_factory=list)  # Officials
    localities: list = field(default_factory=list)  # Localities
    report: tuple = None  # (findings, proposals, lessons)
    follow_ups: list = field(default_factory=list)  # (responsible, description, due, status, done)
    return_comment: str = ""


def load_reference(content_dir=CONTENT_DIR):
    """Import the reference CSVs in order; returns the ImportReports."""
    reports = []
    for kind, name in REFERENCE_FILES:
        path = Path(content_dir) / name
        if path.exists():
            reports.append(import_csv(kind, path.read_bytes(), link_accounts=True))  # an operator's command
    return reports


def _weekday(day):
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass
class _Area:
    """Where one visit can go: a unit (None for the area of a former district, whose communes are
    picked) and the communes under it, as they stood on a day."""

    unit: object
    communes: list
    remote: bool


class _Places:
    """Localities grouped for picking as they stood on a day: before 01/07/2025 each district-level
    unit with its communes, since then each former district's area with the communes and wards that
    followed it; the Party committees directly under the Provincial Committee on their own. Only
    units existing on the day are picked (a visit of 2027 never goes to a district)."""

    def __init__(self, localities, lineage):
        self.localities = list(localities)
        self.by_id = {loc.id: loc for loc in self.localities}
        self.tree = Tree(self.localities)
        self.roots = {root.id for root in self.tree.roots}
        self.lineage = lineage
        changes = {loc.valid_from for loc in self.localities if loc.valid_from}
        changes |= {loc.valid_to + timedelta(days=1) for loc in self.localities if loc.valid_to}
        self.changes = sorted(changes)
        self._areas = {}  # period index: (areas, weights); existence changes only between periods

    def _parent_on(self, loc, day):
        """The locality's superior on `day`: its parent, or what the parent went into (Phường Nghi
        Hòa was under Thị xã Cửa Lò, then under Thành phố Vinh from 01/12/2024)."""
        parent = self.by_id.get(loc.parent_id)
        if parent is None or parent.exists_on(day):
            return parent
        later = self.lineage.units_on(parent.id, day)
        return self.by_id.get(max(later, key=later.get)) if later else None

    def _former_area(self, loc):
        """The former district whose area the unit was formed from, if any."""
        for pid in self.lineage.predecessors.get(loc.id, []):
            former = self.by_id.get(pid)
            if former is not None and former.parent_id in self.roots and self.tree.children(pid):
                return former
        return None

    def _build(self, day):
        existing = [loc for loc in self.localities if loc.exists_on(day) and loc.id not in self.roots]
        tops = [loc for loc in existing if loc.parent_id in self.roots or loc.parent_id is None]
        under = {}
        for loc in existing:
            if loc.parent_id not in self.roots and loc.parent_id is not None:
                parent = self._parent_on(loc, day)
                if parent is not None:
                    under.setdefault(parent.id, []).append(loc)
        areas, formed = [], {}
        for loc in tops:
            former = None if loc.id in under else self._former_area(loc)
            if former is not None:
                formed.setdefault(former.id, (former, []))[1].append(loc)
            else:
                areas.append(_Area(loc, under.get(loc.id, []), loc.remote))
        areas += [_Area(None, communes, former.remote) for former, communes in formed.values()]
        if not areas:  # no structure at all: every locality on its own
            areas = [_Area(loc, [], loc.remote) for loc in (existing or self.localities)]
        return areas, [0.45 if area.remote else 1.0 for area in areas]

    def areas_on(self, day):
        period = bisect_right(self.changes, day)
        if period not in self._areas:
            self._areas[period] = self._build(day)
        return self._areas[period]

    def pick(self, rng, day):
        """(unit, chosen localities) existing on `day`: a district-level unit or committee and some
        of its communes (or itself), or one or two communes of a former district's area."""
        areas, weights = self.areas_on(day)
        area = rng.choices(areas, weights)[0]
        if area.unit is None:
            chosen = rng.sample(area.communes, min(len(area.communes), rng.choice((1, 1, 2))))
            return chosen[0], chosen
        if area.communes and rng.random() < 0.55:
            return area.unit, rng.sample(area.communes, min(len(area.communes), rng.choice((1, 1, 2))))
        return area.unit, [area.unit]


def _sentences(rng, pool, k, **values):
    return " ".join(s.format(**values) for s in rng.sample(pool, min(k, len(pool))))


def _last_day(localities):
    """The last day all the localities exist (None: no end)."""
    ends = [loc.valid_to for loc in localities if loc.valid_to]
    return min(ends) if ends else None


def _text_values(rng, unit, chosen, start, end, length):
    """The values of the text templates: the bodies named are those of the visit's time."""
    place = ", ".join(T.in_text(loc) for loc in chosen) if chosen != [unit] else T.in_text(unit)
    due = min(end + timedelta(days=45), _last_day({unit, *chosen}) or date.max)
    return {"unit": T.party_committee(unit), "place": place, "days": length,
            "organisers": T.organisers(unit, two_level=start >= TWO_LEVEL_FROM),
            "grassroots": T.party_committee(chosen[0]), "government": T.people_committee(chosen[0]),
            "hosts": T.hosts(chosen[0]), "n": rng.randint(2, 40), "m": rng.randint(1, 9),
            "pct": rng.randint(55, 120), "period": f"năm {start.year}", "due": f"{due:%d/%m/%Y}"}


def generate_plans(rng, count, today, officials, localities, key_prefix="demo", span_days=730,
                   future_days=60):
    """`count` Plans spread from today - span_days to today + future_days, in every state. Each goes
    to localities that existed on its dates (`Lineage` tells what followed an ended unit)."""
    places = _Places(localities, Locality.lineage())
    by_department = {}
    for official in officials:
        if official.active:
            by_department.setdefault(official.department_id, []).append(official)
    departments = sorted(by_department)
    topic_codes = [code for code, _ in vocab.TOPICS if code in T.TITLES]
    plans = []
    for n in range(count):
        department_id = rng.choice(departments)
        team = by_department[department_id]
        lead = rng.choice(team)
        others = [o for o in team if o.id != lead.id]
        participants = rng.sample(others, min(len(others), rng.choice((0, 1, 1, 2))))
        if rng.random() < 0.1:
            outside = [o for o in officials if o.active and o.department_id != department_id]
            if outside:
                participants.append(rng.choice(outside))
        offset = rng.randint(-span_days, future_days)
        start = _weekday(today + timedelta(days=offset))
        unit, chosen = places.pick(rng, start)
        length = rng.choice((1, 1, 2, 2, 3)) + (1 if unit.remote and rng.random() < 0.5 else 0)
        last_day = _last_day({unit, *chosen})
        end = min(start + timedelta(days=length - 1), last_day or date.max)
        length = (end - start).days + 1
        main = rng.choice(topic_codes)
        extra = rng.sample([c for c in topic_codes if c != main], rng.choice((0, 1, 1, 2)))
        methods = rng.sample([code for code, _ in vocab.METHODS], rng.choice((1, 2, 2, 3)))
        values = _text_values(rng, unit, chosen, start, end, length)
        title = T.TITLES[main].format(**values)
        if rng.random() < 0.3:
            title += f" (đợt {rng.choice(('1', '2', '3'))}/{start.year})"
        purpose = T.PURPOSES[main]
        plan_text = (rng.choice(T.PLAN_INTROS).format(purpose=purpose, **values) + "\n\n"
                     + "Nội dung kết hợp: " + (", ".join(vocab.TOPIC_LABELS[c].lower() for c in extra)
                                               or "không") + ".\n"
                     + f"Thời gian: {length} ngày; phương tiện: xe cơ quan.")
        state = _state_for(rng, start, end, today)
        plan = Plan(key=f"{key_prefix}-{n + 1:05d}", title=title, lead=lead, department_id=department_id,
                    start=start, end=end, main_topic=main, topics=[main] + extra, methods=methods,
                    partners=rng.choice(T.PARTNERS).format(**values), plan_text=plan_text, state=state,
                    participants=participants, localities=chosen)
        if state == vocab.RETURNED:
            plan.return_comment = rng.choice([
                "Đề nghị bổ sung nội dung nắm tình hình tư tưởng và kết hợp với đợt của phòng bạn.",
                "Thời gian chưa phù hợp với lịch hội nghị của địa phương, đề nghị điều chỉnh.",
                "Cần làm rõ đối tượng làm việc và phương pháp tiếp cận."])
        if state == vocab.DONE or (state == vocab.APPROVED and end < today and rng.random() < 0.5):
            findings = (rng.choice(T.OPENINGS).format(**values) + " "
                        + _sentences(rng, T.FINDINGS[main], 2, **values) + " "
                        + " ".join(rng.choice(T.FINDINGS[c]).format(**values) for c in extra) + "\n\n"
                        + "Khó khăn, hạn chế: " + _sentences(rng, T.DIFFICULTIES, rng.choice((1, 2)),
                                                             **values))
            proposals = "\n".join("- " + s for s in _sentences(rng, T.PROPOSALS, rng.choice((1, 2, 3)),
                                                               **values).split(". "))
            lessons = _sentences(rng, T.LESSONS, rng.choice((1, 2)), **values)
            plan.report = (findings, proposals, lessons if rng.random() < 0.85 else "")
            follow_ups = [f for f in T.FOLLOW_UPS if values["government"] or "{government}" not in f[0]]
            for responsible, description in rng.sample(follow_ups, rng.choice((0, 1, 1, 2))):
                due = end + timedelta(days=rng.choice((15, 30, 45, 60, 90)))
                due = min(due, last_day or due)  # asked of a body that still exists at the due date
                if due < today and rng.random() < 0.7:
                    status, done = vocab.FOLLOWUP_DONE, min(today, due - timedelta(days=rng.randint(0, 10)))
                elif rng.random() < 0.05:
                    status, done = vocab.FOLLOWUP_DROPPED, None
                else:
                    status, done = vocab.FOLLOWUP_OPEN, None
                plan.follow_ups.append((responsible.format(**values), description.format(**values), due,
                                        status, done))
        plans.append(plan)
    return plans


def _state_for(rng, start, end, today):
    if start > today:
        return rng.choices([vocab.DRAFT, vocab.SUBMITTED, vocab.APPROVED, vocab.RETURNED, vocab.CANCELLED],
                           [3, 3, 5, 1, 0.5])[0]
    if end >= today - timedelta(days=3):
        return rng.choices([vocab.APPROVED, vocab.DONE, vocab.SUBMITTED], [5, 2, 1])[0]
    return rng.choices([vocab.DONE, vocab.CANCELLED, vocab.APPROVED, vocab.RETURNED, vocab.DRAFT],
                       [88, 6, 4, 1, 1])[0]


def _search_text(plan, department_names):
    report = plan.report or ("", "", "")
    return folded(plan.title, plan.plan_text, plan.partners,
                  " ".join(vocab.TOPIC_LABELS[c] for c in plan.topics),
                  " ".join(vocab.METHOD_LABELS[c] for c in plan.methods),
                  " ".join(loc.name for loc in plan.localities), plan.lead.full_name,
                  " ".join(p.full_name for p in plan.participants), department_names.get(plan.department_id,
                                                                                         ""),
                  *report, " ".join(f"{f[0]} {f[1]}" for f in plan.follow_ups))


def _moment(day, hour):
    from datetime import datetime, time
    return local_to_utc(datetime.combine(day, time(hour, 0)))


def _insert(model, rows, fields, batch=500):
    """executemany of plain rows (values converted by each field's db_value): far fewer Python steps
    than insert_many's query building, which matters for the benchmark's 50,000 visits."""
    if not rows:
        return
    given = {f.name for f in fields}  # by name: a peewee Field's == builds an SQL expression
    defaults = [f for f in model._meta.sorted_fields
                if f.name not in given and not f.primary_key and f.default is not None]
    if defaults:
        extra = tuple(f.default() if callable(f.default) else f.default for f in defaults)
        rows = [tuple(row) + extra for row in rows]
        fields = list(fields) + defaults
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([database.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    converters = [f.db_value for f in fields]
    cursor = database.cursor()
    for i in range(0, len(rows), batch):
        cursor.executemany(sql, [tuple(convert(value)
                                       for convert, value in zip(converters, row, strict=True))
                                 for row in rows[i:i + batch]])


def write_plans(plans, created_by=None, with_events=True, batch=500):
    """Insert the Plans in bulk (ids given explicitly, so no per-row round trips); returns their ids."""
    if not plans:
        return []
    department_names = dict(Department.select(Department.id, Department.name).tuples())
    first_id = (Visit.select(fn.MAX(Visit.id)).scalar() or 0) + 1
    visits, texts, participants, places, topics, reports, follow_ups, events = [], [], [], [], [], [], [], []
    for offset, plan in enumerate(plans):
        vid = first_id + offset
        created = _moment(plan.start - timedelta(days=20), 8)
        submitted = _moment(plan.start - timedelta(days=14), 9) if plan.state != vocab.DRAFT else None
        decided = (_moment(plan.start - timedelta(days=10), 15)
                   if plan.state in (vocab.APPROVED, vocab.RETURNED, vocab.DONE) else None)
        completed = _moment(plan.end + timedelta(days=3), 16) if plan.state == vocab.DONE else None
        visits.append((vid, nfc(plan.title), plan.lead.id, plan.department_id, plan.start, plan.end,
                       plan.main_topic,
                       nfc(plan.partners), ",".join(plan.methods), nfc(plan.plan_text), plan.state,
                       plan.return_comment, created_by, created, completed or decided or submitted or created,
                       submitted, decided, completed, 1, plan.key))
        texts.append((vid, _search_text(plan, department_names)))
        participants += [(vid, p.id) for p in plan.participants if p.id != plan.lead.id]
        places += [(vid, loc.id) for loc in plan.localities]
        topics += [(vid, code, i == 0) for i, code in enumerate(plan.topics)]
        if plan.report:
            reports.append((vid, *(nfc(t) for t in plan.report), completed or decided))
        follow_ups += [(vid, nfc(r), nfc(d), due, status, done) for r, d, due, status,
                       done in plan.follow_ups]
        if with_events:
            events += _events(vid, plan, submitted, decided, completed)
    with database.atomic():
        _insert(Visit, visits, [Visit.id, Visit.title, Visit.lead, Visit.department, Visit.start_date,
                                Visit.end_date, Visit.main_topic, Visit.partners, Visit.methods,
                                Visit.plan_text,
                                Visit.state, Visit.return_comment, Visit.created_by, Visit.created_at,
                                Visit.updated_at, Visit.submitted_at, Visit.decided_at, Visit.completed_at,
                                Visit.version, Visit.import_key], batch)
        _insert(VisitSearchText, texts, [VisitSearchText.visit, VisitSearchText.text], batch)
        _insert(VisitParticipant, participants, [VisitParticipant.visit, VisitParticipant.official], batch)
        _insert(VisitLocality, places, [VisitLocality.visit, VisitLocality.locality], batch)
        _insert(VisitTopic, topics, [VisitTopic.visit, VisitTopic.topic, VisitTopic.is_main], batch)
        _insert(VisitReport, reports, [VisitReport.visit, VisitReport.findings, VisitReport.proposals,
                                       VisitReport.lessons, VisitReport.updated_at], batch)
        _insert(FollowUp, follow_ups, [FollowUp.visit, FollowUp.responsible, FollowUp.description,
                                       FollowUp.due_date, FollowUp.status, FollowUp.done_date], batch)
        _insert(VisitEvent, events, [VisitEvent.visit, VisitEvent.action, VisitEvent.from_state,
                                     VisitEvent.to_state, VisitEvent.comment, VisitEvent.created_at], batch)
        reset_sequences()
        enqueue_visits(range(first_id, first_id + len(plans)))  # staff search, through the outbox
    return list(range(first_id, first_id + len(plans)))


def _events(vid, plan, submitted, decided, completed):
    rows = []
    if submitted:
        rows.append((vid, "submit", vocab.DRAFT, vocab.SUBMITTED, "", submitted))
    if plan.state == vocab.RETURNED:
        rows.append((vid, "return", vocab.SUBMITTED, vocab.RETURNED, plan.return_comment, decided))
    elif decided:
        rows.append((vid, "approve", vocab.SUBMITTED, vocab.APPROVED, "", decided))
    if completed:
        rows.append((vid, "complete", vocab.APPROVED, vocab.DONE, "", completed))
    if plan.state == vocab.CANCELLED:
        rows.append((vid, "cancel", vocab.SUBMITTED if submitted else vocab.DRAFT, vocab.CANCELLED,
                     "Trùng lịch công tác đột xuất của địa phương.", submitted or _moment(plan.start, 8)))
    return rows


def reset_sequences():
    """After rows inserted with explicit ids, PostgreSQL's id sequences must catch up."""
    if not isinstance(database.obj, PostgresqlDatabase):
        return
    for model in (Visit,):
        table = model._meta.table_name
        database.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))")


def demo_meetings(rng, today):
    """A review meeting per department and past quarter of the last two years, with a few visits."""
    made = 0
    departments = list(Department.select())
    quarters = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(8):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        quarters.append((year, quarter))
    for department in departments:
        for year, quarter in quarters:
            if ReviewMeeting.select().where((ReviewMeeting.department == department)
                                            & (ReviewMeeting.year == year)
                                            & (ReviewMeeting.quarter == quarter)).exists():
                continue
            from .calendar import period_bounds
            start, end = period_bounds(year, quarter)
            visits = list(Visit.select(Visit.id).where(
                (Visit.department == department) & (Visit.state == vocab.DONE)
                & (Visit.start_date >= start) & (Visit.start_date <= end))
                .order_by(Visit.start_date).limit(4))
            if not visits:
                continue
            names = [o.full_name for o in Official.select().where(Official.department == department)]
            meeting = ReviewMeeting.create(
                department=department, year=year, quarter=quarter,
                meeting_date=_weekday(end - timedelta(days=rng.randint(3, 12))),
                attendees=", ".join(rng.sample(names, min(len(names), rng.randint(3, 6)))),
                notes=rng.choice(T.MEETING_NOTES))
            ReviewMeetingVisit.insert_many([(meeting.id, v.id) for v in visits],
                                           fields=[ReviewMeetingVisit.meeting,
                                                   ReviewMeetingVisit.visit]).execute()
            made += 1
    return made


def load_demo():
    """The load-demo hook: reference data, then the demo visits missing so far. Returns one line."""
    reports = load_reference()
    errors = [f"{r.kind}: {e}" for r in reports for e in r.errors]
    if errors:
        return "Đi cơ sở: LỖI dữ liệu mẫu: " + "; ".join(errors[:5])
    today = today_local()
    rng = random.Random(DEMO_SEED)
    officials = list(Official.select().order_by(Official.code))
    localities = list(Locality.select().order_by(Locality.position, Locality.code))
    plans = generate_plans(rng, DEMO_VISITS, today, officials, localities, key_prefix="demo")
    existing = {key for (key,) in Visit.select(Visit.import_key)
                .where(Visit.import_key.startswith("demo-")).tuples()}
    missing = [plan for plan in plans if plan.key not in existing]
    with database.atomic():
        write_plans(missing)
        meetings = demo_meetings(rng, today)
    added = sum(r.created for r in reports)
    return (f"Đi cơ sở: thêm {added} dòng danh mục, {len(missing)} đợt đi cơ sở, "
            f"{meetings} cuộc họp rút kinh nghiệm.")
