"""Field visits as documents of the INTERNAL search index: three kinds (cms.search_sources), one
source class each, answering for its own ids and saying how staff search shows them:

    "visit"     visit:<visit id>      the plan: title, plan text, partners, topics, methods, places, people
    "report"    report:<visit id>     the visit's report (findings, proposals, lessons); one per visit
    "followup"  followup:<item id>    one follow-up item (what, who, by when, its status)

Every document carries its visit's facts, which staff search filters on and which role visibility
depends on (visits.access.Scope.search_grant states the rule in them): `department` (the plan's
department and every participant's), `officials` (lead and participants), `owner` (the account that
created the visit), `localities` (each locality of the visit and every unit above it, so a filter
on a district finds the visits to its communes), `topics`, `status` (the visit's state; a follow-up
adds "fu_<its status>"), `date`/`date_to` (the visit's first and last day; a follow-up's due date).

None of these documents ever goes to the public index: `load` answers for "internal" only, and
search_index.sync refuses any kind the public index does not allow (schema.PUBLIC_KINDS).

visits.models.enqueue_visits(ids) records outbox rows for every document of these visits; the models
and the workflow call it in the transaction of each change.
"""

import hashlib
from datetime import date, datetime, time

from flask import url_for

from cms.search_sources import SearchSource
from cms.text import fold
from cms.timeutil import format_day
from cms.trees import Tree

from . import vocab
from .access import scope_for
from .calendar import today_local
from .models import FollowUp, Locality, Visit, VisitReport
from .presenters import load_bundles

INDEX_NAME = "internal"  # the only index these sources feed
BATCH = 500


# --- documents -------------------------------------------------------------------------------------

def _moment(day):
    return datetime.combine(day, time(0, 0)) if isinstance(day, date) else day


def _locality_paths():
    """locality id -> ids of it and every unit above it (one query)."""
    tree = Tree.from_pairs(Locality.select(Locality.id, Locality.parent).tuples())
    return {lid: tree.ancestors(lid)[::-1] for lid in tree.all}


def _facts(bundle, paths):
    """The fields every document of this visit shares (filters and visibility)."""
    visit = bundle.visit
    localities = []
    for loc in bundle.localities:
        for lid in paths.get(loc.id, [loc.id]):
            if lid not in localities:
                localities.append(lid)
    departments = sorted({visit.department_id} | bundle.participant_department_ids)
    officials = sorted({visit.lead_id} | bundle.participant_ids)
    return {
        "status": visit.state,
        "owner": str(visit.created_by_id or ""),
        "department": " ".join(str(d) for d in departments),
        "officials": " ".join(str(o) for o in officials),
        "localities": " ".join(str(lid) for lid in localities),
        "topics": " ".join(t.topic for t in bundle.topics),
        "date": _moment(visit.start_date),
        "date_to": _moment(visit.end_date),
    }


def _places(bundle):
    return ", ".join(loc.name for loc in bundle.localities)


def _lineage_names(bundle, lineage):
    """Names of the units before and after the visit's units (a search by one finds the other)."""
    own = {loc.id for loc in bundle.localities}
    ids = set()
    for loc in bundle.localities:
        ids |= lineage.related_ids(loc.id)
    return ", ".join(dict.fromkeys(_names(lineage, ids - own)))


def _related(bundle, lineage):
    """The `related` field: the names of the units before and after the visit's own (a search by
    them finds it, below a visit made to that unit)."""
    related = _lineage_names(bundle, lineage) if lineage is not None else ""
    return {"related": related} if related else {}


def _names(lineage, ids):
    """Names of these units in Vietnamese alphabetical order (Đ after D, not after Z)."""
    names = [lineage.units[lid].name for lid in ids if lid in lineage.units]
    return sorted(names, key=lambda name: (fold(name), name))


def _places_of_time(bundle, lineage, today=None):
    """The units the visit was made to, each with what it became or came from:
    'Địa bàn khi đó: Xã Thanh Đức (nay thuộc Xã Hạnh Lâm)', 'Xã Hạnh Lâm (trước đây: Xã Thanh Đức, ...)'.
    """
    today = today or today_local()
    parts, ended = [], False
    for loc in bundle.localities:
        notes = []
        now = sorted(lineage.units_on(loc.id, today)) if lineage.later_ids(loc.id) else []
        later = (_names(lineage, [lid for lid in now if lid != loc.id])
                 or _names(lineage, lineage.later_ids(loc.id)))
        if later:
            ended = True
            notes.append(f"nay thuộc {', '.join(later)}")
        earlier = _names(lineage, lineage.earlier_ids(loc.id))
        if earlier:
            notes.append(f"trước đây: {', '.join(earlier)}")
        parts.append(f"{loc.name} ({'; '.join(notes)})" if notes else loc.name)
    places = ", ".join(parts)
    return f"Địa bàn khi đó: {places}" if ended else places


