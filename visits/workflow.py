"""The life of a visit: draft -> submitted -> approved (or returned with a comment) -> done, or
cancelled; approved plans changed only through a recorded PlanChange; two departments' plans
combined into one joint visit.

Every step writes a VisitEvent and an audit entry in the transaction of the change.
"""

import json

from cms import audit
from cms.db import database
from cms.timeutil import format_day, utcnow

from . import vocab
from .models import (
    Locality,
    Official,
    PlanChange,
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
from .vocab import APPROVED, CANCELLED, DONE, DRAFT, RETURNED, SUBMITTED

OWNER, REVIEWER = "owner", "reviewer"


class WorkflowError(Exception):
    """A step refused, with a message for the user (Vietnamese)."""


class Transition:
    def __init__(self, name, label, sources, target, who, comment_required=False, style="primary"):
        self.name, self.label, self.sources, self.target = name, label, set(sources), target
        self.who = set(who)  # OWNER (the planner), REVIEWER (leaders and admins)
        self.comment_required = comment_required
        self.style = style

    def allowed_for(self, visit, scope):
        """May `scope` take this step on `visit` (its state permitting)? A step for reviewers only
        (approve, return) is never taken by someone involved in the plan (see may_review)."""
        if visit.state not in self.sources or not scope.has_access:
            return False
        if OWNER in self.who and scope.is_owner(visit):
            return True
        if REVIEWER not in self.who or not scope.is_reviewer:
            return False
        return OWNER in self.who or may_review(visit, scope)

    def needs_comment(self, visit):
        return self.comment_required or (self.name == "cancel" and visit.state == APPROVED)


TRANSITIONS = {t.name: t for t in [
    Transition("submit", "Trình duyệt kế hoạch", {DRAFT, RETURNED}, SUBMITTED, {OWNER}),
    Transition("withdraw", "Rút lại để sửa", {SUBMITTED}, DRAFT, {OWNER}, style="secondary"),
    Transition("approve", "Duyệt kế hoạch", {SUBMITTED}, APPROVED, {REVIEWER}, style="success"),
    Transition("return", "Trả lại (kèm ý kiến)", {SUBMITTED}, RETURNED, {REVIEWER},
               comment_required=True, style="warning"),
    Transition("complete", "Xác nhận đã thực hiện", {APPROVED}, DONE, {OWNER, REVIEWER}, style="success"),
    Transition("cancel", "Hủy đợt đi cơ sở", {DRAFT, SUBMITTED, RETURNED, APPROVED}, CANCELLED,
               {OWNER, REVIEWER}, style="danger"),
]}


def is_involved(visit, scope):
    """Did the user create `visit`, or lead or take part in it (through any official linked to
    their account, active or not)?"""
    if not scope.has_access:
        return False
    officials = scope.linked_official_ids | scope.official_ids
    if scope.is_owner(visit) or visit.lead_id in officials:
        return True
    return bool(officials) and VisitParticipant.select().where(
        (VisitParticipant.visit == visit.id) & VisitParticipant.official.in_(sorted(officials))).exists()


def may_review(visit, scope):
    """The one rule of review: a leader or admin who did not create, lead or take part in the plan.
    Every path that leaves a plan approved (the approve step, a recorded change, a joint visit)
    asks this."""
    return scope.is_reviewer and not is_involved(visit, scope)


def assign_lead(visit, official_id):
    """Set the plan's lead, and with it whose plan it is (the lead's department); False when there
    is no such official."""
    lead = Official.get_or_none(Official.id == official_id)
    if lead is None:
        return False
    visit.lead, visit.department = lead.id, lead.department_id
    return True


def available_transitions(visit, scope):
    return [t for t in TRANSITIONS.values() if t.allowed_for(visit, scope)]


def can_edit_plan(visit, scope):
    """The ordinary plan form: the planner (or an admin) while the plan is a draft or returned."""
    if visit.state not in (DRAFT, RETURNED):
        return False
    return scope.is_owner(visit) or scope.role == "admin"


def can_change_approved_plan(visit, scope):
    """An approved plan is changed through a recorded change, by its planner or a reviewer."""
    return visit.state == APPROVED and (scope.is_owner(visit) or scope.is_reviewer)


def can_write_report(visit, scope):
    return visit.state in (APPROVED, DONE) and (scope.is_owner(visit) or scope.role == "admin")


def can_manage_follow_ups(visit, scope):
    return visit.state in (APPROVED, DONE) and (scope.is_owner(visit) or scope.is_reviewer)


def _record(visit, action, before, user, comment="", details=None):
    VisitEvent.create(visit=visit.id, actor=user.id if user else None, action=action,
                      from_state=before, to_state=visit.state, comment=comment or "")
    data = {"từ": vocab.STATE_LABELS[before], "sang": vocab.STATE_LABELS[visit.state]}
    if comment:
        data["ý kiến"] = comment
    data.update(details or {})
    audit.record("transition", "visit", visit, data, actor=user)


def apply_transition(visit, name, user, scope, comment=""):
    """Take step `name`; raises WorkflowError when it is not allowed or incomplete."""
    transition = TRANSITIONS.get(name)
    if transition is None or not transition.allowed_for(visit, scope):
        raise WorkflowError("Bạn không có quyền thực hiện bước này ở trạng thái hiện tại của đợt đi cơ sở.")
    comment = (comment or "").strip()
    if transition.needs_comment(visit) and not comment:
        raise WorkflowError("Bước này cần ghi rõ ý kiến hoặc lý do.")
    if name == "complete":
        report = VisitReport.get_or_none(VisitReport.visit == visit.id)
        if report is None or not report.findings:
            raise WorkflowError("Cần viết báo cáo kết quả (phần kết quả, tình hình nắm được) trước khi "
                                "xác nhận đã thực hiện.")
    before = visit.state
    now = utcnow()
    with database.atomic():
        visit.state = transition.target
        if name == "submit":
            visit.submitted_at = now
        elif name in ("approve", "return"):
            visit.decided_at, visit.decided_by = now, user.id
            visit.return_comment = comment if name == "return" else ""
        elif name == "complete":
            visit.completed_at = now
        visit.version += 1
        visit.save()
        _record(visit, name, before, user, comment)
    return transition


# --- editing -----------------------------------------------------------------------------------

def plan_snapshot(visit):
    """The plan's fields as shown to people, for comparing before and after a change."""
    from .presenters import plan_fields
    return plan_fields(visit)


def set_relations(visit, participant_ids, locality_ids, main_topic, other_topics):
    """Replace the visit's participants, localities and topics (the main one flagged)."""
    participant_ids = [pid for pid in dict.fromkeys(participant_ids) if pid != visit.lead_id]
    VisitParticipant.delete().where(VisitParticipant.visit == visit.id).execute()
    if participant_ids:
        VisitParticipant.insert_many([(visit.id, pid) for pid in participant_ids],
                                     fields=[VisitParticipant.visit, VisitParticipant.official]).execute()
    VisitLocality.delete().where(VisitLocality.visit == visit.id).execute()
    locality_ids = list(dict.fromkeys(locality_ids))
    if locality_ids:
        VisitLocality.insert_many([(visit.id, lid) for lid in locality_ids],
                                  fields=[VisitLocality.visit, VisitLocality.locality]).execute()
    VisitTopic.delete().where(VisitTopic.visit == visit.id).execute()
    topics = [(visit.id, main_topic, True)] + [(visit.id, code, False) for code in dict.fromkeys(other_topics)
                                                 if code != main_topic]
    VisitTopic.insert_many(topics, fields=[VisitTopic.visit, VisitTopic.topic, VisitTopic.is_main]).execute()
    if visit.main_topic != main_topic:
        visit.main_topic = main_topic
        Visit.update(main_topic=main_topic).where(Visit.id == visit.id).execute()
    enqueue_visits([visit.id])  # people, places and topics are in the search documents


def refresh_search_text(visit_id):
    """Recompute a visit's folded search text from its plan, people, places, topics and report."""
    from .search import search_document
    visit = Visit.get_by_id(visit_id)
    document = search_document(visit)
    text = folded(*(str(value) for key, value in document.items() if key in TEXT_FIELDS))
    updated = VisitSearchText.update(text=text).where(VisitSearchText.visit == visit_id).execute()
    if not updated:
        VisitSearchText.insert(visit=visit_id, text=text).execute()
    enqueue_visits([visit_id])  # the staff search index follows the same changes, through the outbox


TEXT_FIELDS = ("title", "plan_text", "partners", "topics", "methods", "localities", "lead", "participants",
               "department", "findings", "proposals", "lessons", "follow_ups")


def change_approved_plan(visit, apply_change, reason, user, scope):
    """Change an approved plan through a recorded PlanChange. `apply_change()` writes the new plan
    (fields and relations). The approval stays only when a reviewer who is involved in the plan
    neither before nor after the change made it; any other change goes back for approval.
    Call inside a transaction. Returns the PlanChange."""
    before = plan_snapshot(visit)
    keeps_approval = may_review(visit, scope)
    apply_change()
    keeps_approval = keeps_approval and may_review(visit, scope)
    after = plan_snapshot(visit)
    changes = {label: [before.get(label, ""), value] for label, value in after.items()
               if before.get(label, "") != value}
    state_before = visit.state
    if visit.state == APPROVED and not keeps_approval:
        visit.state = SUBMITTED
        visit.submitted_at = utcnow()
    visit.version += 1
    visit.save()
    change = PlanChange.create(visit=visit.id, actor=user.id, reason=reason.strip(),
                               changes=json.dumps(changes, ensure_ascii=False, default=str),
                               state_before=state_before, state_after=visit.state)
    if state_before != visit.state:
        VisitEvent.create(visit=visit.id, actor=user.id, action="change", from_state=state_before,
                          to_state=visit.state, comment=f"Điều chỉnh kế hoạch đã duyệt: {reason.strip()}")
    audit.record("update", "visit", visit, {"điều chỉnh kế hoạch đã duyệt": reason.strip(),
                                            "trường đã sửa": ", ".join(changes) or "(không đổi)",
                                            "trạng thái": vocab.STATE_LABELS[visit.state]}, actor=user)
    refresh_search_text(visit.id)
    return change


# --- joint visits --------------------------------------------------------------------------------

COMBINABLE = (DRAFT, SUBMITTED, RETURNED, APPROVED)


def combine(primary, other, user, approved):
    """Make `primary` the joint visit of both plans: the other's lead and participants join it, its
    localities, topics, methods, partners and plan text are added, the dates cover both trips; the
    other plan is cancelled and points at the joint one. The joint plan is approved when `approved`
    (both plans were, and the person who agreed may review the joint plan), else it waits for
    approval. Only visits.joint calls this, once both sides have agreed; call inside a transaction."""
    if primary.id == other.id or primary.state not in COMBINABLE or other.state not in COMBINABLE:
        raise WorkflowError("Không thể gộp hai kế hoạch này (đã thực hiện hoặc đã hủy).")
    before = plan_snapshot(primary)
    participants = [p for (p,) in VisitParticipant.select(VisitParticipant.official)
                    .where(VisitParticipant.visit.in_([primary.id, other.id])).tuples()]
    participants.append(other.lead_id)
    localities = [lid for (lid,) in VisitLocality.select(VisitLocality.locality)
                  .where(VisitLocality.visit.in_([primary.id, other.id]))
                  .order_by(VisitLocality.visit != primary.id, VisitLocality.id).tuples()]
    topics = [code for (code,) in VisitTopic.select(VisitTopic.topic)
              .where(VisitTopic.visit.in_([primary.id, other.id])).tuples()]
    primary.start_date = min(primary.start_date, other.start_date)
    primary.end_date = max(primary.end_date, other.end_date)
    primary.methods = ",".join(dict.fromkeys(primary.method_codes + other.method_codes))
    if other.partners and other.partners not in primary.partners:
        primary.partners = "; ".join(filter(None, [primary.partners, other.partners]))
    lead_name = Official.get_by_id(other.lead_id).full_name
    primary.plan_text = (primary.plan_text + f"\n\nNội dung gộp từ kế hoạch #{other.id} ({lead_name}):\n"
                         + other.plan_text).strip()
    primary.save()
    set_relations(primary, participants, localities, primary.main_topic or "nam_tinh_hinh", topics)
    after = plan_snapshot(primary)
    reason = f"Gộp với kế hoạch #{other.id} ({other.title}) thành một đợt đi cơ sở chung"
    state_before = primary.state
    primary.state = APPROVED if approved else SUBMITTED
    if primary.state == SUBMITTED and state_before != SUBMITTED:
        primary.submitted_at = utcnow()
    primary.version += 1
    primary.save()
    PlanChange.create(visit=primary.id, actor=user.id, reason=reason,
                      changes=json.dumps({k: [before.get(k, ""), v] for k, v in after.items()
                                          if before.get(k, "") != v}, ensure_ascii=False, default=str),
                      state_before=state_before, state_after=primary.state)
    if state_before != primary.state:
        VisitEvent.create(visit=primary.id, actor=user.id, action="combine", from_state=state_before,
                          to_state=primary.state, comment=reason)
    other_before = other.state
    other.state = CANCELLED
    other.merged_into = primary.id
    other.version += 1
    other.save()
    VisitEvent.create(visit=other.id, actor=user.id, action="combine", from_state=other_before,
                      to_state=CANCELLED, comment=f"Đã gộp vào đợt đi cơ sở chung #{primary.id}")
    audit.record("update", "visit", primary, {"gộp kế hoạch": f"#{other.id} vào #{primary.id}"},
                 actor=user)
    audit.record("transition", "visit", other, {"từ": vocab.STATE_LABELS[other_before],
                                                "sang": vocab.STATE_LABELS[CANCELLED],
                                                "lý do": f"gộp vào #{primary.id}"}, actor=user)
    refresh_search_text(primary.id)
    return primary


def plan_localities_problem(locality_ids, start, end):
    """A message when a plan names a unit that did not exist for the whole of its dates, naming
    what followed it (a plan for 2027 cannot go to a district that ended in 2025); None when all
    is well. Imports of old records do not pass here."""
    if not locality_ids or start is None or end is None:
        return None
    units = list(Locality.select(Locality.id, Locality.name, Locality.valid_from, Locality.valid_to)
                 .where(Locality.id.in_(list(locality_ids))).order_by(Locality.position, Locality.name))
    problems = []
    lineage = None
    for unit in units:
        if unit.exists_on(start) and unit.exists_on(end):
            continue
        if unit.valid_to is None or unit.valid_to >= end:  # not yet formed at the start
            problems.append(f"{unit.name} chỉ có {unit.lifetime_label}")
            continue
        lineage = lineage or Locality.lineage()
        later = sorted(lineage.units[uid].name for uid in lineage.units_on(unit.id, end))
        after = f", nay thuộc {', '.join(later)}" if later else ""
        problems.append(f"{unit.name} đã kết thúc ngày {format_day(unit.valid_to)}{after}")
    if not problems:
        return None
    return "Địa bàn không tồn tại vào thời gian của đợt: " + "; ".join(problems) + "."
