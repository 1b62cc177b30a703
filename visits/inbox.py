"""What waits for one person in field visits: the inboxes of the back-office dashboard.

Every list is cut by the one visibility rule (visits.access.Scope) and then by the rule of the step
the person would take (visits.workflow.may_review, visits.joint.may_answer): an inbox never names a
record its reader may not open, nor one they cannot act on."""

from dataclasses import dataclass

from cms.timeutil import to_local

from . import joint, vocab
from .calendar import today_local
from .models import Department, FollowUp, Visit
from .stats import overdue_follow_ups
from .workflow import may_review

INBOX_SIZE = 10


@dataclass
class Waiting:
    visit: Visit
    days: int  # whole days since it was submitted

    @property
    def label(self):
        return "gửi hôm nay" if self.days <= 0 else f"chờ {self.days} ngày"


def plans_to_review(scope, today=None):
    """Submitted plans this reviewer may decide on, the longest waiting first."""
    if not scope.is_reviewer:
        return []
    today = today or today_local()
    query = scope.restrict(Visit.select(Visit, Department).join(Department)
                           .where(Visit.state == vocab.SUBMITTED)).order_by(Visit.submitted_at, Visit.id)
    waiting = []
    for visit in query.limit(INBOX_SIZE * 3):  # a few more: those the reviewer is part of drop out
        if may_review(visit, scope):
            submitted = to_local(visit.submitted_at or visit.updated_at).date()
            waiting.append(Waiting(visit, (today - submitted).days))
    return waiting[:INBOX_SIZE]


def proposals_to_answer(scope, user):
    """Pending joint-visit proposals that `user` may accept or decline now (joint.inbox's views:
    a proposal whose plans changed since it was made has lapsed and is not listed)."""
    return [view for view in joint.inbox(user, scope) if view.can_answer][:INBOX_SIZE]


def returned_plans(scope):
    """The plans a reviewer sent back to this planner."""
    if not scope.has_access:
        return []
    return list(Visit.select().where((Visit.state == vocab.RETURNED) & scope.planned_condition())
                .order_by(Visit.id.desc()).limit(INBOX_SIZE))


def overdue_for_reviewer(scope, today=None):
    """Overdue follow-ups of the departments a reviewer leads: the departments of the officials
    their account is linked to, or every department for a reviewer linked to none."""
    if not scope.is_reviewer:
        return []
    today = today or today_local()
    if not scope.department_ids:
        return overdue_follow_ups(scope, today, limit=INBOX_SIZE)[0]
    items = []
    for department_id in sorted(scope.department_ids):
        items += overdue_follow_ups(scope, today, department_id, limit=INBOX_SIZE)[0]
    return sorted(items, key=lambda f: (f.due_date, f.id))[:INBOX_SIZE]


def my_overdue(scope, today=None):
    """Open follow-ups past due that this person carries out or whose visit they planned."""
    if not scope.has_access:
        return []
    today = today or today_local()
    mine = scope.planned_condition()
    if scope.official_ids:
        mine = mine | FollowUp.official.in_(list(scope.official_ids))
    return list(FollowUp.select(FollowUp, Visit).join(Visit)
                .where((FollowUp.status == vocab.FOLLOWUP_OPEN) & (FollowUp.due_date < today) & mine)
                .order_by(FollowUp.due_date, FollowUp.id).limit(INBOX_SIZE))