def _people_and_places(bundle):
    return [_places(bundle),
            bundle.lead.full_name if bundle.lead else "",
            ", ".join(p.full_name for p in bundle.participants),
            bundle.department.name if bundle.department else ""]


def visit_text(bundle):
    visit = bundle.visit
    return "\n".join(filter(None, [
        visit.plan_text, visit.partners, ", ".join(t.label for t in bundle.topics),
        vocab.codes_to_labels(visit.methods, vocab.METHOD_LABELS), *_people_and_places(bundle)]))


def report_text(bundle):
    report = bundle.report
    return "\n".join(filter(None, [report.findings, report.proposals, report.lessons]))


def follow_up_text(item):
    official = item.official.full_name if item.official_id and item.official else ""
    return "\n".join(filter(None, [item.description, item.responsible, official, item.note]))


def _stamp(*parts):
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def _follow_up_stamp(visit_updated, item):
    return _stamp(visit_updated.isoformat(), item.responsible, item.description, item.due_date, item.status,
                  item.done_date, item.note, item.official_id)


def _visit_doc(bundle, facts, lineage=None):
    visit = bundle.visit
    return dict(facts, key=f"visit:{visit.id}", kind="visit", title=visit.title,
                body=visit_text(bundle), **_related(bundle, lineage),
                stamp=visit.updated_at.isoformat())


def _report_doc(bundle, facts, lineage=None):
    visit, report = bundle.visit, bundle.report
    body = "\n".join([report_text(bundle), *_people_and_places(bundle)])
    return dict(facts, key=f"report:{visit.id}", kind="report", title=f"Báo cáo: {visit.title}", body=body,
                **_related(bundle, lineage),
                stamp=f"{visit.updated_at.isoformat()}|{report.updated_at.isoformat()}")


def _follow_up_doc(bundle, facts, item, lineage=None):
    visit = bundle.visit
    body = "\n".join([follow_up_text(item), visit.title, *_people_and_places(bundle)])
    due = _moment(item.due_date)
    return dict(facts, key=f"followup:{item.id}", kind="followup", title=item.description[:300], body=body,
                **_related(bundle, lineage),
                status=f"{visit.state} fu_{item.status}", date=due, date_to=due,
                stamp=_follow_up_stamp(visit.updated_at, item))


def _bundles(visit_ids):
    """VisitBundles of these visits, a batch at a time."""
    visit_ids = sorted(set(visit_ids))
    for start in range(0, len(visit_ids), BATCH):
        visits = list(Visit.select().where(Visit.id.in_(visit_ids[start:start + BATCH])))
        yield from load_bundles(visits)


def _answer(doc):
    """A document for the internal index only: the public index gets None, always."""
    return {INDEX_NAME: doc, "public": None}


def _span(visit):
    if visit.start_date == visit.end_date:
        return format_day(visit.start_date)
    return f"{format_day(visit.start_date)} – {format_day(visit.end_date)}"


def _shown(text):
    """A record's parts (plan, partners, places, people...) are lines: shown as one, separated."""
    return " · ".join(filter(None, text.split("\n")))


class _RecordSource(SearchSource):
    """What the three kinds share: their visit's facts, its visibility rule, loading by visit."""

    fields = {INDEX_NAME: ("status", "owner", "department", "officials", "localities", "topics", "date",
                           "date_to")}

    def load(self, ids):
        ids = [int(i) for i in ids]
        docs = {doc_id: _answer(None) for doc_id in ids}
        if ids:
            # Both loaded once per batch of the sync (a full reindex hands its ids in batches).
            paths, lineage = _locality_paths(), Locality.lineage()
            for doc_id, doc in self._documents(ids, paths, lineage):
                docs[doc_id] = _answer(doc)
        return docs

    def staff_grant(self, user):
        return scope_for(user).search_grant()

    def staff_rows(self, ids, user):
        """Rows of the documents whose visit the user's scope sees (the database's final word)."""
        if not scope_for(user).has_access:
            return {}
        return self._rows([int(i) for i in ids], user)

    @staticmethod
    def _visible_bundles(visit_ids, user):
        """{visit id: VisitBundle} of these visits that the user's scope sees."""
        if not visit_ids:
            return {}
        visible = scope_for(user).restrict(Visit.select().where(Visit.id.in_(list(visit_ids))))
        return {b.visit.id: b for b in load_bundles(list(visible))}


