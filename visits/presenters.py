"""A visit's related rows loaded in a fixed number of queries, and its fields as people read them."""

from dataclasses import dataclass, field
from operator import itemgetter

from peewee import JOIN

from cms.timeutil import format_day
from cms.trees import Tree

from . import vocab
from .models import (
    Attachment,
    Department,
    FollowUp,
    Locality,
    Official,
    Visit,
    VisitLocality,
    VisitParticipant,
    VisitReport,
    VisitTopic,
)


@dataclass
class VisitBundle:
    """A visit with everything shown about it; load_bundles fills many in a few queries."""

    visit: Visit
    lead: Official = None
    department: Department = None
    participants: list = field(default_factory=list)  # Officials
    localities: list = field(default_factory=list)  # Localities
    topics: list = field(default_factory=list)  # VisitTopics, the main one first
    report: VisitReport = None
    follow_ups: list = field(default_factory=list)
    attachments: list = field(default_factory=list)

    @property
    def main_topic_label(self):
        return vocab.TOPIC_LABELS.get(self.visit.main_topic, self.visit.main_topic)

    @property
    def topic_labels(self):
        return [t.label + (" (chính)" if t.is_main else "") for t in self.topics]

    @property
    def participant_ids(self):
        return {p.id for p in self.participants}

    @property
    def participant_department_ids(self):
        return {p.department_id for p in self.participants}


def load_bundles(visits, with_report=True):
    """VisitBundles for `visits`, in their order: a fixed number of queries whatever their count."""
    visits = list(visits)
    ids = [v.id for v in visits]
    bundles = {v.id: VisitBundle(v) for v in visits}
    if not ids:
        return []
    official_ids = {v.lead_id for v in visits}
    for link in (VisitParticipant.select(VisitParticipant, Official)
                 .join(Official).where(VisitParticipant.visit.in_(ids))
                 .order_by(Official.full_name)):
        bundles[link.visit_id].participants.append(link.official)
        official_ids.add(link.official_id)
    leads = {o.id: o for o in Official.select().where(Official.id.in_(list(official_ids)))}
    departments = {d.id: d for d in Department.select().where(
        Department.id.in_(list({v.department_id for v in visits})))}
    for v in visits:
        bundles[v.id].lead = leads.get(v.lead_id)
        bundles[v.id].department = departments.get(v.department_id)
    for link in (VisitLocality.select(VisitLocality, Locality).join(Locality)
                 .where(VisitLocality.visit.in_(ids)).order_by(VisitLocality.id)):
        bundles[link.visit_id].localities.append(link.locality)
    for topic in (VisitTopic.select().where(VisitTopic.visit.in_(ids))
                  .order_by(VisitTopic.is_main.desc(), VisitTopic.id)):
        bundles[topic.visit_id].topics.append(topic)
    if with_report:
        for report in VisitReport.select().where(VisitReport.visit.in_(ids)):
            bundles[report.visit_id].report = report
        for item in (FollowUp.select(FollowUp, Official)
                     .join(Official, JOIN.LEFT_OUTER, on=(FollowUp.official == Official.id))
                     .where(FollowUp.visit.in_(ids)).order_by(FollowUp.due_date, FollowUp.id)):
            bundles[item.visit_id].follow_ups.append(item)
        for item in Attachment.select().where(Attachment.visit.in_(ids)).order_by(Attachment.id):
            bundles[item.visit_id].attachments.append(item)
    return [bundles[i] for i in ids]


def load_bundle(visit):
    return load_bundles([visit])[0]


def plan_fields(visit, bundle=None):
    """The plan as labelled text values (what a recorded change compares)."""
    bundle = bundle or load_bundles([visit], with_report=False)[0]
    return {
        "Tên đợt": visit.title,
        "Cán bộ chủ trì": bundle.lead.full_name if bundle.lead else "",
        "Cán bộ cùng đi": ", ".join(p.full_name for p in bundle.participants),
        "Địa bàn": ", ".join(loc.name for loc in bundle.localities),
        "Từ ngày": format_day(visit.start_date),
        "Đến ngày": format_day(visit.end_date),
        "Nội dung chính": vocab.TOPIC_LABELS.get(visit.main_topic, visit.main_topic),
        "Các nội dung": ", ".join(t.label for t in bundle.topics),
        "Đối tượng làm việc": visit.partners,
        "Phương pháp": vocab.codes_to_labels(visit.methods, vocab.METHOD_LABELS),
        "Kế hoạch chi tiết": visit.plan_text,
    }


def report_fields(bundle):
    report = bundle.report
    return {
        "Kết quả, tình hình nắm được": report.findings if report else "",
        "Kiến nghị, đề xuất": report.proposals if report else "",
        "Bài học kinh nghiệm": report.lessons if report else "",
    }


# --- the plan form's choices and the list's columns ----------------------------------------

def official_choices(scope=None, only_own_departments=False):
    query = (Official.select(Official.id, Official.full_name, Department.name.alias("dept"))
             .join(Department).where(Official.active == True)  # noqa: E712
             .order_by(Department.position, Official.full_name))
    if only_own_departments and scope is not None and not scope.sees_all:
        query = query.where(Official.department.in_(list(scope.department_ids) or [-1]))
    return [(o.id, f"{o.full_name} ({o.dept})") for o in query.objects()]


def _locality_tree_rows():
    """(id, indented label, end date) of the active localities in tree order (one query). A unit
    whose parent is inactive stands at the top."""
    rows = (Locality.select(Locality.id, Locality.name, Locality.parent, Locality.remote, Locality.valid_to)
            .where(Locality.active == True)  # noqa: E712
            .order_by(Locality.position, Locality.name).tuples())
    tree = Tree(rows, id_of=itemgetter(0), parent_of=itemgetter(2))
    return [(lid, "\u2003" * depth + name + (" ▲" if remote else "")
             + (f" (đến {format_day(valid_to)})" if valid_to else ""), valid_to)
            for (lid, name, _parent, remote, valid_to), depth in tree.walk()]


def locality_choices():
    """Active localities in tree order, indented by depth, with the end date of ended ones."""
    return [(lid, label) for lid, label, _valid_to in _locality_tree_rows()]


def plan_locality_choices(today):
    """The visit form's choices: today's units first, in tree order, then former units (ended
    before today, kept for the records of earlier years), as two groups."""
    current, former = [], []
    for lid, label, valid_to in _locality_tree_rows():
        (former if valid_to is not None and valid_to < today else current).append((lid, label))
    groups = {"Địa bàn hiện nay": current}
    if former:
        groups["Địa bàn trước đây (đã kết thúc)"] = former
    return groups


def attach_list_columns(visits):
    """Each visit of a page with its lead, department and locality names, in three queries."""
    ids = [v.id for v in visits]
    leads = {o.id: o for o in Official.select().where(Official.id.in_(list({v.lead_id for v in visits})))}
    departments = {d.id: d for d in Department.select().where(
        Department.id.in_(list({v.department_id for v in visits})))}
    for visit in visits:
        if visit.lead_id in leads:
            visit.lead = leads[visit.lead_id]
        if visit.department_id in departments:
            visit.department = departments[visit.department_id]
    names = {}
    for start in range(0, len(ids), 500):
        for visit_id, name in (VisitLocality.select(VisitLocality.visit, Locality.name).join(Locality)
                               .where(VisitLocality.visit.in_(ids[start:start + 500]))
                               .order_by(VisitLocality.id).tuples()):
            names.setdefault(visit_id, []).append(name)
    for visit in visits:
        visit.locality_names = ", ".join(names.get(visit.id, []))
