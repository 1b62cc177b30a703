"""Joint visits by consent (đi cơ sở chung), and what one department may know of another's plans.

Two departments' plans for the same locality at nearly the same dates should become one trip, so
the locality receives one delegation. Coordinating needs no more than "department X plans to go to
locality L from D1 to D2", so that is all an overlap notice tells about a plan the viewer may not
open, and only for plans already submitted or approved (a draft is nobody's business yet).

Combining is a proposal from one side, answered by the other: the other plan's planner, or a leader
or admin involved in neither plan. Until it is accepted nothing of either plan changes, and neither
side learns more of the other than the notice shows. Every step is audited on both plans.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

from flask import current_app

from cms import audit
from cms.timeutil import utcnow

from . import vocab
from .models import Department, JointProposal, Locality, Official, Visit, VisitParticipant
from .presenters import load_bundles, plan_fields
from .rules import DEFAULT_OVERLAP_WINDOW
from .stats import overlapping_pairs_in_view, overlaps_for
from .workflow import COMBINABLE, WorkflowError, combine, is_involved

NOTICE_STATES = (vocab.SUBMITTED, vocab.APPROVED)  # the other plans a notice may tell of
KEEP_MINE, KEEP_OTHER = "proposer", "target"


class ProposalLapsed(WorkflowError):
    """An answer to a proposal whose plans changed since it was made."""


ALREADY_CLOSED = "Đề nghị đi chung này đã được trả lời hoặc đã rút, không còn chờ trả lời."


@dataclass
class Notice:
    """One overlapping plan as the viewer may know it."""

    key: str  # opaque reference to the pair (the page never carries the other plan's id)
    department: str
    localities: str  # the shared ones
    start: object
    end: object
    gap: int
    other_id: int  # for the server only: never rendered
    visit: object = None  # the other plan itself, only when the viewer may open it
    pending: object = None  # a pending proposal between the two plans, either way
    can_propose: bool = False


def overlap_key(visit_id, other_id):
    secret = current_app.secret_key
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    message = f"joint-visit:{visit_id}:{other_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:24]


def fingerprint(visit, bundle=None):
    """A digest of the plan as people see it: a proposal answered after either plan changed
    applies to nothing. (`bundle`: the visit's, when the caller loaded several at once.)"""
    text = json.dumps(plan_fields(visit, bundle), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _pending_between(visit_id, other_ids):
    """Pending proposals between `visit_id` and any of `other_ids`, in either direction."""
    if not other_ids:
        return {}
    rows = JointProposal.select().where(
        (JointProposal.state == vocab.JOINT_PENDING)
        & (((JointProposal.proposer_visit == visit_id) & JointProposal.target_visit.in_(other_ids))
           | ((JointProposal.target_visit == visit_id) & JointProposal.proposer_visit.in_(other_ids))))
    return {(p.target_visit_id if p.proposer_visit_id == visit_id else p.proposer_visit_id): p for p in rows}


def may_propose(visit, other, scope):
    """The plan's planner may propose combining it with `other`; so may a leader or admin involved in
    neither plan. A leader who plans or takes part in `other` would be speaking for both sides: the
    planner of `other` agreeing would then combine `visit` with nobody of its side having agreed."""
    if visit.state not in COMBINABLE:
        return False
    if scope.is_owner(visit):
        return True
    return scope.is_reviewer and not is_involved(visit, scope) and not is_involved(other, scope)


def overlap_notices(visit, locality_ids, scope):
    """The submitted and approved plans of other departments overlapping `visit`, told as the
    viewer may know them (see the module's docstring)."""
    found = overlaps_for(visit, locality_ids)
    if not found:
        return []
    others = {v.id: v for v in Visit.select().where(
        Visit.id.in_([o.other.id for o in found]) & Visit.state.in_(NOTICE_STATES))}
    if not others:
        return []
    departments = dict(Department.select(Department.id, Department.name)
                       .where(Department.id.in_({v.department_id for v in others.values()})).tuples())
    names = dict(Locality.select(Locality.id, Locality.name)
                 .where(Locality.id.in_({lid for o in found for lid in o.shared_locality_ids})).tuples())
    pending = _pending_between(visit.id, list(others))
    notices = []
    for overlap in found:
        other = others.get(overlap.other.id)
        if other is None:
            continue
        notices.append(Notice(
            key=overlap_key(visit.id, other.id), department=departments.get(other.department_id, ""),
            localities=", ".join(sorted(names.get(lid, "") for lid in overlap.shared_locality_ids)),
            start=other.start_date, end=other.end_date, gap=overlap.gap_days, other_id=other.id,
            visit=other if scope.sees_visit(other) else None, pending=pending.get(other.id),
            can_propose=other.id not in pending and may_propose(visit, other, scope)))
    return notices


def propose(visit, locality_ids, key, keep, message, user, scope):
    """Propose combining `visit` with the overlapping plan behind `key`. Returns the proposal, or
    None when no overlap of `visit` has that key (the caller answers 404)."""
    notice = next((n for n in overlap_notices(visit, locality_ids, scope) if hmac.compare_digest(n.key, key)),
                  None)
    if notice is None:
        return None
    other = Visit.get_by_id(notice.other_id)
    if not may_propose(visit, other, scope):
        raise PermissionError
    if notice.pending is not None:
        raise WorkflowError("Đã có một đề nghị đi chung giữa hai kế hoạch này đang chờ trả lời.")
    if keep not in (KEEP_MINE, KEEP_OTHER):
        raise WorkflowError("Cần chọn kế hoạch nào được giữ lại làm đợt đi cơ sở chung.")
    proposal = JointProposal.create(
        proposer_visit=visit.id, target_visit=other.id, keep=keep, message=(message or "").strip()[:2000],
        proposed_by=user.id, proposer_fingerprint=fingerprint(visit), target_fingerprint=fingerprint(other))
    _audit("joint_propose", proposal, visit, other, user)
    return proposal


def visible_proposal(proposal_id, scope):
    """The proposal and its two plans, if the user sees either plan; else None (as if absent)."""
    proposal = JointProposal.get_or_none(JointProposal.id == proposal_id)
    if proposal is None:
        return None
    proposer, target = Visit.get_by_id(proposal.proposer_visit_id), Visit.get_by_id(proposal.target_visit_id)
    if not (scope.sees_visit(proposer) or scope.sees_visit(target)):
        return None
    return proposal, proposer, target


def is_current(proposal, proposer, target, prints=None):
    """Still open to an answer: pending, both plans still to be carried out and unchanged.
    `prints`: visit id -> fingerprint, when the caller computed them for many proposals at once."""
    return proposal.state == vocab.JOINT_PENDING and _unchanged(proposal, proposer, target, prints)


def _unchanged(proposal, proposer, target, prints=None):
    def print_of(visit):
        return prints[visit.id] if prints is not None else fingerprint(visit)
    return (proposer.state in COMBINABLE and target.state in COMBINABLE
            and proposal.proposer_fingerprint == print_of(proposer)
            and proposal.target_fingerprint == print_of(target))


def may_answer(proposal, proposer, target, user, scope):
    """The other side answers: the target plan's planner, or a leader or admin involved in neither
    plan; never the person who proposed."""
    if proposal.state != vocab.JOINT_PENDING or proposal.proposed_by_id == user.id:
        return False
    if scope.is_owner(target):
        return True
    return scope.is_reviewer and not is_involved(target, scope) and not is_involved(proposer, scope)


def may_withdraw(proposal, proposer, user, scope):
    return proposal.state == vocab.JOINT_PENDING and (proposal.proposed_by_id == user.id
                                                      or scope.is_owner(proposer))


def answer(proposal, proposer, target, accept, comment, user, scope):
    """Accept (the plans are combined) or decline. Returns the joint visit when accepted. Raises
    ProposalLapsed when the plans changed since (the caller then records that with `lapse`), and
    WorkflowError when another answer came first. Call inside a transaction.

    What the request read before its transaction may be stale by now (two clicks, two tabs, two
    proposals naming one plan answered at once): the plans are locked and read again, and the
    proposal is closed only if it is still pending, before anything is combined."""
    if not may_answer(proposal, proposer, target, user, scope):
        raise PermissionError
    proposer, target = _locked(proposer, target)
    comment = (comment or "").strip()[:2000]
    if not _close(proposal, vocab.JOINT_ACCEPTED if accept else vocab.JOINT_DECLINED, user, comment):
        raise WorkflowError(ALREADY_CLOSED)
    if not _unchanged(proposal, proposer, target):
        raise ProposalLapsed("Một trong hai kế hoạch đã thay đổi sau khi đề nghị; đề nghị này hết hiệu lực. "
                             "Hãy xem lại và đề nghị lại nếu vẫn cần đi chung.")
    if not accept:
        _audit("joint_decline", proposal, proposer, target, user)
        return None
    primary, absorbed = (proposer, target) if proposal.keep == KEEP_MINE else (target, proposer)
    # The joint plan stays approved only if both plans were and the person agreeing may review it:
    # a leader or admin involved in neither plan (the target's planner never approves by agreeing).
    approved = (primary.state == absorbed.state == vocab.APPROVED and scope.is_reviewer
                and not scope.is_owner(target) and not is_involved(proposer, scope)
                and not is_involved(target, scope))
    joint = combine(primary, absorbed, user, approved)
    _audit("joint_accept", proposal, proposer, target, user)
    _lapse_others(proposal)
    return joint


def lapse(proposal, proposer, target, user):
    """Close a proposal that can no longer be answered (its own transaction: the answer's rolled back)."""
    if _close(proposal, vocab.JOINT_LAPSED, user, ""):
        _audit("joint_lapse", proposal, proposer, target, user)


def withdraw(proposal, proposer, target, user, scope):
    if not may_withdraw(proposal, proposer, user, scope):
        raise PermissionError
    if not _close(proposal, vocab.JOINT_WITHDRAWN, user, ""):
        raise WorkflowError(ALREADY_CLOSED)
    _audit("joint_withdraw", proposal, proposer, target, user)


def _locked(*visits):
    """The plans as they are now, kept from changing until the transaction ends. The no-op UPDATE
    takes their row locks on PostgreSQL, waiting for a transaction that is changing them (SQLite:
    the database's one write lock); taken before the proposal's, always in this order, so that two
    answers naming one plan wait for each other instead of deadlocking."""
    ids = [visit.id for visit in visits]
    Visit.update(version=Visit.version).where(Visit.id.in_(ids)).execute()
    fresh = {visit.id: visit for visit in Visit.select().where(Visit.id.in_(ids))}
    return [fresh[visit_id] for visit_id in ids]


def _close(proposal, state, user, comment):
    """Close the proposal if it is still pending; False when another answer closed it first."""
    now = utcnow()
    closed = JointProposal.update(state=state, answered_by=user.id, answered_at=now, answer=comment).where(
        (JointProposal.id == proposal.id) & (JointProposal.state == vocab.JOINT_PENDING)).execute()
    if closed:
        proposal.state, proposal.answered_by, proposal.answered_at = state, user.id, now
        proposal.answer = comment
    return bool(closed)


def _lapse_others(accepted):
    """Other pending proposals naming either plan: one of them is now cancelled, the other changed."""
    ids = [accepted.proposer_visit_id, accepted.target_visit_id]
    (JointProposal.update(state=vocab.JOINT_LAPSED, answered_at=utcnow())
     .where((JointProposal.state == vocab.JOINT_PENDING) & (JointProposal.id != accepted.id)
            & (JointProposal.proposer_visit.in_(ids) | JointProposal.target_visit.in_(ids))).execute())


def _audit(action, proposal, proposer, target, user):
    details = {"đề nghị": f"#{proposal.id}", "kế hoạch đề nghị": f"#{proposer.id}",
               "kế hoạch được đề nghị": f"#{target.id}", "trạng thái": proposal.state_label}
    if proposal.answer:
        details["ý kiến"] = proposal.answer
    for visit in (proposer, target):
        audit.record(action, "visit", visit, details, actor=user)


@dataclass
class ProposalView:
    """A proposal as one side sees it: the other side told as in an overlap notice."""

    proposal: object
    incoming: bool  # addressed to the viewer's side
    own_visit: object
    other_department: str
    other_start: object  # None once the proposal is no longer current, unless the viewer may open it
    other_end: object
    other_visit: object  # only when the viewer may open it
    current: bool
    can_answer: bool
    can_withdraw: bool
    # For the one who may answer: every department whose people will see the joint visit through
    # the other plan (its own, its lead's, its participants'), the other department being only one.
    other_departments: tuple = ()

    @property
    def keeps_own(self):
        """Is the viewer's plan the one kept as the joint visit?"""
        return self.proposal.keep == (KEEP_OTHER if self.incoming else KEEP_MINE)

    @property
    def status(self):
        if self.proposal.state != vocab.JOINT_PENDING:
            return self.proposal.state_label
        if not self.current:
            return vocab.JOINT_STATE_LABELS[vocab.JOINT_LAPSED]
        return "Chờ phòng này trả lời" if self.incoming else self.proposal.state_label


def proposals_of(visit, user, scope):
    """Every proposal naming `visit`, newest first, as the viewer of `visit` may know them."""
    rows = list(JointProposal.select().where((JointProposal.proposer_visit == visit.id)
                                             | (JointProposal.target_visit == visit.id))
                .order_by(JointProposal.id.desc()))
    return _views(rows, {visit.id}, user, scope)


def inbox(user, scope, limit=50):
    """Pending proposals the user may answer, and pending ones their side sent, for the dashboard."""
    if not scope.has_access:
        return []
    # Narrowed in the query, not after it: other people's proposals, and stale ones whose plans
    # were since done or cancelled, must not crowd the viewer's own out of the first rows read.
    open_plans = Visit.select(Visit.id).where(Visit.state.in_(COMBINABLE))
    query = JointProposal.select().where((JointProposal.state == vocab.JOINT_PENDING)
                                         & JointProposal.proposer_visit.in_(open_plans)
                                         & JointProposal.target_visit.in_(open_plans))
    if not scope.sees_all:
        query = query.where(JointProposal.proposer_visit.in_(scope.visible_ids())
                            | JointProposal.target_visit.in_(scope.visible_ids()))
    rows = list(query.order_by(JointProposal.proposed_at).limit(500))
    views = []
    for view in _views(rows, None, user, scope):
        if view.can_answer or view.can_withdraw:
            views.append(view)
    return views[:limit]


def _views(rows, own_ids, user, scope):
    if not rows:
        return []
    visits = {v.id: v for v in Visit.select().where(
        Visit.id.in_({i for p in rows for i in (p.proposer_visit_id, p.target_visit_id)}))}
    departments = dict(Department.select(Department.id, Department.name).tuples())
    # The plans of pending proposals, loaded together (a few queries in all, not a few per plan).
    pending = [visits[i] for i in {i for p in rows if p.state == vocab.JOINT_PENDING
                                   for i in (p.proposer_visit_id, p.target_visit_id)}]
    prints = {b.visit.id: fingerprint(b.visit, b) for b in load_bundles(pending, with_report=False)}
    views = []
    for proposal in rows:
        proposer, target = visits[proposal.proposer_visit_id], visits[proposal.target_visit_id]
        if own_ids is None:  # the dashboard: the side the viewer stands on
            sees_target = scope.sees_visit(target)
            incoming = sees_target and may_answer(proposal, proposer, target, user, scope)
        else:
            incoming = target.id in own_ids
        own, other = (target, proposer) if incoming else (proposer, target)
        if not scope.sees_visit(own):
            continue
        current = is_current(proposal, proposer, target, prints)
        can_answer = current and may_answer(proposal, proposer, target, user, scope)
        other_visit = other if scope.sees_visit(other) else None
        # The other plan's dates as the proposal was made on them, no later: an old proposal must
        # not follow a plan the viewer may not open when it moves, or goes back to being a draft.
        dated = other_visit is not None or current
        views.append(ProposalView(
            proposal=proposal, incoming=incoming, own_visit=own,
            other_department=departments.get(other.department_id, ""),
            other_start=other.start_date if dated else None, other_end=other.end_date if dated else None,
            other_visit=other_visit,
            current=current, can_answer=can_answer,
            can_withdraw=may_withdraw(proposal, proposer, user, scope),
            other_departments=_departments_taking_part(other, departments) if can_answer else ()))
    return views


def _departments_taking_part(visit, names):
    """The departments of `visit`, of its lead and of its participants: combined with it, a plan is
    seen by all of their field staff (visits.access)."""
    people = VisitParticipant.select(VisitParticipant.official).where(VisitParticipant.visit == visit.id)
    ids = {visit.department_id} | {department for (department,) in Official.select(Official.department)
                                   .where((Official.id == visit.lead_id) | Official.id.in_(people)).tuples()}
    return tuple(sorted(names.get(department, "") for department in ids))



@dataclass
class PairSide:
    """One plan of an overlapping pair on the dashboard, as the viewer may know it."""

    department: str
    start: object
    visit: object = None  # only when the viewer may open it


def dashboard_overlaps(scope, today, horizon_days=60, limit=100):
    """The overlapping pairs of upcoming plans that the viewer has a part in, each side told as an
    overlap notice tells it: a plan the viewer may not open appears only when submitted or approved,
    and only as its department and dates."""
    pairs = overlapping_pairs_in_view(scope, today, DEFAULT_OVERLAP_WINDOW, horizon_days)
    if not pairs:
        return []
    ids = list({span.id for a, b, _shared, _gap in pairs for span in (a, b)})
    visible = {vid for (vid,) in scope.restrict(Visit.select(Visit.id).where(Visit.id.in_(ids))).tuples()}
    states = dict(Visit.select(Visit.id, Visit.state).where(Visit.id.in_(ids)).tuples())
    titles = dict(Visit.select(Visit.id, Visit.title).where(Visit.id.in_(list(visible))).tuples())
    departments = dict(Department.select(Department.id, Department.name).tuples())
    rows = []
    for a, b, _shared, gap in pairs:
        if any(span.id not in visible and states.get(span.id) not in NOTICE_STATES for span in (a, b)):
            continue
        rows.append((*(PairSide(departments.get(span.department_id, ""), span.start,
                                Visit(id=span.id, title=titles[span.id]) if span.id in visible else None)
                       for span in (a, b)), gap))
        if len(rows) >= limit:
            break
    return rows