class VisitSource(_RecordSource):
    doc_type = "visit"
    label = "Đợt đi cơ sở"

    def all_ids(self):
        return [vid for (vid,) in Visit.select(Visit.id).order_by(Visit.id).tuples()]

    def _documents(self, ids, paths, lineage):
        for bundle in _bundles(ids):
            yield bundle.visit.id, _visit_doc(bundle, _facts(bundle, paths), lineage)

    def stamps(self, index_name):
        if index_name != INDEX_NAME:
            return {}
        return {f"visit:{vid}": updated.isoformat()
                for vid, updated in Visit.select(Visit.id, Visit.updated_at).tuples()}

    def _rows(self, ids, user):
        lineage = Locality.lineage()
        return {f"visit:{vid}": self.row(vid, title=b.visit.title, url=url_for("visit.details_view", id=vid),
                                         date=_span(b.visit), place=_places_of_time(b, lineage),
                                         text=_shown(visit_text(b)))
                for vid, b in self._visible_bundles(ids, user).items()}


class ReportSource(_RecordSource):
    """Keyed by the visit's id (a visit has at most one report)."""

    doc_type = "report"
    label = "Báo cáo kết quả"

    def all_ids(self):
        return [vid for (vid,) in VisitReport.select(VisitReport.visit).order_by(VisitReport.visit).tuples()]

    def _documents(self, ids, paths, lineage):
        for bundle in _bundles(ids):
            if bundle.report is not None:
                yield bundle.visit.id, _report_doc(bundle, _facts(bundle, paths), lineage)

    def stamps(self, index_name):
        if index_name != INDEX_NAME:
            return {}
        rows = VisitReport.select(VisitReport.visit, Visit.updated_at, VisitReport.updated_at).join(Visit)
        return {f"report:{vid}": f"{visit_updated.isoformat()}|{report_updated.isoformat()}"
                for vid, visit_updated, report_updated in rows.tuples()}

    def _rows(self, ids, user):
        lineage = Locality.lineage()
        return {f"report:{vid}": self.row(vid, title=f"Báo cáo: {b.visit.title}",
                                          url=url_for("visit.report", visit_id=vid), date=_span(b.visit),
                                          place=_places_of_time(b, lineage), text=_shown(report_text(b)))
                for vid, b in self._visible_bundles(ids, user).items() if b.report is not None}


class FollowUpSource(_RecordSource):
    doc_type = "followup"
    label = "Việc cần theo dõi"

    def all_ids(self):
        return [fid for (fid,) in FollowUp.select(FollowUp.id).order_by(FollowUp.id).tuples()]

    def _documents(self, ids, paths, lineage):
        wanted = set(ids)
        visit_ids = [vid for (vid,) in FollowUp.select(FollowUp.visit).where(FollowUp.id.in_(ids)).tuples()]
        for bundle in _bundles(visit_ids):
            facts = _facts(bundle, paths)
            for item in bundle.follow_ups:
                if item.id in wanted:
                    yield item.id, _follow_up_doc(bundle, facts, item, lineage)

    def stamps(self, index_name):
        if index_name != INDEX_NAME:
            return {}
        return {f"followup:{item.id}": _follow_up_stamp(item.visit.updated_at, item)
                for item in FollowUp.select(FollowUp, Visit.updated_at).join(Visit)}

    def _rows(self, ids, user):
        visit_of = dict(FollowUp.select(FollowUp.id, FollowUp.visit).where(FollowUp.id.in_(ids)).tuples())
        bundles = self._visible_bundles(set(visit_of.values()), user)
        lineage = Locality.lineage() if bundles else None
        rows = {}
        for item_id, visit_id in visit_of.items():
            bundle = bundles.get(visit_id)
            item = next((f for f in bundle.follow_ups if f.id == item_id), None) if bundle else None
            if item is not None:
                rows[f"followup:{item_id}"] = self.row(
                    item_id, title=item.description[:200], url=url_for("visit.report", visit_id=visit_id),
                    date=f"hạn {format_day(item.due_date)} · {item.status_label}",
                    place=_places_of_time(bundle, lineage), text=_shown(follow_up_text(item)))
        return rows


# The kinds of field records, in the order staff search offers them: a new kind is a class above and
# its line here. Each document of these kinds carries its visit's state in `status`.
RECORD_SOURCES = (VisitSource, ReportSource, FollowUpSource)
RECORD_KINDS = tuple(source.doc_type for source in RECORD_SOURCES)


def sources():
    """The sources to register with search_index.init_app (next to cms's ArticleSource)."""
    return [source() for source in RECORD_SOURCES]
